package web

import (
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
)

// clockPanel is a request's clock as the console shows it: the clock, the
// cycle it measures, and why it is due when it is, worded for the viewer.
type clockPanel struct {
	desk.ClockView
	Reopened string   // when the cycle began, for a reopen's clock
	Why      []string // the explanation's lines; none for a clock without a due time
	Left     string   // the counting time left, in the viewer's units
}

// clockPanels words a request's clocks for the console.
func clockPanels(p *page, clocks []desk.ClockView) []clockPanel {
	out := make([]clockPanel, len(clocks))
	for i, c := range clocks {
		out[i] = clockPanel{ClockView: c}
		if c.Cycle > 0 {
			out[i].Reopened = p.Date(c.OpenedAt)
		}
		if left, err := time.ParseDuration(c.Remaining); err == nil && c.Remaining != "" {
			out[i].Left = leftText(p, left)
		}
		if c.Why != nil && c.Why.HasDue && !c.Why.Paused && c.Why.Target.Kind != casedesk.TargetNone {
			out[i].Why = explain(p, c.Why)
		}
	}
	return out
}

// explain words why a clock is due when it is, in plain words, in the
// viewer's language, instants in the viewer's time zone: what the request
// is entitled to, then each step in time order (opened, counting started,
// waits on the customer and what they removed, holidays, the due time).
func explain(p *page, e *sla.Explanation) []string {
	target := targetText(p, e.Target)
	if e.Target.Kind == casedesk.TargetNextBusinessDay {
		target = p.T("why.nextday", target, spanText(p, time.Duration(e.TargetMinutes)*time.Minute))
	}
	counted := p.T("why.counted.24x7")
	if e.CalendarType != string(casedesk.Coverage24x7) {
		counted = p.T("why.counted.hours", e.Zone)
	}
	family := p.T("family." + string(e.Family))
	lines := []string{}
	if e.Untriaged {
		lines = append(lines, p.T("why.untriaged", family, p.T("sev."+string(e.Severity)), target, counted))
	} else {
		lines = append(lines, p.T("why.entitled", family, p.T("sev."+string(e.Severity)), target, counted))
	}
	for _, s := range e.Steps() {
		switch s.Kind {
		case sla.StepOpened:
			if e.Start.Equal(e.OpenedAt.Truncate(time.Second)) {
				lines = append(lines, p.T("why.opened.counting", p.When(s.At)))
			} else {
				lines = append(lines, p.T("why.opened.closed", p.When(s.At)))
			}
		case sla.StepStart:
			lines = append(lines, p.T("why.start", p.When(s.At)))
		case sla.StepPause:
			if s.Removed == 0 {
				lines = append(lines, p.T("why.pause.free", p.When(s.At), p.When(s.To)))
			} else {
				lines = append(lines, p.T("why.pause", p.When(s.At), p.When(s.To), spanText(p, s.Removed)))
			}
		case sla.StepPaused:
			lines = append(lines, p.T("why.paused", p.When(s.At)))
		case sla.StepHoliday:
			day := time.Date(s.Date.Year, s.Date.Month, s.Date.Day, 12, 0, 0, 0, time.UTC).Format(p.T("fmt.date"))
			if s.Name != "" {
				day += " (" + s.Name + ")"
			}
			lines = append(lines, p.T("why.holiday", day))
		case sla.StepDue:
			lines = append(lines, p.T("why.due", p.When(s.At)))
		}
	}
	return append(lines, p.T("why.zone", p.Zone()))
}

// spanText words a span of counting time to the second, e.g. "1 h 5 min",
// "21 s".
func spanText(p *page, d time.Duration) string {
	d = d.Truncate(time.Second)
	var parts []string
	if h := int(d / time.Hour); h > 0 {
		parts = append(parts, p.T("span.h", h))
	}
	if m := int(d % time.Hour / time.Minute); m > 0 {
		parts = append(parts, p.T("span.min", m))
	}
	if s := int(d % time.Minute / time.Second); s > 0 || len(parts) == 0 {
		parts = append(parts, p.T("span.s", s))
	}
	return strings.Join(parts, " ")
}
