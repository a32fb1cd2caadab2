package sla

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const workedExample = `{"id": "x", "calendar": {"type": "business_hours", "tz": "Europe/London", "weekly": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"], "sat": [], "sun": []}, "holidays": ["2026-12-25", "2026-12-28"]}, "opened_at": "2026-12-24T16:30:00Z", "target_minutes": 60}`

func TestPreviewOneWorkedExample(t *testing.T) {
	res, err := PreviewOne([]byte(workedExample))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	if got, want := string(b), `{"id":"x","due_at":"2026-12-29T09:30:00Z"}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// withField replaces `"opened_at": ...` etc. in the worked example.
func edit(old, new string) string { return strings.Replace(workedExample, old, new, 1) }

func TestPreviewOne(t *testing.T) {
	tests := []struct {
		name, in string
		due      string // or
		field    string
		detail   string
	}{
		{"pause inside hours delays", edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z"]]`), "2026-12-29T09:40:00Z", "", ""},
		{"pause over closed days costs nothing", edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T17:00:00Z", "2026-12-29T09:00:00Z"]]`), "2026-12-29T09:30:00Z", "", ""},
		{"pauses may overlap and be unsorted", edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-29T09:05:00Z", "2026-12-29T09:15:00Z"], ["2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z"], ["2026-12-29T09:00:00Z", "2026-12-29T09:10:00Z"]]`), "2026-12-29T09:55:00Z", "", ""},
		{"yearly holiday MM-DD", edit(`"2026-12-28"]`, `"2026-12-28", "12-29"]`), "2026-12-30T09:30:00Z", "", ""},
		{"opened in New York offset", edit(`"2026-12-24T16:30:00Z"`, `"2026-12-24T11:30:00-05:00"`), "2026-12-29T09:30:00Z", "", ""},
		{"24x7", `{"calendar": {"type": "24x7"}, "opened_at": "2026-12-24T16:30:00+01:00", "target_minutes": 90}`, "2026-12-24T17:00:00Z", "", ""},
		{"24x7 ignores holidays", `{"calendar": {"type": "24x7", "tz": "Europe/London", "holidays": ["2026-12-24"]}, "opened_at": "2026-12-24T16:30:00Z", "target_minutes": 60}`, "2026-12-24T17:30:00Z", "", ""},
		{"night shift", `{"calendar": {"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["22:00-24:00"], "tue": ["00:00-06:00"]}}, "opened_at": "2026-06-01T23:00:00Z", "target_minutes": 120}`, "2026-06-02T01:00:00Z", "", ""},

		{"not JSON", `{"id": "x",`, "", "", "unexpected end of JSON input"},
		{"not an object", `[1, 2]`, "", "", "must be a JSON object"},
		{"unknown field", edit(`"target_minutes": 60`, `"target_minutes": 60, "priority": 1`), "", "priority", "unknown field"},
		{"unknown calendar field", edit(`"type": "business_hours"`, `"type": "business_hours", "zone": "x"`), "", "calendar.zone", "unknown field"},
		{"unknown weekday", edit(`"sat": []`, `"saturday": []`), "", "calendar.weekly.saturday", "unknown field"},
		{"bad interval", edit(`"mon": ["09:00-17:00"]`, `"mon": ["9-5"]`), "", "calendar.weekly.mon[0]", "HH:MM"},
		{"reversed interval", edit(`"tue": ["09:00-17:00"]`, `"tue": ["09:00-12:00", "17:00-13:00"]`), "", "calendar.weekly.tue[1]", "end must be after start"},
		{"overlapping intervals", edit(`"wed": ["09:00-17:00"]`, `"wed": ["09:00-12:00", "11:00-13:00"]`), "", "calendar.weekly.wed[1]", "overlaps"},
		{"interval not a string", edit(`"thu": ["09:00-17:00"]`, `"thu": [540]`), "", "calendar.weekly.thu[0]", "must be a string"},
		{"no hours", `{"calendar": {"type": "business_hours", "tz": "UTC", "weekly": {}}, "opened_at": "2026-06-01T23:00:00Z", "target_minutes": 1}`, "", "calendar.weekly", "no business hours"},
		{"missing weekly", `{"calendar": {"type": "business_hours", "tz": "UTC"}, "opened_at": "2026-06-01T23:00:00Z", "target_minutes": 1}`, "", "calendar.weekly", "required"},
		{"bad tz", edit(`"Europe/London"`, `"Europe/Londres"`), "", "calendar.tz", "unknown time zone"},
		{"Local tz", edit(`"Europe/London"`, `"Local"`), "", "calendar.tz", "not an IANA"},
		{"missing tz", edit(`"tz": "Europe/London", `, ``), "", "calendar.tz", "required"},
		{"bad type", edit(`"business_hours"`, `"office"`), "", "calendar.type", "must be"},
		{"bad holiday", edit(`"2026-12-28"`, `"2026-02-30"`), "", "calendar.holidays[1]", "not a date"},
		{"missing calendar", `{"id": "x", "opened_at": "2026-12-24T16:30:00Z", "target_minutes": 60}`, "", "calendar", "required"},
		{"bad opened_at", edit(`"2026-12-24T16:30:00Z"`, `"2026-12-24 16:30"`), "", "opened_at", "RFC 3339"},
		{"opened_at without offset", edit(`"2026-12-24T16:30:00Z"`, `"2026-12-24T16:30:00"`), "", "opened_at", "RFC 3339"},
		{"target zero", edit(`"target_minutes": 60`, `"target_minutes": 0`), "", "target_minutes", "between 1 and"},
		{"target fraction", edit(`"target_minutes": 60`, `"target_minutes": 1.5`), "", "target_minutes", "integer"},
		{"target string", edit(`"target_minutes": 60`, `"target_minutes": "60"`), "", "target_minutes", "integer"},
		{"missing target", edit(`, "target_minutes": 60`, ``), "", "target_minutes", "required"},
		{"pause not a pair", edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T16:40:00Z"]]`), "", "pauses[0]", "pair"},
		{"pause reversed", edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T16:40:00Z", "2026-12-24T16:30:00Z"]]`), "", "pauses[0][1]", "ends before"},
		{"pause bad time", edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T16:40:00Z", "soon"]]`), "", "pauses[0][1]", "RFC 3339"},
		{"id not a string", edit(`"id": "x"`, `"id": 7`), "", "id", "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := PreviewOne([]byte(tt.in))
			if tt.due != "" {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				if got := res.DueAt.Format(time.RFC3339); got != tt.due {
					t.Fatalf("due %s, want %s", got, tt.due)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, due %s", res.DueAt)
			}
			if !json.Valid([]byte(tt.in)) {
				var syn *json.SyntaxError
				if !errors.As(err, &syn) || !strings.Contains(err.Error(), tt.detail) {
					t.Fatalf("error %v, want a syntax error saying %q", err, tt.detail)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v, want a *FieldError", err, err)
			}
			if fe.Field != tt.field || !strings.Contains(fe.Msg, tt.detail) {
				t.Fatalf("field %q detail %q; want field %q detail containing %q", fe.Field, fe.Msg, tt.field, tt.detail)
			}
			if strings.Contains(tt.in, `"id": "x"`) && res.ID != "x" {
				t.Errorf("id %q, want x", res.ID)
			}
			if !res.DueAt.IsZero() {
				t.Errorf("a due time with the error: %s", res.DueAt)
			}
		})
	}
}

func FuzzPreviewOne(f *testing.F) {
	f.Add([]byte(workedExample))
	f.Add([]byte(edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z"]]`)))
	f.Add([]byte(`{"calendar": {"type": "24x7"}, "opened_at": "2026-12-24T16:30:00+01:00", "target_minutes": 90}`))
	f.Add([]byte(`{"calendar": {"type": "business_hours", "tz": "America/New_York", "weekly": {"sun": ["01:30-03:00"]}, "holidays": ["02-29"]}, "opened_at": "2026-11-01T01:00:00-05:00", "target_minutes": 100}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := PreviewOne(data)
		if err != nil {
			if !res.DueAt.IsZero() || err.Error() == "" {
				t.Fatalf("bad error %T %v / %+v", err, err, res)
			}
			return
		}
		var in struct {
			OpenedAt time.Time `json:"opened_at"`
		}
		if err := json.Unmarshal(data, &in); err != nil {
			t.Fatalf("accepted input that does not decode: %v", err)
		}
		if res.DueAt.Before(in.OpenedAt.Truncate(time.Second)) {
			t.Fatalf("due %s before opened %s", res.DueAt, in.OpenedAt)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			DueAt time.Time `json:"due_at"`
		}
		if err := json.Unmarshal(b, &back); err != nil || !back.DueAt.Equal(res.DueAt) {
			t.Fatalf("result does not round-trip: %s", b)
		}
	})
}

func BenchmarkPreviewOne(b *testing.B) {
	data := []byte(edit(`"target_minutes": 60`, `"target_minutes": 2880, "pauses": [["2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z"]]`))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PreviewOne(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPreviewOneConcurrent(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() {
			res, err := PreviewOne([]byte(workedExample))
			if err != nil {
				done <- err.Error()
				return
			}
			done <- res.DueAt.Format(time.RFC3339)
		}()
	}
	for range 8 {
		if got := <-done; got != "2026-12-29T09:30:00Z" {
			t.Error(got)
		}
	}
}
