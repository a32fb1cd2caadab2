package calendar

import (
	"os"
	"strings"
	"testing"
	"time"
)

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func holidayList(hs []Holiday) string {
	var b []string
	for _, h := range hs {
		s := h.Date.String() + " " + h.Name
		if h.Yearly {
			s += " (yearly)"
		}
		b = append(b, s)
	}
	return strings.Join(b, "\n")
}

func TestImportICS(t *testing.T) {
	hs, err := ImportICSUntil(openTestdata(t, "holidays.ics"), Date{2099, time.December, 31})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"2020-12-25 Christmas break (yearly)",
		"2020-12-26 Christmas break (yearly)",
		"2021-01-01 New Year's Day (yearly)",
		"2026-05-25 Spring bank holiday",
		"2026-12-28 Boxing Day (substitute day)",
		"2027-05-31 Spring bank holiday",
	}, "\n")
	if got := holidayList(hs); got != want {
		t.Fatalf("ImportICSUntil =\n%s\nwant\n%s", got, want)
	}
	// The imported holidays drive a calendar: the worked example again.
	c := mustCal(t, loc(t, "Europe/London"), weekdays(t, "09:00-17:00"), hs)
	if got := addMinutes(c, ts(t, "2026-12-24T16:30:00Z"), 60); !got.Equal(ts(t, "2026-12-29T09:30:00Z")) {
		t.Errorf("AddMinutes with imported holidays = %s", got)
	}
	if h, ok := holidayOn(c, ts(t, "2030-12-26T12:00:00Z")); !ok || h.Name != "Christmas break" {
		t.Errorf("yearly holiday in 2030: %v %v", h, ok)
	}
}

func TestImportICSErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no VCALENDAR"},
		{"garbage", "hello\r\n", "ics:"},
		{"timed event", "timed.ics", "not an all-day date"},
		{"dtend before dtstart", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260102\r\nDTEND;VALUE=DATE:20260101\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "not after DTSTART"},
		{"missing dtstart", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "missing DTSTART"},
	}
	for _, tt := range tests {
		var err error
		if strings.HasSuffix(tt.in, ".ics") {
			_, err = ImportICSUntil(openTestdata(t, tt.in), Date{2099, time.December, 31})
		} else {
			_, err = ImportICSUntil(strings.NewReader(tt.in), Date{2099, time.December, 31})
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want containing %q", tt.name, err, tt.want)
		}
	}
}

func TestImportICSUntil(t *testing.T) {
	hs, err := ImportICSUntil(openTestdata(t, "thanksgiving.ics"), Date{2028, time.December, 31})
	if err != nil {
		t.Fatal(err)
	}
	want := "2026-11-26 Thanksgiving\n2027-11-25 Thanksgiving\n2028-11-23 Thanksgiving"
	if got := holidayList(hs); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := ImportICSUntil(openTestdata(t, "thanksgiving.ics"), Date{2028, time.February, 30}); err == nil || !strings.Contains(err.Error(), "invalid until date") {
		t.Fatalf("invalid until: %v", err)
	}
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"09:00-17:00", "00:00-24:00", "24:00-24:00", "9:00-5:00", "", "-", "23:59-24:00", "12:00-11:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if !iv.Valid() {
			t.Fatalf("ParseInterval(%q) = %v, not valid", s, iv)
		}
		if iv.String() != s {
			t.Fatalf("round trip: %q -> %q", s, iv.String())
		}
	})
}
