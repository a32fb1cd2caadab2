package calendar

import (
	"math/rand"
	"testing"
	"time"
)

// refSpec is the raw description of a calendar, used by the naive reference
// implementation that knows nothing of the Calendar internals.
type refSpec struct {
	loc      *time.Location
	weekly   [7][]Interval
	holidays []Holiday
}

// refIsBusiness classifies the minute starting at u directly from the wall
// clock reading (valid for minute-aligned u in zones whose transitions and
// offsets are whole minutes).
func refIsBusiness(s refSpec, u time.Time) bool {
	w := u.In(s.loc)
	y, m, d := w.Date()
	for _, h := range s.holidays {
		if h.Date.Month == m && h.Date.Day == d && (h.Date.Year == y || (h.Yearly && y >= h.Date.Year)) {
			return false
		}
	}
	mod := w.Hour()*60 + w.Minute()
	for _, iv := range s.weekly[w.Weekday()] {
		if mod >= iv.Start && mod < iv.End {
			return true
		}
	}
	return false
}

// refAdd steps minute by minute.
func refAdd(s refSpec, start time.Time, n int) time.Time {
	if n == 0 {
		return start
	}
	count := 0
	for u := start; ; u = u.Add(time.Minute) {
		if refIsBusiness(s, u) {
			count++
			if count == n {
				return u.Add(time.Minute)
			}
		}
	}
}

var propZones = []string{
	"UTC", "America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata",
	"Australia/Adelaide", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "Pacific/Chatham",
}

// randomSpec draws a random calendar: 0-3 intervals a day on a 15-minute
// grid (sometimes on a 1-minute grid), up to 30 holidays in 2026-2027.
func randomSpec(t testing.TB, r *rand.Rand) refSpec {
	s := refSpec{loc: loc(t, propZones[r.Intn(len(propZones))])}
	grid := 15
	if r.Intn(4) == 0 {
		grid = 1
	}
	slots := MinutesPerDay / grid
	total := 0
	for total == 0 {
		for d := range 7 {
			s.weekly[d] = nil
			if r.Intn(5) == 0 {
				continue
			}
			k := r.Intn(4)
			pts := map[int]bool{}
			for len(pts) < 2*k {
				pts[r.Intn(slots+1)*grid] = true
			}
			var sorted []int
			for p := 0; p <= MinutesPerDay; p++ {
				if pts[p] {
					sorted = append(sorted, p)
				}
			}
			for i := 0; i+1 < len(sorted); i += 2 {
				s.weekly[d] = append(s.weekly[d], Interval{sorted[i], sorted[i+1]})
				total += sorted[i+1] - sorted[i]
			}
		}
	}
	for range r.Intn(31) {
		z := dayNumber(Date{2026, 1, 1}) + int64(r.Intn(730))
		h := Holiday{Date: civil(z), Name: "h"}
		if r.Intn(4) == 0 {
			h.Yearly = true
			h.Date.Year -= r.Intn(2)
		}
		s.holidays = append(s.holidays, h)
	}
	return s
}

func randomInstant(r *rand.Rand) time.Time {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	return time.Unix(base+int64(r.Intn(365*24*60))*60, 0)
}

func TestAddMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := range n {
		s := randomSpec(t, r)
		c := mustCal(t, s.loc, s.weekly, s.holidays)
		start := randomInstant(r)
		mins := r.Intn(1500)
		got := addMinutes(c, start, mins)
		want := refAdd(s, start, mins)
		if !got.Equal(want) {
			t.Fatalf("case %d %s %v holidays %v: AddMinutes(%s, %d) = %s, reference %s",
				i, s.loc, s.weekly, s.holidays, start.In(s.loc), mins, got, want.In(s.loc))
		}
		// MinutesBetween against a reference count over a random window.
		to := start.Add(time.Duration(r.Intn(20*24*60)) * time.Minute)
		wantN := 0
		for u := start; u.Before(to); u = u.Add(time.Minute) {
			if refIsBusiness(s, u) {
				wantN++
			}
		}
		if gotN := minutesBetween(c, start, to); gotN != wantN {
			t.Fatalf("case %d %s: MinutesBetween(%s, %s) = %d, reference %d", i, s.loc, start, to, gotN, wantN)
		}
		// IsBusinessMinute and NextBusinessMinute agree with the reference.
		if c.IsBusinessMinute(start) != refIsBusiness(s, start) {
			t.Fatalf("case %d: IsBusinessMinute(%s) disagrees", i, start.In(s.loc))
		}
		next := start
		for !refIsBusiness(s, next) {
			next = next.Add(time.Minute)
		}
		if got := c.NextBusinessMinute(start); !got.Equal(next) {
			t.Fatalf("case %d: NextBusinessMinute(%s) = %s, reference %s", i, start.In(s.loc), got, next.In(s.loc))
		}
	}
}

