package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	ical "github.com/emersion/go-ical"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// outlookHolidays is a holiday file as Outlook exports it: a byte-order
// mark, all-day events as midnight-to-midnight date-times in a Windows zone,
// a timed event among them, and a yearly holiday first held in 2028.
const outlookHolidays = "\ufeffBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:a1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:20261230T000000\r\nDTEND;TZID=W. Europe Standard Time:20270101T000000\r\nSUMMARY:Betriebsferien\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:a2\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:20261230T100000\r\nDTEND;TZID=W. Europe Standard Time:20261230T110000\r\nSUMMARY:Inventur\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:a3\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20280612\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Jubiläum\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// TestHolidayFeed: holidays imported from a file come back in the feed on
// the same dates, twice importing changes nothing, and the feed answers 304
// to its ETag.
func TestHolidayFeed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.calendarID("GB")
		var res struct {
			Imported, Replaced int
			Notes              []string
		}
		for range 2 {
			r := f.raw("operator", "POST", "/api/v1/calendars/"+id+"/holidays", outlookHolidays, map[string]string{"Content-Type": "text/calendar"})
			json.NewDecoder(r.Body).Decode(&res)
			r.Body.Close()
			if r.StatusCode != 200 || res.Imported != 3 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], `("Inventur"): skipped`) {
				t.Fatalf("import: %d %+v", r.StatusCode, res)
			}
		}
		if res.Replaced != 3 {
			t.Errorf("second import replaced %d, want 3", res.Replaced)
		}

		get := func(hdr map[string]string) (*http.Response, string) {
			r := f.raw("agent", "GET", "/api/v1/calendars/"+id+"/holidays.ics", nil, hdr)
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			return r, string(b)
		}
		r, body := get(nil)
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") || r.Header.Get("ETag") == "" {
			t.Fatalf("feed: %d %q %q\n%s", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("ETag"), body)
		}
		cal, err := ical.NewDecoder(strings.NewReader(body)).Decode()
		if err != nil {
			t.Fatalf("go-ical: %v\n%s", err, body)
		}
		dates := map[string]string{}
		uids := map[string]bool{}
		for _, ev := range cal.Events() {
			start := ev.Props.Get(ical.PropDateTimeStart)
			if start.ValueType() != ical.ValueDate {
				t.Errorf("DTSTART %s is not a date", start.Value)
			}
			name, _ := ev.Props.Text(ical.PropSummary)
			dates[start.Value] = name
			uid := ev.Props.Get(ical.PropUID).Value
			if uids[uid] {
				t.Errorf("UID %s twice", uid)
			}
			uids[uid] = true
		}
		for day, name := range map[string]string{"20261230": "Betriebsferien", "20261231": "Betriebsferien", "20280612": "Jubiläum", "20290612": "Jubiläum", "20261225": "Christmas Day"} {
			if dates[day] != name {
				t.Errorf("feed on %s: %q, want %q", day, dates[day], name)
			}
		}
		for _, day := range []string{"20260612", "20270612"} {
			if _, ok := dates[day]; ok {
				t.Errorf("feed has the yearly holiday before its first year, on %s", day)
			}
		}
		keys := make([]string, 0, len(dates))
		for k := range dates {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if keys[0] < "20250101" || keys[len(keys)-1] > "20311231" {
			t.Errorf("feed from %s to %s, want within 2025–2031", keys[0], keys[len(keys)-1])
		}

		// Fetched again: the same body; with its ETag: 304.
		r2, body2 := get(nil)
		if body2 != body || r2.Header.Get("ETag") != r.Header.Get("ETag") {
			t.Error("the feed changed between two fetches")
		}
		if r3, b := get(map[string]string{"If-None-Match": r.Header.Get("ETag")}); r3.StatusCode != 304 || b != "" {
			t.Errorf("If-None-Match: %d %q", r3.StatusCode, b)
		}
		if r4, _ := get(map[string]string{"If-None-Match": `"other"`}); r4.StatusCode != 200 {
			t.Errorf("If-None-Match other: %d", r4.StatusCode)
		}
	})
}
