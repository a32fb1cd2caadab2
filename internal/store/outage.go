package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Database trouble (a stopped, frozen or crashed PostgreSQL, a full disk
// under SQLite) leaves this package as one kind of error: casedesk's
// EUNAVAILABLE with a RetryAfter, which the transports answer 503 with
// Retry-After, so that nothing above store needs to know an engine's
// errors. Every statement and every wait for a connection has a deadline,
// so the answer comes within a bounded time, and a pooled connection that
// has not been used since the database last failed is checked before use,
// so the first request after the database returns succeeds.

// Default deadlines, used when Config leaves them zero.
const (
	DefaultStatementTimeout = 5 * time.Second
	DefaultAcquireTimeout   = 3 * time.Second
)

// RetryAfter is what an unavailable error tells the client to wait. The
// store reconnects on the first call after the database returns, so any
// retry may succeed; a short wait keeps clients from spinning meanwhile.
const RetryAfter = 2 * time.Second

// unavailableError is a failure of the database rather than of the call: it
// unwraps both to the error shown (EUNAVAILABLE) and to the engine's cause.
type unavailableError struct {
	shown *casedesk.Error
	cause error
}

func (e *unavailableError) Error() string {
	return "store: database unavailable: " + e.cause.Error()
}

func (e *unavailableError) Unwrap() []error { return []error{e.shown, e.cause} }

// health is what a DB's Queries share: the deadlines and the outage state.
type health struct {
	stmtTimeout    time.Duration
	acquireTimeout time.Duration
	// lastFailure is when the database last failed a call (UnixNano), 0
	// if never: pooled connections idle since then are pinged before use.
	lastFailure atomic.Int64
	// writesFailing is set when a write fails because the database is
	// unavailable and cleared when one commits; Ready probes while it is set.
	writesFailing atomic.Bool
}

// classify turns database trouble into an unavailable error and records
// the failure; any other error (nil included) is returned as it is.
func (h *health) classify(err error) error {
	if err == nil || !unavailable(err) {
		return err
	}
	h.lastFailure.Store(time.Now().UnixNano())
	var ue *unavailableError
	if errors.As(err, &ue) {
		return err
	}
	return &unavailableError{
		shown: casedesk.RetryLater(casedesk.EUNAVAILABLE, RetryAfter, "The database is unavailable; try again shortly."),
		cause: err,
	}
}

// shouldPing tells pgx to check a pooled connection before use when it has
// been idle over a second (pgx's own rule) or since the database last
// failed: a connection the server or the network dropped meanwhile would
// otherwise fail the first call after recovery.
func (h *health) shouldPing(_ context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration > time.Second {
		return true
	}
	last := h.lastFailure.Load()
	return last != 0 && time.Now().Add(-p.IdleDuration).UnixNano() <= last
}

// SQLite result codes (the primary code is the low byte of an extended one).
const (
	sqliteBusy  = 5
	sqliteIOErr = 10
	sqliteFull  = 13
)

// unavailable reports whether err says the database cannot be reached or
// cannot write now, rather than that the call itself was wrong.
func unavailable(err error) bool {
	var ue *unavailableError
	if errors.As(err, &ue) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, context.Canceled) {
		return false // the caller left; the database may be fine
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code[:2] == "08", // connection exception
			pg.Code[:2] == "53",                                        // insufficient resources: disk full, too many connections
			pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03", // admin or crash shutdown, cannot connect now
			pg.Code == "57014": // query canceled (statement_timeout)
			return true
		}
		return false
	}
	if lite := (interface{ Code() int })(nil); errors.As(err, &lite) {
		return sqliteTrouble(err)
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) ||
		pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// sqliteTrouble reports whether err is SQLite's full disk, I/O error or
// busy lock.
func sqliteTrouble(err error) bool {
	var lite interface{ Code() int }
	if err == nil || !errors.As(err, &lite) {
		return false
	}
	switch lite.Code() & 0xff {
	case sqliteBusy, sqliteIOErr, sqliteFull:
		return true
	}
	return false
}

// bounded returns ctx with the statement deadline, unless the statement
// runs on SQLite's writer, which is local, bounded by its busy timeout, and
// whose statements an interruption would roll back with the whole group.
func (q *Queries) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if q.h == nil || q.h.stmtTimeout <= 0 || (q.engine == SQLite && q.tx != nil) {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, q.h.stmtTimeout)
}

func (q *Queries) classify(err error) error {
	if q.h == nil {
		return err
	}
	return q.h.classify(err)
}

// row is a single-row result whose Scan ends the statement's deadline and
// classifies its error.
type row struct {
	r      *sql.Row
	cancel context.CancelFunc
	q      *Queries
}

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	r.cancel()
	return r.q.classify(err)
}

// rows is a result set whose Close ends the statement's deadline and whose
// errors are classified.
type rows struct {
	*sql.Rows
	cancel context.CancelFunc
	q      *Queries
}

func (r *rows) Scan(dest ...any) error { return r.q.classify(r.Rows.Scan(dest...)) }
func (r *rows) Err() error             { return r.q.classify(r.Rows.Err()) }
func (r *rows) Close() error {
	err := r.Rows.Close()
	r.cancel()
	return r.q.classify(err)
}

// Ready reports whether the database answers reads and, when the last
// write failed for want of the database, whether a write can commit again
// (a probe that allocates fresh space: on SQLite a table created, filled
// and dropped; on PostgreSQL a transaction with an id, whose commit is
// flushed). A write that commits clears the failure, so a serving instance
// turns ready with its first successful write, an idle one with a probe.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	if !db.h.writesFailing.Load() {
		return nil
	}
	return db.probe(ctx)
}

func (db *DB) probe(ctx context.Context) error {
	stmts := []string{"SELECT txid_current()"}
	if db.engine == SQLite {
		stmts = []string{
			"CREATE TABLE casedesk_write_probe (b BLOB)",
			"INSERT INTO casedesk_write_probe VALUES (zeroblob(16384))",
			"DROP TABLE casedesk_write_probe",
		}
	}
	return db.Write(ctx, func(tx *Tx) error {
		for _, s := range stmts {
			if _, err := tx.q.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("store: write probe: %w", err)
			}
		}
		return nil
	})
}

// noteWrite records a write's outcome for Ready.
func (h *health) noteWrite(err error) {
	if err == nil {
		h.writesFailing.Store(false)
	} else if errors.As(err, new(*unavailableError)) {
		h.writesFailing.Store(true)
	}
}
