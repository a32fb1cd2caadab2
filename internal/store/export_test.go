package store

import (
	"context"
	"strconv"
)

// Exported for the external tests of this package.
const (
	AlertAt      = alertAt
	AlertPending = alertPending
)

// Ahead is a batch computed beside the SQLite writer.
type Ahead = aheadBatch

// LockRecomputes is lockRecomputes.
func LockRecomputes(ctx context.Context, db *DB) (func(), error) { return db.lockRecomputes(ctx) }

// SetRetargetHook makes every recompute batch call f between reading its
// clocks and writing them: on SQLite once the reader beside the writer has
// computed the batch and before the writer's transaction, on PostgreSQL
// inside the batch's transaction. The test sets it before the run.
func SetRetargetHook(db *DB, f func()) { db.retargetHook = f }

// RetargetAhead is retargetAhead, for the tests and the benchmark of the
// SQLite writer alone.
func (db *DB) RetargetAhead(ctx context.Context, run *RetargetRun, after int64, out chan<- *aheadBatch) error {
	return db.retargetAhead(ctx, run, after, run.Batch, out)
}

// RetargetBatch writes one batch of a recompute in tx as RetargetClocks
// does, with the targets computed ahead (SQLite) or nil.
func (tx *Tx) RetargetBatch(ctx context.Context, db *DB, run *RetargetRun, ahead *aheadBatch, after int64) (saved []ClockMove, seen int, last int64, err error) {
	if db.engine == SQLite {
		return tx.retargetBatch(ctx, db.retargets, run, ahead, after)
	}
	return tx.retargetPostgres(ctx, run, after, nil)
}

// Exec runs a statement in tx, for tests that replay part of a migration.
func (tx *Tx) Exec(ctx context.Context, query string) error {
	_, err := tx.exec(ctx, query)
	return err
}

// SetMaxPageCount sets SQLite's max_page_count on the writer connection:
// lowered to 1 it becomes the current size, so a write that needs a fresh
// page fails with SQLITE_FULL, as on a full disk.
func SetMaxPageCount(ctx context.Context, db *DB, n int) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, "PRAGMA max_page_count = "+strconv.Itoa(n))
		return err
	})
}
