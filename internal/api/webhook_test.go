package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

type endpointJSON struct {
	ID             int64    `json:"id"`
	URL            string   `json:"url"`
	Events         []string `json:"events"`
	Active         bool     `json:"active"`
	Secret         string   `json:"secret"`
	DisabledReason string   `json:"disabled_reason"`
}

// TestWebhookAPI: operators manage endpoints; bad input is a problem naming
// the field; everybody else is forbidden; the secret shows only on
// creation and rotation.
func TestWebhookAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var e endpointJSON
		res := f.raw("operator", "POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/in", "events": []string{"created"}}, nil)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %+v", res.StatusCode, problemOf(t, res))
		}
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/webhooks/") {
			t.Errorf("Location %q", loc)
		}
		if err := json.NewDecoder(res.Body).Decode(&e); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if !strings.HasPrefix(e.Secret, "whsec_") || !e.Active || len(e.Events) != 1 {
			t.Fatalf("created %+v", e)
		}
		path := "/api/v1/webhooks/" + strconv.FormatInt(e.ID, 10)
		var got endpointJSON
		if code := f.do("operator", "GET", path, nil, &got); code != 200 || got.Secret != "" || got.URL != e.URL {
			t.Fatalf("get: %d %+v", code, got)
		}
		var l struct{ Items []endpointJSON }
		if code := f.do("operator", "GET", "/api/v1/webhooks", nil, &l); code != 200 || len(l.Items) != 1 || l.Items[0].Secret != "" {
			t.Fatalf("list: %d %+v", code, l)
		}

		for _, c := range []struct {
			method, path string
			body         any
			status       int
			field        string
		}{
			{"POST", "/api/v1/webhooks", map[string]any{"url": "ftp://x.example/"}, 422, "url"},
			{"POST", "/api/v1/webhooks", map[string]any{"url": "https://a:b@x.example/"}, 422, "url"},
			{"POST", "/api/v1/webhooks", map[string]any{"url": "https://x.example/", "events": []string{"created", "boom"}}, 422, "events[1]"},
			{"POST", "/api/v1/webhooks", map[string]any{"url": "https://x.example/", "secret": "mine"}, 400, "secret"},
			{"PATCH", path, map[string]any{"url": "gopher://x.example/"}, 422, "url"},
			{"PATCH", path, map[string]any{"active": "yes"}, 400, "active"},
			{"GET", "/api/v1/webhooks/999999", nil, 404, "id"},
			{"GET", path + "/attempts?limit=0", nil, 422, "limit"},
			{"GET", path + "/attempts?cursor=x", nil, 422, "cursor"},
			{"GET", "/api/v1/outbox?status=lost", nil, 422, "status"},
			{"GET", "/api/v1/outbox?route=pigeon", nil, 422, "route"},
			{"GET", "/api/v1/outbox?colour=red", nil, 422, "colour"},
			{"POST", "/api/v1/outbox/999999/retry", nil, 404, "id"},
		} {
			p := problemOf(t, f.raw("operator", c.method, c.path, c.body, nil))
			if p.Status != c.status || p.Field != c.field {
				t.Errorf("%s %s %v: %d field %q (%s), want %d naming %q", c.method, c.path, c.body, p.Status, p.Field, p.Detail, c.status, c.field)
			}
		}

		// Only operators manage webhooks; the outbox is for operators and
		// supervisors.
		for _, role := range []string{"agent", "supervisor", "admin", "user", "partner"} {
			for _, c := range []struct{ method, path string }{
				{"GET", "/api/v1/webhooks"}, {"GET", path}, {"DELETE", path}, {"POST", path + "/rotate-secret"},
				{"POST", path + "/ping"}, {"GET", path + "/attempts"},
			} {
				if code := f.do(role, c.method, c.path, nil, nil); code != http.StatusForbidden {
					t.Errorf("%s: %s %s = %d, want 403", role, c.method, c.path, code)
				}
			}
			if code := f.do(role, "POST", "/api/v1/webhooks", map[string]any{"url": "https://x.example/"}, nil); code != http.StatusForbidden {
				t.Errorf("%s creates a webhook: %d", role, code)
			}
			want := http.StatusForbidden
			if role == "supervisor" {
				want = http.StatusOK
			}
			if code := f.do(role, "GET", "/api/v1/outbox", nil, nil); code != want {
				t.Errorf("%s reads the outbox: %d, want %d", role, code, want)
			}
			if code := f.do(role, "GET", "/api/v1/outbox/counts", nil, nil); code != want {
				t.Errorf("%s counts the outbox: %d, want %d", role, code, want)
			}
		}
		if code := f.do("", "GET", "/api/v1/webhooks", nil, nil); code != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", code)
		}

		var rot endpointJSON
		if code := f.do("operator", "POST", path+"/rotate-secret", nil, &rot); code != 200 || rot.Secret == e.Secret || !strings.HasPrefix(rot.Secret, "whsec_") {
			t.Fatalf("rotate: %d %+v", code, rot)
		}
		var off endpointJSON
		if code := f.do("operator", "PATCH", path, map[string]any{"active": false, "events": []string{}}, &off); code != 200 || off.Active || len(off.Events) != 0 {
			t.Fatalf("patch: %d %+v", code, off)
		}
		if p := problemOf(t, f.raw("operator", "POST", path+"/ping", nil, nil)); p.Status != 422 || p.Field != "id" {
			t.Errorf("ping a disabled endpoint: %+v", p)
		}
		if code := f.do("operator", "DELETE", path, nil, nil); code != http.StatusNoContent {
			t.Fatalf("delete: %d", code)
		}
		if code := f.do("operator", "GET", path, nil, nil); code != http.StatusNotFound {
			t.Fatalf("after delete: %d", code)
		}
	})
}

