package store

import (
	"context"
	"database/sql"
	"errors"
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

// RetargetRun is a bulk recompute of the running clocks in Scope, batch by
// batch in clock id order (RetargetClocks).
type RetargetRun struct {
	ID    int64 // the recompute_runs row (CreateRecomputeRun)
	Scope Scope
	// For returns an organization's share, nil to leave its clocks alone
	// (it has no active plan any more), reading through q: the batch's
	// transaction, or a reader computing the coming batches beside the
	// writer. It is called from both at once, once per batch the
	// organization has clocks in, so it should be cheap after the first.
	For func(q *Queries, org int64) (*Retarget, error)
	At  time.Time // when the re-saved clocks were updated
	// Batch is how many clocks one write transaction recomputes; 0 for
	// DefaultRetargetBatch.
	Batch int
	// Saved is called in each batch's transaction with the clocks the batch
	// re-saved (their targets or the inputs they were measured with
	// changed), in clock id order, each with its due time before and after.
	// Which moved, and what the history says of them, is the caller's:
	// Queries.RecordClockMoves records them. An error rolls the batch back
	// and ends the run.
	Saved func(tx *Tx, saved []ClockMove) error
}

// DefaultRetargetBatch is how many clocks one write transaction of a
// recompute takes: large enough to amortize the commit, small enough not to
// hold up other writes for long.
const DefaultRetargetBatch = 5000

// ClockMove is a running clock a recompute re-saved: its due time before
// and after.
type ClockMove struct {
	RequestID, OrgID int64
	Metric           string
	Old, New         *time.Time
}

// RetargetClocks runs a recompute: it waits for its turn (recomputes take
// turns, lockRecomputes), then recomputes the running clocks in run.Scope
// in batches of run.Batch, each in a write transaction of its own, saving
// those whose targets or inputs changed and passing them to run.Saved.
//
// A change to a clock's inputs (its severity, pauses, or stopping it) made
// while a batch is computed always wins: on SQLite the single writer
// serializes the batch with it and takes targets computed ahead only for
// clocks whose inputs are unchanged (retargetSQLite); on PostgreSQL the
// batch writes a clock only where the inputs it was computed from are still
// those stored, and leaves the others to the change, which recomputed them
// (retargetPostgres).
func (db *DB) RetargetClocks(ctx context.Context, run *RetargetRun) error {
	if run.For == nil || run.Saved == nil {
		return errors.New("store: recompute: For and Saved are required")
	}
	if run.Batch <= 0 {
		run.Batch = DefaultRetargetBatch
	}
	unlock, err := db.lockRecomputes(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if db.engine == SQLite {
		return db.retargetSQLite(ctx, run)
	}
	return db.retargetBatches(ctx, run, nil, func(tx *Tx, after int64) ([]ClockMove, int, int64, error) {
		return tx.retargetPostgres(ctx, run, after, db.retargetHook)
	})
}

// retargetBatches runs batch after batch, each in a write transaction of its
// own that hands what it re-saved to run.Saved, until a batch sees fewer
// clocks than run.Batch. before, when set, runs ahead of each transaction,
// outside the writer (SQLite's waits there for the batch computed beside
// it); batch recomputes the clocks after the id it is given and returns
// those it saved, how many it saw and the last id.
func (db *DB) retargetBatches(ctx context.Context, run *RetargetRun, before func(),
	batch func(tx *Tx, after int64) (saved []ClockMove, seen int, last int64, err error)) error {
	for after := int64(0); ; {
		if before != nil {
			before()
		}
		var seen int
		if err := db.Write(ctx, func(tx *Tx) error {
			saved, n, last, err := batch(tx, after)
			if err != nil {
				return err
			}
			seen, after = n, last
			if len(saved) == 0 {
				return nil
			}
			return run.Saved(tx, saved)
		}); err != nil {
			return err
		}
		if seen < run.Batch {
			return nil
		}
	}
}

// retargetPostgres recomputes the next batch of running clocks with ids
// above after in Go and writes back, with multi-row statements, those whose
// targets or inputs changed. between, when set (tests), runs between the
// read and the write.
func (q *Queries) retargetPostgres(ctx context.Context, run *RetargetRun, after int64, between func()) (saved []ClockMove, seen int, last int64, err error) {
	clocks, err := q.RunningClocks(ctx, run.Scope, after, run.Batch)
	if err != nil || len(clocks) == 0 {
		return nil, 0, 0, err
	}
	var changed []*ClockRow
	var old []*time.Time // the due time before, by changed clock
	for _, c := range clocks {
		rt, err := run.For(q, c.OrgID)
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
		oldDue, oldWarn := c.DueAt, c.WarnAt
		if err := rt.Compute(c); err != nil {
			return nil, 0, 0, err
		}
		calChanged := c.CalendarID == nil || *c.CalendarID != rt.CalendarID || c.CalendarVersion == nil || *c.CalendarVersion != rt.CalendarVersion
		if sameTime(oldDue, c.DueAt) && sameTime(oldWarn, c.WarnAt) && c.PolicyVersion == rt.PolicyVersion && string(c.Family) == rt.Family && !calChanged {
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
		old = append(old, oldDue)
	}
	if between != nil {
		between()
	}
	written, err := q.updateClockTargets(ctx, changed)
	if err != nil {
		return nil, 0, 0, err
	}
	for i, c := range changed {
		if written[c.ID] {
			saved = append(saved, ClockMove{RequestID: c.RequestID, OrgID: c.OrgID, Metric: string(c.Metric), Old: old[i], New: c.DueAt})
		}
	}
	return saved, len(clocks), clocks[len(clocks)-1].ID, nil
}

// sameTime reports whether two optional instants are equal: whether the
// PostgreSQL side must save a clock, not whether it moved (the caller's).
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// CreateRecomputeRun records the start of a bulk recompute of the clocks in
// scope, AllOrgs or one organization's, and returns its id.
func (q *Queries) CreateRecomputeRun(ctx context.Context, scope Scope, reason string, actor *int64, at time.Time) (int64, error) {
	org := int64(0) // as the column says all
	if !scope.All() {
		orgs := scope.Orgs()
		if len(orgs) != 1 {
			return 0, fmt.Errorf("store: record recompute: a recompute is of all organizations or one, not %d", len(orgs))
		}
		org = orgs[0]
	}
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
	ID     int64
	Scope  Scope // AllOrgs or one organization's
	Reason string
	Actor  *int64
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
		var org int64
		var actor sql.NullInt64
		if err := rows.Scan(&r.ID, &org, &r.Reason, &actor); err != nil {
			return nil, fmt.Errorf("store: unfinished recomputes: %w", err)
		}
		r.Scope = AllOrgs
		if org != 0 {
			r.Scope = OrgScope(org)
		}
		r.Actor = nullID(actor)
		out = append(out, r)
	}
	return out, rows.Err()
}

// actorArg is an actor column: NULL for nobody.
func actorArg(p *int64) any {
	if p == nil || *p == 0 {
		return nil
	}
	return *p
}
