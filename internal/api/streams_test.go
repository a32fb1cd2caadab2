package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// instance serves a second casedesk on f's database and clock, with its
// relay listening, and returns its base URL.
func (f *fixture) instance(t *testing.T) string {
	t.Helper()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	d := desk.New(f.db, blobs, desk.Options{Clock: f.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(api.New(d, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{}).Handler())
	t.Cleanup(srv.Close)
	startRelay(t, d)
	return srv.URL
}

// newUser adds a user of org with the role under name, signed in.
func (f *fixture) newUser(t *testing.T, name string, org *casedesk.Organization, role casedesk.Role) {
	t.Helper()
	u, _, err := f.desk.CreateUser(context.Background(), f.actors["operator"], org.ID, desk.NewUser{Email: name + "@test.example", Name: name, Role: role, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	f.addActor(name, u, org.Kind)
	f.tokens[name] = f.login(name)
}

// rest reads a stream's events until it ends, failing the test after a long
// guard (not a wait: the change that ends it has committed).
func rest(t *testing.T, ch <-chan sseEvent) []sseEvent {
	t.Helper()
	var out []sseEvent
	guard := time.After(30 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, e)
		case <-guard:
			t.Fatalf("the stream goes on after the change; it showed %v", out)
		}
	}
}

// TestStreamAccessMatrix extends the authorization matrix to the live
// stream: a viewer who signs out, is deactivated or demoted to a plain user,
// or whose partner delegation is revoked receives nothing more of X — on the
// instance the change was made on and, on PostgreSQL, on another one.
func TestStreamAccessMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		startRelay(t, f.desk)
		instances := map[string]string{"this instance": f.srv.URL}
		if db.Engine() == store.Postgres {
			instances["another instance"] = f.instance(t)
		}
		// Y delegates to P too, so that P's stream has something left to show.
		if st := f.do("otheradmin", "POST", "/api/v1/organizations/"+strconv.FormatInt(f.y.ID, 10)+"/partners", map[string]any{"partner_id": f.p.ID}, nil); st != 201 {
			t.Fatalf("grant by Y: %d", st)
		}
		xOrg := `"organization_id":` + strconv.FormatInt(f.x.ID, 10) + ","
		yOrg := `"organization_id":` + strconv.FormatInt(f.y.ID, 10) + ","
		users := func(id int64) string {
			return "/api/v1/organizations/" + strconv.FormatInt(f.x.ID, 10) + "/users/" + strconv.FormatInt(id, 10)
		}
		n := 0
		cases := []struct {
			name string
			// open returns who streams, and the change that ends their
			// view of X, made through the API of this instance.
			open  func(t *testing.T) (string, func())
			stays bool // the stream goes on, without X
		}{
			{"signed out", func(t *testing.T) (string, func()) {
				name := "out" + strconv.Itoa(n)
				f.newUser(t, name, f.x, casedesk.RoleGlobalAdmin)
				return name, func() {
					if st := f.do(name, "POST", "/api/v1/auth/logout", nil, nil); st != 204 {
						t.Fatalf("logout: %d", st)
					}
				}
			}, false},
			{"deactivated", func(t *testing.T) (string, func()) {
				name := "deactivated" + strconv.Itoa(n)
				f.newUser(t, name, f.x, casedesk.RoleGlobalAdmin)
				return name, func() {
					if st := f.do("admin", "PATCH", users(f.users[name].ID), map[string]any{"active": false}, nil); st != 200 {
						t.Fatalf("deactivate: %d", st)
					}
				}
			}, false},
			{"demoted to a plain user", func(t *testing.T) (string, func()) {
				name := "demoted" + strconv.Itoa(n)
				f.newUser(t, name, f.x, casedesk.RoleGlobalAdmin)
				return name, func() {
					if st := f.do("admin", "PATCH", users(f.users[name].ID), map[string]any{"role": "user"}, nil); st != 200 {
						t.Fatalf("demote: %d", st)
					}
				}
			}, false},
			{"delegation revoked", func(t *testing.T) (string, func()) {
				g, err := f.desk.GrantPartner(context.Background(), f.actors["admin"], f.x.ID, desk.NewGrant{PartnerID: f.p.ID})
				if casedesk.ErrorCode(err) == casedesk.ECONFLICT { // still delegated from the setup
					gs, _ := f.desk.Grants(context.Background(), f.actors["admin"], f.x.ID)
					for _, h := range gs {
						if h.PartnerID == f.p.ID && h.ActiveAt(f.clock.T) {
							g, err = h, nil
						}
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				return "partner", func() {
					path := "/api/v1/organizations/" + strconv.FormatInt(f.x.ID, 10) + "/partners/" + strconv.FormatInt(g.ID, 10)
					if st := f.do("admin", "DELETE", path, nil, nil); st != 204 {
						t.Fatalf("revoke: %d", st)
					}
				}
			}, true},
		}
		for inst, base := range instances {
			for _, c := range cases {
				t.Run(inst+"/"+c.name, func(t *testing.T) {
					n++
					who, change := c.open(t)
					stream := subscribeAt(t, base, f.tokens[who])
					// Before the change the viewer sees X's events.
					before := `"number":"` + f.xRequest() + `"`
					for e := next(t, stream); !strings.Contains(e.data, before); e = next(t, stream) {
						if !strings.Contains(e.data, xOrg) {
							t.Fatalf("before the change: %+v", e)
						}
					}
					change()
					// What committed after the change never shows (lines that
					// committed before it may still be on their way).
					after := `"number":"` + f.xRequest() + `"`
					if !c.stays {
						for _, e := range rest(t, stream) {
							if strings.Contains(e.data, after) {
								t.Fatalf("after the change the stream showed %+v", e)
							}
						}
						return
					}
					// Y's request comes after X's: it shows, X's does not.
					if st := f.do("otheradmin", "POST", "/api/v1/requests", map[string]any{"category": "billing", "title": "y", "description": "d"}, nil); st != 201 {
						t.Fatalf("create in Y: %d", st)
					}
					for e := next(t, stream); !strings.Contains(e.data, yOrg); e = next(t, stream) {
						if strings.Contains(e.data, after) {
							t.Fatalf("after the change the stream showed %+v", e)
						}
					}
				})
			}
		}
	})
}

// TestPasswordChangeSignsOutElsewhere: through the API, changing one's
// password leaves the token it was changed with signed in and signs out the
// user's other sessions and API tokens.
func TestPasswordChangeSignsOutElsewhere(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tokens["laptop"] = f.login("user")
		var tok struct{ Token string }
		if st := f.do("user", "POST", "/api/v1/tokens", map[string]any{"name": "ci"}, &tok); st != 201 || tok.Token == "" {
			t.Fatalf("new API token: %d", st)
		}
		f.tokens["ci"] = tok.Token
		if st := f.do("user", "POST", "/api/v1/me/password", map[string]string{"current_password": password, "new_password": "a-good-new-password"}, nil); st != 204 {
			t.Fatalf("change password: %d", st)
		}
		for who, want := range map[string]int{"user": 200, "laptop": 401, "ci": 401} {
			if st := f.do(who, "GET", "/api/v1/me", nil, nil); st != want {
				t.Errorf("%s after the change: %d, want %d", who, st, want)
			}
		}
	})
}
