package desk_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// instance is a second casedesk serve on w's database and clock.
func (w *portalWorld) instance(t *testing.T, db *store.DB) *desk.Desk {
	t.Helper()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	return desk.New(db, blobs, desk.Options{Clock: w.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// signIn signs the user with the email in and returns the token's secret
// and the actor.
func signIn(t *testing.T, d *desk.Desk, email, password string) (string, *casedesk.Actor) {
	t.Helper()
	ctx := context.Background()
	secret, _, err := d.Login(ctx, email, password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Authenticate(ctx, secret, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return secret, a
}

// changed waits for v's signal that its viewer's access may have changed,
// failing the test after a long guard (not a wait: the change has
// committed, and on PostgreSQL the relay listens).
func changed(t *testing.T, v *desk.Viewer) {
	t.Helper()
	select {
	case <-v.Changed():
	case <-time.After(30 * time.Second):
		t.Fatal("the access change did not reach the stream")
	}
}

// TestViewerFollowsAccess: a live stream's viewer who signs out, loses a
// token, is deactivated, demoted to a plain user, resets their password or
// loses a partner delegation sees nothing more of the organization after
// the change — on the instance that made it and, on PostgreSQL, on another
// one — and that instance's token cache no longer honours a revoked token.
func TestViewerFollowsAccess(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		instances := map[string]*desk.Desk{"this instance": w.d}
		if db.Engine() == store.Postgres {
			other := w.instance(t, db)
			startRelay(t, w.d)
			startRelay(t, other)
			instances["another instance"] = other
		}
		xEvent := casedesk.Event{OrgID: w.x.ID, Kind: casedesk.EventStatusChanged}
		n := 0
		// newAdmin adds a global admin to X and signs them in.
		newAdmin := func(t *testing.T) (string, *casedesk.Actor) {
			n++
			email := "admin" + strconv.Itoa(n) + "@x.test"
			if _, _, err := w.d.CreateUser(ctx, w.actors["xadmin"], w.x.ID, desk.NewUser{Email: email, Name: "Admin", Role: casedesk.RoleGlobalAdmin, Password: testPassword}); err != nil {
				t.Fatal(err)
			}
			return signIn(t, w.d, email, testPassword)
		}
		update := func(t *testing.T, a *casedesk.Actor, p desk.UserPatch) {
			if _, err := w.d.UpdateUser(ctx, w.actors["xadmin"], w.x.ID, a.User.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		user, no := casedesk.RoleUser, false
		cases := []struct {
			name string
			// open returns the secret the stream is opened with and the
			// change, made on this instance, that ends its view of X.
			open   func(t *testing.T) (string, func())
			revoke bool // the change revokes the token: the stream ends
		}{
			{"signed out", func(t *testing.T) (string, func()) {
				s, _ := newAdmin(t)
				return s, func() {
					if err := w.d.Logout(ctx, s); err != nil {
						t.Fatal(err)
					}
				}
			}, true},
			{"API token revoked", func(t *testing.T) (string, func()) {
				_, a := newAdmin(t)
				s, tok, err := w.d.NewAPIToken(ctx, a, "ci", nil)
				if err != nil {
					t.Fatal(err)
				}
				return s, func() {
					if err := w.d.RevokeAPIToken(ctx, a, tok.ID); err != nil {
						t.Fatal(err)
					}
				}
			}, true},
			{"deactivated", func(t *testing.T) (string, func()) {
				s, a := newAdmin(t)
				return s, func() { update(t, a, desk.UserPatch{Active: &no}) }
			}, true},
			{"demoted to a plain user", func(t *testing.T) (string, func()) {
				s, a := newAdmin(t)
				return s, func() { update(t, a, desk.UserPatch{Role: &user}) }
			}, false},
			{"password reset by link", func(t *testing.T) (string, func()) {
				s, a := newAdmin(t)
				return s, func() {
					link, _, err := w.d.RequestPasswordReset(ctx, a.User.Email, "10.0.0."+strconv.Itoa(n))
					if err != nil || link == "" {
						t.Fatalf("reset link %q: %v", link, err)
					}
					if err := w.d.ResetPasswordWithLink(ctx, link, "a-good-new-password"); err != nil {
						t.Fatal(err)
					}
				}
			}, true},
			{"delegation revoked", func(t *testing.T) (string, func()) {
				g, err := w.d.GrantPartner(ctx, w.actors["xadmin"], w.x.ID, desk.NewGrant{PartnerID: w.p.ID})
				if code(err) == casedesk.ECONFLICT { // still delegated from the setup
					gs, _ := w.d.Grants(ctx, w.actors["xadmin"], w.x.ID)
					for _, h := range gs {
						if h.PartnerID == w.p.ID && h.ActiveAt(w.clock.T) {
							g, err = h, nil
						}
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				s, _ := signIn(t, w.d, "partner@test.example", testPassword)
				return s, func() {
					if err := w.d.RevokeGrant(ctx, w.actors["xadmin"], w.x.ID, g.ID); err != nil {
						t.Fatal(err)
					}
				}
			}, false},
		}
		for name, d := range instances {
			for _, c := range cases {
				t.Run(name+"/"+c.name, func(t *testing.T) {
					secret, change := c.open(t)
					v, err := d.Watch(ctx, secret, d.EventFilter)
					if err != nil {
						t.Fatal(err)
					}
					defer v.Close()
					if err := v.Check(ctx); err != nil || !v.Allow(xEvent) {
						t.Fatalf("before the change: %v, sees X: %v", err, v.Allow(xEvent))
					}
					if _, err := d.Authenticate(ctx, secret, "127.0.0.1"); err != nil { // now cached there
						t.Fatal(err)
					}
					for len(v.Changed()) > 0 { // what the relay's start announced
						<-v.Changed()
					}
					change()
					changed(t, v)
					err = v.Check(ctx)
					switch {
					case c.revoke && code(err) != casedesk.EUNAUTHORIZED:
						t.Fatalf("after the change the stream goes on: %v", err)
					case !c.revoke && err == nil && v.Allow(xEvent):
						t.Fatal("after the change the stream still shows X's events")
					}
					if _, err := d.Authenticate(ctx, secret, "127.0.0.1"); c.revoke && code(err) != casedesk.EUNAUTHORIZED {
						t.Fatalf("the token cache honours the revoked token: %v", err)
					}
				})
			}
		}
	})
}

// TestViewerCost: between access changes a stream's check reads nothing
// (a context that would fail any read does not matter); every recheckEvery,
// and at the token's expiry, it reads again, and an expired token ends the
// stream.
func TestViewerCost(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		expires := w.clock.T.Add(90 * time.Second)
		secret, _, err := w.d.NewAPIToken(ctx, w.actors["xadmin"], "stream", &expires)
		if err != nil {
			t.Fatal(err)
		}
		v, err := w.d.Watch(ctx, secret, w.d.EventFilter)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		if v.Left() != 90*time.Second {
			t.Fatalf("left %s, want the token's 90 s", v.Left())
		}
		dead, cancel := context.WithCancel(ctx)
		cancel()
		w.clock.Add(59 * time.Second)
		if err := v.Check(dead); err != nil {
			t.Fatalf("a check between changes read the database: %v", err)
		}
		w.clock.Add(time.Second) // a minute since the read
		if err := v.Check(dead); !errors.Is(err, context.Canceled) {
			t.Fatalf("a minute on, the check did not read: %v", err)
		}
		if err := v.Check(ctx); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(30 * time.Second) // the token's expiry, before the next minute
		if err := v.Check(ctx); code(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("at the token's expiry: %v", err)
		}
	})
}
