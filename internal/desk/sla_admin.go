package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
)

// slaInvalid turns a decoding error of internal/sla into a field error.
func slaInvalid(prefix string, err error) error {
	var fe *sla.FieldError
	if errors.As(err, &fe) {
		field := fe.Field
		if prefix != "" && field != "" {
			field = prefix + "." + field
		}
		return casedesk.Invalid(field, "%s", fe.Msg)
	}
	return casedesk.Invalid(prefix, "%v", err)
}

// PolicyView is a stored policy version.
type PolicyView struct {
	Version   int64           `json:"version"`
	CreatedAt time.Time       `json:"created_at"`
	CreatedBy int64           `json:"created_by,omitempty"`
	Policy    json.RawMessage `json:"policy"`
}

// SLAPolicy returns the policy in force (anyone signed in: customers see
// what their plan entitles them to).
func (d *Desk) SLAPolicy(ctx context.Context, a *casedesk.Actor) (sla.Policy, error) {
	if a.Anonymous() {
		return sla.Policy{}, errUnauthenticated()
	}
	return d.currentPolicy(ctx, &d.db.Queries)
}

// SLAPolicyVersion returns one stored version, as exported JSON (staff).
func (d *Desk) SLAPolicyVersion(ctx context.Context, a *casedesk.Actor, version int64) (*PolicyView, error) {
	if err := needStaff(a); err != nil {
		return nil, err
	}
	var row *store.PolicyRow
	var err error
	if version == 0 {
		row, err = d.db.CurrentPolicy(ctx)
	} else {
		row, err = d.db.Policy(ctx, version)
	}
	if err != nil {
		return nil, err
	}
	return &PolicyView{Version: row.Version, CreatedAt: row.CreatedAt, CreatedBy: row.CreatedBy, Policy: json.RawMessage(row.Body)}, nil
}

// SetSLAPolicy stores body (the policy's JSON export form) as a new version
// and recomputes every running clock under it from its opening instant
// (operators). It returns the new version and how many clocks moved.
func (d *Desk) SetSLAPolicy(ctx context.Context, a *casedesk.Actor, body []byte) (int64, int, error) {
	if err := needOperator(a); err != nil {
		return 0, 0, err
	}
	p, err := sla.ParsePolicy(body)
	if err != nil {
		return 0, 0, slaInvalid("", err)
	}
	var version int64
	var rc *recompute
	err = d.write(ctx, func(tx *store.Tx) error {
		cur, err := tx.CurrentPolicy(ctx)
		switch {
		case casedesk.ErrorCode(err) == casedesk.ENOTFOUND:
			version = 1
		case err != nil:
			return err
		default:
			version = cur.Version + 1
		}
		p.Version = int(version)
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := tx.CreatePolicy(ctx, &store.PolicyRow{Version: version, Body: string(b), CreatedAt: d.now(), CreatedBy: a.User.ID}); err != nil {
			return err
		}
		rc, err = d.startRecompute(ctx, tx, store.AllOrgs, "policy v"+fmt.Sprint(version), &a.User.ID)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	moved, err := d.runRecompute(ctx, rc)
	return version, moved, err
}

// CalendarView is a stored calendar with its spec.
type CalendarView struct {
	*store.CalendarRow
	Spec json.RawMessage `json:"spec"`
}

func calendarView(r *store.CalendarRow) CalendarView {
	return CalendarView{CalendarRow: r, Spec: json.RawMessage(r.Spec)}
}

// Calendars lists the region calendars (anyone signed in).
func (d *Desk) Calendars(ctx context.Context, a *casedesk.Actor) ([]CalendarView, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	rows, err := d.db.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]CalendarView, len(rows))
	for i, r := range rows {
		out[i] = calendarView(r)
	}
	return out, nil
}

// Calendar returns one calendar (anyone signed in).
func (d *Desk) Calendar(ctx context.Context, a *casedesk.Actor, id int64) (CalendarView, error) {
	if a.Anonymous() {
		return CalendarView{}, errUnauthenticated()
	}
	r, err := d.db.Calendar(ctx, id)
	if err != nil {
		return CalendarView{}, err
	}
	return calendarView(r), nil
}

// NewCalendar is a calendar as operators send it.
type NewCalendar struct {
	Name   string          `json:"name"`
	Region string          `json:"region"`
	Spec   json.RawMessage `json:"spec"`
}

