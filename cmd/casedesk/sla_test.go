package main

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/sla"
)

const workedExample = `{"id": "x", "calendar": {"type": "business_hours", "tz": "Europe/London", "weekly": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"], "sat": [], "sun": []}, "holidays": ["2026-12-25", "2026-12-28"]}, "opened_at": "2026-12-24T16:30:00Z", "target_minutes": 60}`

const pretty = `{
  "id": "multi",
  "calendar": {"type": "24x7"},
  "opened_at": "2026-01-01T00:00:00Z",
  "target_minutes": 61
}`

func due(t *testing.T, in string) string {
	t.Helper()
	var out bytes.Buffer
	if err := slaDue(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestSLADue(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a stream of values", strings.Join([]string{
			workedExample,
			"",
			`{"id": "b", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 1}`,
			pretty,
			`{"id": "bad", "calendar": {"type": "24x7"}, "opened_at": "x", "target_minutes": 1}`,
			`{"id": "broken",`,
			`{"id": "after-broken", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 2}`,
			`not json at all`,
			`{"id": "last", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00+01:00", "target_minutes": 3}`,
		}, "\n"), lines(
			`{"id":"x","due_at":"2026-12-29T09:30:00Z"}`,
			`{"id":"b","due_at":"2026-01-01T00:01:00Z"}`,
			`{"id":"multi","due_at":"2026-01-01T01:01:00Z"}`,
			`{"id":"bad","type":"urn:casedesk:problem:invalid","title":"Unprocessable Entity","status":422,"detail":"\"x\" is not an RFC 3339 timestamp (e.g. 2026-12-24T16:30:00Z)","code":"invalid","field":"opened_at","line":10}`,
			`{"type":"urn:casedesk:problem:malformed","title":"Bad Request","status":400,"detail":"invalid JSON: invalid character '{' looking for beginning of object key string","code":"malformed","line":11}`,
			`{"id":"after-broken","due_at":"2026-01-01T00:02:00Z"}`,
			`{"type":"urn:casedesk:problem:malformed","title":"Bad Request","status":400,"detail":"invalid JSON: invalid character 'o' in literal null (expecting 'u')","code":"malformed","line":13}`,
			`{"id":"last","due_at":"2025-12-31T23:03:00Z"}`,
		)},
		{"a pretty-printed value, then one cut short", pretty + "\n" + `{"id": "cut",`, lines(
			`{"id":"multi","due_at":"2026-01-01T01:01:00Z"}`,
			`{"type":"urn:casedesk:problem:malformed","title":"Bad Request","status":400,"detail":"invalid JSON: unexpected end of input","code":"malformed","line":7}`,
		)},
		{"two values on a line, then a bad one after a good one", `{"id": "1", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 1} [1]` + "\n" +
			`{"id": "2", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 2} }{"id": "skipped"}` + "\n" +
			`{"id": "3", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 3}`, lines(
			`{"id":"1","due_at":"2026-01-01T00:01:00Z"}`,
			`{"type":"urn:casedesk:problem:invalid","title":"Unprocessable Entity","status":422,"detail":"input must be a JSON object","code":"invalid","line":1}`,
			`{"id":"2","due_at":"2026-01-01T00:02:00Z"}`,
			`{"type":"urn:casedesk:problem:malformed","title":"Bad Request","status":400,"detail":"invalid JSON: invalid character '}' looking for beginning of value","code":"malformed","line":2}`,
			`{"id":"3","due_at":"2026-01-01T00:03:00Z"}`,
		)},
		{"a value broken on a later line, which starts afresh", "{\n\"id\": \"a\",\n" + `{"id": "fresh", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 4}` + "\n", lines(
			`{"type":"urn:casedesk:problem:malformed","title":"Bad Request","status":400,"detail":"invalid JSON: invalid character '{' looking for beginning of object key string","code":"malformed","line":1}`,
			`{"id":"fresh","due_at":"2026-01-01T00:04:00Z"}`,
		)},
		{"empty input", "\n \n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := due(t, tt.in); got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestSLADueTooLong: a value longer than sla.MaxPreviewBytes gets a problem
// line without being read whole, and reading resumes at the next line; the
// line numbers after it stay true. (The rest of the long value is read as
// values of its own, as it would be after any broken value.)
func TestSLADueTooLong(t *testing.T) {
	long := `{"id": "long", "calendar": {"type": "24x7", "holidays": ["` + strings.Repeat("x", sla.MaxPreviewBytes) + `"]},` + "\n" +
		` "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 1}`
	next := `{"id": "next", "calendar": {"type": "24x7"}, "opened_at": "2026-01-01T00:00:00Z", "target_minutes": 5}`
	got := due(t, workedExample+"\n"+long+"\n"+next+"\n")
	want := lines(
		`{"id":"x","due_at":"2026-12-29T09:30:00Z"}`,
		`{"type":"urn:casedesk:problem:too_large","title":"Request Entity Too Large","status":413,"detail":"input value longer than 1048576 bytes","code":"too_large","line":2}`,
		`{"type":"urn:casedesk:problem:invalid","title":"Unprocessable Entity","status":422,"detail":"input must be a JSON object","code":"invalid","line":3}`,
		`{"type":"urn:casedesk:problem:malformed","title":"Bad Request","status":400,"detail":"invalid JSON: invalid character ':' looking for beginning of value","code":"malformed","line":3}`,
		`{"id":"next","due_at":"2026-01-01T00:05:00Z"}`,
	)
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSLADueAnswersBeforeEOF: each answer is written out before reading
// waits for more input, so a caller can feed values one at a time.
func TestSLADueAnswersBeforeEOF(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- slaDue(inR, outW); outW.Close() }()
	answers := bufio.NewReader(outR)
	for _, v := range []string{workedExample, pretty} {
		if _, err := io.WriteString(inW, v+"\n"); err != nil {
			t.Fatal(err)
		}
		got, err := answers.ReadString('\n')
		if err != nil || !strings.Contains(got, `"due_at"`) {
			t.Fatalf("answer %q, %v", got, err)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestSLADueWriteError(t *testing.T) {
	if err := slaDue(strings.NewReader(workedExample), failWriter{}); err == nil {
		t.Fatal("no error from a failing writer")
	}
}
