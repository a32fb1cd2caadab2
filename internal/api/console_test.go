package api_test

import (
	"strconv"
	"testing"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestCannedResponses: a supervisor creates, edits and deletes canned
// responses; a bad field names itself, a duplicate name in the same
// language conflicts, and a deleted one is gone.
func TestCannedResponses(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var c, other store.CannedResponse
		if st := f.do("supervisor", "POST", "/api/v1/canned-responses", map[string]string{"name": "Trace", "body": "Send a trace."}, &c); st != 201 || c.Language != "en" {
			t.Fatalf("create: %d %+v", st, c)
		}
		if st := f.do("supervisor", "POST", "/api/v1/canned-responses", map[string]string{"name": "Trace", "language": "zh-CN", "body": "请发送跟踪。"}, &other); st != 201 {
			t.Fatalf("same name in another language: %d", st)
		}
		path := "/api/v1/canned-responses/" + strconv.FormatInt(c.ID, 10)
		var p api.Problem
		if st := f.do("supervisor", "PATCH", path, map[string]string{"body": ""}, &p); st != 422 || p.Field != "body" {
			t.Errorf("empty body: %d %+v", st, p)
		}
		if st := f.do("supervisor", "PATCH", path, map[string]string{"language": "zh-CN"}, &p); st != 409 {
			t.Errorf("edit into a duplicate: %d %+v", st, p)
		}
		if st := f.do("agent", "PATCH", path, map[string]string{"name": "Mine now"}, &p); st != 403 {
			t.Errorf("an agent edits: %d", st)
		}
		var got store.CannedResponse
		if st := f.do("supervisor", "PATCH", path, map[string]string{"name": " Message trace ", "body": "Hello {{customer.name}}, send a trace."}, &got); st != 200 ||
			got.Name != "Message trace" || got.Body != "Hello {{customer.name}}, send a trace." || got.Language != "en" {
			t.Fatalf("edit: %d %+v", st, got)
		}
		var list struct{ Items []store.CannedResponse }
		if st := f.do("agent", "GET", "/api/v1/canned-responses", nil, &list); st != 200 || len(list.Items) != 2 || list.Items[0].Name != "Message trace" {
			t.Fatalf("list: %d %+v", st, list)
		}
		if st := f.do("supervisor", "DELETE", path, nil, nil); st != 204 {
			t.Fatalf("delete: %d", st)
		}
		if st := f.do("supervisor", "DELETE", path, nil, &p); st != 404 || p.Code != "not_found" {
			t.Errorf("delete twice: %d %+v", st, p)
		}
		if st := f.do("supervisor", "PATCH", path, map[string]string{"name": "x"}, &p); st != 404 {
			t.Errorf("edit a deleted one: %d", st)
		}
		if st := f.do("agent", "GET", "/api/v1/canned-responses", nil, &list); st != 200 || len(list.Items) != 1 {
			t.Errorf("after delete: %d %+v", st, list)
		}
	})
}
