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

var farUntil = Date{2099, time.December, 31}

func mustImport(t *testing.T, name string, until Date) *ICSImport {
	t.Helper()
	res, err := ImportICS(openTestdata(t, name), until)
	if err != nil {
		t.Fatalf("ImportICS(%s): %v", name, err)
	}
	return res
}

func TestImportICS(t *testing.T) {
	res := mustImport(t, "holidays.ics", farUntil)
	want := strings.Join([]string{
		"2020-12-25 Christmas break (yearly)",
		"2020-12-26 Christmas break (yearly)",
		"2021-01-01 New Year's Day (yearly)",
		"2026-05-25 Spring bank holiday",
		"2026-12-28 Boxing Day (substitute day)",
		"2027-05-31 Spring bank holiday",
	}, "\n")
	if got := holidayList(res.Holidays); got != want {
		t.Fatalf("ImportICS =\n%s\nwant\n%s", got, want)
	}
	if got := strings.Join(res.UIDs, " "); got != "xmas@casedesk.test newyear@casedesk.test sub@casedesk.test spring@casedesk.test cancelled@casedesk.test" {
		t.Errorf("UIDs = %s", got)
	}
	if len(res.Notes) != 0 || res.ExpandedUntil != (Date{}) {
		t.Errorf("notes %q, expanded until %s; want none", res.Notes, res.ExpandedUntil)
	}
	// The imported holidays drive a calendar: the worked example again.
	c := mustCal(t, loc(t, "Europe/London"), weekdays(t, "09:00-17:00"), res.Holidays)
	if got := addMinutes(c, ts(t, "2026-12-24T16:30:00Z"), 60); !got.Equal(ts(t, "2026-12-29T09:30:00Z")) {
		t.Errorf("AddMinutes with imported holidays = %s", got)
	}
	if h, ok := holidayOn(c, ts(t, "2030-12-26T12:00:00Z")); !ok || h.Name != "Christmas break" {
		t.Errorf("yearly holiday in 2030: %v %v", h, ok)
	}
}

// TestImportICSFiles reads files as real tools write them.
func TestImportICSFiles(t *testing.T) {
	tests := []struct {
		file     string
		until    Date
		want     []string // holidayList lines
		notes    []string // each note contains the matching substring
		expanded Date
	}{
		{file: "bom.ics", until: farUntil, want: []string{"2026-10-03 Tag der Deutschen Einheit"}},
		{file: "outlook.ics", until: farUntil, want: []string{
			"2026-12-24 Weihnachten", "2026-12-25 Weihnachten", "2026-12-26 Weihnachten",
			"2026-12-31 Silvester",
			"2027-01-01 Neujahr (yearly)",
		}},
		{file: "mixed.ics", until: farUntil,
			want: []string{"2026-11-02 Office move", "2026-11-06 Works outing"},
			notes: []string{
				`event 2 ("Team stand-up"): skipped: a timed event (2026-11-03 09:00 to 2026-11-03 09:30), not whole days`,
				`event 3 ("Converted to UTC"): skipped: a timed event (2026-11-04 23:00 to 2026-11-05 23:00), not whole days`,
			}},
		{file: "from2028.ics", until: farUntil, want: []string{"2028-06-12 Founders' Day (yearly)"}},
		{file: "endless.ics", until: Date{2028, time.December, 31},
			want: []string{
				"2026-05-25 Memorial Day", "2026-11-26 Thanksgiving",
				"2027-05-31 Memorial Day", "2027-11-25 Thanksgiving",
				"2028-11-23 Thanksgiving",
			},
			expanded: Date{2028, time.December, 31}},
		{file: "thanksgiving.ics", until: Date{2028, time.December, 31},
			want:     []string{"2026-11-26 Thanksgiving", "2027-11-25 Thanksgiving", "2028-11-23 Thanksgiving"},
			expanded: Date{2028, time.December, 31}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := mustImport(t, tt.file, tt.until)
			if got, want := holidayList(res.Holidays), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("holidays\n%s\nwant\n%s", got, want)
			}
			if len(res.Notes) != len(tt.notes) {
				t.Errorf("notes %q, want %d", res.Notes, len(tt.notes))
			}
			for i := range min(len(res.Notes), len(tt.notes)) {
				if !strings.Contains(res.Notes[i], tt.notes[i]) {
					t.Errorf("note %d = %q, want containing %q", i, res.Notes[i], tt.notes[i])
				}
			}
			if res.ExpandedUntil != tt.expanded {
				t.Errorf("ExpandedUntil = %v, want %v", res.ExpandedUntil, tt.expanded)
			}
			for _, h := range res.Holidays {
				if h.UID == "" {
					t.Errorf("%s has no UID", h.Date)
				}
			}
		})
	}
}

