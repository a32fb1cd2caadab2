package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// Recomputing a million clocks one UPDATE and one INSERT at a time spends
// most of its time binding and stepping statements in pure-Go SQLite, not
// changing rows. So on SQLite a batch is one set-based statement: the UPDATE
// calls casedesk_retarget for each clock, which runs desk's computation in
// Go (Retarget.Compute) and remembers the result by clock id; the
// casedesk_retarget_part calls that follow read the remembered values. The
// moved ones are then packed into one clock_move_batches row.
//
// The functions are registered with the driver, so every connection has
// them, but they only know the runs registered here, which only the writer
// connection starts.
func init() {
	sqlite.MustRegisterScalarFunction("casedesk_retarget", 14, retargetClock)
	sqlite.MustRegisterScalarFunction("casedesk_retarget_part", 3, retargetPart)
}

// retargetBatch is one batch's state; it lives while the batch's statements run.
type retargetBatch struct {
	run    *RetargetRun
	orgs   map[int64]*Retarget // the organizations with clocks in the batch
	groups map[retargetGroup]int64
	memo   map[int64]*retargetClockState
}

// retargetGroup is what clocks measured alike share: few per batch, so the
// UPDATE reads them from a small temporary table by one computed key.
type retargetGroup struct {
	policyVersion           int64
	family                  string
	calendarID, calendarVer int64
	coverage, targetKind    string
	minutes                 int64 // -1: each clock's own
}

type retargetClockState struct {
	c      ClockRow
	oldDue any // the stored due_at (µs or nil), for the history line
	group  int64
	moved  bool
	save   bool
}

var (
	retargetBatches sync.Map // batch id → *retargetBatch
	retargetSeq     atomic.Int64
)

// Parts read by casedesk_retarget_part.
const (
	partDue = iota
	partWarn
	partMinutes
	partGroup
)

func lookupBatch(v driver.Value) (*retargetBatch, error) {
	id, _ := v.(int64)
	b, ok := retargetBatches.Load(id)
	if !ok {
		return nil, fmt.Errorf("store: no clock recompute %d on this connection", id)
	}
	return b.(*retargetBatch), nil
}

// retargetClock(batch, id, request_id, org_id, metric, severity, opened_at,
// pauses, due_at, warn_at, policy_version, family, calendar_id,
// calendar_version) computes the clock and returns 1 if it must be saved: its
// targets moved or it was measured with other inputs; 0 if it stays.
func retargetClock(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
	b, err := lookupBatch(a[0])
	if err != nil {
		return nil, err
	}
	id, _ := a[1].(int64)
	reqID, _ := a[2].(int64)
	org, _ := a[3].(int64)
	metric, _ := a[4].(string)
	severity, _ := a[5].(string)
	rt := b.orgs[org]
	if rt == nil || !slices.Contains(rt.Metrics, metric) {
		return int64(0), nil
	}
	k, ok := rt.Kinds[metric+"/"+severity]
	if !ok {
		return nil, fmt.Errorf("store: clock %d: no entitlement for %s/%s", id, metric, severity)
	}
	opened, _ := a[6].(int64)
	pauses := "[]" // passed as NULL, saving a string copy per clock
	if p, ok := a[7].(string); ok {
		pauses = p
	}
	st := &retargetClockState{c: ClockRow{ID: id, RequestID: reqID, OrgID: org, Metric: metric, Severity: severity,
		OpenedAt: fromTS(opened), Pauses: pauses}, oldDue: a[8]}
	if c, ok := b.run.Ahead.take(id, org, metric, severity, opened, pauses); ok {
		st.c.DueAt, st.c.WarnAt, st.c.TargetMinutes = c.due, c.warn, c.minutes
	} else if err := rt.Compute(&st.c); err != nil {
		return nil, err
	}
	st.group = b.groups[groupOf(rt, k)]
	b.memo[id] = st
	st.moved = !sameMicros(a[8], tsp(st.c.DueAt))
	st.save = st.moved || !sameMicros(a[9], tsp(st.c.WarnAt)) ||
		a[10] != driver.Value(rt.PolicyVersion) || a[11] != driver.Value(rt.Family) ||
		a[12] != driver.Value(rt.CalendarID) || a[13] != driver.Value(rt.CalendarVersion)
	if st.save {
		return int64(1), nil
	}
	return int64(0), nil
}

