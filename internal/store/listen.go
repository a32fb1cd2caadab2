package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
)

// ErrNoListen is returned by Listen on SQLite, where one process owns the
// database and no other instance can change it.
var ErrNoListen = errors.New("store: notifications need PostgreSQL")

// Listen holds a connection LISTENing on the channels and calls f with the
// channel and payload of each notification, in the order they were sent, and
// once with "" for both when listening starts (so that nothing sent before is
// missed: the caller catches up), until ctx ends or the connection fails.
func (db *DB) Listen(ctx context.Context, channels []string, f func(channel, payload string)) error {
	if db.engine != Postgres {
		return ErrNoListen
	}
	conn, err := db.rdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		// Leave the pooled connection as it was found.
		defer pc.Exec(context.Background(), "UNLISTEN *")
		for _, ch := range channels {
			if _, err := pc.Exec(ctx, "LISTEN "+quoteIdent(ch)); err != nil {
				return fmt.Errorf("store: listen: %w", err)
			}
		}
		f("", "")
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("store: listen: %w", err)
			}
			f(n.Channel, n.Payload)
		}
	})
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}
