package store

import (
	"cmp"
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"github.com/casedesk/casedesk"
)

// Recomputing a million clocks one UPDATE and one INSERT at a time spends
// most of its time binding and stepping statements in pure-Go SQLite, not
// changing rows. So on SQLite a batch is one set-based statement: the UPDATE
// calls back into Go for each clock and remembers the result by clock id;
// the casedesk_retarget_part calls that follow read the remembered values.
// The re-saved ones go back to the caller, who records those that moved.
//
// With the batch computed ahead (retargetAhead), the callback is
// casedesk_retarget_take: it takes the computed targets of a clock whose
// inputs are unchanged and notes any other clock, which a second statement,
// with casedesk_retarget, then computes on the writer. Without, that second
// statement does the whole batch.
//
// The functions belong to one DB: openSQLite registers them on a driver of
// its own for the writer connection (retargetDriver), bound to the DB's
// slots, so nothing is registered process-wide and two databases open in
// one process never see each other's batches.

// retargetDriver returns a driver whose connections have the recompute
// functions, which find their batches in slots. modernc keeps a function
// registration for the life of the process, so each database opened holds
// on to its three closures and its slots (a few hundred bytes) after Close.
func retargetDriver(slots *retargetSlots) *sqlite.Driver {
	drv := &sqlite.Driver{}
	drv.MustRegisterScalarFunction("casedesk_retarget", 14, slots.retargetClock)
	drv.MustRegisterScalarFunction("casedesk_retarget_take", 11, slots.retargetTake)
	drv.MustRegisterScalarFunction("casedesk_retarget_part", 3, slots.retargetPart)
	return drv
}

// connector opens connections of one DSN with a driver of the DB's own,
// for sql.OpenDB (sql.Open only knows drivers registered process-wide).
type connector struct {
	drv *sqlite.Driver
	dsn string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.drv }

// retargetBatch is one batch's state; it lives while the batch's statements run.
type retargetBatch struct {
	run    *RetargetRun
	ahead  *aheadBatch            // the batch computed beside the writer, or nil
	orgs   map[int64]*retargetOrg // the organizations with clocks in the batch
	groups map[retargetGroup]int64
	// The clocks computed so far, in the order SQLite asked; SQLite reads a
	// row's parts right after its WHERE, so they are those of the last one.
	clocks []retargetClockState
	missed []int64 // clocks casedesk_retarget_take found no computed targets for
}

// retargetOrg is an organization's share with its kinds resolved to groups,
// so that a clock's kind is found without building a map key.
type retargetOrg struct {
	rt    *Retarget
	kinds []retargetOrgKind
}

type retargetOrgKind struct {
	metric, severity string
	group            int64
}

func (o *retargetOrg) group(metric, severity string) (int64, bool) {
	for _, k := range o.kinds {
		if k.severity == severity && k.metric == metric {
			return k.group, true
		}
	}
	return 0, false
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
	c         ClockRow
	due, warn any // the computed due_at and warn_at as stored (µs or nil)
	oldDue    any // the stored due_at (µs or nil), for the caller's history
	group     int64
	save      bool
}

// clock returns the state of the clock computed last with this id: nearly
// always the last one computed, so it looks from the end.
func (b *retargetBatch) clock(id int64) *retargetClockState {
	for i := len(b.clocks) - 1; i >= 0; i-- {
		if b.clocks[i].c.ID == id {
			return &b.clocks[i]
		}
	}
	return nil
}

// retargetSlots are the batches running on one DB's writer, by slot. A
// batch passes its slot to every call back; a small number (below 256) is
// one Go boxes without allocating, and a slot is found without hashing.
// There is one batch at a time per writer; the slots are spare.
type retargetSlots [4]atomic.Pointer[retargetBatch]

// hold registers b in a free slot and returns the slot and the function
// that frees it.
func (s *retargetSlots) hold(b *retargetBatch) (int64, func(), error) {
	for i := range s {
		if s[i].CompareAndSwap(nil, b) {
			return int64(i), func() { s[i].Store(nil) }, nil
		}
	}
	return 0, nil, errors.New("store: too many clock recomputes at once")
}

// Parts read by casedesk_retarget_part.
const (
	partDue = iota
	partWarn
	partMinutes
	partGroup
)

