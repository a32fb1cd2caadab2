package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
)

// This file keeps the service-level clocks of requests: it starts them, pauses
// them while a request waits on the customer, stops them at the provider's
// response, and recomputes them from the opening instant when the severity,
// the plan, the policy or the calendar changes. The arithmetic is in
// internal/sla and internal/calendar; this file supplies their inputs.

// slaCache holds the parsed current policy and calendars, keyed by version so
// a change made by another instance is picked up on the next read.
type slaCache struct {
	mu     sync.Mutex
	policy *sla.Policy
	cals   map[int64]cachedCal
}

type cachedCal struct {
	version int64
	cal     *calendar.Calendar
}

// clockInputs are the facts a request's clocks are computed from.
type clockInputs struct {
	policy sla.Policy
	family casedesk.Family
	calRow *store.CalendarRow
	cal    *calendar.Calendar
}

// inputsFor gathers the inputs for a request: the policy in force, the
// family of the organization's plans, the calendar of its region. ok is false
// when the organization has no active plan (prospects): no clock runs.
func (d *Desk) inputsFor(ctx context.Context, q *store.Queries, orgID int64) (in clockInputs, ok bool, err error) {
	if in.policy, err = d.currentPolicy(ctx, q); err != nil {
		return in, false, err
	}
	scope := store.OrgScope(orgID)
	subs, err := q.Subscriptions(ctx, scope)
	if err != nil {
		return in, false, err
	}
	f, ok := casedesk.SupportFamily(subs)
	if !ok {
		return in, false, nil
	}
	in.family = f
	org, err := q.Organization(ctx, scope, orgID)
	if err != nil {
		return in, false, err
	}
	if in.calRow, err = q.CalendarForRegion(ctx, org.Country); err != nil {
		return in, false, err
	}
	if in.cal, err = d.parsedCalendar(in.calRow); err != nil {
		return in, false, err
	}
	return in, true, nil
}

// errMetricOff: the policy in force no longer measures the clock's metric;
// the clock is left as it was.
var errMetricOff = errors.New("desk: metric turned off by the policy")

func metricOn(p sla.Policy, m casedesk.Metric) bool {
	switch m {
	case casedesk.MetricNextReply:
		return p.NextReplyEnabled
	case casedesk.MetricResolution:
		return p.ResolutionEnabled
	}
	return true
}

// metricsOn returns the metrics started at opening that the policy turns on
// (next-reply clocks start at customer messages instead).
func metricsOn(p sla.Policy) []casedesk.Metric {
	ms := []casedesk.Metric{casedesk.MetricInitialResponse}
	if p.ResolutionEnabled {
		ms = append(ms, casedesk.MetricResolution)
	}
	return ms
}

type pauseJSON [2]*time.Time

func decodePauses(s string) ([]sla.Pause, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var raw []pauseJSON
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, err
	}
	out := make([]sla.Pause, 0, len(raw))
	for _, p := range raw {
		var sp sla.Pause
		if p[0] != nil {
			sp.From = *p[0]
		}
		if p[1] != nil {
			sp.To = *p[1]
		}
		out = append(out, sp)
	}
	return out, nil
}

func encodePauses(ps []sla.Pause) string {
	if len(ps) == 0 {
		return "[]"
	}
	raw := make([]pauseJSON, len(ps))
	for i, p := range ps {
		from := p.From
		raw[i][0] = &from
		if !p.Open() {
			to := p.To
			raw[i][1] = &to
		}
	}
	b, _ := json.Marshal(raw)
	return string(b)
}

