// Package calendar does business-hours arithmetic: which instants count
// towards a service-level target, where counting starts, and when a given
// number of counting minutes runs out.
//
// # Model
//
// A Calendar is either round the clock (TwentyFourSeven), which counts real
// elapsed time and ignores holidays, or business hours in a time zone. On a
// business-hours calendar an instant counts ("is a business minute") when its
// wall-clock reading in the calendar's zone lies inside one of the intervals
// of that weekday (start included, end excluded) and its local date is not a
// holiday. Counting is done over real time: a business-hours calendar
// counts the real seconds whose wall-clock reading is inside hours. Hence:
//
//   - 09:00-17:00 is eight real hours on any day whose transitions happen
//     outside those hours; 00:00-24:00 is 23 real hours on a spring-forward day
//     and 25 on a fall-back day.
//   - Wall times that do not exist (a spring-forward gap) are simply never
//     read on the clock: an interval opening inside a gap opens at the end of
//     the gap, one closing inside a gap closes at the transition.
//   - Wall times that occur twice (a fall-back overlap) count each time they
//     occur and are inside hours; a fall-back hour inside 00:00-24:00 counts
//     twice, and an interval such as 01:30-03:00 on a day that falls back from
//     02:00 to 01:00 is open 01:30-02:00 (first pass), closed 01:00-01:30
//     (second pass) and open again from 01:30.
//   - The calendar's zone decides dates, weekdays and holidays; the offset
//     carried by a time.Time argument does not.
//
// Resolution is one second: sub-second parts of arguments are dropped
// (truncated towards the past). Results are expressed in the calendar's
// location (UTC for TwentyFourSeven).
//
// A Calendar is immutable after construction and safe for concurrent use.
package calendar

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

const (
	daySec = 86400
	// farFuture bounds the real-time walk; offsets are far smaller, so
	// farFuture+offset never overflows.
	farFuture = math.MaxInt64 / 4
)

// Holiday is a whole local day on which a business-hours calendar does not
// count. A Yearly holiday recurs on Date.Month/Date.Day of every year from
// Date.Year on (Year 0 or less: every year); a yearly 29 February only occurs
// in leap years. UID is the iCalendar UID of the event the holiday was
// imported from (empty if entered by hand); it does not affect counting.
type Holiday struct {
	Date   Date
	Yearly bool
	Name   string
	UID    string
}

// Occurrence is a holiday on a particular date.
type Occurrence struct {
	Date    Date
	Holiday Holiday
}

type span struct{ s, e int64 } // seconds since local midnight

// Calendar decides which instants count. The zero value is not usable; build
// one with TwentyFourSeven or NewBusinessHours.
type Calendar struct {
	is247    bool
	loc      *time.Location
	weekly   [7][]Interval
	week     [7][]span
	dayTotal [7]int64 // counting seconds per weekday
	holidays []Holiday
	fixed    map[int64]int32 // day number -> index into holidays
	fixedMin int64
	fixedMax int64
	yearly   [13][32]int32 // index+1 into holidays; 0 = none
	nYearly  int
}

var twentyFourSeven = &Calendar{is247: true, loc: time.UTC}

// TwentyFourSeven returns the round-the-clock calendar: every second counts,
// holidays are ignored. A 24/7 calendar that honours holidays is written as
// business hours 00:00-24:00 on every day.
func TwentyFourSeven() *Calendar { return twentyFourSeven }

