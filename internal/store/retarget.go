package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
)

// Retarget is one organization's share of a recompute: the inputs all its
// running clocks are now measured with, and the function that computes one
// clock's targets from them. desk decides; the store only applies.
type Retarget struct {
	Metrics         []string // the metrics the policy measures; clocks of others stay as they are
	PolicyVersion   int64
	Family          string
	CalendarID      int64
	CalendarVersion int64
	// Kinds gives coverage and target kind by metric and severity (key
	// "metric/severity"); recomputing a clock whose pair is missing fails.
	Kinds map[string]RetargetKind
	// Compute sets DueAt, WarnAt and TargetMinutes of a clock row that
	// carries ID, RequestID, OrgID, Metric, Severity, OpenedAt and Pauses.
	Compute func(c *ClockRow) error
}

// RetargetKind is the coverage and target of one metric and severity.
// Minutes is the target in minutes when every clock has the same (a minutes
// target, or 0 for none), nil when each has its own (next business day).
type RetargetKind struct {
	Coverage, TargetKind string
	Minutes              *int
}

// RetargetRun is a recompute of the running clocks of one organization (or
// of all when OrgID is 0), batch by batch in clock id order.
type RetargetRun struct {
	ID    int64 // the recompute_runs row (CreateRecomputeRun)
	OrgID int64
	// For returns an organization's share, nil to leave its clocks alone
	// (it has no active plan any more). It is called once per batch the
	// organization has clocks in, so it should be cheap after the first.
	For func(org int64) (*Retarget, error)

	// Ahead, when set (SQLite), is the batch as RetargetAhead read and
	// computed it beside the writer: its bounds and organizations (limit is
	// not used) and the targets the writer takes for unchanged clocks.
	Ahead *Ahead

	// Each clock whose due time moved is recorded in clock_move_batches, shown in the
	// request's history as a line of kind sla_recomputed, field
	// "<metric> (<Reason>)", internal.
	Reason string
	Actor  *int64
	At     time.Time
}

// RetargetClocks recomputes the next limit running clocks with ids above
// after, saving those whose targets or inputs changed and recording each
// whose due time moved in clock_move_batches. It returns the moves, how many clocks
// it examined (fewer than limit: the run is over), and the last id examined.
// The moves are not published with the transaction's events (they have no
// event id for instances to relay): the caller publishes them (Event).
//
// SQLite recomputes a batch in a set-based statement that calls back into Go
// for each clock, and a second one for the clocks the first could not take
// from Ahead (retargetSQLite); PostgreSQL reads the batch, computes in Go and
// writes it back with multi-row statements.
func (q *Queries) RetargetClocks(ctx context.Context, run *RetargetRun, after int64, limit int) (moves []ClockMove, seen int, last int64, err error) {
	if q.engine == SQLite {
		return q.retargetSQLite(ctx, run, after, limit)
	}
	clocks, err := q.RunningClocks(ctx, recomputeScope(run.OrgID), after, limit)
	if err != nil || len(clocks) == 0 {
		return nil, 0, 0, err
	}
	var changed []*ClockRow
	for _, c := range clocks {
		rt, err := run.For(c.OrgID)
		if err != nil {
			return nil, 0, 0, err
		}
		if rt == nil || !slices.Contains(rt.Metrics, string(c.Metric)) {
			continue
		}
		k, ok := rt.Kinds[string(c.Metric)+"/"+string(c.Severity)]
		if !ok {
			return nil, 0, 0, fmt.Errorf("store: clock %d: no entitlement for %s/%s", c.ID, c.Metric, c.Severity)
		}
		old, oldWarn := c.DueAt, c.WarnAt
		if err := rt.Compute(c); err != nil {
			return nil, 0, 0, err
		}
		calChanged := c.CalendarID == nil || *c.CalendarID != rt.CalendarID || c.CalendarVersion == nil || *c.CalendarVersion != rt.CalendarVersion
		dueMoved := !sameTime(old, c.DueAt)
		if !dueMoved && sameTime(oldWarn, c.WarnAt) && c.PolicyVersion == rt.PolicyVersion && string(c.Family) == rt.Family && !calChanged {
			continue
		}
		c.Coverage, c.TargetKind = casedesk.Coverage(k.Coverage), casedesk.TargetKind(k.TargetKind)
		if k.Minutes != nil {
			c.TargetMinutes = *k.Minutes
		}
		c.PolicyVersion, c.Family = rt.PolicyVersion, casedesk.Family(rt.Family)
		c.CalendarID, c.CalendarVersion = &rt.CalendarID, &rt.CalendarVersion
		c.UpdatedAt = run.At
		changed = append(changed, c)
		if dueMoved {
			moves = append(moves, ClockMove{RequestID: c.RequestID, OrgID: c.OrgID, Metric: string(c.Metric), Old: old, New: c.DueAt})
		}
	}
	if err := q.updateClockTargets(ctx, changed); err != nil {
		return nil, 0, 0, err
	}
	if err := q.insertClockMoves(ctx, run, moves); err != nil {
		return nil, 0, 0, err
	}
	return moves, len(clocks), clocks[len(clocks)-1].ID, nil
}