// compute recomputes c's entitlement, due and warning instants from the
// inputs, from its opening instant and its pauses, and, if c is stopped,
// its verdict. It returns the sla.Clock for explanations.
func compute(c *store.ClockRow, in clockInputs) (*sla.Clock, error) {
	if !metricOn(in.policy, c.Metric) {
		return nil, errMetricOff
	}
	pauses, err := decodePauses(c.Pauses)
	if err != nil {
		return nil, fmt.Errorf("desk: clock %d pauses: %w", c.ID, err)
	}
	clk, err := in.policy.NewClock(c.Metric, in.cal, in.family, c.Severity, c.OpenedAt, pauses)
	if err != nil {
		return nil, err
	}
	c.PolicyVersion, c.Family = int64(in.policy.Version), in.family
	c.Coverage, c.TargetKind, c.TargetMinutes = clk.Entitlement.Coverage, clk.Entitlement.Target.Kind, clk.TargetMinutes
	c.CalendarID, c.CalendarVersion = &in.calRow.ID, &in.calRow.Version
	c.DueAt, c.WarnAt = nil, nil
	if clk.HasDue {
		due := clk.Due.UTC().Truncate(time.Microsecond)
		c.DueAt = &due
		if !clk.WarnAt.IsZero() {
			w := clk.WarnAt.UTC().Truncate(time.Microsecond)
			c.WarnAt = &w
		}
	}
	if c.StoppedAt != nil {
		st := clk.Evaluate(*c.StoppedAt, true)
		mins := st.BusinessMinutesUsed
		c.BusinessMinutes = &mins
		c.Breached = st.Breached
		if clk.Entitlement.Target.Kind != casedesk.TargetNone {
			met := st.Met
			c.Met = &met
		} else {
			c.Met = nil
		}
	}
	return clk, nil
}

// startClocks starts the request's clocks of a cycle (0 at opening, n after
// the n-th reopen) counted from openedAt, if its organization has a plan. A
// request not yet triaged gets clocks with severity "": they are held to the
// targets of the policy's untriaged rule (sla.Policy.UntriagedSeverity), and
// triage re-targets them from the same opening instant (recomputeClocks).
func (d *Desk) startClocks(ctx context.Context, tx *store.Tx, r *casedesk.Request, cycle int, openedAt time.Time, actor *int64) error {
	in, ok, err := d.inputsFor(ctx, &tx.Queries, r.OrgID)
	if err != nil || !ok {
		return err
	}
	now := d.now()
	for _, m := range metricsOn(in.policy) {
		c := &store.ClockRow{RequestID: r.ID, OrgID: r.OrgID, Metric: m, Cycle: cycle, OpenedAt: openedAt,
			Severity: r.Severity, Pauses: "[]", UpdatedAt: now}
		if r.Status == casedesk.StatusWaiting {
			c.Pauses = encodePauses([]sla.Pause{{From: now}})
		}
		if m == casedesk.MetricInitialResponse {
			// Triaged after the provider already answered: the clock starts
			// stopped at that answer.
			if c.StoppedAt, err = tx.FirstStaffResponse(ctx, scopeOf(r), r.ID, openedAt); err != nil {
				return err
			}
		}
		if _, err := compute(c, in); err != nil {
			return err
		}
		if err := tx.CreateClock(ctx, scopeOf(r), c); err != nil {
			return err
		}
		if err := tx.CreateEvent(ctx, scopeOf(r), &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: actor, Kind: casedesk.EventSLAStarted,
			Field: casedesk.ClockField(m, ""), New: casedesk.DueText(c.DueAt), Internal: true, At: now}); err != nil {
			return err
		}
	}
	tx.AfterCommit(d.signalSLA)
	return nil
}

// recomputeClocks recomputes a request's running clocks with the current
// inputs and severity, writing an event for each due time that moved. If the
// request has no clock yet but now qualifies, its clocks start.
func (d *Desk) recomputeClocks(ctx context.Context, tx *store.Tx, r *casedesk.Request, actor *int64, reason string) error {
	clocks, err := tx.Clocks(ctx, scopeOf(r), r.ID)
	if err != nil {
		return err
	}
	if len(clocks) == 0 {
		return d.startClocks(ctx, tx, r, 0, r.CreatedAt, actor)
	}
	in, ok, err := d.inputsFor(ctx, &tx.Queries, r.OrgID)
	if err != nil || !ok {
		return err
	}
	for _, c := range clocks {
		if c.StoppedAt != nil {
			continue
		}
		c.Severity = r.Severity
		if err := d.recomputeOne(ctx, tx, c, in, actor, reason); err != nil {
			return err
		}
	}
	return nil
}

