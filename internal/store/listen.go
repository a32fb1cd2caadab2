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

// Listen holds a connection LISTENing on channel and calls f after each
// notification (and once when listening starts, so nothing sent before is
// missed), until ctx ends or the connection fails.
func (db *DB) Listen(ctx context.Context, channel string, f func()) error {
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
		if _, err := pc.Exec(ctx, "LISTEN "+quoteIdent(channel)); err != nil {
			return fmt.Errorf("store: listen: %w", err)
		}
		f()
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("store: listen: %w", err)
			}
			f()
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
