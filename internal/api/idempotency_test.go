package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestIdempotentMessagesAndUploads: POST …/messages and …/attachments take
// an Idempotency-Key like POST /requests: concurrent retries add one message
// (one file) and all answer 201 with it, the replays marked
// Idempotent-Replayed; the key with another body, or on another request, is
// 422 naming the header; keys are per user and per operation.
func TestIdempotentMessagesAndUploads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		n, other := f.xRequest(), f.xRequest()
		type answer struct {
			status   int
			replayed string
			id       int64
			body     string
		}
		send := func(role, method, path string, body any, hdr map[string]string) answer {
			t.Helper()
			res := f.raw(role, method, path, body, hdr)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var v struct{ ID int64 }
			json.Unmarshal(b, &v)
			return answer{res.StatusCode, res.Header.Get("Idempotent-Replayed"), v.ID, string(b)}
		}
		// retries sends the same call 6 times at once and checks one was made
		// and the others replayed it.
		retries := func(what string, call func() answer) answer {
			t.Helper()
			got := make([]answer, 6)
			var wg sync.WaitGroup
			for i := range got {
				wg.Add(1)
				go func() { defer wg.Done(); got[i] = call() }()
			}
			wg.Wait()
			made := 0
			for _, a := range got {
				if a.status != 201 || a.id == 0 || a.id != got[0].id {
					t.Fatalf("%s: retries answered %+v", what, got)
				}
				if a.replayed == "" {
					made++
				}
			}
			if made != 1 {
				t.Fatalf("%s: %d calls made something, want 1: %+v", what, made, got)
			}
			return got[0]
		}
		reused := func(what string, a answer) {
			t.Helper()
			var p struct{ Code, Field string }
			json.Unmarshal([]byte(a.body), &p)
			if a.status != 422 || p.Code != "invalid" || p.Field != "Idempotency-Key" {
				t.Fatalf("%s: %d %s", what, a.status, a.body)
			}
		}
		key := map[string]string{"Idempotency-Key": "retry-1"}
		msgs := "/api/v1/requests/" + n + "/messages"
		count := func(path string) int {
			var page struct{ Items []json.RawMessage }
			if st := f.do("admin", "GET", path, nil, &page); st != 200 {
				t.Fatalf("GET %s: %d", path, st)
			}
			return len(page.Items)
		}
		before := count(msgs)
		reply := map[string]any{"body": "It still fails after the restart."}
		first := retries("message", func() answer { return send("admin", "POST", msgs, reply, key) })
		if got := count(msgs); got != before+1 {
			t.Fatalf("%d messages after retries, want %d", got, before+1)
		}
		if again := send("admin", "POST", msgs, reply, key); again.status != 201 || again.replayed != "true" || again.body != first.body {
			t.Fatalf("replay: %+v, first %+v", again, first)
		}
		reused("another body", send("admin", "POST", msgs, map[string]any{"body": "Something else"}, key))
		reused("another request", send("admin", "POST", "/api/v1/requests/"+other+"/messages", reply, key))
		// Per user: the agent's same key adds the agent's message.
		if a := send("agent", "POST", msgs, map[string]any{"body": "Looking into it"}, key); a.status != 201 || a.replayed != "" {
			t.Fatalf("another user's key: %+v", a)
		}
		if got := count(msgs); got != before+2 {
			t.Fatalf("%d messages, want %d", got, before+2)
		}

		// Uploads; the same key is free for another operation.
		atts := "/api/v1/requests/" + n + "/attachments"
		up := func(name, content string) answer {
			return send("admin", "POST", atts+"?name="+name, []byte(content),
				map[string]string{"Content-Type": "application/octet-stream", "Idempotency-Key": "retry-1"})
		}
		before = count(atts)
		first = retries("upload", func() answer { return up("log.txt", "line 1\n") })
		if got := count(atts); got != before+1 {
			t.Fatalf("%d attachments after retries, want %d", got, before+1)
		}
		if again := up("log.txt", "line 1\n"); again.replayed != "true" || again.body != first.body {
			t.Fatalf("upload replay: %+v, first %+v", again, first)
		}
		reused("another file", up("log.txt", "line 2\n"))
		reused("another name", up("other.txt", "line 1\n"))
		if got := count(atts); got != before+1 {
			t.Fatalf("%d attachments, want %d", got, before+1)
		}

		// A key longer than 200 characters is refused.
		long := map[string]string{"Idempotency-Key": string(bytes.Repeat([]byte("k"), 201))}
		reused("long key", send("admin", "POST", msgs, reply, long))
	})
}

// TestIdempotentOperatorCreates: POST /organizations and
// …/subscriptions, which nothing else keeps from being made twice, take an
// Idempotency-Key too.
func TestIdempotentOperatorCreates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, c := range []struct {
			what, path, list string
			body, other      map[string]any
		}{
			{"organization", "/api/v1/organizations", "/api/v1/organizations?limit=200",
				map[string]any{"kind": "customer", "name": "Retry GmbH", "country": "DE"},
				map[string]any{"kind": "customer", "name": "Retry AG", "country": "DE"}},
			{"subscription", fmt.Sprintf("/api/v1/organizations/%d/subscriptions", f.x.ID), fmt.Sprintf("/api/v1/organizations/%d/subscriptions", f.x.ID),
				map[string]any{"plan_code": "business", "seats": 3},
				map[string]any{"plan_code": "business", "seats": 4}},
		} {
			count := func() int {
				var page struct{ Items []json.RawMessage }
				if st := f.do("operator", "GET", c.list, nil, &page); st != 200 {
					t.Fatalf("%s: list: %d", c.what, st)
				}
				return len(page.Items)
			}
			before := count()
			key := map[string]string{"Idempotency-Key": "op-" + c.what}
			var ids [2]int64
			for i := range ids {
				res := f.raw("operator", "POST", c.path, c.body, key)
				var v struct{ ID int64 }
				json.NewDecoder(res.Body).Decode(&v)
				res.Body.Close()
				if want := []string{"", "true"}[i]; res.StatusCode != 201 || res.Header.Get("Idempotent-Replayed") != want {
					t.Fatalf("%s call %d: %d, Idempotent-Replayed %q", c.what, i+1, res.StatusCode, res.Header.Get("Idempotent-Replayed"))
				}
				ids[i] = v.ID
			}
			if ids[0] == 0 || ids[0] != ids[1] {
				t.Fatalf("%s: ids %v", c.what, ids)
			}
			res := f.raw("operator", "POST", c.path, c.other, key)
			var p struct{ Code, Field string }
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode != 422 || p.Field != "Idempotency-Key" {
				t.Fatalf("%s with another body: %d %+v", c.what, res.StatusCode, p)
			}
			if got := count(); got != before+1 {
				t.Fatalf("%s: %d after, want %d", c.what, got, before+1)
			}
		}
	})
}