func (s *retargetSlots) lookup(v driver.Value) (*retargetBatch, error) {
	slot, _ := v.(int64)
	if slot >= 0 && slot < int64(len(s)) {
		if b := s[slot].Load(); b != nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("store: no clock recompute in slot %d", slot)
}

// retargetClock(batch, id, request_id, org_id, metric, severity, opened_at,
// pauses, due_at, warn_at, policy_version, family, calendar_id,
// calendar_version) computes the clock and returns 1 if it must be saved: its
// targets moved or it was measured with other inputs; 0 if it stays.
func (s *retargetSlots) retargetClock(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
	b, err := s.lookup(a[0])
	if err != nil {
		return nil, err
	}
	id, _ := a[1].(int64)
	reqID, _ := a[2].(int64)
	org, _ := a[3].(int64)
	metric, _ := a[4].(string)
	severity, _ := a[5].(string)
	o := b.orgs[org]
	if o == nil || !slices.Contains(o.rt.Metrics, metric) {
		return int64(0), nil
	}
	group, ok := o.group(metric, severity)
	if !ok {
		return nil, fmt.Errorf("store: clock %d: no entitlement for %s/%s", id, metric, severity)
	}
	opened, _ := a[6].(int64)
	pauses := pausesArg(a[7])
	st := b.add(ClockRow{ID: id, RequestID: reqID, OrgID: org, Metric: casedesk.Metric(metric), Severity: casedesk.Severity(severity), OpenedAt: fromTS(opened), Pauses: pauses}, group)
	if err := o.rt.Compute(&st.c); err != nil {
		return nil, err
	}
	st.due, st.warn = tsp(st.c.DueAt), tsp(st.c.WarnAt)
	return b.decide(st, o.rt, a[8:14]), nil
}

// retargetTake(batch, id, org_id, severity, pauses, due_at, warn_at,
// policy_version, family, calendar_id, calendar_version) is casedesk_retarget
// for a batch computed ahead: it takes the clock's computed targets if its
// inputs are those they were computed from (a clock's organization, metric
// and opening never change) and returns 1 if it must be saved. A clock with
// no such targets it notes in missed and leaves for casedesk_retarget.
func (s *retargetSlots) retargetTake(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
	b, err := s.lookup(a[0])
	if err != nil {
		return nil, err
	}
	id, _ := a[1].(int64)
	org, _ := a[2].(int64)
	severity, _ := a[3].(string)
	pauses := pausesArg(a[4])
	c := b.ahead.take(id, org, severity, pauses)
	if c == nil {
		b.missed = append(b.missed, id)
		return int64(0), nil
	}
	o := b.orgs[org]
	if c.skip || o == nil {
		return int64(0), nil // no share, or a metric the policy does not measure
	}
	group, ok := o.group(c.metric, severity)
	if !ok {
		return nil, fmt.Errorf("store: clock %d: no entitlement for %s/%s", id, c.metric, severity)
	}
	st := b.add(ClockRow{ID: id, RequestID: c.request, OrgID: org, Metric: casedesk.Metric(c.metric), Severity: casedesk.Severity(severity), Pauses: pauses}, group)
	st.c.DueAt, st.c.TargetMinutes = c.due, c.minutes
	st.due, st.warn = c.dueV, c.warnV // boxed beside, which spares the writer two allocations
	return b.decide(st, o.rt, a[5:11]), nil
}

// pausesArg reads a clock's pauses as the statements pass them: NULL for
// none ('[]'), which saves a string copy per clock.
func pausesArg(v driver.Value) string {
	if p, ok := v.(string); ok {
		return p
	}
	return "[]"
}

// add appends a clock to the batch's computed ones.
func (b *retargetBatch) add(c ClockRow, group int64) *retargetClockState {
	b.clocks = append(b.clocks, retargetClockState{c: c, group: group})
	return &b.clocks[len(b.clocks)-1]
}

// decide compares a computed clock with what is stored (due_at, warn_at,
// policy_version, family, calendar_id, calendar_version) and returns 1 if
// it must be saved, 0 if it stays.
func (b *retargetBatch) decide(st *retargetClockState, rt *Retarget, stored []driver.Value) int64 {
	st.oldDue = stored[0]
	st.save = !sameMicros(stored[0], st.due) || !sameMicros(stored[1], st.warn) ||
		stored[2] != driver.Value(rt.PolicyVersion) || stored[3] != driver.Value(rt.Family) ||
		stored[4] != driver.Value(rt.CalendarID) || stored[5] != driver.Value(rt.CalendarVersion)
	if st.save {
		return 1
	}
	return 0
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
func (s *retargetSlots) retargetPart(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
	b, err := s.lookup(a[0])
	if err != nil {
		return nil, err
	}
	part, _ := a[1].(int64)
	id, _ := a[2].(int64)
	st := b.clock(id)
	if st == nil || !st.save {
		return nil, nil // left as it is
	}
	switch part {
	case partDue:
		return st.due, nil
	case partWarn:
		return st.warn, nil
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

// retargetSQLite runs a recompute on SQLite: a reader computes the coming
// batches beside the writer (retargetAhead) while the writer applies each
// in a transaction of its own (retargetBatch).
func (db *DB) retargetSQLite(ctx context.Context, run *RetargetRun) error {
	actx, stop := context.WithCancel(ctx)
	ahead := make(chan *aheadBatch, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// A failure there only leaves the writer to compute what is missing.
		_ = db.retargetAhead(actx, run, 0, run.Batch, ahead)
	}()
	defer func() { stop(); <-done }()
	var computed *aheadBatch
	next := func() {
		computed = <-ahead // nil once the computation beside is over
		if db.retargetHook != nil {
			db.retargetHook()
		}
	}
	return db.retargetBatches(ctx, run, next, func(tx *Tx, after int64) ([]ClockMove, int, int64, error) {
		return tx.retargetBatch(ctx, db.retargets, run, computed, after)
	})
}

// retargetBatch recomputes the next batch of running clocks with ids above
// after on the writer, taking the targets computed ahead where the clocks'
// inputs are unchanged, and returns the clocks it re-saved, how many it
// examined (fewer than run.Batch: the run is over) and the last id examined.
func (q *Queries) retargetBatch(ctx context.Context, slots *retargetSlots, run *RetargetRun, ahead *aheadBatch, after int64) (saved []ClockMove, seen int, last int64, err error) {
	b := &retargetBatch{run: run, ahead: ahead, orgs: map[int64]*retargetOrg{}, groups: map[retargetGroup]int64{}}
	batchID, free, err := slots.hold(b)
	if err != nil {
		return nil, 0, 0, err
	}
	defer free()

	if ahead != nil {
		// The reader beside found the batch: its bounds and organizations.
		// A clock created since has a higher id, and was measured with the
		// current inputs when it was.
		seen, last = ahead.seen, ahead.last
		if err := q.loadRetargetGroups(ctx, b, ahead.orgs); err != nil {
			return nil, 0, 0, err
		}
	} else {
		// The batch is the next limit running clocks: one walk of an index.
		var a args
		var hi *int64
		if err := q.queryRow(ctx, "SELECT COUNT(*), MAX(id) FROM (SELECT id FROM sla_clocks WHERE stopped_at IS NULL AND "+run.Scope.cond(&a, "org_id")+
			" AND id > "+a.add(after)+" ORDER BY id LIMIT "+a.add(run.Batch)+")", a...).Scan(&seen, &hi); err != nil {
			return nil, 0, 0, fmt.Errorf("store: recompute batch: %w", err)
		}
		if seen == 0 {
			return nil, 0, 0, nil
		}
		last = *hi
	}
	b.clocks = make([]retargetClockState, 0, seen)
	rangeCond := func(a *args) string {
		return "stopped_at IS NULL AND " + run.Scope.cond(a, "org_id") + " AND id > " + a.add(after) + " AND id <= " + a.add(last)
	}

	// The WHERE computes or takes each clock of the batch and remembers it by
	// id; the SET, which SQLite evaluates for a row only once its WHERE held,
	// reads what was remembered.
	n := int64(0) // clocks saved
	if ahead != nil {
		k, err := q.retargetUpdate(ctx, batchID, run.At, func(a *args) string {
			return rangeCond(a) + " AND casedesk_retarget_take(" + a.add(batchID) +
				`, id, org_id, severity, NULLIF(pauses, '[]'), due_at, warn_at, policy_version, family, calendar_id, calendar_version) = 1`
		})
		if err != nil {
			return nil, 0, 0, err
		}
		n += k
	}
	if ahead == nil || len(b.missed) > 0 {
		cond := rangeCond
		if ahead != nil {
			ids, _ := json.Marshal(b.missed)
			cond = func(a *args) string { return "id IN (SELECT value FROM json_each(" + a.add(string(ids)) + "))" }
		}
		var a args
		if err := q.loadRetargetOrgs(ctx, b, cond(&a), a); err != nil {
			return nil, 0, 0, err
		}
		k, err := q.retargetUpdate(ctx, batchID, run.At, func(a *args) string {
			return cond(a) + " AND casedesk_retarget(" + a.add(batchID) + `, id, request_id, org_id, metric, severity, opened_at,
				NULLIF(pauses, '[]'), due_at, warn_at, policy_version, family, calendar_id, calendar_version) = 1`
		})
		if err != nil {
			return nil, 0, 0, err
		}
		n += k
	}
	if n == 0 {
		return nil, seen, last, nil
	}

	// In id order, but for the clocks the second statement computed.
	slices.SortFunc(b.clocks, func(x, y retargetClockState) int { return cmp.Compare(x.c.ID, y.c.ID) })
	saved = make([]ClockMove, 0, n)
	for i := range b.clocks {
		if st := &b.clocks[i]; st.save {
			saved = append(saved, ClockMove{RequestID: st.c.RequestID, OrgID: st.c.OrgID, Metric: string(st.c.Metric), Old: fromMicros(st.oldDue), New: st.c.DueAt})
		}
	}
	return saved, seen, last, nil
}

// retargetUpdate saves the clocks of the batch that where selects, reading
// their targets from what the WHERE's callback remembered, and returns how
// many it saved.
//
// OR FAIL: no constraint can fail here, and without the ABORT default SQLite
// keeps no statement journal, a copy of every page the statement touches. An
// error still undoes everything: the write's transaction (or savepoint) rolls
// back. NOT INDEXED: walk the table by id, which the range bounds, rather than
// the running clocks' index and a seek into the table for each clock.
func (q *Queries) retargetUpdate(ctx context.Context, batchID int64, at time.Time, where func(*args) string) (int64, error) {
	a := &args{}
	part := func(p int) string {
		return "casedesk_retarget_part(" + a.add(batchID) + ", " + strconv.Itoa(p) + ", sla_clocks.id)"
	}
	upd := "UPDATE OR FAIL sla_clocks NOT INDEXED SET due_at = " + part(partDue) + ", warn_at = " + part(partWarn) +
		", updated_at = " + a.add(ts(at)) +
		`, (target_minutes, policy_version, family, calendar_id, calendar_version, coverage, target_kind) =
			(SELECT COALESCE(target_minutes, ` + part(partMinutes) + `), policy_version, family, calendar_id, calendar_version, coverage, target_kind
			FROM temp.retarget_groups g WHERE g.id = ` + part(partGroup) + ")\n\t\tWHERE "
	upd += where(a) // after the SET's arguments: the placeholders are numbered in order
	res, err := q.exec(ctx, q.positional(upd), *a...)
	if err != nil {
		return 0, fmt.Errorf("store: recompute clocks: %w", err)
	}
	return res.RowsAffected()
}

// loadRetargetOrgs adds the organizations with clocks where cond holds to
// the batch's groups.
func (q *Queries) loadRetargetOrgs(ctx context.Context, b *retargetBatch, cond string, a args) error {
	rows, err := q.query(ctx, q.positional("SELECT DISTINCT org_id FROM sla_clocks WHERE "+cond), a...)
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
	return q.loadRetargetGroups(ctx, b, orgs)
}

// loadRetargetGroups asks the run for the share of each organization not
// yet in the batch and writes the distinct groups to temp.retarget_groups.
func (q *Queries) loadRetargetGroups(ctx context.Context, b *retargetBatch, orgs []int64) error {
	before := len(b.groups)
	for _, o := range orgs {
		if _, ok := b.orgs[o]; ok {
			continue
		}
		rt, err := b.run.For(q, o)
		if err != nil {
			return err
		}
		if rt == nil {
			b.orgs[o] = nil
			continue
		}
		ro := &retargetOrg{rt: rt}
		b.orgs[o] = ro
		for key, k := range rt.Kinds {
			g := groupOf(rt, k)
			if b.groups[g] == 0 {
				b.groups[g] = int64(len(b.groups) + 1)
			}
			metric, severity, _ := strings.Cut(key, "/")
			ro.kinds = append(ro.kinds, retargetOrgKind{metric, severity, b.groups[g]})
		}
	}
	if before == 0 { // the batch's first groups: clear the previous batch's
		if _, err := q.exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS retarget_groups (id INTEGER PRIMARY KEY, policy_version INTEGER NOT NULL,
		family TEXT NOT NULL, calendar_id INTEGER NOT NULL, calendar_version INTEGER NOT NULL, coverage TEXT NOT NULL, target_kind TEXT NOT NULL,
		target_minutes INTEGER)`); err != nil {
			return fmt.Errorf("store: recompute groups: %w", err)
		}
		if _, err := q.exec(ctx, "DELETE FROM temp.retarget_groups"); err != nil {
			return fmt.Errorf("store: recompute groups: %w", err)
		}
	}
	for g, id := range b.groups {
		if id <= int64(before) {
			continue // written before
		}
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
