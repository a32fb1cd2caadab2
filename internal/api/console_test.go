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

// TestNotificationsAPI: the account manager reads and marks their own
// notifications; another staff member neither sees nor marks them.
func TestNotificationsAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.supervisorFollowsX()
		r := f.openRequest("admin", f.x.ID, "Sites are read-only")
		var got struct {
			Items      []store.Notification
			Unread     int
			NextCursor string `json:"next_cursor"`
		}
		if st := f.do("supervisor", "GET", "/api/v1/notifications?unread=true", nil, &got); st != 200 || got.Unread != 1 || len(got.Items) != 1 ||
			got.Items[0].Number != r.Number || got.Items[0].Kind != "created" || got.Items[0].Title != "Sites are read-only" {
			t.Fatalf("the account manager's inbox: %d %+v", st, got)
		}
		id := got.Items[0].ID
		if st := f.do("agent", "GET", "/api/v1/notifications", nil, &got); st != 200 || got.Unread != 0 || len(got.Items) != 0 {
			t.Errorf("another agent's inbox: %d %+v", st, got)
		}
		var p api.Problem
		if st := f.do("agent", "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{id}}, &p); st != 404 || p.Field != "ids" {
			t.Errorf("another agent marks it: %d %+v", st, p)
		}
		for _, body := range []map[string]any{{}, {"ids": []int64{id}, "all": true}} {
			if st := f.do("supervisor", "POST", "/api/v1/notifications/read", body, &p); st != 422 || p.Field != "ids" {
				t.Errorf("mark %v: %d %+v", body, st, p)
			}
		}
		if st := f.do("supervisor", "GET", "/api/v1/notifications?cursor=x", nil, &p); st != 422 || p.Field != "cursor" {
			t.Errorf("bad cursor: %d %+v", st, p)
		}
		var res struct{ Marked, Unread int }
		if st := f.do("supervisor", "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{id}}, &res); st != 200 || res.Marked != 1 || res.Unread != 0 {
			t.Fatalf("mark read: %d %+v", st, res)
		}
		if st := f.do("supervisor", "GET", "/api/v1/notifications", nil, &got); st != 200 || len(got.Items) != 1 || got.Items[0].ReadAt == nil {
			t.Errorf("after marking: %d %+v", st, got)
		}
	})
}
