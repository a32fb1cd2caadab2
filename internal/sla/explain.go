package sla

import (
	"fmt"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
)

// AppliedPause is a pause and the counting minutes it removed before Due
// (for an open pause: before its start, so always 0).
type AppliedPause struct {
	Pause
	MinutesRemoved int
}

// Explanation says why a clock is due when it is.
type Explanation struct {
	PolicyVersion int // 0 when the clock was not built from a policy
	Metric        casedesk.Metric
	Family        casedesk.Family
	Severity      casedesk.Severity
	Coverage      casedesk.Coverage
	CalendarType  string // "24x7" or "business_hours"
	Zone          string // IANA name of the calendar's zone
	Target        Target
	TargetMinutes int
	OpenedAt      time.Time
	Start         time.Time
	Pauses        []AppliedPause
	// Holidays are those on the local dates from Start to Due (or to the
	// last pause end while the due time is unknown); none on 24x7.
	Holidays []calendar.Occurrence
	Due      time.Time
	HasDue   bool
	Paused   bool

	loc *time.Location
}

// Explain returns the explanation of the clock.
func (c *Clock) Explain() Explanation {
	e := Explanation{
		PolicyVersion: c.input.PolicyVersion,
		Metric:        c.input.Metric,
		Family:        c.input.Family,
		Severity:      c.input.Severity,
		Coverage:      c.Entitlement.Coverage,
		CalendarType:  string(casedesk.CoverageBusinessHours),
		Zone:          c.Calendar.Location().String(),
		Target:        c.Entitlement.Target,
		TargetMinutes: c.TargetMinutes,
		OpenedAt:      c.OpenedAt,
		Start:         c.Start,
		Due:           c.Due,
		HasDue:        c.HasDue,
		Paused:        c.Paused,
		loc:           c.Calendar.Location(),
	}
	if c.Calendar.Is24x7() {
		e.CalendarType = string(casedesk.Coverage24x7)
	}
	end := c.Due
	for _, p := range c.Pauses {
		ap := AppliedPause{Pause: p}
		if c.HasDue && !p.Open() {
			from, to := p.From, p.To
			if from.Before(c.Start) {
				from = c.Start
			}
			if to.After(c.Due) {
				to = c.Due
			}
			if to.After(from) {
				ap.MinutesRemoved = int(c.Calendar.Between(from, to) / time.Minute)
			}
		}
		if !c.HasDue && !p.Open() && p.To.After(end) {
			end = p.To
		}
		e.Pauses = append(e.Pauses, ap)
	}
	if end.IsZero() || end.Before(c.Start) {
		end = c.Start
	}
	if !c.Calendar.Is24x7() {
		e.Holidays = c.Calendar.HolidaysBetween(c.Start, end)
	}
	return e
}

// String renders the explanation in one line, e.g.
//
//	due 2026-12-29 09:30 GMT (Europe/London) because policy v1 gives business/A
//	a target of 60 minutes on business hours in Europe/London; counting started ...
func (e Explanation) String() string {
	loc := e.loc
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation(e.Zone); err != nil {
			loc = time.UTC
		}
	}
	const layout = "2006-01-02 15:04 MST"
	f := func(t time.Time) string { return t.In(loc).Format(layout) }
	var b strings.Builder
	switch {
	case e.Target.Kind == casedesk.TargetNone:
		b.WriteString("no due time")
	case e.Paused:
		b.WriteString("due time unknown while paused")
	default:
		fmt.Fprintf(&b, "due %s (%s)", f(e.Due), e.Zone)
	}
	b.WriteString(" because ")
	if e.PolicyVersion > 0 {
		metric := e.Metric
		if metric == "" {
			metric = casedesk.MetricInitialResponse
		}
		fmt.Fprintf(&b, "policy v%d gives %s/%s %s ", e.PolicyVersion, e.Family, e.Severity, strings.ReplaceAll(string(metric), "_", " "))
	} else {
		b.WriteString("the entitlement is ")
	}
	switch e.Target.Kind {
	case casedesk.TargetNone:
		b.WriteString("no commitment (the clock is tracked, never breached)")
	case casedesk.TargetNextBusinessDay:
		fmt.Fprintf(&b, "a target of the next business day (%d counting minutes)", e.TargetMinutes)
	default:
		fmt.Fprintf(&b, "a target of %s", e.Target)
	}
	if e.CalendarType == string(casedesk.Coverage24x7) {
		b.WriteString(" on 24x7 (real elapsed time, holidays ignored)")
	} else {
		fmt.Fprintf(&b, " on business hours in %s", e.Zone)
	}
	if e.Start.Equal(e.OpenedAt.Truncate(time.Second)) {
		fmt.Fprintf(&b, "; counting started when opened at %s", f(e.Start))
	} else {
		fmt.Fprintf(&b, "; opened at %s outside hours, counting started at %s", f(e.OpenedAt), f(e.Start))
	}
	for _, p := range e.Pauses {
		if p.Open() {
			fmt.Fprintf(&b, "; paused since %s", f(p.From))
			continue
		}
		fmt.Fprintf(&b, "; pause %s to %s removed %d counting minutes", f(p.From), f(p.To), p.MinutesRemoved)
	}
	if len(e.Holidays) > 0 {
		b.WriteString("; holidays skipped:")
		for i, h := range e.Holidays {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s", h.Date)
			if h.Holiday.Name != "" {
				fmt.Fprintf(&b, " %s", h.Holiday.Name)
			}
		}
	}
	return b.String()
}