// NewBusinessHours builds a business-hours calendar. weekly is indexed by
// time.Weekday (Sunday = 0). Each day's intervals must be valid, sorted by
// start and must not overlap (touching intervals are merged). At least one
// weekday must have hours, and yearly holidays may not cover every day of the
// year.
func NewBusinessHours(loc *time.Location, weekly [7][]Interval, holidays []Holiday) (*Calendar, error) {
	if loc == nil {
		return nil, errors.New("calendar: nil location")
	}
	c := &Calendar{loc: loc}
	var weekTotal int64
	for wd := range 7 {
		var prev *Interval
		for i, iv := range weekly[wd] {
			if !iv.Valid() {
				return nil, fmt.Errorf("calendar: %s interval %d (%d-%d): want 0 <= start < end <= 1440", time.Weekday(wd), i, iv.Start, iv.End)
			}
			if prev != nil && iv.Start < prev.End {
				return nil, fmt.Errorf("calendar: %s interval %d (%s) overlaps or precedes %s; intervals must be sorted and must not overlap", time.Weekday(wd), i, iv, *prev)
			}
			c.weekly[wd] = append(c.weekly[wd], iv)
			s, e := int64(iv.Start)*60, int64(iv.End)*60
			if n := len(c.week[wd]); n > 0 && c.week[wd][n-1].e == s {
				c.week[wd][n-1].e = e
			} else {
				c.week[wd] = append(c.week[wd], span{s, e})
			}
			c.dayTotal[wd] += e - s
			prev = &weekly[wd][i]
		}
		weekTotal += c.dayTotal[wd]
	}
	if weekTotal == 0 {
		return nil, errors.New("calendar: no business hours on any weekday")
	}
	c.holidays = make([]Holiday, 0, len(holidays))
	var covered [13][32]bool
	nCovered := 0
	for i, h := range holidays {
		d := h.Date
		if h.Yearly {
			probe := d
			probe.Year = 2000 // a leap year, so 29 February is allowed
			if !probe.Valid() {
				return nil, fmt.Errorf("calendar: holiday %d (%q): invalid month/day %02d-%02d", i, h.Name, int(d.Month), d.Day)
			}
		} else if !d.Valid() {
			return nil, fmt.Errorf("calendar: holiday %d (%q): invalid date %s", i, h.Name, d)
		}
		idx := int32(len(c.holidays))
		c.holidays = append(c.holidays, h)
		if h.Yearly {
			cur := c.yearly[d.Month][d.Day]
			if cur == 0 || c.holidays[cur-1].Date.Year > d.Year {
				c.yearly[d.Month][d.Day] = idx + 1
			}
			if !covered[d.Month][d.Day] && !(d.Month == time.February && d.Day == 29) {
				covered[d.Month][d.Day] = true
				nCovered++
			}
			c.nYearly++
			continue
		}
		n := dayNumber(d)
		if c.fixed == nil {
			c.fixed = make(map[int64]int32)
			c.fixedMin, c.fixedMax = n, n
		}
		if _, dup := c.fixed[n]; !dup {
			c.fixed[n] = idx
		}
		c.fixedMin = min(c.fixedMin, n)
		c.fixedMax = max(c.fixedMax, n)
	}
	if nCovered == 365 {
		return nil, errors.New("calendar: yearly holidays cover every day of the year")
	}
	return c, nil
}

// Is24x7 reports whether c is the round-the-clock calendar.
func (c *Calendar) Is24x7() bool { return c.is247 }

// Location returns the calendar's zone (UTC for TwentyFourSeven).
func (c *Calendar) Location() *time.Location { return c.loc }

// String describes the calendar, e.g. "24x7" or "business hours Europe/London".
func (c *Calendar) String() string {
	if c.is247 {
		return "24x7"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "business hours %s", c.loc)
	return b.String()
}

// holidayIndex returns the index of the holiday on day number z, or -1.
func (c *Calendar) holidayIndex(z int64) int {
	if c.fixed != nil && z >= c.fixedMin && z <= c.fixedMax {
		if i, ok := c.fixed[z]; ok {
			return int(i)
		}
	}
	if c.nYearly > 0 {
		d := civil(z)
		if i := c.yearly[d.Month][d.Day]; i != 0 {
			h := &c.holidays[i-1]
			if d.Year >= h.Date.Year {
				return int(i - 1)
			}
		}
	}
	return -1
}

