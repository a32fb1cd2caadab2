package calendar

import (
	"strings"
	"testing"
	"time"
)

func loc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func ivs(t testing.TB, ss ...string) []Interval {
	t.Helper()
	var out []Interval
	for _, s := range ss {
		iv, err := ParseInterval(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, iv)
	}
	return out
}

// weekdays returns Monday-Friday with the given intervals.
func weekdays(t testing.TB, ss ...string) [7][]Interval {
	var w [7][]Interval
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = ivs(t, ss...)
	}
	return w
}

func everyDay(t testing.TB, ss ...string) [7][]Interval {
	var w [7][]Interval
	for d := range w {
		w[d] = ivs(t, ss...)
	}
	return w
}

func fixed(t testing.TB, dates ...string) []Holiday {
	var hs []Holiday
	for _, s := range dates {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, Holiday{Date: d, Name: "holiday " + s})
	}
	return hs
}

func mustCal(t testing.TB, l *time.Location, w [7][]Interval, hs []Holiday) *Calendar {
	t.Helper()
	c, err := NewBusinessHours(l, w, hs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseInterval(t *testing.T) {
	tests := []struct {
		in      string
		want    Interval
		wantErr string
	}{
		{"09:00-17:00", Interval{540, 1020}, ""},
		{"00:00-24:00", Interval{0, 1440}, ""},
		{"22:00-24:00", Interval{1320, 1440}, ""},
		{"00:00-00:01", Interval{0, 1}, ""},
		{"23:59-24:00", Interval{1439, 1440}, ""},
		{"9:00-17:00", Interval{}, "not HH:MM"},
		{"09:00", Interval{}, "want HH:MM-HH:MM"},
		{"09:00-", Interval{}, "end"},
		{"17:00-09:00", Interval{}, "end must be after start"},
		{"09:00-09:00", Interval{}, "end must be after start"},
		{"24:00-24:00", Interval{}, "start may not be 24:00"},
		{"09:60-10:00", Interval{}, "minutes must be 00-59"},
		{"25:00-26:00", Interval{}, "hour must be"},
		{"09:00-24:30", Interval{}, "hour must be"},
		{" 09:00-17:00", Interval{}, "not HH:MM"},
		{"09:00-17:00-18:00", Interval{}, "end"},
	}
	for _, tt := range tests {
		got, err := ParseInterval(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseInterval(%q) error = %v, want containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseInterval(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestNewBusinessHoursValidation(t *testing.T) {
	l := loc(t, "Europe/London")
	var empty [7][]Interval
	overlap := weekdays(t, "09:00-17:00")
	overlap[time.Monday] = []Interval{{540, 720}, {700, 800}}
	unsorted := weekdays(t, "09:00-17:00")
	unsorted[time.Tuesday] = []Interval{{780, 900}, {540, 600}}
	bad := weekdays(t, "09:00-17:00")
	bad[time.Wednesday] = []Interval{{600, 600}}
	var allYear []Holiday
	for z := dayNumber(Date{2001, 1, 1}); z < dayNumber(Date{2002, 1, 1}); z++ {
		allYear = append(allYear, Holiday{Date: civil(z), Yearly: true})
	}
	tests := []struct {
		name string
		loc  *time.Location
		w    [7][]Interval
		hs   []Holiday
		want string
	}{
		{"nil location", nil, weekdays(t, "09:00-17:00"), nil, "nil location"},
		{"no hours", l, empty, nil, "no business hours"},
		{"overlap", l, overlap, nil, "Monday interval 1"},
		{"unsorted", l, unsorted, nil, "Tuesday interval 1"},
		{"empty interval", l, bad, nil, "Wednesday interval 0"},
		{"bad holiday", l, weekdays(t, "09:00-17:00"), []Holiday{{Date: Date{2026, 2, 29}}}, "invalid date 2026-02-29"},
		{"bad yearly", l, weekdays(t, "09:00-17:00"), []Holiday{{Date: Date{0, 4, 31}, Yearly: true}}, "invalid month/day"},
		{"every day a holiday", l, weekdays(t, "09:00-17:00"), allYear, "cover every day"},
	}
	for _, tt := range tests {
		_, err := NewBusinessHours(tt.loc, tt.w, tt.hs)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want containing %q", tt.name, err, tt.want)
		}
	}
	// Touching intervals are fine and are merged.
	w := weekdays(t, "09:00-12:00", "12:00-17:00")
	c := mustCal(t, l, w, []Holiday{{Date: Date{0, 2, 29}, Yearly: true}})
	if got := addMinutes(c, ts(t, "2026-06-01T11:00:00+01:00"), 120); !got.Equal(ts(t, "2026-06-01T13:00:00+01:00")) {
		t.Errorf("merged intervals: got %v", got)
	}
}

// london is Monday-Friday 09:00-17:00 in London with the 2026 Christmas
// holidays (25 December a Friday, 28 December the Boxing Day substitute).
func london(t testing.TB) *Calendar {
	return mustCal(t, loc(t, "Europe/London"), weekdays(t, "09:00-17:00"), fixed(t, "2026-12-25", "2026-12-28"))
}

func TestAdd(t *testing.T) {
	lon := london(t)
	split := mustCal(t, loc(t, "Europe/Berlin"), weekdays(t, "08:00-12:00", "13:00-17:00"), nil)
	var nw [7][]Interval
	nw[time.Monday] = ivs(t, "22:00-24:00")
	nw[time.Tuesday] = ivs(t, "00:00-06:00")
	night := mustCal(t, loc(t, "Europe/London"), nw, nil)
	tests := []struct {
		name  string
		cal   *Calendar
		start string
		min   int
		want  string
	}{
		{"worked example: holidays around a weekend", lon, "2026-12-24T16:30:00Z", 60, "2026-12-29T09:30:00Z"},
		{"offset in the timestamp does not matter", lon, "2026-12-24T11:30:00-05:00", 60, "2026-12-29T09:30:00Z"},
		{"arrival at opening", lon, "2026-12-01T09:00:00Z", 60, "2026-12-01T10:00:00Z"},
		{"runs out at closing: due at closing", lon, "2026-12-01T16:00:00Z", 60, "2026-12-01T17:00:00Z"},
		{"arrival at closing starts next opening", lon, "2026-12-01T17:00:00Z", 60, "2026-12-02T10:00:00Z"},
		{"arrival one minute before closing", lon, "2026-12-01T16:59:00Z", 60, "2026-12-02T09:59:00Z"},
		{"arrival before opening", lon, "2026-12-01T03:12:00Z", 30, "2026-12-01T09:30:00Z"},
		{"arrival on a weekend", lon, "2026-12-05T12:00:00Z", 60, "2026-12-07T10:00:00Z"},
		{"arrival on a holiday before a weekend", lon, "2026-12-25T10:00:00Z", 60, "2026-12-29T10:00:00Z"},
		{"seconds are kept", lon, "2026-12-01T10:00:30Z", 1, "2026-12-01T10:01:30Z"},
		{"whole days are skipped", lon, "2026-12-01T09:00:00Z", 480 * 3, "2026-12-03T17:00:00Z"},
		{"2880 minutes", lon, "2026-12-21T09:00:00Z", 2880, "2026-12-30T17:00:00Z"},
		{"zero minutes is start", lon, "2026-12-05T12:00:00Z", 0, "2026-12-05T12:00:00Z"},
		{"BST: hours read on the wall clock", lon, "2026-06-01T08:00:00Z", 60, "2026-06-01T09:00:00Z"},
		{"split shift: lunch skipped", split, "2026-06-01T11:30:00+02:00", 60, "2026-06-01T13:30:00+02:00"},
		{"split shift: ends at lunch", split, "2026-06-01T11:30:00+02:00", 30, "2026-06-01T12:00:00+02:00"},
		{"split shift: arrival at lunch", split, "2026-06-01T12:00:00+02:00", 30, "2026-06-01T13:30:00+02:00"},
		{"night shift counts across midnight", night, "2026-06-01T23:00:00+01:00", 120, "2026-06-02T01:00:00+01:00"},
		{"night shift: arrival in the evening", night, "2026-06-01T20:00:00+01:00", 480, "2026-06-02T06:00:00+01:00"},
		{"night shift: next week", night, "2026-06-02T05:30:00+01:00", 60, "2026-06-08T22:30:00+01:00"},
		{"24x7", TwentyFourSeven(), "2026-12-24T16:30:00Z", 60, "2026-12-24T17:30:00Z"},
		{"24x7 ignores weekends", TwentyFourSeven(), "2026-12-25T23:30:00Z", 2880, "2026-12-27T23:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := ts(t, tt.start)
			got := addMinutes(tt.cal, start, tt.min)
			if want := ts(t, tt.want); !got.Equal(want) {
				t.Fatalf("AddMinutes(%s, %d) = %s, want %s", tt.start, tt.min, got.UTC().Format(time.RFC3339), want.UTC().Format(time.RFC3339))
			}
			if got.Location() != tt.cal.Location() {
				t.Errorf("result location %v, want %v", got.Location(), tt.cal.Location())
			}
			if n := minutesBetween(tt.cal, start, got); n != tt.min {
				t.Errorf("MinutesBetween = %d, want %d", n, tt.min)
			}
		})
	}
}

func TestNextBusinessMinute(t *testing.T) {
	lon := london(t)
	tests := []struct {
		at, want string
		inside   bool
	}{
		{"2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z", true},
		{"2026-12-01T12:34:56Z", "2026-12-01T12:34:56Z", true},
		{"2026-12-01T16:59:59Z", "2026-12-01T16:59:59Z", true},
		{"2026-12-01T17:00:00Z", "2026-12-02T09:00:00Z", false},
		{"2026-12-01T08:59:59Z", "2026-12-01T09:00:00Z", false},
		{"2026-12-04T17:00:00Z", "2026-12-07T09:00:00Z", false},
		{"2026-12-24T17:00:00Z", "2026-12-29T09:00:00Z", false},
		{"2026-12-25T10:00:00Z", "2026-12-29T09:00:00Z", false},
		{"2026-06-01T07:30:00Z", "2026-06-01T08:00:00Z", false}, // 08:30 BST -> 09:00 BST
	}
	for _, tt := range tests {
		at := ts(t, tt.at)
		if got := lon.IsBusinessMinute(at); got != tt.inside {
			t.Errorf("IsBusinessMinute(%s) = %v", tt.at, got)
		}
		if got := lon.NextBusinessMinute(at); !got.Equal(ts(t, tt.want)) {
			t.Errorf("NextBusinessMinute(%s) = %s, want %s", tt.at, got.UTC(), tt.want)
		}
	}
	// Sub-second parts are dropped.
	at := ts(t, "2026-12-01T10:00:00Z").Add(700 * time.Millisecond)
	if got := lon.NextBusinessMinute(at); !got.Equal(ts(t, "2026-12-01T10:00:00Z")) {
		t.Errorf("sub-second: %v", got)
	}
	if got := TwentyFourSeven().NextBusinessMinute(at); !got.Equal(ts(t, "2026-12-01T10:00:00Z")) {
		t.Errorf("24x7 sub-second: %v", got)
	}
}

// TestDST pins down how hours are read on the wall clock across transitions.
func TestDST(t *testing.T) {
	ny := loc(t, "America/New_York")
	ldn := loc(t, "Europe/London")
	syd := loc(t, "Australia/Sydney")
	kol := loc(t, "Asia/Kolkata")
	adl := loc(t, "Australia/Adelaide")
	lhi := loc(t, "Australia/Lord_Howe")

	type span struct {
		name     string
		l        *time.Location
		w        [7][]Interval
		from, to string // RFC 3339
		want     time.Duration
	}
	sunday := func(ss ...string) [7][]Interval {
		var w [7][]Interval
		w[time.Sunday] = ivs(t, ss...)
		w[time.Wednesday] = ivs(t, "09:00-10:00")
		return w
	}
	spans := []span{
		{"NY 00:00-24:00 on spring-forward day is 23h", ny, everyDay(t, "00:00-24:00"), "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 23 * time.Hour},
		{"NY 00:00-24:00 on fall-back day is 25h", ny, everyDay(t, "00:00-24:00"), "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 25 * time.Hour},
		{"NY 09:00-17:00 on spring-forward day is 8h", ny, everyDay(t, "09:00-17:00"), "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 8 * time.Hour},
		{"NY opening inside the gap opens at its end", ny, sunday("02:30-05:00"), "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 2 * time.Hour},
		{"NY closing inside the gap closes at the transition", ny, sunday("01:00-02:30"), "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", time.Hour},
		{"NY repeated hour counts twice", ny, sunday("01:00-02:00"), "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 2 * time.Hour},
		{"NY 01:30-03:00 on fall-back day", ny, sunday("01:30-03:00"), "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 2 * time.Hour},
		{"London 00:00-24:00 spring 23h", ldn, everyDay(t, "00:00-24:00"), "2026-03-29T00:00:00Z", "2026-03-30T00:00:00+01:00", 23 * time.Hour},
		{"London 00:00-24:00 autumn 25h", ldn, everyDay(t, "00:00-24:00"), "2026-10-25T00:00:00+01:00", "2026-10-26T00:00:00Z", 25 * time.Hour},
		{"Sydney 00:00-24:00 autumn 25h", syd, everyDay(t, "00:00-24:00"), "2026-04-05T00:00:00+11:00", "2026-04-06T00:00:00+10:00", 25 * time.Hour},
		{"Sydney 00:00-24:00 spring 23h", syd, everyDay(t, "00:00-24:00"), "2026-10-04T00:00:00+10:00", "2026-10-05T00:00:00+11:00", 23 * time.Hour},
		{"Kolkata 09:00-17:00 is 03:30-11:30 UTC", kol, everyDay(t, "09:00-17:00"), "2026-06-01T03:00:00Z", "2026-06-01T11:00:00Z", 7*time.Hour + 30*time.Minute},
		{"Adelaide 00:00-24:00 spring 23h", adl, everyDay(t, "00:00-24:00"), "2026-10-04T00:00:00+09:30", "2026-10-05T00:00:00+10:30", 23 * time.Hour},
		{"Lord Howe half-hour spring 23h30", lhi, everyDay(t, "00:00-24:00"), "2026-10-04T00:00:00+10:30", "2026-10-05T00:00:00+11:00", 23*time.Hour + 30*time.Minute},
		{"Lord Howe half-hour autumn 24h30", lhi, everyDay(t, "00:00-24:00"), "2026-04-05T00:00:00+11:00", "2026-04-06T00:00:00+10:30", 24*time.Hour + 30*time.Minute},
	}
	for _, tt := range spans {
		c := mustCal(t, tt.l, tt.w, nil)
		from, to := ts(t, tt.from), ts(t, tt.to)
		if got := c.Between(from, to); got != tt.want {
			t.Errorf("%s: Between = %v, want %v", tt.name, got, tt.want)
		}
		if got := addMinutes(c, from, int(tt.want/time.Minute)); c.Between(from, got) != tt.want {
			t.Errorf("%s: AddMinutes inconsistent: %v", tt.name, got)
		}
	}

	type add struct {
		name  string
		l     *time.Location
		w     [7][]Interval
		start string
		min   int
		want  string
	}
	var nightSatSun [7][]Interval // Saturday 22:00-24:00 + Sunday 00:00-06:00
	nightSatSun[time.Saturday] = ivs(t, "22:00-24:00")
	nightSatSun[time.Sunday] = ivs(t, "00:00-06:00")
	adds := []add{
		{"NY weekend spring-forward: 09:00-17:00 stays on the wall clock", ny, weekdays(t, "09:00-17:00"), "2026-03-06T16:00:00-05:00", 120, "2026-03-09T10:00:00-04:00"},
		{"NY fall-back weekend", ny, weekdays(t, "09:00-17:00"), "2026-10-30T16:00:00-04:00", 120, "2026-11-02T10:00:00-05:00"},
		{"London night shift across spring forward is 7h", ldn, nightSatSun, "2026-03-28T22:00:00Z", 420, "2026-03-29T06:00:00+01:00"},
		{"London night shift across spring forward: 8h spills to next week", ldn, nightSatSun, "2026-03-28T22:00:00Z", 480, "2026-04-04T23:00:00+01:00"},
		{"London night shift across fall back is 9h", ldn, nightSatSun, "2026-10-24T22:00:00+01:00", 540, "2026-10-25T06:00:00Z"},
		{"London in the gap: 01:30 does not exist", ldn, everyDay(t, "00:00-24:00"), "2026-03-29T00:30:00Z", 60, "2026-03-29T02:30:00+01:00"},
		{"Sydney business day across autumn weekend", syd, weekdays(t, "09:00-17:00"), "2026-04-03T16:30:00+11:00", 60, "2026-04-06T09:30:00+10:00"},
		{"Sydney night shift Sat/Sun across spring forward", syd, nightSatSun, "2026-10-03T22:00:00+10:00", 420, "2026-10-04T06:00:00+11:00"},
		{"Kolkata half-hour offset", kol, weekdays(t, "09:00-17:00"), "2026-06-05T11:00:00Z", 60, "2026-06-08T09:30:00+05:30"},
		{"Adelaide half-hour zone across spring forward", adl, weekdays(t, "09:00-17:00"), "2026-10-02T16:30:00+09:30", 60, "2026-10-05T09:30:00+10:30"},
		{"Lord Howe night shift across half-hour spring forward", lhi, nightSatSun, "2026-10-03T22:00:00+10:30", 450, "2026-10-04T06:00:00+11:00"},
		{"Lord Howe night shift across half-hour fall back", lhi, nightSatSun, "2026-04-04T22:00:00+11:00", 510, "2026-04-05T06:00:00+10:30"},
	}
	for _, tt := range adds {
		c := mustCal(t, tt.l, tt.w, nil)
		start := ts(t, tt.start)
		got := addMinutes(c, start, tt.min)
		if want := ts(t, tt.want); !got.Equal(want) {
			t.Errorf("%s: AddMinutes = %s, want %s", tt.name, got, want.In(tt.l))
		}
	}

	// Fall back with 01:30-03:00: the second 01:00-01:30 is outside hours.
	c := mustCal(t, ny, sunday("01:30-03:00"), nil)
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2026-11-01T01:29:00-04:00", false},
		{"2026-11-01T01:30:00-04:00", true},
		{"2026-11-01T01:59:00-04:00", true},
		{"2026-11-01T01:00:00-05:00", false},
		{"2026-11-01T01:29:59-05:00", false},
		{"2026-11-01T01:30:00-05:00", true},
		{"2026-11-01T02:59:00-05:00", true},
		{"2026-11-01T03:00:00-05:00", false},
	} {
		if got := c.IsBusinessMinute(ts(t, tc.at)); got != tc.want {
			t.Errorf("fall back 01:30-03:00: IsBusinessMinute(%s) = %v", tc.at, got)
		}
	}
}

func TestEndOfNextBusinessDay(t *testing.T) {
	lon := london(t)
	split := mustCal(t, loc(t, "Europe/London"), weekdays(t, "08:00-12:00", "13:00-16:30"), nil)
	var nw [7][]Interval
	nw[time.Monday] = ivs(t, "22:00-24:00")
	nw[time.Tuesday] = ivs(t, "00:00-06:00")
	night := mustCal(t, loc(t, "Europe/London"), nw, nil)
	ny := mustCal(t, loc(t, "America/New_York"), everyDay(t, "00:00-02:30"), nil)
	tests := []struct {
		name string
		cal  *Calendar
		at   string
		want string
	}{
		{"inside hours Tuesday", lon, "2026-12-01T10:00:00Z", "2026-12-02T17:00:00Z"},
		{"before opening Tuesday: counting starts Tuesday", lon, "2026-12-01T07:00:00Z", "2026-12-02T17:00:00Z"},
		{"at closing Tuesday: starts Wednesday", lon, "2026-12-01T17:00:00Z", "2026-12-03T17:00:00Z"},
		{"Friday: next is Monday", lon, "2026-12-04T10:00:00Z", "2026-12-07T17:00:00Z"},
		{"Thursday before holidays", lon, "2026-12-24T10:00:00Z", "2026-12-29T17:00:00Z"},
		{"on a holiday", lon, "2026-12-25T10:00:00Z", "2026-12-30T17:00:00Z"},
		{"split shift: closing of the last interval", split, "2026-06-01T09:00:00+01:00", "2026-06-02T16:30:00+01:00"},
		{"night shift: Monday evening -> Tuesday 06:00", night, "2026-06-01T23:00:00+01:00", "2026-06-02T06:00:00+01:00"},
		{"night shift: Tuesday -> next Monday 24:00", night, "2026-06-02T01:00:00+01:00", "2026-06-09T00:00:00+01:00"},
		{"closing in the spring-forward gap closes at the transition", ny, "2026-03-07T01:00:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"24x7 is start + 24h", TwentyFourSeven(), "2026-12-24T16:30:00Z", "2026-12-25T16:30:00Z"},
	}
	for _, tt := range tests {
		if got := tt.cal.EndOfNextBusinessDay(ts(t, tt.at)); !got.Equal(ts(t, tt.want)) {
			t.Errorf("%s: EndOfNextBusinessDay(%s) = %s, want %s", tt.name, tt.at, got, tt.want)
		}
	}
}

func TestHolidays(t *testing.T) {
	l := loc(t, "Pacific/Auckland")
	hs := []Holiday{
		{Date: Date{2026, 2, 6}, Name: "Waitangi Day"},
		{Date: Date{2020, 12, 25}, Yearly: true, Name: "Christmas Day"},
		{Date: Date{0, 2, 29}, Yearly: true, Name: "Leap Day"},
	}
	c := mustCal(t, l, weekdays(t, "09:00-17:00"), hs)
	tests := []struct {
		at   string
		want string
	}{
		{"2026-02-06T10:00:00+13:00", "Waitangi Day"},
		{"2026-02-05T12:00:00Z", "Waitangi Day"}, // already 6 February in Auckland
		{"2026-02-06T12:00:00Z", ""},             // 7 February in Auckland
		{"2026-12-25T10:00:00+13:00", "Christmas Day"},
		{"2019-12-25T10:00:00+13:00", ""}, // before the yearly holiday's first year
		{"2028-02-29T10:00:00+13:00", "Leap Day"},
		{"2027-03-01T10:00:00+13:00", ""},
	}
	for _, tt := range tests {
		h, ok := holidayOn(c, ts(t, tt.at))
		if ok != (tt.want != "") || h.Name != tt.want {
			t.Errorf("HolidayOn(%s) = %q, %v; want %q", tt.at, h.Name, ok, tt.want)
		}
		if ok && c.IsBusinessMinute(ts(t, tt.at)) {
			t.Errorf("IsBusinessMinute on holiday %s", tt.at)
		}
	}
	if _, ok := holidayOn(TwentyFourSeven(), ts(t, "2026-12-25T10:00:00Z")); ok {
		t.Error("24x7 has holidays")
	}
	got := c.HolidaysBetween(ts(t, "2026-01-01T00:00:00+13:00"), ts(t, "2028-12-31T00:00:00+13:00"))
	var names []string
	for _, o := range got {
		names = append(names, o.Date.String()+" "+o.Holiday.Name)
	}
	want := "2026-02-06 Waitangi Day,2026-12-25 Christmas Day,2027-12-25 Christmas Day,2028-02-29 Leap Day,2028-12-25 Christmas Day"
	if strings.Join(names, ",") != want {
		t.Errorf("HolidaysBetween = %v", names)
	}
}

func TestDates(t *testing.T) {
	for z := int64(-800000); z < 800000; z += 37 {
		d := civil(z)
		if !d.Valid() || dayNumber(d) != z {
			t.Fatalf("civil(%d) = %v", z, d)
		}
		tm := time.Unix(z*86400, 0).UTC()
		if DateOf(tm) != d || tm.Weekday() != weekdayOf(z) {
			t.Fatalf("day %d: %v vs %v", z, d, tm)
		}
	}
	if _, err := ParseDate("2026-13-01"); err == nil {
		t.Error("ParseDate accepted month 13")
	}
}

// TestConcurrentUse is meant for -race: a Calendar is shared read-only.
func TestConcurrentUse(t *testing.T) {
	c := london(t)
	start := ts(t, "2026-12-20T10:00:00Z")
	want := addMinutes(c, start, 2880)
	done := make(chan bool)
	for range 8 {
		go func() {
			ok := true
			for i := range 200 {
				ok = ok && addMinutes(c, start, 2880).Equal(want)
				_, _ = holidayOn(c, start.Add(time.Duration(i)*time.Hour))
				_ = c.EndOfNextBusinessDay(start)
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("concurrent AddMinutes disagreed")
		}
	}
}

// addMinutes is Add for a target of whole minutes, the form SLA targets take.
func addMinutes(c *Calendar, start time.Time, minutes int) time.Time {
	return c.Add(start, time.Duration(minutes)*time.Minute)
}

// minutesBetween is Between in whole minutes.
func minutesBetween(c *Calendar, from, to time.Time) int {
	return int(c.Between(from, to) / time.Minute)
}

// holidayOn is HolidaysBetween for the one local date of t.
func holidayOn(c *Calendar, t time.Time) (Holiday, bool) {
	if os := c.HolidaysBetween(t, t); len(os) == 1 {
		return os[0].Holiday, true
	}
	return Holiday{}, false
}