func groupOf(rt *Retarget, k RetargetKind) retargetGroup {
	g := retargetGroup{rt.PolicyVersion, rt.Family, rt.CalendarID, rt.CalendarVersion, k.Coverage, k.TargetKind, -1}
	if k.Minutes != nil {
		g.minutes = int64(*k.Minutes)
	}
	return g
}

func sameMicros(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.(int64) == b.(int64)
}

// retargetPart(batch, part, id) returns a part of a clock casedesk_retarget
// computed earlier in the same batch.
func retargetPart(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
	b, err := lookupBatch(a[0])
	if err != nil {
		return nil, err
	}
	part, _ := a[1].(int64)
	id, _ := a[2].(int64)
	st := b.memo[id]
	if st == nil || !st.save {
		return nil, nil // left as it is
	}
	switch part {
	case partDue:
		return tsp(st.c.DueAt), nil
	case partWarn:
		return tsp(st.c.WarnAt), nil
	case partMinutes:
		return int64(st.c.TargetMinutes), nil
	case partGroup:
		return st.group, nil
	}
	return nil, fmt.Errorf("store: unknown clock part %d", part)
}

// fromMicros converts a stored time as SQLite hands it to a function.
func fromMicros(v any) *time.Time {
	us, ok := v.(int64)
	if !ok {
		return nil
	}
	t := fromTS(us)
	return &t
}

