package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

type reqJSON struct {
	Number   string `json:"number"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Severity string `json:"severity"`
}

func TestReopenWindow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		early, late := f.closedXRequest(), f.closedXRequest()
		// 14 days minus a minute after closing: reopen works.
		f.clock.Add(14*24*time.Hour - time.Minute)
		f.tokens["admin"] = f.login("admin") // sign-ins last 7 days
		var r reqJSON
		if st := f.do("admin", "POST", "/api/v1/requests/"+early+"/reopen", nil, &r); st != 200 || r.Status != "open" {
			t.Fatalf("reopen within 14 days: %d %+v", st, r)
		}
		// Two minutes later, the window has passed.
		f.clock.Add(2 * time.Minute)
		var p api.Problem
		if st := f.do("admin", "POST", "/api/v1/requests/"+late+"/reopen", nil, &p); st != 409 {
			t.Fatalf("reopen after 14 days: %d %+v", st, p)
		}
		if !strings.Contains(p.Detail, "open a new request") || !strings.Contains(p.Detail, late) {
			t.Fatalf("the refusal must say to open a new linked request: %q", p.Detail)
		}
		// The new request links the old one.
		var n struct {
			Number       string
			LinkedNumber string `json:"linked_number"`
		}
		st := f.do("admin", "POST", "/api/v1/requests", map[string]any{"category": "technical", "title": "again", "description": "d", "linked_number": late}, &n)
		if st != 201 || n.LinkedNumber != late {
			t.Fatalf("linked request: %d %+v", st, n)
		}
	})
}

func TestIdempotentCreate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		body := map[string]any{"category": "technical", "title": "Mail flow broken", "description": "since 9:00"}
		hdr := map[string]string{"Idempotency-Key": "key-1", "Content-Type": "application/json"}
		// Concurrent retries of one create yield one request.
		var wg sync.WaitGroup
		numbers := make([]string, 8)
		statuses := make([]int, 8)
		replayed := make([]string, 8)
		for i := range numbers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := f.raw("admin", "POST", "/api/v1/requests", body, hdr)
				var r reqJSON
				json.NewDecoder(res.Body).Decode(&r)
				res.Body.Close()
				numbers[i], statuses[i], replayed[i] = r.Number, res.StatusCode, res.Header.Get("Idempotent-Replayed")
			}()
		}
		wg.Wait()
		created := 0
		for i := range numbers {
			if numbers[i] != numbers[0] || numbers[0] == "" {
				t.Fatalf("retries gave different requests: %v (statuses %v)", numbers, statuses)
			}
			// A replay answers as the first call did: 201.
			if statuses[i] != 201 {
				t.Fatalf("status %d", statuses[i])
			}
			if replayed[i] == "" {
				created++
			} else if replayed[i] != "true" {
				t.Fatalf("Idempotent-Replayed: %q", replayed[i])
			}
		}
		if created != 1 {
			t.Fatalf("%d creates were not replays, want exactly 1", created)
		}
		var page struct{ Items []reqJSON }
		f.do("admin", "GET", "/api/v1/requests?limit=200", nil, &page)
		n := 0
		for _, r := range page.Items {
			if r.Title == "Mail flow broken" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d requests stored for one idempotency key", n)
		}
		// The same key with another body is 422 naming the header
		// (draft-ietf-httpapi-idempotency-key-header), not a silent replay.
		body["title"] = "Something else"
		res := f.raw("admin", "POST", "/api/v1/requests", body, hdr)
		var p struct{ Code, Field string }
		json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if res.StatusCode != 422 || p.Field != "Idempotency-Key" || p.Code != "invalid" {
			t.Fatalf("key reused with another body: %d %+v", res.StatusCode, p)
		}
		// Keys are per user: another admin's same key makes a new request.
		res = f.raw("partner", "POST", "/api/v1/requests", map[string]any{"organization_id": f.x.ID, "category": "technical", "title": "Mail flow broken", "description": "since 9:00"}, hdr)
		var r reqJSON
		json.NewDecoder(res.Body).Decode(&r)
		res.Body.Close()
		if res.StatusCode != 201 || r.Number == numbers[0] {
			t.Fatalf("another user's key: %d %s", res.StatusCode, r.Number)
		}
	})
}

// TestBadInput sends each kind of bad input and checks the problem document
// names the field, and that nothing was written.
func TestBadInput(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		valid := `{"category":"technical","title":"t","description":"d"}`
		cases := []struct {
			name, body, ctype string
			status            int
			field             string
		}{
			{"malformed JSON", `{"category":`, "application/json", 400, ""},
			{"not an object", `[1,2]`, "application/json", 400, ""},
			{"unknown field", `{"category":"technical","title":"t","description":"d","colour":"red"}`, "application/json", 400, "colour"},
			{"wrong type", `{"category":"technical","title":5,"description":"d"}`, "application/json", 400, "title"},
			{"unknown enum", `{"category":"gardening","title":"t","description":"d"}`, "application/json", 422, "category"},
			{"unknown severity", `{"category":"technical","title":"t","description":"d","severity":"Z"}`, "application/json", 422, "severity"},
			{"missing title", `{"category":"technical","description":"d"}`, "application/json", 422, "title"},
			{"overlong title", `{"category":"technical","title":"` + strings.Repeat("x", 201) + `","description":"d"}`, "application/json", 422, "title"},
			{"control character", `{"category":"technical","title":"a\u0000b","description":"d"}`, "application/json", 422, "title"},
			{"invalid UTF-8", "{\"category\":\"technical\",\"title\":\"\xff\xfe\",\"description\":\"d\"}", "application/json", 400, ""},
			{"wrong content type", valid, "text/plain", 415, "Content-Type"},
			{"no content type", valid, "", 415, "Content-Type"},
			{"trailing data", valid + `{}`, "application/json", 400, ""},
			{"over 1 MiB", `{"category":"technical","title":"t","description":"` + strings.Repeat("x", 1<<20) + `"}`, "application/json", 413, ""},
			{"bad language", `{"category":"technical","title":"t","description":"d","preferred_language":"english please"}`, "application/json", 422, "preferred_language"},
			{"phone without number", `{"category":"technical","title":"t","description":"d","contact_method":"phone"}`, "application/json", 422, "phone"},
			{"unknown product", `{"category":"technical","title":"t","description":"d","product":"toaster"}`, "application/json", 422, "product"},
			{"customer sets severity without elevated support", `{"category":"technical","title":"t","description":"d","severity":"A"}`, "application/json", 422, "severity"},
		}
		before := f.snapshot()
		for _, c := range cases {
			req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/requests", strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p api.Problem
			ct := res.Header.Get("Content-Type")
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode != c.status || ct != "application/problem+json" || p.Status != c.status || p.Detail == "" {
				t.Errorf("%s: %d %s %+v, want %d problem", c.name, res.StatusCode, ct, p, c.status)
			}
			if p.Field != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, p.Field, c.field, p.Detail)
			}
		}
		if f.snapshot() != before {
			t.Error("bad input wrote something")
		}
		// Query parameters are checked too.
		for q, field := range map[string]string{"status=sleeping": "status", "limit=0": "limit", "limit=500": "limit", "cursor=abc": "cursor", "colour=red": "colour", "severity=Q": "severity"} {
			var p api.Problem
			if st := f.do("admin", "GET", "/api/v1/requests?"+q, nil, &p); st != 422 || p.Field != field {
				t.Errorf("?%s: %d field %q", q, st, p.Field)
			}
		}
	})
}

// TestEveryFieldError: a request without a title and without a description
// is answered with one problem document naming both, the first as field,
// in properties the OpenAPI document's Problem schema declares.
func TestEveryFieldError(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var p map[string]any
		st := f.do("admin", "POST", "/api/v1/requests", map[string]any{"category": "technical", "title": "", "description": ""}, &p)
		if st != 422 || p["code"] != "invalid" || p["field"] != "title" || p["detail"] != "title is required" {
			t.Fatalf("%d %v, want 422 invalid on title", st, p)
		}
		errs, _ := p["errors"].([]any)
		var got []string
		for _, e := range errs {
			m := obj(e)
			got = append(got, m["field"].(string)+": "+m["detail"].(string))
		}
		if want := "title: title is required|description: description is required"; strings.Join(got, "|") != want {
			t.Errorf("errors %q, want %q", got, want)
		}
		schema := obj(obj(obj(obj(fetchOpenAPI(t, f.srv.URL+"/api/v1/openapi.json")["components"])["schemas"])["Problem"])["properties"])
		for k := range p {
			if schema[k] == nil {
				t.Errorf("the problem document has %q, which the Problem schema does not declare", k)
			}
		}
		if items := obj(obj(schema["errors"])["items"]); obj(items["properties"])["field"] == nil || obj(items["properties"])["detail"] == nil {
			t.Errorf("the Problem schema's errors items: %v", items)
		}
	})
}

func TestAttachmentLimitAndSniffing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		n := f.xRequest()
		up := func(content []byte, name string) (*http.Response, []byte) {
			res := f.raw("admin", "POST", "/api/v1/requests/"+n+"/attachments?name="+name, content, map[string]string{"Content-Type": "application/octet-stream"})
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return res, b
		}
		res, b := up(bytes.Repeat([]byte("x"), 65<<10), "big.bin") // limit is 64 KiB in the fixture
		if res.StatusCode != 413 {
			t.Fatalf("over the limit: %d %s", res.StatusCode, b)
		}
		res, b = up([]byte("<html><script>alert(1)</script></html>"), "invoice.pdf")
		if res.StatusCode != 201 {
			t.Fatalf("upload: %d %s", res.StatusCode, b)
		}
		var att struct {
			ID          int64
			ContentType string `json:"content_type"`
		}
		json.Unmarshal(b, &att)
		if att.ContentType != "text/html; charset=utf-8" {
			t.Fatalf("type taken from the name, not sniffed: %q", att.ContentType)
		}
		dl := f.raw("admin", "GET", fmt.Sprintf("/api/v1/requests/%s/attachments/%d", n, att.ID), nil, nil)
		dl.Body.Close()
		if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Fatalf("download not forced: %q", cd)
		}
		if csp := dl.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Fatalf("no sandbox CSP: %q", csp)
		}
	})
}

func TestInternalNotesNeverReachCustomers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		n := f.xRequest()
		if st := f.do("agent", "POST", "/api/v1/requests/"+n+"/messages", map[string]any{"body": "staff-only remark", "internal": true}, nil); st != 201 {
			t.Fatalf("note: %d", st)
		}
		if st := f.do("agent", "POST", "/api/v1/requests/"+n+"/messages", map[string]any{"body": "public answer"}, nil); st != 201 {
			t.Fatalf("reply: %d", st)
		}
		for _, role := range []string{"admin", "partner"} {
			for _, path := range []string{"/messages", "/history", ""} {
				res := f.raw(role, "GET", "/api/v1/requests/"+n+path, nil, nil)
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || strings.Contains(string(b), "staff-only") || strings.Contains(string(b), `"note"`) {
					t.Errorf("%s %s: %d %s", role, path, res.StatusCode, b)
				}
			}
			if st := f.do(role, "POST", "/api/v1/requests/"+n+"/messages", map[string]any{"body": "x", "internal": true}, nil); st != 403 {
				t.Errorf("%s wrote an internal note: %d", role, st)
			}
		}
		res := f.raw("agent", "GET", "/api/v1/requests/"+n+"/messages", nil, nil)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "staff-only") {
			t.Error("agents must see internal notes")
		}
	})
}

// TestLoginRateLimited: past the free failures the next attempt waits,
// 429 with Retry-After the time left in whole seconds, rounded up; the
// waits double.
func TestLoginRateLimited(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		email := f.users["admin"].Email
		login := func(pw string, want int, retryAfter string) {
			t.Helper()
			res := f.raw("", "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw}, nil)
			var p struct{ Code string }
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode != want || res.Header.Get("Retry-After") != retryAfter {
				t.Fatalf("%d, Retry-After %q; want %d, %q", res.StatusCode, res.Header.Get("Retry-After"), want, retryAfter)
			}
			if want == 429 && p.Code != "rate_limited" {
				t.Fatalf("problem code %q", p.Code)
			}
		}
		for range 4 {
			login("wrong-password", 401, "")
		}
		// Now even the right password waits 1 s, then 2 s after another failure.
		login(password, 429, "1")
		f.clock.Add(time.Second)
		login("wrong-password", 401, "")
		f.clock.Add(500 * time.Millisecond)
		login(password, 429, "2") // 1.5 s left
		f.clock.Add(1500 * time.Millisecond)
		login(password, 200, "")
	})
}

// TestCreateOverLimit: the organization's RequestLimit+1-th request in the
// window is 429 with Retry-After the exact wait; another organization still
// opens requests.
func TestCreateOverLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for range f.desk.Policy().RequestLimit {
			if _, _, err := f.desk.OpenRequest(context.Background(), f.actors["admin"], desk.NewRequest{Category: "technical", Title: "t", Description: "d"}, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Add(90 * time.Second)
		body := map[string]any{"category": "billing", "title": "y", "description": "d"}
		res := f.raw("admin", "POST", "/api/v1/requests", body, nil)
		var p struct{ Code string }
		json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if res.StatusCode != 429 || res.Header.Get("Retry-After") != "510" || p.Code != "rate_limited" {
			t.Fatalf("%d %q, Retry-After %q", res.StatusCode, p.Code, res.Header.Get("Retry-After"))
		}
		if st := f.do("otheradmin", "POST", "/api/v1/requests", body, nil); st != 201 {
			t.Fatalf("another organization: %d", st)
		}
	})
}

// TestUploadRefusesOtherMediaTypes: an upload is multipart/form-data or
// application/octet-stream; anything else is 415, a problem document.
func TestUploadRefusesOtherMediaTypes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		n := f.xRequest()
		for _, ct := range []string{"application/json", "text/plain", "image/png", ""} {
			res := f.raw("admin", "POST", "/api/v1/requests/"+n+"/attachments?name=a.txt", []byte("hello"), map[string]string{"Content-Type": ct})
			var p api.Problem
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode != 415 || res.Header.Get("Content-Type") != "application/problem+json" || p.Field != "Content-Type" {
				t.Errorf("Content-Type %q: %d %s %+v", ct, res.StatusCode, res.Header.Get("Content-Type"), p)
			}
		}
	})
}