// TestImportICSStartYear: a yearly holiday first held in 2028 does not
// count in 2026 or 2027, and survives the calendar's JSON form.
func TestImportICSStartYear(t *testing.T) {
	res := mustImport(t, "from2028.ics", farUntil)
	list := []byte(`[`)
	for i, h := range res.Holidays {
		if i > 0 {
			list = append(list, ',')
		}
		list = append(list, EncodeHoliday(h)...)
	}
	list = append(list, ']')
	c, err := ParseJSON([]byte(`{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}, "holidays": ` + string(list) + `}`))
	if err != nil {
		t.Fatalf("%s: %v", list, err)
	}
	for _, tt := range []struct {
		at   string
		want bool
	}{
		{"2026-06-12T12:00:00Z", false}, // Friday
		{"2027-06-11T12:00:00Z", false}, // Friday; the 12th is a Saturday
		{"2028-06-12T12:00:00Z", true},  // Monday
		{"2029-06-12T12:00:00Z", true},
	} {
		if _, ok := holidayOn(c, ts(t, tt.at)); ok != tt.want {
			t.Errorf("holiday at %s = %v, want %v", tt.at, ok, tt.want)
		}
	}
	if got := c.Occurrences(Date{2026, 1, 1}, Date{2029, 12, 31}); len(got) != 2 || got[0].Date != (Date{2028, 6, 12}) || got[1].Date != (Date{2029, 6, 12}) {
		t.Errorf("Occurrences = %v", got)
	}
}

func TestImportICSErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no VCALENDAR"},
		{"garbage", "hello\r\n", "ics:"},
		{"dtend before dtstart", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260102\r\nDTEND;VALUE=DATE:20260101\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "not after DTSTART"},
		{"date-time end before start", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260102T000000\r\nDTEND:20260101T000000\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "not after DTSTART"},
		{"missing dtstart", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "missing DTSTART"},
		{"bad rrule", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260102\r\nRRULE:FREQ=SOMETIMES\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "RRULE"},
	}
	for _, tt := range tests {
		_, err := ImportICS(strings.NewReader(tt.in), farUntil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := ImportICS(openTestdata(t, "thanksgiving.ics"), Date{2028, time.February, 30}); err == nil || !strings.Contains(err.Error(), "invalid until date") {
		t.Fatalf("invalid until: %v", err)
	}
}

// TestImportICSTimedOnly: a file of timed events is no error; every event is
// skipped with a note.
func TestImportICSTimedOnly(t *testing.T) {
	res := mustImport(t, "timed.ics", farUntil)
	if len(res.Holidays) != 0 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], `"Meeting"): skipped: a timed event (at 2026-11-26 09:00)`) {
		t.Fatalf("holidays %v, notes %q", res.Holidays, res.Notes)
	}
}

// TestWriteICS: the feed parses back (go-ical) into the same all-day dates.
func TestWriteICS(t *testing.T) {
	res := mustImport(t, "holidays.ics", farUntil)
	c := mustCal(t, loc(t, "Europe/London"), weekdays(t, "09:00-17:00"), res.Holidays)
	occ := c.Occurrences(Date{2026, 1, 1}, Date{2027, 12, 31})
	var b strings.Builder
	if err := WriteICS(&b, Feed{Name: "UK", UIDPrefix: "cal-1-", Stamp: ts(t, "2026-03-01T10:00:00Z"), Occurrences: occ}); err != nil {
		t.Fatal(err)
	}
	back := mustImportString(t, b.String())
	var want []Holiday
	for _, o := range occ {
		want = append(want, Holiday{Date: o.Date, Name: o.Holiday.Name, UID: "cal-1-" + strings.ReplaceAll(o.Date.String(), "-", "")})
	}
	if got := holidayList(back.Holidays); got != holidayList(want) || len(back.Holidays) != 9 {
		t.Fatalf("feed read back\n%s\nwant\n%s\nfeed:\n%s", got, holidayList(want), b.String())
	}
	for i := range want {
		if back.Holidays[i].UID != want[i].UID {
			t.Errorf("UID %s, want %s", back.Holidays[i].UID, want[i].UID)
		}
	}
	b.Reset()
	if err := WriteICS(&b, Feed{Name: "none"}); err != nil {
		t.Fatal(err)
	}
	if back := mustImportString(t, b.String()); len(back.Holidays) != 0 {
		t.Fatalf("empty feed read back %v", back.Holidays)
	}
}

func mustImportString(t *testing.T, s string) *ICSImport {
	t.Helper()
	res, err := ImportICS(strings.NewReader(s), farUntil)
	if err != nil {
		t.Fatalf("ImportICS: %v\n%s", err, s)
	}
	return res
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
