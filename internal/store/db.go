// Package store is the only package with SQL. It keeps casedesk's data in
// embedded SQLite (the default) or PostgreSQL, with the same hand-written
// queries on both; the few dialect differences live in dialect.go and in the
// per-engine migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers database/sql driver "pgx"
	_ "modernc.org/sqlite"           // database/sql driver "sqlite"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Config says where the data lives.
type Config struct {
	// URL selects PostgreSQL when it starts with postgres:// or postgresql://.
	URL string
	// Dir holds the SQLite file when URL is empty.
	Dir string
	// MaxBatch bounds how many writes one SQLite transaction commits together.
	MaxBatch int
	// StatementTimeout bounds each statement and each commit (not SQLite's
	// writer, which is local): past it the call fails as unavailable.
	// Zero means DefaultStatementTimeout.
	StatementTimeout time.Duration
	// AcquireTimeout bounds the wait for a connection: a new PostgreSQL
	// connection (connect_timeout), a pooled one for a write, SQLite's
	// lock (busy_timeout). Zero means DefaultAcquireTimeout.
	AcquireTimeout time.Duration
}

// DB is an open database. Reads go to a pool; writes go through Write, which
// on SQLite funnels every transaction through one connection and commits
// concurrent writes together (group commit: one fsync for many writes).
type DB struct {
	Queries // reads outside a transaction

	engine Engine
	rdb    *sql.DB
	wdb    *sql.DB
	wstmts *stmtCache
	writes chan *writeOp
	done   chan struct{}
	closed chan struct{}
	batch  int

	recomputing chan struct{} // SQLite's lockRecomputes
	// retargets are the recompute batches running on the SQLite writer,
	// which the SQL functions of its connection find by slot
	// (retarget_sqlite.go).
	retargets *retargetSlots
	// retargetHook, when set (tests, export_test.go), runs in each
	// recompute batch between reading the clocks and writing them.
	retargetHook func()

	h *health // deadlines and outage state (outage.go)
}

// Engine reports which engine is in use.
func (db *DB) Engine() Engine { return db.engine }

// SQL returns the read pool, for metrics and health checks.
func (db *DB) SQL() *sql.DB { return db.rdb }

// Open connects to the database described by cfg. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	if cfg.StatementTimeout <= 0 {
		cfg.StatementTimeout = DefaultStatementTimeout
	}
	if cfg.AcquireTimeout <= 0 {
		cfg.AcquireTimeout = DefaultAcquireTimeout
	}
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		return openPostgres(ctx, cfg)
	}
	if cfg.URL != "" {
		return nil, fmt.Errorf("store: unsupported database URL scheme in %q (want postgres://)", redact(cfg.URL))
	}
	return openSQLite(ctx, cfg)
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable)"
	}
	return p.Redacted()
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	pgcfg, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres %s: %w", redact(cfg.URL), err)
	}
	if pgcfg.ConnectTimeout == 0 || pgcfg.ConnectTimeout > cfg.AcquireTimeout {
		pgcfg.ConnectTimeout = cfg.AcquireTimeout
	}
	h := &health{stmtTimeout: cfg.StatementTimeout, acquireTimeout: cfg.AcquireTimeout}
	pool := stdlib.OpenDB(*pgcfg, stdlib.OptionShouldPing(h.shouldPing))
	pool.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
	pool.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to postgres %s: %w", redact(cfg.URL), err)
	}
	db := &DB{engine: Postgres, rdb: pool, wdb: pool, h: h}
	db.Queries = Queries{q: pool, engine: Postgres, h: h}
	return db, nil
}

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Dir == "" {
		cfg.Dir = "."
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	path := filepath.Join(cfg.Dir, "casedesk.db")
	busy := strconv.FormatInt(cfg.AcquireTimeout.Milliseconds(), 10)
	// synchronous=FULL: a COMMIT returns only after the WAL is on disk, so an
	// acknowledged write survives a crash or power loss.
	// temp_store(MEMORY) keeps the savepoint journal of group commit in
	// memory rather than in a temporary file written page by page.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(" + busy + ")&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16384)&_pragma=wal_autocheckpoint(8192)&_txlock=immediate"
	// The writer's driver has the recompute functions (retarget_sqlite.go).
	slots := &retargetSlots{}
	wdb := sql.OpenDB(connector{drv: retargetDriver(slots), dsn: dsn})
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	if err := wdb.PingContext(ctx); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	rdb, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout("+busy+")&_pragma=query_only(1)")
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	n := 2 * runtime.GOMAXPROCS(0)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	rdb.SetConnMaxLifetime(0)
	db := &DB{
		engine: SQLite, rdb: rdb, wdb: wdb, batch: cfg.MaxBatch,
		writes: make(chan *writeOp, cfg.MaxBatch),
		done:   make(chan struct{}), closed: make(chan struct{}),
		recomputing: make(chan struct{}, 1), retargets: slots,
		h: &health{stmtTimeout: cfg.StatementTimeout, acquireTimeout: cfg.AcquireTimeout},
	}
	db.wstmts = newStmtCache(wdb)
	db.wstmts.deferred = true
	db.Queries = Queries{q: rdb, engine: SQLite, stmts: newStmtCache(rdb), h: db.h}
	go db.writer()
	return db, nil
}

