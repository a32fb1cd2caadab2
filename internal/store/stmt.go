package store

import (
	"context"
	"database/sql"
	"sync"
)

// The SQLite driver parses a statement's SQL on every call unless it is
// prepared; parsing costs more than running most of casedesk's queries. So on
// SQLite each query string is prepared once per pool and reused: on the read
// pool directly, and inside write transactions through tx.StmtContext, which
// reuses the single write connection's prepared statement. PostgreSQL's
// driver caches prepared statements by itself.

type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// deferred caches for the write connection: preparing on the pool while
	// the writer's transaction holds its only connection would deadlock, so
	// queries first seen in a transaction run unprepared and are prepared by
	// prepareWanted once the transaction ends.
	deferred bool
	wanted   map[string]bool
}

// maxStmts bounds the cache; queries built from many filter combinations
// beyond it simply run unprepared.
const maxStmts = 512

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	s := c.m[query]
	c.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.m[query]; s != nil {
		return s, nil
	}
	if len(c.m) >= maxStmts {
		return nil, nil
	}
	if c.deferred {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[query] = true
		return nil, nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = s
	return s, nil
}

// prepareWanted prepares the queries a transaction asked for; the writer
// calls it between transactions, when the connection is free.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for query := range c.wanted {
		if s, err := c.db.PrepareContext(ctx, query); err == nil && len(c.m) < maxStmts {
			c.m[query] = s
		}
	}
	clear(c.wanted)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	clear(c.m)
}

// stmt returns the prepared form of query for this Queries' connection, or
// nil to run it unprepared.
func (q *Queries) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	s, err := q.stmts.get(ctx, query)
	if err != nil || s == nil {
		return nil // the unprepared call reports any error itself
	}
	if q.tx != nil {
		return q.tx.StmtContext(ctx, s)
	}
	return s
}

func (q *Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, cancel := q.bounded(ctx)
	defer cancel()
	if s := q.stmt(ctx, query); s != nil {
		res, err := s.ExecContext(ctx, args...)
		return res, q.classify(err)
	}
	res, err := q.q.ExecContext(ctx, query, args...)
	return res, q.classify(err)
}

func (q *Queries) query(ctx context.Context, query string, args ...any) (*rows, error) {
	ctx, cancel := q.bounded(ctx)
	var r *sql.Rows
	var err error
	if s := q.stmt(ctx, query); s != nil {
		r, err = s.QueryContext(ctx, args...)
	} else {
		r, err = q.q.QueryContext(ctx, query, args...)
	}
	if err != nil {
		cancel()
		return nil, q.classify(err)
	}
	return &rows{Rows: r, cancel: cancel, q: q}, nil
}

func (q *Queries) queryRow(ctx context.Context, query string, args ...any) row {
	ctx, cancel := q.bounded(ctx)
	if s := q.stmt(ctx, query); s != nil {
		return row{r: s.QueryRowContext(ctx, args...), cancel: cancel, q: q}
	}
	return row{r: q.q.QueryRowContext(ctx, query, args...), cancel: cancel, q: q}
}
