package desk_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestPasswordResetLink(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		secret, u, err := w.d.RequestPasswordReset(ctx, "nobody@test.example", "10.0.0.1")
		if err != nil || secret != "" || u != nil {
			t.Fatalf("unknown address: %q %v %v", secret, u, err)
		}
		secret, u, err = w.d.RequestPasswordReset(ctx, "XAdmin@test.example", "10.0.0.1")
		if err != nil || secret == "" || u.Email != "xadmin@test.example" {
			t.Fatalf("reset: %q %v %v", secret, u, err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "short"); code(err) != casedesk.EINVALID {
			t.Fatalf("weak password: %v", err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, "cdr_forged", "a-good-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("forged link: %v", err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "a-good-new-password"); err != nil {
			t.Fatal(err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "another-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("second use: %v", err)
		}
		if _, _, err := w.d.Login(ctx, "xadmin@test.example", "a-good-new-password", "10.0.0.1"); err != nil {
			t.Fatalf("sign in with the new password: %v", err)
		}
		// Expired links do not work.
		secret, _, _ = w.d.RequestPasswordReset(ctx, "xuser@test.example", "10.0.0.1")
		w.clock.Add(desk.PasswordResetTTL + time.Second)
		if err := w.d.ResetPasswordWithLink(ctx, secret, "a-good-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("expired link: %v", err)
		}
		// At most three links an hour per account, quietly.
		for i := range 4 {
			s, _, err := w.d.RequestPasswordReset(ctx, "yadmin@test.example", "10.0.0.2")
			if err != nil || (s == "") != (i == 3) {
				t.Fatalf("link %d: %q %v", i, s, err)
			}
		}
	})
}

// TestPasswordChangeRevokesOtherTokens: changing one's password revokes the
// user's other sessions and API tokens, on every instance's token cache,
// and keeps the session it was made in; a reset by link, or by the
// operator, revokes them all.
func TestPasswordChangeRevokesOtherTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		other := w.d
		if db.Engine() == store.Postgres {
			other = w.instance(t, db)
			startRelay(t, other)
		}
		// hears is closed once other has heard of the next access change.
		var mu sync.Mutex
		var hears chan struct{}
		other.Events().WatchAccess(func(live.Change) {
			mu.Lock()
			defer mu.Unlock()
			if hears != nil {
				close(hears)
				hears = nil
			}
		})
		// change runs f and waits until other heard of the change it made.
		change := func(f func() error) {
			t.Helper()
			heard := make(chan struct{})
			mu.Lock()
			hears = heard
			mu.Unlock()
			if err := f(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-heard:
			case <-time.After(30 * time.Second):
				t.Fatal("the other instance did not hear of the change")
			}
		}
		works := func(d *desk.Desk, secret string) bool {
			t.Helper()
			_, err := d.Authenticate(ctx, secret, "127.0.0.1")
			if err != nil && code(err) != casedesk.EUNAUTHORIZED {
				t.Fatal(err)
			}
			return err == nil
		}
		const email = "xuser@test.example"
		current, a := signIn(t, w.d, email, testPassword)
		laptop, _ := signIn(t, other, email, testPassword)
		api, _, err := w.d.NewAPIToken(ctx, a, "ci", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{current, laptop, api} { // cached on both instances
			if !works(w.d, s) || !works(other, s) {
				t.Fatal("a token does not work before the change")
			}
		}
		change(func() error { return w.d.ChangePassword(ctx, a, testPassword, "a-good-new-password") })
		for _, d := range []*desk.Desk{w.d, other} {
			if !works(d, current) || works(d, laptop) || works(d, api) {
				t.Fatalf("after the change: current %v, other session %v, API token %v; want only the current",
					works(d, current), works(d, laptop), works(d, api))
			}
		}

		// A reset by link signs out everywhere, the session it was asked from too.
		link, _, err := w.d.RequestPasswordReset(ctx, email, "10.0.0.1")
		if err != nil || link == "" {
			t.Fatalf("reset link %q: %v", link, err)
		}
		change(func() error { return w.d.ResetPasswordWithLink(ctx, link, "another-good-password") })
		if works(w.d, current) || works(other, current) {
			t.Fatal("a reset by link left a session signed in")
		}
		// So does the operator's reset.
		current, _ = signIn(t, other, email, "another-good-password")
		change(func() error { return w.d.ResetPassword(ctx, email, "a-third-good-password", false) })
		if works(w.d, current) || works(other, current) {
			t.Fatal("the operator's reset left a session signed in")
		}
	})
}
