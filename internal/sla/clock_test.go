package sla

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
)

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// londonCal is Monday-Friday 09:00-17:00 in London with the 2026 Christmas holidays.
func londonCal(t testing.TB) *calendar.Calendar {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	var w [7][]calendar.Interval
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []calendar.Interval{{Start: 540, End: 1020}}
	}
	c, err := calendar.NewBusinessHours(l, w, []calendar.Holiday{
		{Date: calendar.Date{Year: 2026, Month: 12, Day: 25}, Name: "Christmas Day"},
		{Date: calendar.Date{Year: 2026, Month: 12, Day: 28}, Name: "Boxing Day (substitute)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bh(k casedesk.TargetKind, m int) Entitlement {
	return Entitlement{Coverage: casedesk.CoverageBusinessHours, Target: Target{Kind: k, Minutes: m}}
}

func rt(k casedesk.TargetKind, m int) Entitlement {
	return Entitlement{Coverage: casedesk.Coverage24x7, Target: Target{Kind: k, Minutes: m}}
}

func TestClock(t *testing.T) {
	cal := londonCal(t)
	p := func(from, to string) Pause {
		ps := Pause{From: ts(t, from)}
		if to != "" {
			ps.To = ts(t, to)
		}
		return ps
	}
	tests := []struct {
		name   string
		ent    Entitlement
		opened string
		pauses []Pause
		start  string
		due    string // "" = no due
		warn   string
		paused bool
	}{
		{"worked example", bh(casedesk.TargetMinutes, 60), "2026-12-24T16:30:00Z", nil, "2026-12-24T16:30:00Z", "2026-12-29T09:30:00Z", "2026-12-29T09:15:00Z", false},
		{"24x7 ignores the region calendar", rt(casedesk.TargetMinutes, 60), "2026-12-24T16:30:00Z", nil, "2026-12-24T16:30:00Z", "2026-12-24T17:30:00Z", "2026-12-24T17:15:00Z", false},
		{"opened outside hours starts at opening", bh(casedesk.TargetMinutes, 60), "2026-12-01T07:00:00Z", nil, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", "2026-12-01T09:45:00Z", false},
		{"opened at closing starts next opening", bh(casedesk.TargetMinutes, 60), "2026-12-01T17:00:00Z", nil, "2026-12-02T09:00:00Z", "2026-12-02T10:00:00Z", "2026-12-02T09:45:00Z", false},
		{"no commitment", bh(casedesk.TargetNone, 0), "2026-12-01T07:00:00Z", nil, "2026-12-01T09:00:00Z", "", "", false},
		{"next day on 24x7 is 24 hours", rt(casedesk.TargetNextBusinessDay, 0), "2026-12-24T16:30:00Z", nil, "2026-12-24T16:30:00Z", "2026-12-25T16:30:00Z", "2026-12-25T10:30:00Z", false},
		{"next business day on business hours", bh(casedesk.TargetNextBusinessDay, 0), "2026-12-24T10:00:00Z", nil, "2026-12-24T10:00:00Z", "2026-12-29T17:00:00Z", "2026-12-29T13:15:00Z", false},
		{"pause inside hours", bh(casedesk.TargetMinutes, 60), "2026-12-24T16:30:00Z", []Pause{p("2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z")}, "2026-12-24T16:30:00Z", "2026-12-29T09:40:00Z", "2026-12-29T09:25:00Z", false},
		{"pause over closed time costs nothing", bh(casedesk.TargetMinutes, 60), "2026-12-24T16:30:00Z", []Pause{p("2026-12-24T17:00:00Z", "2026-12-29T09:00:00Z")}, "2026-12-24T16:30:00Z", "2026-12-29T09:30:00Z", "2026-12-29T09:15:00Z", false},
		{"pause over a weekend on 24x7 costs its length", rt(casedesk.TargetMinutes, 60), "2026-12-24T16:30:00Z", []Pause{p("2026-12-24T17:00:00Z", "2026-12-24T18:00:00Z")}, "2026-12-24T16:30:00Z", "2026-12-24T18:30:00Z", "2026-12-24T18:15:00Z", false},
		{"pause before opening on a business day", bh(casedesk.TargetMinutes, 60), "2026-12-01T07:00:00Z", []Pause{p("2026-12-01T07:30:00Z", "2026-12-01T09:20:00Z")}, "2026-12-01T09:00:00Z", "2026-12-01T10:20:00Z", "2026-12-01T10:05:00Z", false},
		{"overlapping unsorted pauses", bh(casedesk.TargetMinutes, 60), "2026-12-01T09:00:00Z", []Pause{p("2026-12-01T09:20:00Z", "2026-12-01T09:40:00Z"), p("2026-12-01T09:10:00Z", "2026-12-01T09:30:00Z"), p("2026-12-01T09:35:00Z", "2026-12-01T09:35:00Z")}, "2026-12-01T09:00:00Z", "2026-12-01T10:30:00Z", "2026-12-01T10:15:00Z", false},
		{"open pause holds the clock", bh(casedesk.TargetMinutes, 60), "2026-12-01T09:00:00Z", []Pause{p("2026-12-01T09:20:00Z", "")}, "2026-12-01T09:00:00Z", "", "", true},
		{"open pause after due does not", bh(casedesk.TargetMinutes, 60), "2026-12-01T09:00:00Z", []Pause{p("2026-12-01T11:00:00Z", "")}, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", "2026-12-01T09:45:00Z", false},
		{"pause ending at the due instant", bh(casedesk.TargetMinutes, 60), "2026-12-01T09:00:00Z", []Pause{p("2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z")}, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", "2026-12-01T09:45:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClock(ClockInput{Calendar: cal, OpenedAt: ts(t, tt.opened), Entitlement: tt.ent, Pauses: tt.pauses})
			if err != nil {
				t.Fatal(err)
			}
			if !c.Start.Equal(ts(t, tt.start)) {
				t.Errorf("Start = %s, want %s", c.Start.UTC(), tt.start)
			}
			if (tt.due != "") != c.HasDue || tt.due != "" && !c.Due.Equal(ts(t, tt.due)) {
				t.Errorf("Due = %s (%v), want %s", c.Due.UTC(), c.HasDue, tt.due)
			}
			if tt.warn == "" && !c.WarnAt.IsZero() || tt.warn != "" && !c.WarnAt.Equal(ts(t, tt.warn)) {
				t.Errorf("WarnAt = %s, want %s", c.WarnAt.UTC(), tt.warn)
			}
			if c.Paused != tt.paused {
				t.Errorf("Paused = %v", c.Paused)
			}
			if c.HasDue {
				if used := c.BusinessMinutesUsed(c.Due); used != c.TargetMinutes {
					t.Errorf("BusinessMinutesUsed(Due) = %d, want %d", used, c.TargetMinutes)
				}
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	cal := londonCal(t)
	c, err := NewClock(ClockInput{Calendar: cal, OpenedAt: ts(t, "2026-12-24T16:30:00Z"), Entitlement: bh(casedesk.TargetMinutes, 60),
		Pauses: []Pause{{From: ts(t, "2026-12-24T16:40:00Z"), To: ts(t, "2026-12-24T16:50:00Z")}}})
	if err != nil {
		t.Fatal(err)
	}
	// Due 2026-12-29 09:40, warn at 09:25.
	tests := []struct {
		at                     string
		stopped                bool
		used                   int
		met, breached, warning bool
		remaining              time.Duration
	}{
		{"2026-12-24T16:45:00Z", false, 10, false, false, false, 50 * time.Minute},
		{"2026-12-26T12:00:00Z", false, 20, false, false, false, 40 * time.Minute},
		{"2026-12-29T09:25:00Z", false, 45, false, false, true, 15 * time.Minute},
		{"2026-12-29T09:40:00Z", true, 60, true, false, false, 0},
		{"2026-12-29T09:40:00Z", false, 60, false, false, true, 0},
		{"2026-12-29T09:41:00Z", false, 61, false, true, false, 0},
		{"2026-12-29T09:41:00Z", true, 61, false, true, false, 0},
		{"2026-12-29T09:10:00Z", true, 30, true, false, false, 30 * time.Minute},
	}
	for _, tt := range tests {
		s := c.Evaluate(ts(t, tt.at), tt.stopped)
		if s.BusinessMinutesUsed != tt.used || s.Met != tt.met || s.Breached != tt.breached || s.Warning != tt.warning || s.Remaining != tt.remaining {
			t.Errorf("Evaluate(%s, %v) = %+v, want used %d met %v breached %v warning %v remaining %v", tt.at, tt.stopped, s, tt.used, tt.met, tt.breached, tt.warning, tt.remaining)
		}
	}
	// A response after the due time is late even when it falls outside hours.
	d, _ := NewClock(ClockInput{Calendar: cal, OpenedAt: ts(t, "2026-12-01T16:00:00Z"), Entitlement: bh(casedesk.TargetMinutes, 60)})
	if s := d.Evaluate(ts(t, "2026-12-01T17:30:00Z"), true); !s.Breached || s.Met || s.BusinessMinutesUsed != 60 {
		t.Errorf("after-hours late response: %+v", s)
	}
	// No commitment never breaches.
	n, _ := NewClock(ClockInput{Calendar: cal, OpenedAt: ts(t, "2026-12-01T16:00:00Z"), Entitlement: bh(casedesk.TargetNone, 0)})
	if s := n.Evaluate(ts(t, "2027-12-01T17:30:00Z"), false); s.Breached || s.Met || s.Warning || s.BusinessMinutesUsed == 0 {
		t.Errorf("no commitment: %+v", s)
	}
	// An open pause: minutes stop at the pause.
	o, _ := NewClock(ClockInput{Calendar: cal, OpenedAt: ts(t, "2026-12-01T09:00:00Z"), Entitlement: bh(casedesk.TargetMinutes, 60),
		Pauses: []Pause{{From: ts(t, "2026-12-01T09:20:00Z")}}})
	if s := o.Evaluate(ts(t, "2026-12-03T12:00:00Z"), false); s.BusinessMinutesUsed != 20 || s.Breached || s.Remaining != 40*time.Minute {
		t.Errorf("open pause: %+v", s)
	}
}

func TestPolicyClock(t *testing.T) {
	cal := londonCal(t)
	p := DefaultPolicy()
	pauses := []Pause{{From: ts(t, "2026-12-24T16:40:00Z"), To: ts(t, "2026-12-24T16:50:00Z")}}
	c, err := p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyEnterprise, casedesk.SeverityB, ts(t, "2026-12-24T16:30:00Z"), pauses)
	if err != nil {
		t.Fatal(err)
	}
	if want := ts(t, "2026-12-25T16:40:00Z"); !c.Due.Equal(want) {
		t.Errorf("enterprise B due %s, want %s", c.Due, want)
	}
	p.PauseWhileWaiting = false
	c, _ = p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyEnterprise, casedesk.SeverityB, ts(t, "2026-12-24T16:30:00Z"), pauses)
	if want := ts(t, "2026-12-25T16:30:00Z"); !c.Due.Equal(want) {
		t.Errorf("pauses ignored: due %s, want %s", c.Due, want)
	}
	c, _ = p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyBusiness, casedesk.SeverityC, ts(t, "2026-12-24T18:30:00Z"), nil)
	if c.HasDue || !c.Start.Equal(ts(t, "2026-12-29T09:00:00Z")) || c.Calendar != cal {
		t.Errorf("business C: %+v", c)
	}
	if _, err := NewClock(ClockInput{OpenedAt: ts(t, "2026-12-24T18:30:00Z"), Entitlement: bh(casedesk.TargetMinutes, 5)}); err == nil {
		t.Error("business hours without a calendar accepted")
	}
	if _, err := NewClock(ClockInput{Calendar: cal, OpenedAt: ts(t, "2026-12-24T18:30:00Z"), Entitlement: bh(casedesk.TargetMinutes, 0)}); err == nil {
		t.Error("zero-minute target accepted")
	}
}

func TestExplanation(t *testing.T) {
	cal := londonCal(t)
	p := DefaultPolicy()
	p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = bh(casedesk.TargetMinutes, 60)
	c, err := p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyBusiness, casedesk.SeverityB, ts(t, "2026-12-24T16:30:00Z"),
		[]Pause{{From: ts(t, "2026-12-24T16:40:00Z"), To: ts(t, "2026-12-24T16:50:00Z")}})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Explain()
	if e.PolicyVersion != 1 || e.Zone != "Europe/London" || e.CalendarType != "business_hours" || len(e.Pauses) != 1 || e.Pauses[0].Removed != 10*time.Minute || len(e.Holidays) != 2 {
		t.Fatalf("explanation: %+v", e)
	}
	want := "due 2026-12-29 09:40 GMT (Europe/London) because policy v1 gives business/B initial response a target of 60 minutes on business hours in Europe/London; " +
		"counting started when opened at 2026-12-24 16:30 GMT; pause 2026-12-24 16:40 GMT to 2026-12-24 16:50 GMT removed 10 counting minutes; " +
		"holidays skipped: 2026-12-25 Christmas Day, 2026-12-28 Boxing Day (substitute)"
	if got := e.String(); got != want {
		t.Fatalf("String() =\n%s\nwant\n%s", got, want)
	}
	c, _ = p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyBusiness, casedesk.SeverityC, ts(t, "2026-12-24T18:30:00Z"), nil)
	if got := c.Explain().String(); !strings.HasPrefix(got, "no due time because policy v1 gives business/C initial response no commitment") ||
		!strings.Contains(got, "opened at 2026-12-24 18:30 GMT outside hours, counting started at 2026-12-29 09:00 GMT") {
		t.Errorf("none: %s", got)
	}
	c, _ = NewClock(ClockInput{OpenedAt: ts(t, "2026-12-24T18:30:00Z"), Entitlement: rt(casedesk.TargetMinutes, 60), Pauses: []Pause{{From: ts(t, "2026-12-24T18:40:00Z")}}})
	if got := c.Explain().String(); !strings.HasPrefix(got, "due time unknown while paused because the entitlement is a target of 60 minutes on 24x7") ||
		!strings.Contains(got, "paused since 2026-12-24 18:40 UTC") {
		t.Errorf("paused: %s", got)
	}
}

// TestPausesOnlyDelay: on random calendars, adding pauses never makes a
// clock due earlier, and the due time moves by exactly the counting time
// the pauses removed.
func TestPausesOnlyDelay(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	cals := []*calendar.Calendar{londonCal(t), calendar.TwentyFourSeven()}
	ny, _ := time.LoadLocation("America/New_York")
	var w [7][]calendar.Interval
	w[time.Monday] = []calendar.Interval{{Start: 1320, End: 1440}}
	w[time.Tuesday] = []calendar.Interval{{Start: 0, End: 360}, {Start: 600, End: 700}}
	w[time.Sunday] = []calendar.Interval{{Start: 0, End: 1440}}
	night, err := calendar.NewBusinessHours(ny, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	cals = append(cals, night)
	base := ts(t, "2026-01-01T00:00:00Z")
	for i := range 2000 {
		cal := cals[i%len(cals)]
		opened := base.Add(time.Duration(r.Int63n(365*24*3600)) * time.Second)
		ent := bh(casedesk.TargetMinutes, 1+r.Intn(3000))
		plain, err := NewClock(ClockInput{Calendar: cal, OpenedAt: opened, Entitlement: ent})
		if err != nil {
			t.Fatal(err)
		}
		var ps []Pause
		for range r.Intn(5) {
			from := opened.Add(time.Duration(r.Int63n(10*24*3600)-3600) * time.Second)
			ps = append(ps, Pause{From: from, To: from.Add(time.Duration(r.Int63n(2*24*3600)) * time.Second)})
		}
		paused, err := NewClock(ClockInput{Calendar: cal, OpenedAt: opened, Entitlement: ent, Pauses: ps})
		if err != nil {
			t.Fatal(err)
		}
		if paused.Due.Before(plain.Due) {
			t.Fatalf("%s: pauses %v made due earlier: %s < %s", cal, ps, paused.Due, plain.Due)
		}
		// Counting time between the two due times equals what the pauses removed.
		var removed time.Duration
		for _, p := range paused.Pauses {
			from, to := maxT(p.From, paused.Start), minT(p.To, paused.Due)
			if to.After(from) {
				removed += cal.Between(from, to)
			}
		}
		if got := cal.Between(plain.Due, paused.Due); got != removed && paused.Due.After(plain.Due) {
			t.Fatalf("%s: opened %s pauses %v: due moved by %v of counting time, pauses removed %v", cal, opened, paused.Pauses, got, removed)
		}
		if used := paused.BusinessMinutesUsed(paused.Due); used != ent.Target.Minutes {
			t.Fatalf("used at due = %d, want %d", used, ent.Target.Minutes)
		}
		later, _ := NewClock(ClockInput{Calendar: cal, OpenedAt: opened.Add(time.Duration(r.Intn(7200)) * time.Second), Entitlement: ent, Pauses: ps})
		if later.Due.Before(paused.Due) {
			t.Fatalf("later arrival due earlier")
		}
	}
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func TestNormalizePauses(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	got := NormalizePauses([]Pause{{at(5), at(6)}, {at(1), at(3)}, {at(2), at(4)}, {at(4), at(4)}, {at(4), at(5)}, {at(8), time.Time{}}, {at(9), at(10)}, {at(7), at(6)}})
	want := []Pause{{at(1), at(6)}, {at(8), time.Time{}}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if !got[i].From.Equal(want[i].From) || !got[i].To.Equal(want[i].To) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// The steps of the London example: opened, the pause, the two holidays in
// date order, the due time; a clock without a commitment has no due step.
func TestExplanationSteps(t *testing.T) {
	cal := londonCal(t)
	p := DefaultPolicy()
	p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = bh(casedesk.TargetMinutes, 60)
	c, _ := p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyBusiness, casedesk.SeverityB, ts(t, "2026-12-24T16:30:00Z"),
		[]Pause{{From: ts(t, "2026-12-24T16:40:00Z"), To: ts(t, "2026-12-24T16:50:00Z")}})
	var got []string
	for _, s := range c.Explain().Steps() {
		got = append(got, string(s.Kind)+"@"+s.At.UTC().Format("01-02T15:04"))
	}
	want := "opened@12-24T16:30 pause@12-24T16:40 holiday@12-25T00:00 holiday@12-28T00:00 due@12-29T09:40"
	if strings.Join(got, " ") != want {
		t.Fatalf("steps %v, want %s", got, want)
	}
	c, _ = p.NewClock(casedesk.MetricInitialResponse, cal, casedesk.FamilyBusiness, casedesk.SeverityC, ts(t, "2026-12-24T18:30:00Z"), nil)
	steps := c.Explain().Steps()
	if len(steps) != 2 || steps[1].Kind != StepStart || !steps[1].At.Equal(ts(t, "2026-12-29T09:00:00Z")) {
		t.Fatalf("none: %+v", steps)
	}
}
