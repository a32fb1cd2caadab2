package calendar

import (
	"testing"
	"time"
)

// TestZoneSegments checks the offset segments the walker relies on against
// hourly sampling, including years governed by the zone's TZ rule string and
// the last UTC day of leap years (where time.Time.ZoneBounds misbehaves).
func TestZoneSegments(t *testing.T) {
	for _, name := range propZones {
		l := loc(t, name)
		c := &Calendar{loc: l}
		for _, from := range []int{2024, 2038, 2040, 2096, 2400} {
			u := time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			stop := time.Date(from+3, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			for u < stop {
				off, end := c.zoneAt(u)
				if end <= u {
					t.Fatalf("%s: segment at %v does not advance", name, time.Unix(u, 0).UTC())
				}
				for v := u; v < min(end, stop); v += 3600 {
					if _, o := time.Unix(v, 0).In(l).Zone(); int64(o) != off {
						t.Fatalf("%s: offset at %v is %d, segment from %v says %d", name, time.Unix(v, 0).UTC(), o, time.Unix(u, 0).UTC(), off)
					}
				}
				u = end
			}
		}
	}
	// Far-future arithmetic terminates and stays consistent.
	ny := mustCal(t, loc(t, "America/New_York"), [7][]Interval{time.Sunday: {{90, 91}}}, nil)
	start := ts(t, "2026-11-01T01:00:00-05:00")
	due := addMinutes(ny, start, 5000)
	if minutesBetween(ny, start, due) != 5000 || due.Year() < 2100 {
		t.Fatalf("far future: %v", due)
	}
}
