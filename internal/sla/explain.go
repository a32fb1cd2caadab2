package sla

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
)

// AppliedPause is a pause and the counting time it removed before Due, to
// the second (an open pause removes nothing yet: the due time waits for it).
type AppliedPause struct {
	Pause
	Removed time.Duration
}

// Explanation says why a clock is due when it is. It is data: String words
// it in English for logs and the API, and the pages word its Steps in the
// viewer's language and time zone.
type Explanation struct {
	PolicyVersion int // 0 when the clock was not built from a policy
	Metric        casedesk.Metric
	Family        casedesk.Family
	// Severity is the request's, or for an untriaged one (Untriaged) the
	// severity whose entitlement it is held to until triage.
	Severity      casedesk.Severity
	Untriaged     bool
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
		Untriaged:     c.input.Untriaged,
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
				ap.Removed = c.Calendar.Between(from, to)
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
	loc := e.location()
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
		if e.Untriaged {
			fmt.Fprintf(&b, "until triage policy v%d holds %s %s to %s/%s: ", e.PolicyVersion, e.Family, strings.ReplaceAll(string(metric), "_", " "), e.Family, e.Severity)
		} else {
			fmt.Fprintf(&b, "policy v%d gives %s/%s %s ", e.PolicyVersion, e.Family, e.Severity, strings.ReplaceAll(string(metric), "_", " "))
		}
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
		fmt.Fprintf(&b, "; pause %s to %s removed %s", f(p.From), f(p.To), countingText(p.Removed))
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

// countingText words removed counting time to the second: "10 counting
// minutes", "1 counting minute", or "21s of counting time" when it is not
// whole minutes.
func countingText(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d == time.Minute:
		return "1 counting minute"
	case d%time.Minute == 0:
		return fmt.Sprintf("%d counting minutes", d/time.Minute)
	}
	return d.String() + " of counting time"
}

// StepKind is what a step of an explanation says.
type StepKind string

// The steps of an explanation, in the order they happen.
const (
	// StepOpened: the request (or its reopening) at At; counting starts at
	// once when Start equals it.
	StepOpened StepKind = "opened"
	// StepStart: counting starts at At, the first counting instant after
	// an opening outside the calendar's hours.
	StepStart StepKind = "start"
	// StepPause: waiting on the customer from At to To, which removed
	// Removed of counting time.
	StepPause StepKind = "pause"
	// StepPaused: waiting on the customer since At, not ended: the due
	// time is unknown until it ends.
	StepPaused StepKind = "paused"
	// StepHoliday: Date (Name) is a holiday of the calendar inside the
	// counting window: it does not count.
	StepHoliday StepKind = "holiday"
	// StepDue: the target runs out at At.
	StepDue StepKind = "due"
)

// Step is one instant or span of an explanation.
type Step struct {
	Kind    StepKind
	At, To  time.Time
	Removed time.Duration // StepPause
	Date    calendar.Date // StepHoliday
	Name    string        // StepHoliday: the holiday's name, if any
}

// Steps returns the explanation as steps in time order: opened, the start
// of counting if later, pauses and holidays, and the due time if there is
// one.
func (e Explanation) Steps() []Step {
	steps := []Step{{Kind: StepOpened, At: e.OpenedAt}}
	if !e.Start.Equal(e.OpenedAt.Truncate(time.Second)) {
		steps = append(steps, Step{Kind: StepStart, At: e.Start})
	}
	var mid []Step
	for _, p := range e.Pauses {
		if p.Open() {
			mid = append(mid, Step{Kind: StepPaused, At: p.From})
			continue
		}
		mid = append(mid, Step{Kind: StepPause, At: p.From, To: p.To, Removed: p.Removed})
	}
	loc := e.location()
	for _, h := range e.Holidays {
		mid = append(mid, Step{Kind: StepHoliday, At: time.Date(h.Date.Year, h.Date.Month, h.Date.Day, 0, 0, 0, 0, loc), Date: h.Date, Name: h.Holiday.Name})
	}
	slices.SortStableFunc(mid, func(a, b Step) int { return a.At.Compare(b.At) })
	steps = append(steps, mid...)
	if e.HasDue && e.Target.Kind != casedesk.TargetNone {
		steps = append(steps, Step{Kind: StepDue, At: e.Due})
	}
	return steps
}

// location is the calendar's zone.
func (e Explanation) location() *time.Location {
	if e.loc != nil {
		return e.loc
	}
	if loc, err := time.LoadLocation(e.Zone); err == nil {
		return loc
	}
	return time.UTC
}