func (d *Desk) recomputeOne(ctx context.Context, tx *store.Tx, c *store.ClockRow, in clockInputs, actor *int64, reason string) error {
	old := casedesk.DueText(c.DueAt)
	if _, err := compute(c, in); errors.Is(err, errMetricOff) {
		return nil
	} else if err != nil {
		return err
	}
	c.UpdatedAt = d.now()
	// Re-targeted past an alert already recorded (a triage that relaxes
	// the clock): it is no longer breached, and alerts again when due.
	warn := c.WarnFiredAt != nil && (c.WarnAt == nil || c.WarnAt.After(c.UpdatedAt))
	breach := c.BreachFiredAt != nil && (c.DueAt == nil || c.DueAt.After(c.UpdatedAt))
	if breach {
		c.Breached = false
	}
	if err := tx.UpdateClock(ctx, store.OrgScope(c.OrgID), c); err != nil {
		return err
	}
	if warn || breach {
		if err := tx.RearmAlerts(ctx, store.OrgScope(c.OrgID), c.ID, warn, breach); err != nil {
			return err
		}
	}
	if nu := casedesk.DueText(c.DueAt); nu != old {
		if err := tx.CreateEvent(ctx, store.OrgScope(c.OrgID), &casedesk.Event{RequestID: c.RequestID, OrgID: c.OrgID, ActorID: actor, Kind: casedesk.EventSLARecomputed,
			Field: casedesk.ClockField(c.Metric, reason), Old: old, New: nu, Internal: true, At: c.UpdatedAt}); err != nil {
			return err
		}
		tx.AfterCommit(d.signalSLA)
	}
	return nil
}

// stopClocks stops the running clocks of the metric at the instant and
// records their verdicts.
func (d *Desk) stopClocks(ctx context.Context, tx *store.Tx, r *casedesk.Request, metric casedesk.Metric, at time.Time, actor *int64) error {
	clocks, err := tx.Clocks(ctx, scopeOf(r), r.ID)
	if err != nil {
		return err
	}
	var in clockInputs
	loaded := false
	for _, c := range clocks {
		if c.StoppedAt != nil || c.Metric != metric {
			continue
		}
		if !loaded {
			var ok bool
			if in, ok, err = d.inputsFor(ctx, &tx.Queries, r.OrgID); err != nil {
				return err
			} else if !ok {
				return nil
			}
			loaded = true
		}
		c.StoppedAt = &at
		if pauses, err := decodePauses(c.Pauses); err == nil && len(pauses) > 0 && pauses[len(pauses)-1].Open() {
			pauses[len(pauses)-1].To = at
			c.Pauses = encodePauses(pauses)
		}
		if _, err := compute(c, in); errors.Is(err, errMetricOff) {
			c.Met = nil // stopped without a verdict: the metric is no longer measured
		} else if err != nil {
			return err
		}
		c.UpdatedAt = d.now()
		if err := tx.UpdateClock(ctx, store.OrgScope(c.OrgID), c); err != nil {
			return err
		}
		verdict := "no target"
		if c.Met != nil && *c.Met {
			verdict = "met"
		} else if c.Met != nil {
			verdict = "breached"
		}
		if err := tx.CreateEvent(ctx, scopeOf(r), &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: actor, Kind: casedesk.EventSLAStopped,
			Field: casedesk.ClockField(c.Metric, ""), Old: casedesk.DueText(c.DueAt), New: verdict, Internal: true, At: at}); err != nil {
			return err
		}
		tx.AfterCommit(d.signalSLA)
	}
	return nil
}