func (q *Queries) retargetSQLite(ctx context.Context, run *RetargetRun, after int64, limit int) (moves []ClockMove, seen int, last int64, err error) {
	// The batch is the next limit running clocks: one walk of an index.
	var a args
	scope := ""
	if run.OrgID != 0 {
		scope = " AND org_id = " + a.add(run.OrgID)
	}
	var n int
	var hi *int64
	if err := q.queryRow(ctx, `SELECT COUNT(*), MAX(id) FROM (SELECT id FROM sla_clocks WHERE stopped_at IS NULL`+scope+
		" AND id > "+a.add(after)+" ORDER BY id LIMIT "+a.add(limit)+")", a...).Scan(&n, &hi); err != nil {
		return nil, 0, 0, fmt.Errorf("store: recompute batch: %w", err)
	}
	if n == 0 {
		return nil, 0, 0, nil
	}
	b := &retargetBatch{run: run, orgs: map[int64]*Retarget{}, groups: map[retargetGroup]int64{}, memo: make(map[int64]*retargetClockState, n)}
	if err := q.loadRetargetGroups(ctx, b, scope, a[:len(a)-2], after, *hi); err != nil {
		return nil, 0, 0, err
	}
	batchID := retargetSeq.Add(1)
	retargetBatches.Store(batchID, b)
	defer retargetBatches.Delete(batchID)

	// The WHERE computes each clock of the batch (casedesk_retarget) and
	// remembers it by id; the SET, which SQLite evaluates for a row only once
	// its WHERE held, reads what was remembered.
	// OR FAIL: no constraint can fail here, and without the ABORT default
	// SQLite keeps no statement journal, a copy of every page the statement
	// touches. An error still undoes everything: the write's transaction
	// (or savepoint) rolls back.
	a = a[:0]
	part := func(p int) string {
		return "casedesk_retarget_part(" + a.add(batchID) + ", " + itoa(p) + ", sla_clocks.id)"
	}
	upd := "UPDATE OR FAIL sla_clocks SET due_at = " + part(partDue) + ", warn_at = " + part(partWarn) +
		", updated_at = " + a.add(ts(run.At)) +
		`, (target_minutes, policy_version, family, calendar_id, calendar_version, coverage, target_kind) =
			(SELECT COALESCE(target_minutes, ` + part(partMinutes) + `), policy_version, family, calendar_id, calendar_version, coverage, target_kind
			FROM temp.retarget_groups g WHERE g.id = ` + part(partGroup) + `)
		WHERE stopped_at IS NULL` + scopeArg(&a, run.OrgID) + " AND id > " + a.add(after) + " AND id <= " + a.add(*hi) +
		" AND casedesk_retarget(" + a.add(batchID) + `, id, request_id, org_id, metric, severity, opened_at, NULLIF(pauses, '[]'), due_at, warn_at,
			policy_version, family, calendar_id, calendar_version) = 1`
	res, err := q.exec(ctx, q.positional(upd), a...)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("store: recompute clocks: %w", err)
	}
	if saved, err := res.RowsAffected(); err != nil || saved == 0 {
		return nil, n, *hi, err
	}

	ids := make([]int64, 0, len(b.memo))
	for id, st := range b.memo {
		if st.moved {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	moves = make([]ClockMove, len(ids))
	for i, id := range ids {
		st := b.memo[id]
		moves[i] = ClockMove{RequestID: st.c.RequestID, OrgID: st.c.OrgID, Metric: st.c.Metric, Old: fromMicros(st.oldDue), New: st.c.DueAt}
	}
	if err := q.insertClockMoves(ctx, run, moves); err != nil {
		return nil, 0, 0, err
	}
	return moves, n, *hi, nil
}

func scopeArg(a *args, org int64) string {
	if org == 0 {
		return ""
	}
	return " AND org_id = " + a.add(org)
}

// loadRetargetGroups asks the run for the share of each organization with
// clocks in the batch and writes the distinct groups to temp.retarget_groups.
func (q *Queries) loadRetargetGroups(ctx context.Context, b *retargetBatch, scope string, scopeArgs args, after, hi int64) error {
	a := append(args{}, scopeArgs...)
	rows, err := q.query(ctx, "SELECT DISTINCT org_id FROM sla_clocks WHERE stopped_at IS NULL"+scope+
		" AND id > "+a.add(after)+" AND id <= "+a.add(hi), a...)
	if err != nil {
		return fmt.Errorf("store: recompute organizations: %w", err)
	}
	var orgs []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range orgs {
		rt, err := b.run.For(o)
		if err != nil {
			return err
		}
		b.orgs[o] = rt
		if rt == nil {
			continue
		}
		for _, k := range rt.Kinds {
			if g := groupOf(rt, k); b.groups[g] == 0 {
				b.groups[g] = int64(len(b.groups) + 1)
			}
		}
	}
	if _, err := q.exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS retarget_groups (id INTEGER PRIMARY KEY, policy_version INTEGER NOT NULL,
		family TEXT NOT NULL, calendar_id INTEGER NOT NULL, calendar_version INTEGER NOT NULL, coverage TEXT NOT NULL, target_kind TEXT NOT NULL,
		target_minutes INTEGER)`); err != nil {
		return fmt.Errorf("store: recompute groups: %w", err)
	}
	if _, err := q.exec(ctx, "DELETE FROM temp.retarget_groups"); err != nil {
		return fmt.Errorf("store: recompute groups: %w", err)
	}
	for g, id := range b.groups {
		var minutes any
		if g.minutes >= 0 {
			minutes = g.minutes
		}
		if _, err := q.exec(ctx, `INSERT INTO temp.retarget_groups (id, policy_version, family, calendar_id, calendar_version, coverage, target_kind, target_minutes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, g.policyVersion, g.family, g.calendarID, g.calendarVer, g.coverage, g.targetKind, minutes); err != nil {
			return fmt.Errorf("store: recompute groups: %w", err)
		}
	}
	return nil
}