func checkCalendar(in NewCalendar) (string, error) {
	if err := casedesk.CheckText("name", in.Name, 1, 100); err != nil {
		return "", err
	}
	if in.Region != "" && !casedesk.IsCountry(in.Region) {
		return "", casedesk.Invalid("region", "region must be a two-letter ISO 3166-1 code such as DE, or empty for the default calendar")
	}
	if len(in.Spec) == 0 {
		return "", casedesk.Invalid("spec", "spec is required: {\"type\", \"tz\", \"weekly\", \"holidays\"} as in docs/sla.md")
	}
	if _, err := calendar.ParseJSON(in.Spec); err != nil {
		return "", slaInvalid("spec", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, in.Spec); err != nil {
		return "", casedesk.Invalid("spec", "spec is not valid JSON")
	}
	return buf.String(), nil
}

// CreateCalendar adds a region calendar (operators).
func (d *Desk) CreateCalendar(ctx context.Context, a *casedesk.Actor, in NewCalendar) (CalendarView, error) {
	if err := needOperator(a); err != nil {
		return CalendarView{}, err
	}
	spec, err := checkCalendar(in)
	if err != nil {
		return CalendarView{}, err
	}
	row := &store.CalendarRow{Name: in.Name, Region: in.Region, Spec: spec, UpdatedAt: d.now()}
	var rc *recompute
	if err := d.write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCalendar(ctx, row); err != nil {
			return err
		}
		// Customers of the region may have counted on the default calendar until now.
		rc, err = d.startRecompute(ctx, tx, store.AllOrgs, "calendar "+row.Name, &a.User.ID)
		return err
	}); err != nil {
		return CalendarView{}, err
	}
	_, err = d.runRecompute(ctx, rc)
	return calendarView(row), err
}

// UpdateCalendar replaces a calendar's name and spec (its region stays) and
// recomputes the running clocks (operators).
func (d *Desk) UpdateCalendar(ctx context.Context, a *casedesk.Actor, id int64, in NewCalendar) (CalendarView, int, error) {
	if err := needOperator(a); err != nil {
		return CalendarView{}, 0, err
	}
	cur, err := d.db.Calendar(ctx, id)
	if err != nil {
		return CalendarView{}, 0, err
	}
	in.Region = cur.Region
	spec, err := checkCalendar(in)
	if err != nil {
		return CalendarView{}, 0, err
	}
	row := &store.CalendarRow{ID: id, Name: in.Name, Region: cur.Region, Spec: spec, UpdatedAt: d.now()}
	var rc *recompute
	if err := d.write(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateCalendar(ctx, row); err != nil {
			return err
		}
		rc, err = d.startRecompute(ctx, tx, store.AllOrgs, "calendar "+row.Name+" v"+fmt.Sprint(row.Version), &a.User.ID)
		return err
	}); err != nil {
		return CalendarView{}, 0, err
	}
	moved, err := d.runRecompute(ctx, rc)
	return calendarView(row), moved, err
}

// ImportHolidays adds the all-day events of an iCalendar file (RFC 5545,
// yearly RRULEs as yearly holidays) to a calendar's holidays (operators).
func (d *Desk) ImportHolidays(ctx context.Context, a *casedesk.Actor, id int64, ics io.Reader) (CalendarView, int, error) {
	if err := needOperator(a); err != nil {
		return CalendarView{}, 0, err
	}
	hs, err := calendar.ImportICSUntil(ics, calendar.Date{Year: d.now().Year() + 5, Month: 12, Day: 31})
	if err != nil {
		return CalendarView{}, 0, casedesk.Invalid("file", "%v", err)
	}
	cur, err := d.db.Calendar(ctx, id)
	if err != nil {
		return CalendarView{}, 0, err
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(cur.Spec), &spec); err != nil {
		return CalendarView{}, 0, err
	}
	var list []json.RawMessage
	if raw, ok := spec["holidays"]; ok {
		json.Unmarshal(raw, &list)
	}
	for _, h := range hs {
		date := h.Date.String()
		if h.Yearly {
			date = date[5:]
		}
		b, _ := json.Marshal(map[string]string{"date": date, "name": h.Name})
		list = append(list, b)
	}
	spec["holidays"], _ = json.Marshal(list)
	b, _ := json.Marshal(spec)
	v, _, err := d.UpdateCalendar(ctx, a, id, NewCalendar{Name: cur.Name, Spec: b})
	return v, len(hs), err
}

// RecomputeClocks recomputes the running clocks in scope (store.AllOrgs or
// one organization's) from their opening instants with the current policy,
// plans and calendars, in batches, recording each due time that moved. It
// returns how many moved.
func (d *Desk) RecomputeClocks(ctx context.Context, scope store.Scope, reason string, actor *int64) (int, error) {
	var rc *recompute
	if err := d.write(ctx, func(tx *store.Tx) (err error) {
		rc, err = d.startRecompute(ctx, tx, scope, reason, actor)
		return err
	}); err != nil {
		return 0, err
	}
	return d.runRecompute(ctx, rc)
}

// recompute is a bulk recompute recorded (recompute_runs) but not yet run.
type recompute struct {
	id     int64
	scope  store.Scope
	reason string
	actor  *int64
	at     time.Time
}

// startRecompute records a recompute in the transaction of the change that
// calls for it, so that a process stopped before the recompute finished
// resumes it at start-up (ResumeRecomputes). runRecompute runs it once the
// change has committed.
func (d *Desk) startRecompute(ctx context.Context, tx *store.Tx, scope store.Scope, reason string, actor *int64) (*recompute, error) {
	rc := &recompute{scope: scope, reason: reason, actor: actor, at: d.now()}
	var err error
	rc.id, err = tx.CreateRecomputeRun(ctx, scope, reason, actor, rc.at)
	return rc, err
}

