package sla

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const workedExample = `{"id": "x", "calendar": {"type": "business_hours", "tz": "Europe/London", "weekly": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"], "sat": [], "sun": []}, "holidays": ["2026-12-25", "2026-12-28"]}, "opened_at": "2026-12-24T16:30:00Z", "target_minutes": 60}`

func TestPreviewOneWorkedExample(t *testing.T) {
	res, prob := PreviewOne([]byte(workedExample))
	if prob != nil {
		t.Fatal(prob)
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

		{"not JSON", `{"id": "x",`, "", "", "not valid JSON"},
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
			res, prob := PreviewOne([]byte(tt.in))
			if tt.due != "" {
				if prob != nil {
					t.Fatalf("problem: %+v", prob)
				}
				if got := res.DueAt.Format(time.RFC3339); got != tt.due {
					t.Fatalf("due %s, want %s", got, tt.due)
				}
				return
			}
			if prob == nil {
				t.Fatalf("no problem, due %s", res.DueAt)
			}
			if prob.Field != tt.field || !strings.Contains(prob.Detail, tt.detail) {
				t.Fatalf("problem field %q detail %q; want field %q detail containing %q", prob.Field, prob.Detail, tt.field, tt.detail)
			}
			if prob.Type != "about:blank" || prob.Title != "invalid input" || prob.Status != 400 {
				t.Fatalf("problem shape: %+v", prob)
			}
			if json.Valid([]byte(tt.in)) && strings.Contains(tt.in, `"id": "x"`) && prob.ID != "x" {
				t.Errorf("problem id %q, want x", prob.ID)
			}
		})
	}
}

func TestPreviewProblemJSON(t *testing.T) {
	_, prob := PreviewOne([]byte(edit(`"mon": ["09:00-17:00"]`, `"mon": ["9-5"]`)))
	b, _ := json.Marshal(prob)
	want := `{"id":"x","type":"about:blank","title":"invalid input","status":400,"detail":"interval \"9-5\": start: \"9\" is not HH:MM","field":"calendar.weekly.mon[0]"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestRunDue(t *testing.T) {
	pretty := `{
  "id": "multi",
  "calendar": {"type": "24x7"},
  "opened_at": "2026-01-01T00:00:00Z",
  "target_minutes": 61
}`
	in := strings.Join([]string{
		workedExample,
		"",
		`{"id": "b", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 1}`,
		pretty,
		`{"id": "bad", "calendar": {"type": "24x7"}, "opened_at": "x", "target_minutes": 1}`,
		`{"id": "broken",`,
		`{"id": "after-broken", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 2}`,
		`not json at all`,
		`{"id": "last", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00+01:00", "target_minutes": 3}`,
	}, "\n")
	var out bytes.Buffer
	if err := RunDue(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		`{"id":"x","due_at":"2026-12-29T09:30:00Z"}`,
		`{"id":"b","due_at":"2026-01-01T00:01:00Z"}`,
		`{"id":"multi","due_at":"2026-01-01T01:01:00Z"}`,
		`{"id":"bad","type":"about:blank","title":"invalid input","status":400,"detail":"\"x\" is not an RFC 3339 timestamp (e.g. 2026-12-24T16:30:00Z)","field":"opened_at","line":10}`,
		`{"type":"about:blank","title":"invalid input","status":400,"detail":"invalid JSON (unterminated value)","line":11}`,
		`{"id":"after-broken","due_at":"2026-01-01T00:02:00Z"}`,
		`{"type":"about:blank","title":"invalid input","status":400,"detail":"invalid JSON: invalid character 'o' in literal null (expecting 'u')","line":13}`,
		`{"id":"last","due_at":"2025-12-31T23:03:00Z"}`,
	}, "\n") + "\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}

	// A single pretty-printed object, and a truncated one.
	out.Reset()
	if err := RunDue(strings.NewReader(pretty+"\n"+`{"id": "cut",`), &out); err != nil {
		t.Fatal(err)
	}
	want = `{"id":"multi","due_at":"2026-01-01T01:01:00Z"}` + "\n" +
		`{"type":"about:blank","title":"invalid input","status":400,"detail":"invalid JSON: unexpected end of input","line":7}` + "\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestRunDueCachesZones(t *testing.T) {
	z := localZones{}
	for range 3 {
		if _, prob := previewOne([]byte(workedExample), z); prob != nil {
			t.Fatal(prob)
		}
	}
	if len(z) != 1 || z["Europe/London"] == nil {
		t.Fatalf("zone cache = %v", z)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestRunDueWriteError(t *testing.T) {
	if err := RunDue(strings.NewReader(workedExample), failWriter{}); err == nil {
		t.Fatal("no error from a failing writer")
	}
}

func FuzzPreviewOne(f *testing.F) {
	f.Add([]byte(workedExample))
	f.Add([]byte(edit(`"target_minutes": 60`, `"target_minutes": 60, "pauses": [["2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z"]]`)))
	f.Add([]byte(`{"calendar": {"type": "24x7"}, "opened_at": "2026-12-24T16:30:00+01:00", "target_minutes": 90}`))
	f.Add([]byte(`{"calendar": {"type": "business_hours", "tz": "America/New_York", "weekly": {"sun": ["01:30-03:00"]}, "holidays": ["02-29"]}, "opened_at": "2026-11-01T01:00:00-05:00", "target_minutes": 100}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, prob := PreviewOne(data)
		if prob != nil {
			if res != (PreviewResult{}) || prob.Detail == "" || prob.Status != 400 {
				t.Fatalf("bad problem %+v / %+v", prob, res)
			}
			if _, err := json.Marshal(prob); err != nil {
				t.Fatal(err)
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
		if _, prob := PreviewOne(data); prob != nil {
			b.Fatal(prob)
		}
	}
}

func TestPreviewOneConcurrent(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() {
			res, prob := PreviewOne([]byte(workedExample))
			if prob != nil {
				done <- prob.Detail
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