// Close stops the writer and closes the pools. Writes in flight finish first.
func (db *DB) Close() error {
	if db.writes != nil {
		close(db.done)
		<-db.closed
		db.wstmts.close()
		db.Queries.stmts.close()
	}
	err := db.rdb.Close()
	if db.wdb != db.rdb {
		err = errors.Join(err, db.wdb.Close())
	}
	return err
}

// Ping checks that the database answers a read within the statement
// deadline; it fails as unavailable when it does not.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.queryRow(ctx, "SELECT 1").Scan(&one)
}

// Tx is a write transaction. Its Queries see the transaction's own writes.
type Tx struct {
	Queries
	after  []func()
	events []casedesk.Event
}

func newTx(q Queries) *Tx {
	tx := &Tx{Queries: q}
	tx.created = &tx.events
	return tx
}

// Events returns the history events the transaction wrote so far.
func (tx *Tx) Events() []casedesk.Event { return tx.events }

// Engine reports which engine the transaction runs on.
func (tx *Tx) Engine() Engine { return tx.engine }

// Notify sends a PostgreSQL notification on channel, with the payload, when
// the transaction commits, so that other instances learn of the change; on
// SQLite, where one process owns the database, it does nothing.
func (tx *Tx) Notify(ctx context.Context, channel, payload string) error {
	if tx.engine != Postgres {
		return nil
	}
	if _, err := tx.q.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, payload); err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}

// AfterCommit registers f to run once the transaction is durable: the place
// to publish events that others must only see for committed data.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Write runs fn in a transaction and commits it. If fn returns an error,
// nothing fn wrote is kept. fn must only touch the database: on SQLite it runs
// on the single writer with other callers' writes, so it must be quick and
// must not wait for anything else.
//
// A write the database could not take (it is unreachable, frozen past the
// deadlines, or full) fails with casedesk.EUNAVAILABLE; it may then have
// committed or not, but never in part.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	err := db.h.classify(db.write(ctx, fn))
	db.h.noteWrite(err)
	return err
}

func (db *DB) write(ctx context.Context, fn func(*Tx) error) error {
	if db.engine == Postgres {
		return db.writePostgres(ctx, fn)
	}
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.done:
		return errors.New("store: closed")
	}
	// Once queued, wait for the outcome even if ctx ends: the writer decides,
	// and a caller must not report failure for a write that then commits.
	err := <-op.done
	if err == nil {
		for _, f := range op.tx.after {
			f()
		}
	}
	return err
}