// runRecompute runs a recorded recompute (store.DB.RetargetClocks, which
// takes turns with any other) and marks it finished. desk computes each
// clock and decides which due times moved; each batch records its moves
// and, once committed, publishes them to the live stream while the next
// batch is written.
func (d *Desk) runRecompute(ctx context.Context, rc *recompute) (int, error) {
	// Each organization's share, computed once for the run, by the writer
	// or by the computation beside it, whichever needs it first.
	var mu sync.Mutex
	inputs := map[int64]*store.Retarget{}
	moved := 0
	var published sync.WaitGroup
	defer published.Wait()
	err := d.db.RetargetClocks(ctx, &store.RetargetRun{ID: rc.id, Scope: rc.scope, At: rc.at,
		For: func(q *store.Queries, o int64) (*store.Retarget, error) {
			mu.Lock()
			defer mu.Unlock()
			if rt, ok := inputs[o]; ok {
				return rt, nil
			}
			rt, err := d.retarget(ctx, q, o)
			if err == nil {
				inputs[o] = rt
			}
			return rt, err
		},
		Saved: func(tx *store.Tx, saved []store.ClockMove) error {
			moves := slices.DeleteFunc(saved, func(m store.ClockMove) bool { return !dueMoved(m.Old, m.New) })
			if len(moves) == 0 {
				return nil
			}
			if err := tx.RecordClockMoves(ctx, rc.id, moves); err != nil {
				return err
			}
			tx.AfterCommit(func() { moved += len(moves) })
			return d.announce(ctx, tx, func() {
				published.Go(func() {
					for _, m := range moves {
						d.events.Publish(movedEvent(m, rc.reason, rc.actor, rc.at))
					}
				})
			})
		}})
	if moved > 0 {
		d.signalSLA()
	}
	if err != nil {
		return moved, err
	}
	return moved, d.write(ctx, func(tx *store.Tx) error { return tx.FinishRecomputeRun(ctx, rc.id, moved, d.now()) })
}

// dueMoved reports whether a recompute moved a clock's due time: what gets a
// history line.
func dueMoved(old, new *time.Time) bool {
	if old == nil || new == nil {
		return old != new
	}
	return !old.Equal(*new)
}

// movedEvent is the history line of a due time a bulk recompute moved: kind
// sla_recomputed, staff-only, without an id (the move is packed with its
// batch, store.Queries.RecordClockMoves).
func movedEvent(m store.ClockMove, reason string, actor *int64, at time.Time) casedesk.Event {
	return casedesk.Event{RequestID: m.RequestID, Number: casedesk.RequestNumber(m.RequestID), OrgID: m.OrgID, ActorID: actor,
		Kind: casedesk.EventSLARecomputed, Field: casedesk.ClockField(casedesk.Metric(m.Metric), reason), Old: dueString(m.Old), New: dueString(m.New), Internal: true, At: at}
}

// retarget builds an organization's share of a recompute, nil when it has
// no active plan any more (its clocks are left as they were).
func (d *Desk) retarget(ctx context.Context, q *store.Queries, org int64) (*store.Retarget, error) {
	in, ok, err := d.inputsFor(ctx, q, org)
	if err != nil || !ok {
		return nil, err
	}
	rt := &store.Retarget{PolicyVersion: int64(in.policy.Version), Family: string(in.family),
		CalendarID: in.calRow.ID, CalendarVersion: in.calRow.Version, Kinds: map[string]store.RetargetKind{},
		Compute: func(c *store.ClockRow) error { _, err := compute(c, in); return err }}
	for _, m := range []casedesk.Metric{casedesk.MetricInitialResponse, casedesk.MetricNextReply, casedesk.MetricResolution} {
		if !metricOn(in.policy, m) {
			continue
		}
		rt.Metrics = append(rt.Metrics, string(m))
		for _, s := range casedesk.Severities() {
			if e, err := in.policy.LookupMetric(m, in.family, s); err == nil {
				k := store.RetargetKind{Coverage: string(e.Coverage), TargetKind: string(e.Target.Kind)}
				switch e.Target.Kind {
				case casedesk.TargetMinutes:
					k.Minutes = &e.Target.Minutes
				case casedesk.TargetNone:
					k.Minutes = new(int)
				}
				rt.Kinds[string(m)+"/"+string(s)] = k
			}
		}
	}
	return rt, nil
}

// ResumeRecomputes finishes the recomputes a stopped process left halfway
// (a calendar, policy or plan change is committed before its clocks are
// recomputed): it recomputes again what each covered and marks it finished.
// It returns how many due times moved. A recompute still running on another
// instance is done twice, which moves nothing the second time.
func (d *Desk) ResumeRecomputes(ctx context.Context) (int, error) {
	runs, err := d.db.UnfinishedRecomputes(ctx)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, r := range runs {
		n, err := d.RecomputeClocks(ctx, r.Scope, r.Reason+" (resumed)", r.Actor)
		if err != nil {
			return moved, err
		}
		moved += n
		if err := d.write(ctx, func(tx *store.Tx) error { return tx.FinishRecomputeRun(ctx, r.ID, 0, d.now()) }); err != nil {
			return moved, err
		}
	}
	return moved, nil
}