// TestOutboxRetryAPI: a dead delivery is made due again by a supervisor's
// retry; a sent one is not sent again (422 naming id); pages and counts.
func TestOutboxRetryAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		var e endpointJSON
		if code := f.do("operator", "POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/in"}, &e); code != 201 {
			t.Fatalf("create: %d", code)
		}
		ping := func() int64 {
			var d struct {
				ID     int64
				Status string
			}
			if code := f.do("operator", "POST", "/api/v1/webhooks/"+strconv.FormatInt(e.ID, 10)+"/ping", nil, &d); code != http.StatusAccepted || d.Status != "pending" {
				t.Fatalf("ping: %d %+v", code, d)
			}
			return d.ID
		}
		dead, sent := ping(), ping()
		ds, err := f.desk.ClaimDeliveries(ctx, 10)
		if err != nil || len(ds) != 2 {
			t.Fatalf("claim: %v %d", err, len(ds))
		}
		for _, d := range ds {
			var err error
			if d.ID == dead {
				err = casedesk.Refused(errors.New("the endpoint answered 410 Gone"))
			}
			if err := f.desk.DeliveryDone(ctx, d, err); err != nil {
				t.Fatal(err)
			}
		}
		var counts struct{ Pending, Sent, Dead int }
		if code := f.do("supervisor", "GET", "/api/v1/outbox/counts", nil, &counts); code != 200 || counts.Dead != 1 || counts.Sent != 1 || counts.Pending != 0 {
			t.Fatalf("counts: %d %+v", code, counts)
		}
		var pg struct {
			Items []struct {
				ID        int64
				Status    string
				LastError string `json:"last_error"`
				Attempts  int
			}
			NextCursor string `json:"next_cursor"`
		}
		if code := f.do("supervisor", "GET", "/api/v1/outbox?status=dead&route=webhook", nil, &pg); code != 200 || len(pg.Items) != 1 ||
			pg.Items[0].ID != dead || !strings.Contains(pg.Items[0].LastError, "410") || pg.Items[0].Attempts != 1 {
			t.Fatalf("dead: %d %+v", code, pg)
		}
		if code := f.do("supervisor", "GET", "/api/v1/outbox?limit=1", nil, &pg); code != 200 || len(pg.Items) != 1 || pg.NextCursor == "" {
			t.Fatalf("first page: %d %+v", code, pg)
		}
		first := pg.Items[0].ID
		if code := f.do("supervisor", "GET", "/api/v1/outbox?limit=1&cursor="+pg.NextCursor, nil, &pg); code != 200 || len(pg.Items) != 1 || pg.Items[0].ID >= first {
			t.Fatalf("second page: %d %+v", code, pg)
		}
		if code := f.do("agent", "POST", "/api/v1/outbox/"+strconv.FormatInt(dead, 10)+"/retry", nil, nil); code != http.StatusForbidden {
			t.Errorf("an agent retries: %d", code)
		}
		if code := f.do("supervisor", "POST", "/api/v1/outbox/"+strconv.FormatInt(dead, 10)+"/retry", nil, nil); code != http.StatusNoContent {
			t.Fatalf("retry: %d", code)
		}
		if d, err := f.db.Delivery(ctx, store.AllOrgs, dead); err != nil || d.Status != casedesk.DeliveryPending || !d.NextAt.Equal(f.clock.Now()) {
			t.Fatalf("after retry: %v %+v", err, d)
		}
		if p := problemOf(t, f.raw("operator", "POST", "/api/v1/outbox/"+strconv.FormatInt(sent, 10)+"/retry", nil, nil)); p.Status != 422 || p.Field != "id" {
			t.Errorf("retry a sent delivery: %+v", p)
		}
	})
}