func (db *DB) writePostgres(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 0; ; attempt++ {
		// The transaction lives in txctx, which a watchdog cancels when
		// taking a connection and beginning, or committing, overruns its
		// deadline; fn's statements each have their own (stmt.go).
		txctx, cancel := context.WithCancel(ctx)
		watch := time.AfterFunc(db.h.acquireTimeout, cancel)
		sqltx, err := db.wdb.BeginTx(txctx, nil)
		if !watch.Stop() {
			if err == nil {
				sqltx.Rollback()
			}
			err = fmt.Errorf("no connection within %s: %w", db.h.acquireTimeout, context.DeadlineExceeded)
		}
		if err != nil {
			cancel()
			return fmt.Errorf("store: begin: %w", err)
		}
		tx := newTx(Queries{q: sqltx, engine: Postgres, h: db.h})
		err = fn(tx)
		if err == nil {
			watch = time.AfterFunc(db.h.stmtTimeout, cancel)
			err = sqltx.Commit()
			if !watch.Stop() && err != nil {
				err = fmt.Errorf("store: commit: not done within %s: %w", db.h.stmtTimeout, context.DeadlineExceeded)
			}
		} else {
			sqltx.Rollback()
		}
		cancel()
		if err != nil && isSerializationFailure(err) && attempt < 5 {
			continue
		}
		if err != nil {
			return err
		}
		for _, f := range tx.after {
			f()
		}
		return nil
	}
}

type writeOp struct {
	ctx  context.Context
	fn   func(*Tx) error
	tx   *Tx
	done chan error
}

// writer owns the SQLite write connection. It takes whatever writes are
// queued, runs each inside a savepoint of one transaction (a failing write
// rolls back to its savepoint and leaves the others alone), and commits once.
func (db *DB) writer() {
	defer close(db.closed)
	ops := make([]*writeOp, 0, db.batch)
	for {
		ops = ops[:0]
		select {
		case op := <-db.writes:
			ops = append(ops, op)
		case <-db.done:
			// Drain what was queued before Close.
			for {
				select {
				case op := <-db.writes:
					db.commitBatch([]*writeOp{op})
				default:
					return
				}
			}
		}
	fill:
		for len(ops) < db.batch {
			select {
			case op := <-db.writes:
				ops = append(ops, op)
			default:
				break fill
			}
		}
		db.commitBatch(ops)
	}
}

func (db *DB) commitBatch(ops []*writeOp) {
	ctx := context.Background()
	sqltx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		for _, op := range ops {
			op.done <- fmt.Errorf("store: begin: %w", err)
		}
		return
	}
	if len(ops) == 1 {
		// Alone in its batch, a write needs no savepoint: an error rolls back
		// the whole transaction. Big writes (recomputing thousands of clocks)
		// avoid the savepoint journal this way.
		op := ops[0]
		op.tx = newTx(Queries{q: sqltx, engine: SQLite, stmts: db.wstmts, tx: sqltx, h: db.h})
		err := op.ctx.Err()
		if err == nil {
			err = runProtected(op.fn, op.tx)
		}
		if err != nil {
			sqltx.Rollback()
		} else if err = sqltx.Commit(); err != nil {
			err = fmt.Errorf("store: commit: %w", err)
		}
		op.done <- err
		db.wstmts.prepareWanted(ctx)
		return
	}
	errs := make([]error, len(ops))
	var broken error
	for i, op := range ops {
		op.tx = newTx(Queries{q: sqltx, engine: SQLite, stmts: db.wstmts, tx: sqltx, h: db.h})
		if err := op.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := sqltx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			errs[i] = fmt.Errorf("store: savepoint: %w", err)
			continue
		}
		errs[i] = runProtected(op.fn, op.tx)
		if sqliteTrouble(errs[i]) {
			// On a full disk, an I/O error or a lock it could not get,
			// SQLite may roll back the whole transaction, and later
			// savepoints would run outside it: end the batch, none of it
			// commits.
			broken = errs[i]
			break
		}
		if errs[i] != nil {
			if _, err := sqltx.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				errs[i] = errors.Join(errs[i], err)
			}
		}
		if _, err := sqltx.ExecContext(ctx, "RELEASE w"); err != nil && errs[i] == nil {
			errs[i] = fmt.Errorf("store: release: %w", err)
		}
	}
	if broken != nil {
		sqltx.Rollback()
		for i := range errs {
			if errs[i] == nil {
				errs[i] = broken
			}
		}
	} else if err := sqltx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("store: commit: %w", err)
			}
		}
	}
	for i, op := range ops {
		op.done <- errs[i]
	}
	db.wstmts.prepareWanted(ctx)
}

func runProtected(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: write panicked: %v", r)
		}
	}()
	return fn(tx)
}
