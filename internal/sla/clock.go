package sla

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
)

// Pause is a span during which the clock does not count (the request waits on
// the customer). To is the zero time while the request is still paused.
type Pause struct {
	From, To time.Time
}

// Open reports whether the pause has not ended.
func (p Pause) Open() bool { return p.To.IsZero() }

// NormalizePauses sorts pauses by start, drops empty ones (To not after
// From), and merges overlapping or touching ones. An open pause absorbs every
// pause that starts after it. The input is not modified.
func NormalizePauses(ps []Pause) []Pause {
	var in []Pause
	for _, p := range ps {
		if p.Open() || p.To.After(p.From) {
			in = append(in, p)
		}
	}
	slices.SortStableFunc(in, func(a, b Pause) int { return a.From.Compare(b.From) })
	var out []Pause
	for _, p := range in {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.Open() {
				break
			}
			if !p.From.After(last.To) {
				if p.Open() || p.To.After(last.To) {
					last.To = p.To
				}
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// ClockInput is everything a clock depends on.
type ClockInput struct {
	// Calendar is the customer's region calendar, counted on for
	// business_hours coverage. It may be nil for 24x7 coverage.
	Calendar    *calendar.Calendar
	OpenedAt    time.Time
	Entitlement Entitlement
	Pauses      []Pause
	// WarnShare is the share of the target after which the clock warns; 0
	// means DefaultWarnShare.
	WarnShare float64

	// Context reported by Explain (optional).
	PolicyVersion int
	Metric        casedesk.Metric
	Family        casedesk.Family
	Severity      casedesk.Severity
	// Untriaged: the request has no severity yet, and Severity is the one
	// whose entitlement it is held to until triage (Policy.UntriagedSeverity).
	Untriaged bool
}

// Clock is a computed service-level clock. It is a value: recompute it
// (NewClock) when the severity, plan, calendar or pauses change; the due time
// is always computed from the opening instant.
type Clock struct {
	input ClockInput
	// Calendar is the calendar actually counted on: TwentyFourSeven for 24x7
	// coverage, the region calendar for business hours.
	Calendar    *calendar.Calendar
	OpenedAt    time.Time
	Entitlement Entitlement
	// Start is the first counting instant: OpenedAt on 24x7, the next
	// business minute on business hours.
	Start time.Time
	// Pauses are the normalised pauses the clock honours.
	Pauses []Pause
	// TargetMinutes is the target in counting minutes (for next_business_day,
	// the counting minutes from Start to the end of the next business day);
	// 0 for "none".
	TargetMinutes int
	// Due is the end of the last counting minute of the target, pauses
	// excluded. HasDue is false for "none" and while Paused.
	Due    time.Time
	HasDue bool
	// WarnAt is when WarnShare of the target's counting time has been used
	// (zero when unknown).
	WarnAt time.Time
	// Paused: an open pause began before the target ran out, so the due time
	// is unknown until the pause ends.
	Paused bool

	targetSec int64
}

// NewClock computes a clock.
func NewClock(in ClockInput) (*Clock, error) {
	if err := in.Entitlement.Validate(); err != nil {
		return nil, err
	}
	if in.OpenedAt.IsZero() {
		return nil, errors.New("sla: clock: opened-at time is zero")
	}
	share := in.WarnShare
	if share == 0 {
		share = DefaultWarnShare
	}
	if math.IsNaN(share) || share <= 0 || share >= 1 {
		return nil, fmt.Errorf("sla: clock: warn share %v not in (0, 1)", share)
	}
	cal := calendar.TwentyFourSeven()
	if in.Entitlement.Coverage == casedesk.CoverageBusinessHours {
		if in.Calendar == nil {
			return nil, errors.New("sla: clock: business-hours coverage needs a calendar")
		}
		cal = in.Calendar
	}
	c := &Clock{
		input:       in,
		Calendar:    cal,
		OpenedAt:    in.OpenedAt,
		Entitlement: in.Entitlement,
		Start:       cal.NextBusinessMinute(in.OpenedAt),
		Pauses:      NormalizePauses(in.Pauses),
	}
	switch in.Entitlement.Target.Kind {
	case casedesk.TargetNone:
		return c, nil
	case casedesk.TargetMinutes:
		c.targetSec = int64(in.Entitlement.Target.Minutes) * 60
	case casedesk.TargetNextBusinessDay:
		end := cal.EndOfNextBusinessDay(in.OpenedAt)
		c.targetSec = int64(cal.Between(c.Start, end) / time.Second)
	}
	c.TargetMinutes = int(c.targetSec / 60)
	c.Due, c.HasDue = c.after(c.targetSec)
	c.Paused = !c.HasDue
	c.WarnAt, _ = c.after(int64(float64(c.targetSec) * share))
	return c, nil
}

// after returns the earliest instant by which need seconds have counted
// since Start, skipping paused time; false if an open pause intervenes.
func (c *Clock) after(need int64) (time.Time, bool) {
	cal := c.Calendar
	cursor := c.Start
	remaining := time.Duration(need) * time.Second
	for _, p := range c.Pauses {
		if !p.Open() && !p.To.After(cursor) {
			continue
		}
		if p.From.After(cursor) {
			avail := cal.Between(cursor, p.From)
			if avail >= remaining {
				return cal.Add(cursor, remaining), true
			}
			remaining -= avail
		}
		if p.Open() {
			return time.Time{}, false
		}
		cursor = p.To
	}
	return cal.Add(cursor, remaining), true
}

// counted returns the counting time in [Start, at), paused time excluded
// (an open pause counts as paused up to at).
func (c *Clock) counted(at time.Time) time.Duration {
	if !at.After(c.Start) {
		return 0
	}
	d := c.Calendar.Between(c.Start, at)
	for _, p := range c.Pauses {
		from := p.From
		if from.Before(c.Start) {
			from = c.Start
		}
		to := p.To
		if p.Open() || to.After(at) {
			to = at
		}
		if to.After(from) {
			d -= c.Calendar.Between(from, to)
		}
	}
	return d
}

// BusinessMinutesUsed returns the whole counting minutes used from Start up
// to at, paused time excluded.
func (c *Clock) BusinessMinutesUsed(at time.Time) int {
	return int(c.counted(at) / time.Minute)
}

// Status is a clock evaluated at an instant.
type Status struct {
	At      time.Time
	Stopped bool // At is the stop time (the first response), not "now"
	// BusinessMinutesUsed is counting minutes from Start to At, pauses excluded.
	BusinessMinutesUsed int
	// Met: stopped at or before Due (or stopped while the clock was held by
	// an open pause before the target ran out). Never true for "none".
	Met bool
	// Breached: At is after Due. A response exactly at Due is in time; a
	// response after Due is late even if it falls outside hours.
	Breached bool
	// Warning: not stopped, not breached, and WarnAt has been reached.
	Warning bool
	// Remaining is the counting time left before Due (0 when breached or when
	// there is no target).
	Remaining time.Duration
}

// Evaluate evaluates the clock at a stop time (stopped) or at "now".
func (c *Clock) Evaluate(at time.Time, stopped bool) Status {
	s := Status{At: at, Stopped: stopped, BusinessMinutesUsed: c.BusinessMinutesUsed(at)}
	if c.Entitlement.Target.Kind == casedesk.TargetNone {
		return s
	}
	s.Breached = c.HasDue && at.After(c.Due)
	s.Met = stopped && !s.Breached
	s.Warning = !stopped && !s.Breached && !c.WarnAt.IsZero() && !at.Before(c.WarnAt)
	if !s.Breached {
		s.Remaining = max(0, time.Duration(c.targetSec)*time.Second-c.counted(at))
	}
	return s
}

// NewClock computes the clock of a metric for a request of the given family
// and severity under the policy: it looks up the entitlement, applies the
// policy's warn share, and honours pauses only if PauseWhileWaiting.
// Severity "" is an untriaged request, held to the entitlement of the
// policy's UntriagedSeverity for the family.
func (p Policy) NewClock(m casedesk.Metric, region *calendar.Calendar, f casedesk.Family, s casedesk.Severity, openedAt time.Time, pauses []Pause) (*Clock, error) {
	untriaged := s == casedesk.SeverityNone
	if untriaged {
		s = p.UntriagedSeverity(f)
	}
	e, err := p.LookupMetric(m, f, s)
	if err != nil {
		return nil, err
	}
	if !p.PauseWhileWaiting {
		pauses = nil
	}
	return NewClock(ClockInput{
		Calendar: region, OpenedAt: openedAt, Entitlement: e, Pauses: pauses, WarnShare: p.WarnShare,
		PolicyVersion: p.Version, Metric: m, Family: f, Severity: s, Untriaged: untriaged,
	})
}
