package store

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// recomputeLockKey is the PostgreSQL advisory lock that recomputes take.
const recomputeLockKey = 0x63617365_64657331 // "casedes1"

// lockRecomputes waits until no other recompute runs, on this instance or
// on any other sharing the database, and returns the function that lets
// the next one go. A recompute measures each organization's clocks with
// the inputs it read when it first met the organization; two running at
// once could let the older one write its older targets over the newer
// one's. Taken in turn, the newer one runs last and its targets stay.
//
// SQLite has one process, so a lock in memory does; PostgreSQL holds a
// session advisory lock on a connection of its own, which the server
// releases if this process dies.
func (db *DB) lockRecomputes(ctx context.Context) (unlock func(), err error) {
	if db.engine == SQLite {
		select {
		case db.recomputing <- struct{}{}:
			return func() { <-db.recomputing }, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	conn, err := db.wdb.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock recomputes: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(recomputeLockKey)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: lock recomputes: %w", err)
	}
	return func() {
		// The pool keeps the connection, and with it the session's lock, so
		// release the lock; if that fails, have the pool close the connection.
		if _, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", int64(recomputeLockKey)); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}
