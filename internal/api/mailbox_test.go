package api_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestMailboxesAPI: operators add, read, change and remove the mailboxes
// inbound mail is read from, on both engines. The password is write-only:
// no answer carries it, only password_set. Bad input is a 422 naming each
// field; nobody but operators reaches the mailboxes or the inbound log.
func TestMailboxesAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := map[string]any{"name": "Support", "host": "imap.example.test", "port": 993, "tls": "implicit",
			"username": "support@desk.test", "password": "s3cret-imap-pass", "address": "support@desk.test", "role": "support"}
		res := f.raw("operator", "POST", "/api/v1/mailboxes", in, nil)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated || strings.Contains(string(body), "s3cret") || !strings.Contains(string(body), `"password_set":true`) {
			t.Fatalf("create: %d %s", res.StatusCode, body)
		}
		var m struct {
			ID     int64  `json:"id"`
			Folder string `json:"folder"`
			Active bool   `json:"active"`
		}
		if f.do("operator", "GET", "/api/v1/mailboxes", nil, nil) != http.StatusOK {
			t.Fatal("list")
		}
		var list struct {
			Mailboxes []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		f.do("operator", "GET", "/api/v1/mailboxes", nil, &list)
		if len(list.Mailboxes) != 1 {
			t.Fatalf("list: %+v", list)
		}
		path := "/api/v1/mailboxes/" + strconv.FormatInt(list.Mailboxes[0].ID, 10)
		if st := f.do("operator", "PATCH", path, map[string]any{"active": false, "folder": "Support"}, &m); st != http.StatusOK ||
			m.Active || m.Folder != "Support" {
			t.Errorf("patch: %d %+v", st, m)
		}
		res = f.raw("operator", "GET", path, nil, nil)
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "s3cret") || !strings.Contains(string(body), `"password_set":true`) {
			t.Errorf("the patched mailbox: %s", body)
		}

		bad := map[string]any{"name": "", "host": "imap://x", "port": 0, "tls": "maybe", "username": "u",
			"address": "support+x@desk.test", "role": "sales"}
		p := problemOf(t, f.raw("operator", "POST", "/api/v1/mailboxes", bad, nil))
		got := map[string]bool{}
		for _, e := range p.Errors {
			got[e.Field] = true
		}
		for _, field := range []string{"name", "host", "port", "tls", "address", "role"} {
			if !got[field] {
				t.Errorf("the problem names %v, not %s", p.Errors, field)
			}
		}
		if p.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad input: %d", p.Status)
		}

		for _, role := range []string{"agent", "supervisor", "admin", "user", "partner"} {
			for _, r := range []struct{ method, path string }{{"GET", "/api/v1/mailboxes"}, {"GET", path}, {"PATCH", path},
				{"DELETE", path}, {"GET", "/api/v1/inbound-mails"}} {
				if st := f.do(role, r.method, r.path, map[string]any{}, nil); st != http.StatusForbidden && st != http.StatusNotFound {
					t.Errorf("%s %s %s: %d", role, r.method, r.path, st)
				}
			}
		}
		if st := f.do("operator", "GET", "/api/v1/inbound-mails?outcome=quarantined", nil, nil); st != http.StatusOK {
			t.Errorf("inbound log: %d", st)
		}
		if st := f.do("operator", "DELETE", path, nil, nil); st != http.StatusNoContent {
			t.Errorf("delete: %d", st)
		}
		if st := f.do("operator", "GET", path, nil, nil); st != http.StatusNotFound {
			t.Errorf("deleted mailbox: %d", st)
		}
	})
}