// pauseClocks opens (pause) or closes a pause on the running clocks when a
// request starts or stops waiting on the customer, and recomputes them.
func (d *Desk) pauseClocks(ctx context.Context, tx *store.Tx, r *casedesk.Request, pause bool, at time.Time, actor *int64) error {
	clocks, err := tx.Clocks(ctx, scopeOf(r), r.ID)
	if err != nil || len(clocks) == 0 {
		return err
	}
	in, ok, err := d.inputsFor(ctx, &tx.Queries, r.OrgID)
	if err != nil || !ok || !in.policy.PauseWhileWaiting {
		return err
	}
	for _, c := range clocks {
		if c.StoppedAt != nil {
			continue
		}
		ps, err := decodePauses(c.Pauses)
		if err != nil {
			return err
		}
		open := len(ps) > 0 && ps[len(ps)-1].Open()
		switch {
		case pause && !open:
			ps = append(ps, sla.Pause{From: at})
		case !pause && open:
			ps[len(ps)-1].To = at
		default:
			continue
		}
		c.Pauses = encodePauses(ps)
		reason := "resumed"
		if pause {
			reason = "paused"
		}
		if err := d.recomputeOne(ctx, tx, c, in, actor, reason); err != nil {
			return err
		}
	}
	return nil
}

// nextCycle returns the cycle number for a reopened request's new clocks.
func nextCycle(clocks []*store.ClockRow) int {
	n := 0
	for _, c := range clocks {
		if c.Cycle >= n {
			n = c.Cycle + 1
		}
	}
	return n
}

// ClockView is a request's clock as shown: the stored clock, its state now,
// and, for staff, why it is due when it is.
type ClockView struct {
	*store.ClockRow
	State     string `json:"state"` // running, paused, met, breached, stopped (no target), warning
	Remaining string `json:"remaining,omitempty"`
	// HeldTo is, for a clock of a request not yet triaged (severity ""), the
	// severity whose target it is held to until triage.
	HeldTo      casedesk.Severity `json:"held_to_severity,omitempty"`
	Explanation string            `json:"explanation,omitempty"`
	// Why is the explanation as data, for staff, for the pages to word in
	// the viewer's language and time zone; nil for customers.
	Why *sla.Explanation `json:"-"`
}

