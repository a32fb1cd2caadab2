package calendar

import (
	"fmt"
	"strings"
)

// MinutesPerDay is the length of a wall-clock day in minutes.
const MinutesPerDay = 1440

// Interval is a half-open range of wall-clock minutes since local midnight,
// [Start, End), with 0 <= Start < End <= 1440.
type Interval struct{ Start, End int }

// ParseInterval parses "HH:MM-HH:MM" (two digits each, 24-hour clock). The
// end may be "24:00" (midnight at the end of the day); the start may not.
// The end must be after the start: an interval never crosses midnight, so a
// night shift is written as two intervals, one on each day.
func ParseInterval(s string) (Interval, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Interval{}, fmt.Errorf("interval %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(a)
	if err != nil {
		return Interval{}, fmt.Errorf("interval %q: start: %v", s, err)
	}
	end, err := parseClock(b)
	if err != nil {
		return Interval{}, fmt.Errorf("interval %q: end: %v", s, err)
	}
	if start == MinutesPerDay {
		return Interval{}, fmt.Errorf("interval %q: start may not be 24:00", s)
	}
	if end <= start {
		return Interval{}, fmt.Errorf("interval %q: end must be after start (an interval cannot cross midnight; split it into two days)", s)
	}
	return Interval{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[3]) || !isDigit(s[4]) {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 {
		return 0, fmt.Errorf("%q: minutes must be 00-59", s)
	}
	if h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q: hour must be 00-23 (or 24:00 for end of day)", s)
	}
	return h*60 + m, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// String formats the interval as "HH:MM-HH:MM".
func (iv Interval) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
}

// Valid reports whether 0 <= Start < End <= 1440.
func (iv Interval) Valid() bool {
	return iv.Start >= 0 && iv.Start < iv.End && iv.End <= MinutesPerDay
}
