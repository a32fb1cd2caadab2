package api_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestCreateUserDiscovery: a customer admin adding an email that has an
// account in another organization gets the same answer as for a free email
// (201, the same fields); an email in their own organization is 409 on
// email; a lookalike of a colleague's is 422 on email.
func TestCreateUserDiscovery(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		path := fmt.Sprintf("/api/v1/organizations/%d/users", f.x.ID)
		add := func(email string) (int, map[string]json.RawMessage) {
			t.Helper()
			var out map[string]json.RawMessage
			st := f.do("admin", "POST", path, map[string]string{"email": email, "name": "New", "role": "user"}, &out)
			return st, out
		}
		shape := func(out map[string]json.RawMessage) string {
			var inv map[string]any
			json.Unmarshal(out["invitation"], &inv)
			var pw string
			json.Unmarshal(out["one_time_password"], &pw)
			return fmt.Sprintf("%d keys, invitation %v %v, password of %d", len(out), inv["name"], inv["role"], len(pw))
		}
		stFree, free := add("free@x.example")
		stUsed, used := add(f.users["otheradmin"].Email)
		if stFree != 201 || stUsed != 201 || shape(free) != shape(used) || len(free) != 2 {
			t.Fatalf("free: %d %s; used elsewhere: %d %s", stFree, shape(free), stUsed, shape(used))
		}
		for _, tt := range []struct {
			email string
			st    int
		}{
			{f.users["supportadmin"].Email, 409},
			{"\u0430dmin@test.example", 422}, // Cyrillic а: the fixture's admin is admin@test.example
		} {
			var p struct{ Code, Field string }
			raw := f.raw("admin", "POST", path, map[string]string{"email": tt.email, "name": "New", "role": "user"}, nil)
			json.NewDecoder(raw.Body).Decode(&p)
			raw.Body.Close()
			if raw.StatusCode != tt.st || p.Field != "email" {
				t.Errorf("%s: %d on %q, want %d on email", tt.email, raw.StatusCode, p.Field, tt.st)
			}
		}
	})
}
