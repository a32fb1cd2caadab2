package api_test

import (
	"reflect"
	"testing"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestPreview: the preview answers a due time, or a problem document in
// the API's vocabulary: invalid (422) naming the field, malformed (400)
// for a body that is not JSON.
func TestPreview(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	tests := []struct {
		name, body string
		status     int
		want       api.Problem
	}{
		{"due", `{"id": "a", "calendar": {"type": "24x7"}, "opened_at": "2026-11-02T09:00:00Z", "target_minutes": 60}`, 200, api.Problem{}},
		{"bad field", `{"id": "a", "calendar": {"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["9-5"]}}, "opened_at": "2026-11-02T09:00:00Z", "target_minutes": 60}`, 422,
			api.Problem{Type: "urn:casedesk:problem:invalid", Title: "Unprocessable Entity", Status: 422, Code: "invalid", Field: "calendar.weekly.mon[0]",
				Detail: `interval "9-5": start: "9" is not HH:MM`}},
		{"not an object", `[1]`, 422,
			api.Problem{Type: "urn:casedesk:problem:invalid", Title: "Unprocessable Entity", Status: 422, Code: "invalid", Detail: "input must be a JSON object"}},
		{"not JSON", `{"id": "a",`, 400,
			api.Problem{Type: "urn:casedesk:problem:malformed", Title: "Bad Request", Status: 400, Code: "malformed",
				Detail: "the body is not valid JSON (at byte 11): unexpected end of JSON input"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p api.Problem
			var res struct {
				ID    string `json:"id"`
				DueAt string `json:"due_at"`
			}
			var out any = &p
			if tt.status == 200 {
				out = &res
			}
			if st := f.do("admin", "POST", "/api/v1/sla/preview", tt.body, out); st != tt.status {
				t.Fatalf("status %d, want %d (%+v)", st, tt.status, p)
			}
			if tt.status == 200 {
				if res.ID != "a" || res.DueAt != "2026-11-02T10:00:00Z" {
					t.Fatalf("answer %+v", res)
				}
				return
			}
			if p.RequestID == "" {
				t.Error("no request_id")
			}
			p.RequestID = "" // random
			if !reflect.DeepEqual(p, tt.want) {
				t.Fatalf("problem\n%+v\nwant\n%+v", p, tt.want)
			}
		})
	}
}