// TestProperties checks, on random calendars and instants with arbitrary
// seconds:
//   - MinutesBetween(t, AddMinutes(t, n)) == n;
//   - a later arrival is never due earlier (monotonicity in t);
//   - a larger target is never due earlier (monotonicity in n);
//   - splitting a target: AddMinutes(AddMinutes(t, a), b) == AddMinutes(t, a+b)
//     for every t and all a, b >= 0. This holds unconditionally because
//     AddMinutes returns the earliest instant at which the minutes have been
//     counted, so its result is either t itself (a == 0) or the end of a
//     counting stretch, from which counting resumes exactly where it stopped;
//   - NextBusinessMinute(t) >= t, it counts, and nothing counts before it.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	cals := []*Calendar{TwentyFourSeven()}
	for range 40 {
		s := randomSpec(t, r)
		cals = append(cals, mustCal(t, s.loc, s.weekly, s.holidays))
	}
	for i := range 4000 {
		c := cals[i%len(cals)]
		t1 := randomInstant(r).Add(time.Duration(r.Intn(60)) * time.Second)
		t2 := t1.Add(time.Duration(r.Intn(3*24*3600)) * time.Second)
		a, b := r.Intn(3000), r.Intn(3000)
		due := addMinutes(c, t1, a)
		if got := minutesBetween(c, t1, due); got != a {
			t.Fatalf("%s: MinutesBetween(%s, AddMinutes(., %d)) = %d", c, t1, a, got)
		}
		if c.Between(t1, due) != time.Duration(a)*time.Minute {
			t.Fatalf("%s: Between mismatch", c)
		}
		if due.Before(t1) {
			t.Fatalf("%s: due before start", c)
		}
		if d2 := addMinutes(c, t2, a); d2.Before(due) {
			t.Fatalf("%s: later arrival %s due %s earlier than %s due %s", c, t2, d2, t1, due)
		}
		if d3 := addMinutes(c, t1, a+b); d3.Before(due) {
			t.Fatalf("%s: larger target due earlier", c)
		}
		if x, y := addMinutes(c, addMinutes(c, t1, a), b), addMinutes(c, t1, a+b); !x.Equal(y) {
			t.Fatalf("%s: AddMinutes(AddMinutes(%s, %d), %d) = %s, AddMinutes(t, a+b) = %s", c, t1, a, b, x, y)
		}
		n := c.NextBusinessMinute(t1)
		if n.Before(t1.Truncate(time.Second)) || !c.IsBusinessMinute(n) || c.Between(t1, n) != 0 {
			t.Fatalf("%s: NextBusinessMinute(%s) = %s", c, t1, n)
		}
		if c.IsBusinessMinute(t1) != n.Equal(t1) {
			t.Fatalf("%s: IsBusinessMinute(%s) inconsistent with NextBusinessMinute", c, t1)
		}
		e := c.EndOfNextBusinessDay(t1)
		if !e.After(n) || c.Between(e.Add(-time.Second), e) != time.Second {
			t.Fatalf("%s: EndOfNextBusinessDay(%s) = %s", c, t1, e)
		}
	}
}

func FuzzAdd(f *testing.F) {
	f.Add(int64(1798129800), uint16(60), uint8(1), uint64(0x1f1f1f1f1f), uint8(3))
	f.Add(int64(1772953200), uint16(2880), uint8(2), uint64(0xffffffff), uint8(0))
	f.Add(int64(1775343600), uint16(1), uint8(6), uint64(12345), uint8(200))
	f.Fuzz(func(t *testing.T, start int64, mins uint16, zone uint8, shape uint64, hol uint8) {
		start = start % (500 * 365 * 86400) // within ~500 years of 2000
		start += 30 * 365 * 86400
		r := rand.New(rand.NewSource(int64(shape)))
		s := randomSpec(t, r)
		s.loc = loc(t, propZones[int(zone)%len(propZones)])
		s.holidays = s.holidays[:min(len(s.holidays), int(hol)%31)]
		c := mustCal(t, s.loc, s.weekly, s.holidays)
		t0 := time.Unix(start, 0)
		n := int(mins)
		due := addMinutes(c, t0, n)
		if due.Before(t0) {
			t.Fatalf("due %s before start %s", due, t0)
		}
		if got := minutesBetween(c, t0, due); got != n {
			t.Fatalf("MinutesBetween = %d, want %d", got, n)
		}
		if n > 0 {
			if c.Between(due.Add(-time.Second), due) != time.Second {
				t.Fatalf("the last second before due %s does not count", due)
			}
		}
		if x := addMinutes(c, addMinutes(c, t0, n/3), n-n/3); !x.Equal(due) {
			t.Fatalf("split target: %s != %s", x, due)
		}
	})
}

func BenchmarkAdd2880Minutes_30Holidays(b *testing.B) {
	l := loc(b, "Europe/London")
	var hs []Holiday
	for i := range 30 {
		hs = append(hs, Holiday{Date: civil(dayNumber(Date{2026, 1, 1}) + int64(i*23)), Name: "h"})
	}
	c := mustCal(b, l, weekdays(b, "09:00-12:30", "13:30-17:30"), hs)
	start := time.Date(2026, 3, 20, 11, 17, 0, 0, l) // spans the March DST change
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Add(start, 2880*time.Minute)
	}
}

func BenchmarkAdd2880Minutes_24x7(b *testing.B) {
	start := time.Date(2026, 3, 20, 11, 17, 0, 0, time.UTC)
	c := TwentyFourSeven()
	for b.Loop() {
		_ = c.Add(start, 2880*time.Minute)
	}
}
