package desk_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// holidayFile is an Outlook-style export: a byte-order mark, all-day events
// as midnight-to-midnight date-times, a timed event, a yearly holiday first
// held in 2028, an endless rule, a day the calendar already has, and an
// event without a UID.
const holidayFile = "\ufeffBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:founders\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:20280612T000000\r\nDTEND;TZID=W. Europe Standard Time:20280613T000000\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Founders' Day\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:move\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261116T000000\r\nDTEND:20261118T000000\r\nSUMMARY:Office move\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261103T090000\r\nDTEND;TZID=Europe/Berlin:20261103T091500\r\nSUMMARY:Stand-up\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:tg\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:xmas\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261231\r\nSUMMARY:No UID\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

const importSpec = `{"type":"business_hours","tz":"Europe/Berlin","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},"holidays":["2026-11-06",{"date":"12-25","name":"Weihnachten"}]}`

func storedHolidays(t *testing.T, c desk.CalendarView) []string {
	t.Helper()
	var spec struct{ Holidays []json.RawMessage }
	if err := json.Unmarshal(c.Spec, &spec); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(spec.Holidays))
	for i, h := range spec.Holidays {
		out[i] = string(h)
	}
	return out
}

func TestImportHolidays(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db) // now: Monday 2 November 2026
		ctx := context.Background()
		cal, err := w.d.CreateCalendar(ctx, w.op, desk.NewCalendar{Name: "Import", Region: "FR", Spec: json.RawMessage(importSpec)})
		if err != nil {
			t.Fatal(err)
		}
		first, err := w.d.ImportHolidays(ctx, w.op, cal.ID, strings.NewReader(holidayFile))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			`{"date":"12-25","name":"Weihnachten"}`, `"2026-11-06"`,
			`{"date":"2026-11-16","name":"Office move","uid":"move"}`,
			`{"date":"2026-11-17","name":"Office move","uid":"move"}`,
			`{"date":"2026-11-26","name":"Thanksgiving","uid":"tg"}`,
			`{"date":"2026-12-31","name":"No UID"}`,
			`{"date":"2027-11-25","name":"Thanksgiving","uid":"tg"}`,
			`{"date":"2028-06-12","yearly":true,"name":"Founders' Day","uid":"founders"}`,
			`{"date":"2028-11-23","name":"Thanksgiving","uid":"tg"}`,
			`{"date":"2029-11-22","name":"Thanksgiving","uid":"tg"}`,
			`{"date":"2030-11-28","name":"Thanksgiving","uid":"tg"}`,
			`{"date":"2031-11-27","name":"Thanksgiving","uid":"tg"}`,
		}
		if got := storedHolidays(t, first.Calendar); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("holidays after import\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if first.Imported != 10 || first.Replaced != 0 || first.Duplicates != 1 || first.ExpandedUntil != "2031-12-31" {
			t.Errorf("first import: imported %d, replaced %d, duplicates %d, expanded until %q", first.Imported, first.Replaced, first.Duplicates, first.ExpandedUntil)
		}
		notes := strings.Join(first.Notes, "\n")
		if len(first.Notes) != 2 || !strings.Contains(notes, `("Stand-up"): skipped: a timed event (2026-11-03 09:00 to 2026-11-03 09:15), not whole days`) || !strings.Contains(notes, "expanded until 2031") {
			t.Errorf("notes:\n%s", notes)
		}

		// Again: the same holidays, the file's own replaced.
		second, err := w.d.ImportHolidays(ctx, w.op, cal.ID, strings.NewReader(holidayFile))
		if err != nil {
			t.Fatal(err)
		}
		if got := storedHolidays(t, second.Calendar); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("holidays after the second import\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if second.Imported != 9 || second.Replaced != 9 || second.Duplicates != 2 {
			t.Errorf("second import: imported %d, replaced %d, duplicates %d", second.Imported, second.Replaced, second.Duplicates)
		}

		// A changed file replaces what the same events imported before.
		changed := strings.Replace(holidayFile, "DTSTART:20261116T000000\r\nDTEND:20261118T000000\r\nSUMMARY:Office move", "DTSTART:20261119T000000\r\nDTEND:20261120T000000\r\nSUMMARY:Office move (moved)", 1)
		third, err := w.d.ImportHolidays(ctx, w.op, cal.ID, strings.NewReader(changed))
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(storedHolidays(t, third.Calendar), "\n")
		if strings.Contains(got, "2026-11-16") || strings.Contains(got, "2026-11-17") || !strings.Contains(got, `{"date":"2026-11-19","name":"Office move (moved)","uid":"move"}`) || len(storedHolidays(t, third.Calendar)) != len(want)-1 {
			t.Errorf("holidays after a changed import:\n%s", got)
		}

		// The yearly holiday counts from 2028 on only, in the feed as in counting.
		feed, err := w.d.HolidayFeed(ctx, w.admins["business"], cal.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			day  string
			want bool
		}{{"20260612", false}, {"20270612", false}, {"20280612", true}, {"20310612", true}, {"20261225", true}, {"20251225", true}, {"20241225", false}, {"20321225", false}} {
			if got := strings.Contains(string(feed), "DTSTART;VALUE=DATE:"+tt.day); got != tt.want {
				t.Errorf("feed has %s: %v, want %v", tt.day, got, tt.want)
			}
		}

		// Who may.
		if _, err := w.d.ImportHolidays(ctx, w.ag, cal.ID, strings.NewReader(holidayFile)); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Errorf("agent import: %v", err)
		}
		if _, err := w.d.HolidayFeed(ctx, &casedesk.Actor{}, cal.ID); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Errorf("anonymous feed: %v", err)
		}
		if _, err := w.d.HolidayFeed(ctx, w.ag, cal.ID+1000); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Errorf("feed of no calendar: %v", err)
		}
	})
}
