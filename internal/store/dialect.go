package store

import (
	"context"

	"database/sql"
	"errors"
	"github.com/casedesk/casedesk"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The queries in this package are written once for both engines: $N
// placeholders (SQLite accepts them as positional parameters), RETURNING,
// partial indexes and ON CONFLICT are common ground. Times are stored as
// BIGINT microseconds since the Unix epoch on both, which sorts, indexes and
// compares the same everywhere. What differs is below.

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries holds the queries; DB runs them on the read pool, Tx inside a transaction.
type Queries struct {
	q      querier
	engine Engine
	stmts  *stmtCache // SQLite only; see stmt.go
	tx     *sql.Tx    // set with stmts inside a write transaction
	// created collects the history events written in a transaction, for
	// desk to publish once it commits.
	created *[]casedesk.Event
	// h holds the deadlines and classifies database trouble (outage.go).
	h *health
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isSerializationFailure(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// ts converts a time to the stored form.
func ts(t time.Time) int64 { return t.UnixMicro() }

// tsp converts an optional time; nil stays NULL.
func tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

// fromTS converts a stored time back, in UTC.
func fromTS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullTS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromTS(v.Int64)
	return &t
}

func nullID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	id := v.Int64
	return &id
}

func idArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// joinList and splitList keep short string lists (agent languages, skills)
// in one text column, which both engines handle alike.
func joinList(l []string) string { return strings.Join(l, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// args collects positional arguments for a query built from optional
// filters, numbering placeholders as it goes.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// jsonIDs is a subquery, ids, of one column, id, with the integers of the JSON
// array bound to param: how one statement takes a list of any length.
func (q *Queries) jsonIDs(param string) string {
	if q.engine == SQLite {
		return "(SELECT value AS id FROM json_each(" + param + ")) ids"
	}
	return "(SELECT value::bigint AS id FROM json_array_elements_text(" + param + "::json)) ids"
}

// list adds each id as an argument and returns "$i, $j, …".
func (a *args) list(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.add(id))
	}
	return b.String()
}

// likePrefix turns s into a LIKE pattern matching strings that start with it.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return strings.ToLower(r.Replace(s)) + "%"
}

// limit clamps a page size: 50 when unset, never above 1000. Callers check
// the range they offer; this only keeps a query bounded.
func limit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return n
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