// zoneAt returns the UTC offset in effect at unix second u and the unix
// second at which that offset stops being in effect (farFuture if never).
// The end may also be an artificial boundary at which the offset does not
// change; callers only rely on the offset being constant in [u, end).
func (c *Calendar) zoneAt(u int64) (off, end int64) {
	t := time.Unix(u, 0).In(c.loc)
	_, o := t.Zone()
	_, e := t.ZoneBounds()
	if e.IsZero() {
		return int64(o), farFuture
	}
	if end = e.Unix(); end > u {
		return int64(o), end
	}
	// Beyond a zone's last listed transition (the TZ rule string) Go's
	// ZoneBounds can report an end that is not after t, e.g. during the last
	// UTC day of a leap year. Find the next change by probing instead.
	return int64(o), c.nextChange(u, int64(o))
}

// nextChange returns an instant after u up to which the offset stays off:
// one day later if the offset is the same then, otherwise the exact instant
// of the change (by bisection).
func (c *Calendar) nextChange(u, off int64) int64 {
	offAt := func(v int64) int64 {
		_, o := time.Unix(v, 0).In(c.loc).Zone()
		return int64(o)
	}
	hi := u + daySec
	if offAt(hi) == off {
		return hi
	}
	lo := u // offAt(lo) == off, offAt(hi) != off
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if offAt(mid) == off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// advance walks real time forward from unix second pos, counting business
// seconds, and stops as soon as need seconds have been counted (returning the
// earliest instant at which they have been) or when limit is reached.
func (c *Calendar) advance(pos, limit, need int64) (end, used int64) {
	if need <= 0 || pos >= limit {
		return pos, 0
	}
	if c.is247 {
		if limit-pos >= need {
			return pos + need, need
		}
		return limit, limit - pos
	}
	for pos < limit {
		off, segEnd := c.zoneAt(pos)
		stop := min(segEnd, limit)
		w, u := c.advanceWall(pos+off, stop+off, need-used)
		used += u
		if used >= need {
			return w - off, used
		}
		pos = stop
	}
	return limit, used
}

// advanceWall is advance on the wall-clock axis (unix seconds + a constant
// offset) between w and wStop.
func (c *Calendar) advanceWall(w, wStop, need int64) (end, used int64) {
	for w < wStop {
		day := floorDiv(w, daySec)
		dayStart := day * daySec
		dayEnd := dayStart + daySec
		wd := weekdayOf(day)
		total := c.dayTotal[wd]
		if total == 0 || c.holidayIndex(day) >= 0 {
			w = min(dayEnd, wStop)
			continue
		}
		if w == dayStart && dayEnd <= wStop && total < need-used {
			used += total
			w = dayEnd
			continue
		}
		for _, sp := range c.week[wd] {
			a := max(dayStart+sp.s, w)
			b := min(dayStart+sp.e, wStop)
			if a >= b {
				if dayStart+sp.s >= wStop {
					break
				}
				continue
			}
			if rest := need - used; b-a >= rest {
				return a + rest, need
			}
			used += b - a
		}
		w = min(dayEnd, wStop)
	}
	return wStop, used
}

func (c *Calendar) out(u int64) time.Time { return time.Unix(u, 0).In(c.loc) }

// Add returns the earliest instant at which d of counting time has elapsed
// since start (second resolution; d <= 0 returns start). If start is outside
// hours, counting begins at the next opening; if the time runs out exactly at
// a closing, the closing is returned, not the next opening.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	s := start.Unix()
	e, _ := c.advance(s, farFuture, int64(d/time.Second))
	return c.out(e)
}

// Between returns the counting time in [from, to), at second resolution;
// zero if to is not after from.
func (c *Calendar) Between(from, to time.Time) time.Duration {
	_, used := c.advance(from.Unix(), to.Unix(), farFuture)
	return time.Duration(used) * time.Second
}

// IsBusinessMinute reports whether the instant t counts.
func (c *Calendar) IsBusinessMinute(t time.Time) bool {
	if c.is247 {
		return true
	}
	off, _ := c.zoneAt(t.Unix())
	w := t.Unix() + off
	day := floorDiv(w, daySec)
	if c.holidayIndex(day) >= 0 {
		return false
	}
	sod := w - day*daySec
	for _, sp := range c.week[weekdayOf(day)] {
		if sod >= sp.s && sod < sp.e {
			return true
		}
	}
	return false
}

