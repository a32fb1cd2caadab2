package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
)

// On SQLite the writer is one goroutine on one core. Computing each clock's
// targets inside its UPDATE (casedesk_retarget) puts that work on it too, so
// retargetAhead computes the coming batches on a reader connection beside
// it. The writer takes a computed result only if the clock's inputs are
// still those it was computed from; any other clock it computes itself.

// aheadBatch is the targets computed beside the writer for one batch, in clock
// id order.
type aheadBatch struct {
	seen   int     // running clocks in the batch
	last   int64   // the highest id among them
	orgs   []int64 // their organizations
	clocks []aheadClock
	next   int // where the writer's walk in id order is
}

type aheadClock struct {
	id, org, request int64
	metric, severity string
	pauses           string
	skip             bool // its organization has no share, or its metric is not measured
	due              *time.Time
	dueV, warnV      any // due and warn as stored, boxed here rather than on the writer
	minutes          int
}

// take returns the computed targets of the clock if its inputs are those
// they were computed from. The writer asks in id order, so take walks the
// clocks once rather than hashing each id.
func (a *aheadBatch) take(id, org int64, severity, pauses string) *aheadClock {
	if a.next >= len(a.clocks) || a.clocks[a.next].id > id {
		a.next = 0 // asked out of order: search from the start
	}
	for a.next < len(a.clocks) && a.clocks[a.next].id < id {
		a.next++
	}
	if a.next == len(a.clocks) {
		return nil
	}
	c := &a.clocks[a.next]
	if c.id != id || c.org != org || c.severity != severity || c.pauses != pauses {
		return nil
	}
	return c
}

// retargetAhead computes the run's batches of limit running clocks after
// after, in order, on the reader side, and sends one aheadBatch per batch until
// there are none or ctx ends; then it closes out. It is for SQLite (on
// PostgreSQL the computation is not on the writer's connection anyway).
func (db *DB) retargetAhead(ctx context.Context, run *RetargetRun, after int64, limit int, out chan<- *aheadBatch) error {
	defer close(out)
	for {
		var a args
		rows, err := db.query(ctx, "SELECT id, request_id, org_id, metric, severity, opened_at, pauses FROM sla_clocks WHERE stopped_at IS NULL AND "+
			run.Scope.cond(&a, "org_id")+" AND id > "+a.add(after)+" ORDER BY id LIMIT "+a.add(limit), a...)
		if err != nil {
			return fmt.Errorf("store: clocks ahead: %w", err)
		}
		ahead := &aheadBatch{clocks: make([]aheadClock, 0, limit)}
		orgs := map[int64]bool{}
		for rows.Next() {
			var c aheadClock
			var opened int64
			var pauses sql.NullString
			if err := rows.Scan(&c.id, &c.request, &c.org, &c.metric, &c.severity, &opened, &pauses); err != nil {
				rows.Close()
				return fmt.Errorf("store: clocks ahead: %w", err)
			}
			ahead.seen, ahead.last, after = ahead.seen+1, c.id, c.id
			if !orgs[c.org] {
				orgs[c.org] = true
				ahead.orgs = append(ahead.orgs, c.org)
			}
			c.pauses = pauses.String
			if c.pauses == "" {
				c.pauses = "[]"
			}
			rt, err := run.For(&db.Queries, c.org)
			if err != nil {
				rows.Close()
				return err
			}
			if c.skip = rt == nil || !slices.Contains(rt.Metrics, c.metric); !c.skip {
				row := ClockRow{ID: c.id, RequestID: c.request, OrgID: c.org, Metric: casedesk.Metric(c.metric), Severity: casedesk.Severity(c.severity), OpenedAt: fromTS(opened), Pauses: c.pauses}
				if err := rt.Compute(&row); err != nil {
					continue // the writer computes it again and reports the error
				}
				c.due, c.minutes = row.DueAt, row.TargetMinutes
				c.dueV, c.warnV = tsp(row.DueAt), tsp(row.WarnAt)
			}
			ahead.clocks = append(ahead.clocks, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if ahead.seen == 0 {
			return nil
		}
		select {
		case out <- ahead:
		case <-ctx.Done():
			return ctx.Err()
		}
		if ahead.seen < limit {
			return nil
		}
	}
}