// ClockMove is a running clock whose due time a recompute moved.
type ClockMove struct {
	RequestID, OrgID int64
	Metric           string
	Old, New         *time.Time
}

// CreateRecomputeRun records the start of a bulk recompute of org's clocks
// (0: all) and returns its id.
func (q *Queries) CreateRecomputeRun(ctx context.Context, org int64, reason string, actor *int64, at time.Time) (int64, error) {
	var id int64
	if err := q.queryRow(ctx, "INSERT INTO recompute_runs (org_id, reason, actor_id, at) VALUES ($1, $2, $3, $4) RETURNING id",
		org, reason, actorArg(actor), ts(at)).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: record recompute: %w", err)
	}
	return id, nil
}

// FinishRecomputeRun records that a recompute ended and how many due times it moved.
func (q *Queries) FinishRecomputeRun(ctx context.Context, id int64, moved int, at time.Time) error {
	if _, err := q.exec(ctx, "UPDATE recompute_runs SET moved = $2, finished_at = $3 WHERE id = $1", id, moved, ts(at)); err != nil {
		return fmt.Errorf("store: record recompute: %w", err)
	}
	return nil
}

// RecomputeRunRow is a recompute as recorded.
type RecomputeRunRow struct {
	ID, OrgID int64
	Reason    string
	Actor     *int64
}

// UnfinishedRecomputes returns the recomputes that never finished, oldest
// first: those running elsewhere, and those a stopped process left halfway.
func (q *Queries) UnfinishedRecomputes(ctx context.Context) ([]RecomputeRunRow, error) {
	rows, err := q.query(ctx, "SELECT id, org_id, reason, actor_id FROM recompute_runs WHERE finished_at IS NULL ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: unfinished recomputes: %w", err)
	}
	defer rows.Close()
	var out []RecomputeRunRow
	for rows.Next() {
		var r RecomputeRunRow
		var actor sql.NullInt64
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Reason, &actor); err != nil {
			return nil, fmt.Errorf("store: unfinished recomputes: %w", err)
		}
		r.Actor = nullID(actor)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Event is the history line of a moved clock: kind sla_recomputed, no id.
func (run *RetargetRun) Event(m ClockMove) casedesk.Event {
	return casedesk.Event{RequestID: m.RequestID, Number: casedesk.RequestNumber(m.RequestID), OrgID: m.OrgID, ActorID: run.Actor,
		Kind: "sla_recomputed", Field: m.Metric + " (" + run.Reason + ")", Old: DueText(m.Old), New: DueText(m.New), Internal: true, At: run.At}
}

// DueText is how history lines write a due time: RFC 3339 in UTC to the
// second, or "none".
func DueText(t *time.Time) string {
	if t == nil {
		return "none"
	}
	return t.UTC().Format(time.RFC3339)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// actorArg is an actor column: NULL for nobody.
func actorArg(p *int64) any {
	if p == nil || *p == 0 {
		return nil
	}
	return *p
}
