package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// On SQLite the writer is one goroutine on one core. Computing each clock's
// targets inside its UPDATE (casedesk_retarget) puts that work on it too, so
// RetargetAhead computes the coming batches on a reader connection beside
// it. The writer takes a computed result only if the clock's inputs are
// still those it was computed from; any other clock it computes itself.

// Ahead is the targets computed beside the writer for one batch.
type Ahead struct {
	clocks map[int64]aheadClock
}

type aheadClock struct {
	org              int64
	metric, severity string
	opened           int64
	pauses           string
	due, warn        *time.Time
	minutes          int
}

// take returns the computed targets of the clock if its inputs are those
// they were computed from.
func (a *Ahead) take(id, org int64, metric, severity string, opened int64, pauses string) (aheadClock, bool) {
	if a == nil {
		return aheadClock{}, false
	}
	c, ok := a.clocks[id]
	if !ok || c.org != org || c.metric != metric || c.severity != severity || c.opened != opened || c.pauses != pauses {
		return aheadClock{}, false
	}
	return c, true
}

// RetargetAhead computes the run's batches of limit running clocks after
// after, in order, on the reader side, and sends one Ahead per batch until
// there are none or ctx ends; then it closes out. run.For must be safe to
// call from another goroutine. It is for SQLite (on PostgreSQL the
// computation is not on the writer's connection anyway).
func (db *DB) RetargetAhead(ctx context.Context, run *RetargetRun, after int64, limit int, out chan<- *Ahead) error {
	defer close(out)
	for {
		var a args
		rows, err := db.query(ctx, "SELECT id, org_id, metric, severity, opened_at, pauses FROM sla_clocks WHERE stopped_at IS NULL"+
			scopeArg(&a, run.OrgID)+" AND id > "+a.add(after)+" ORDER BY id LIMIT "+a.add(limit), a...)
		if err != nil {
			return fmt.Errorf("store: clocks ahead: %w", err)
		}
		ahead := &Ahead{clocks: make(map[int64]aheadClock, limit)}
		n := 0
		for rows.Next() {
			var id, opened int64
			var c aheadClock
			var pauses sql.NullString
			if err := rows.Scan(&id, &c.org, &c.metric, &c.severity, &opened, &pauses); err != nil {
				rows.Close()
				return fmt.Errorf("store: clocks ahead: %w", err)
			}
			n, after = n+1, id
			c.opened, c.pauses = opened, pauses.String
			rt, err := run.For(c.org)
			if err != nil {
				rows.Close()
				return err
			}
			if rt == nil || !slices.Contains(rt.Metrics, c.metric) {
				continue
			}
			row := ClockRow{ID: id, OrgID: c.org, Metric: c.metric, Severity: c.severity, OpenedAt: fromTS(opened), Pauses: c.pauses}
			if err := rt.Compute(&row); err != nil {
				continue // the writer computes it again and reports the error
			}
			c.due, c.warn, c.minutes = row.DueAt, row.WarnAt, row.TargetMinutes
			ahead.clocks[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case out <- ahead:
		case <-ctx.Done():
			return ctx.Err()
		}
		if n < limit {
			return nil
		}
	}
}