// RequestClocks returns a request's clocks; staff also get explanations.
func (d *Desk) RequestClocks(ctx context.Context, a *casedesk.Actor, number string) ([]ClockView, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	clocks, err := d.db.Clocks(ctx, scopeOf(r), r.ID)
	if err != nil {
		return nil, err
	}
	out := make([]ClockView, 0, len(clocks))
	now := d.now()
	for _, c := range clocks {
		v := ClockView{ClockRow: c, State: "running"}
		in, ok, err := d.inputsAt(ctx, c)
		if err != nil {
			return nil, err
		}
		if ok {
			clk, err := compute(&store.ClockRow{Metric: c.Metric, Severity: c.Severity, OpenedAt: c.OpenedAt, Pauses: c.Pauses, StoppedAt: c.StoppedAt}, in)
			if errors.Is(err, errMetricOff) {
				out = append(out, v)
				continue
			} else if err != nil {
				return nil, err
			}
			st := clk.Evaluate(now, false)
			switch {
			case c.StoppedAt != nil && c.Met != nil && *c.Met:
				v.State = "met"
			case c.Breached || (c.StoppedAt == nil && st.Breached):
				v.State = "breached"
			case c.StoppedAt != nil:
				v.State = "stopped"
			case clk.Paused:
				v.State = "paused"
			case st.Warning:
				v.State = "warning"
			}
			if c.StoppedAt == nil && !st.Breached && clk.HasDue {
				v.Remaining = st.Remaining.String()
			}
			why := clk.Explain()
			if why.Untriaged {
				v.HeldTo = why.Severity
			}
			if a.IsStaff() {
				v.Explanation, v.Why = why.String(), &why
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// inputsAt rebuilds the inputs a stored clock was computed with: its policy
// version and its calendar (current version). ok is false if they are gone.
func (d *Desk) inputsAt(ctx context.Context, c *store.ClockRow) (clockInputs, bool, error) {
	var in clockInputs
	pr, err := d.db.Policy(ctx, c.PolicyVersion)
	switch {
	case casedesk.ErrorCode(err) == casedesk.ENOTFOUND:
		in.policy = sla.DefaultPolicy()
	case err != nil:
		return in, false, err
	default:
		if in.policy, err = sla.ParsePolicy([]byte(pr.Body)); err != nil {
			return in, false, err
		}
		in.policy.Version = int(pr.Version)
	}
	in.family = c.Family
	if c.CalendarID == nil {
		return in, false, nil
	}
	if in.calRow, err = d.db.Calendar(ctx, *c.CalendarID); err != nil {
		return in, false, nil
	}
	if in.cal, err = d.parsedCalendar(in.calRow); err != nil {
		return in, false, err
	}
	return in, true, nil
}

// clocksAfterUpdate brings the clocks in line with a change of severity or
// status: a new or changed severity (re)computes them from the opening
// instant, waiting on the customer pauses them, leaving it resumes them, and
// resolving or closing stops them.
func (d *Desk) clocksAfterUpdate(ctx context.Context, tx *store.Tx, r *casedesk.Request, oldSeverity casedesk.Severity, oldStatus casedesk.Status, at time.Time, actor *int64) error {
	if r.Severity != oldSeverity {
		if err := d.recomputeClocks(ctx, tx, r, actor, "severity "+string(oldSeverity)+"→"+string(r.Severity)); err != nil {
			return err
		}
	}
	if r.Status == oldStatus {
		return nil
	}
	switch {
	case r.Status == casedesk.StatusWaiting:
		return d.pauseClocks(ctx, tx, r, true, at, actor)
	case r.Status == casedesk.StatusResolved || r.Status == casedesk.StatusClosed:
		for _, m := range []casedesk.Metric{casedesk.MetricInitialResponse, casedesk.MetricResolution} {
			if err := d.stopClocks(ctx, tx, r, m, at, actor); err != nil {
				return err
			}
		}
		return nil
	case oldStatus == casedesk.StatusWaiting:
		return d.pauseClocks(ctx, tx, r, false, at, actor)
	}
	return nil
}

// startNextReply starts a next-reply clock at a customer's message, when the
// policy measures next replies and none is running.
func (d *Desk) startNextReply(ctx context.Context, tx *store.Tx, r *casedesk.Request, at time.Time, actor *int64) error {
	in, ok, err := d.inputsFor(ctx, &tx.Queries, r.OrgID)
	if err != nil || !ok || !in.policy.NextReplyEnabled {
		return err
	}
	clocks, err := tx.Clocks(ctx, scopeOf(r), r.ID)
	if err != nil {
		return err
	}
	cycle := 0
	for _, c := range clocks {
		if c.Metric != casedesk.MetricNextReply {
			continue
		}
		if c.StoppedAt == nil {
			return nil
		}
		cycle = max(cycle, c.Cycle+1)
	}
	c := &store.ClockRow{RequestID: r.ID, OrgID: r.OrgID, Metric: casedesk.MetricNextReply, Cycle: cycle, OpenedAt: at,
		Severity: r.Severity, Pauses: "[]", UpdatedAt: d.now()}
	if _, err := compute(c, in); err != nil {
		return err
	}
	if err := tx.CreateClock(ctx, scopeOf(r), c); err != nil {
		return err
	}
	tx.AfterCommit(d.signalSLA)
	return tx.CreateEvent(ctx, scopeOf(r), &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: actor, Kind: casedesk.EventSLAStarted,
		Field: casedesk.ClockField(casedesk.MetricNextReply, ""), New: casedesk.DueText(c.DueAt), Internal: true, At: at})
}