// NextBusinessMinute returns the first counting instant at or after t: t
// itself (with sub-second parts dropped) if t is inside hours, otherwise the
// next opening. An instant exactly at a closing is outside hours.
func (c *Calendar) NextBusinessMinute(t time.Time) time.Time {
	// The earliest instant at which one counting second has elapsed is one
	// second after the first counting instant.
	e, _ := c.advance(t.Unix(), farFuture, 1)
	return c.out(e - 1)
}

// daySpans returns the real-time (unix seconds) spans whose wall-clock
// reading falls inside hours on day number z, in order.
func (c *Calendar) daySpans(z int64) [][2]int64 {
	if c.dayTotal[weekdayOf(z)] == 0 || c.holidayIndex(z) >= 0 {
		return nil
	}
	var out [][2]int64
	wd := weekdayOf(z)
	// Every instant whose wall reading is on day z lies within a day of it.
	u := z*daySec - daySec - 86400
	last := z*daySec + daySec + 86400
	for u < last {
		off, end := c.zoneAt(u)
		for _, sp := range c.week[wd] {
			a := max(u, z*daySec+sp.s-off)
			b := min(end, z*daySec+sp.e-off)
			if a < b {
				if n := len(out); n > 0 && out[n-1][1] == a {
					out[n-1][1] = b
				} else {
					out = append(out, [2]int64{a, b})
				}
			}
		}
		u = end
	}
	return out
}

// EndOfNextBusinessDay returns the deadline "by the end of the next business
// day": counting starts at NextBusinessMinute(t), on local date D; the result
// is the closing time of the last interval of the first business day after D
// (a day with hours that is not a holiday). On a 24/7 calendar it is t plus
// 24 hours.
func (c *Calendar) EndOfNextBusinessDay(t time.Time) time.Time {
	if c.is247 {
		return c.out(t.Unix() + daySec)
	}
	s := c.NextBusinessMinute(t).Unix()
	off, _ := c.zoneAt(s)
	day := floorDiv(s+off, daySec)
	// This terminates: past the last dated holiday, some month/day is not a
	// yearly holiday (NewBusinessHours checks), and within 28 years it falls
	// on every weekday, including one with hours.
	for z := day + 1; ; z++ {
		if sp := c.daySpans(z); len(sp) > 0 {
			return c.out(sp[len(sp)-1][1])
		}
	}
}

// localDay returns the day number of t's local date in the calendar's zone.
func (c *Calendar) localDay(t time.Time) int64 {
	off, _ := c.zoneAt(t.Unix())
	return floorDiv(t.Unix()+off, daySec)
}

// HolidaysBetween lists the holidays on the local dates from from's date to
// to's date inclusive (none on a 24/7 calendar, none if to is before from).
func (c *Calendar) HolidaysBetween(from, to time.Time) []Occurrence {
	if c.is247 || to.Before(from) {
		return nil
	}
	a, b := c.localDay(from), c.localDay(to)
	var out []Occurrence
	for z := a; z <= b && z-a <= 366*50; z++ {
		if i := c.holidayIndex(z); i >= 0 {
			out = append(out, Occurrence{Date: civil(z), Holiday: c.holidays[i]})
		}
	}
	return out
}

// Occurrences lists the holidays on the dates from through to inclusive, one
// per date (the one that decides counting there), in date order: none on a
// 24/7 calendar, none if to is before from.
func (c *Calendar) Occurrences(from, to Date) []Occurrence {
	if c.is247 {
		return nil
	}
	var out []Occurrence
	for z, last := dayNumber(from), dayNumber(to); z <= last; z++ {
		if i := c.holidayIndex(z); i >= 0 {
			out = append(out, Occurrence{Date: civil(z), Holiday: c.holidays[i]})
		}
	}
	return out
}

// sortHolidays orders holidays by date, yearly ones by month and day.
func sortHolidays(h []Holiday) {
	sort.SliceStable(h, func(i, j int) bool {
		a, b := h[i].Date, h[j].Date
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		return a.Day < b.Day
	})
}
