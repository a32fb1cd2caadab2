package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNewRequestOverLimit: past the organization's request limit the form
// comes back, as typed, with the message, 429 and Retry-After the exact wait.
func TestNewRequestOverLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna := e.actor("anna")
		for range e.desk.Policy().RequestLimit {
			if _, _, err := e.desk.OpenRequest(context.Background(), anna, desk.NewRequest{Category: "technical", Title: "t", Description: "d"}, ""); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		c.signIn("anna")
		_, page := c.get("/requests/new")
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no form token")
		}
		res, err := c.c.PostForm(c.url+"/requests", url.Values{"csrf_token": {m[1]}, "category": {"billing"},
			"title": {"One request too many"}, "description": {"d"}, "language": {"en"}, "contact_method": {"email"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "600" {
			t.Fatalf("%d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if !strings.Contains(body, "One request too many") || !strings.Contains(body, "the next may be opened in 600 seconds") {
			t.Fatalf("the form did not come back with the message:\n%s", body)
		}
	})
}
