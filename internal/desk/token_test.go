package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestTokenLastUsed: using a token records its last use, at most once a
// minute per token, on this instance and across instances; the owner sees
// it in the list of API tokens.
func TestTokenLastUsed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		admin := w.admins["enterprise"]
		secret, tok, err := w.d.NewAPIToken(ctx, admin, "ci", nil)
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() *time.Time {
			t.Helper()
			ts, err := w.d.APITokens(ctx, admin)
			if err != nil || len(ts) != 1 || ts[0].ID != tok.ID {
				t.Fatalf("tokens %v, %v", ts, err)
			}
			return ts[0].LastUsedAt
		}
		if lu := lastUsed(); lu != nil {
			t.Fatalf("a new token was used at %s", lu)
		}
		t0 := w.clock.T
		steps := []struct {
			name  string
			after time.Duration // since t0
			other bool          // on a second instance
			want  time.Duration // last use, since t0
		}{
			{"first use", 0, false, 0},
			{"again within the cache", 5 * time.Second, false, 0},
			{"again after the cache, within the minute", 30 * time.Second, false, 0},
			{"a minute later", 61 * time.Second, false, 61 * time.Second},
			{"another instance, within the minute it reads", 100 * time.Second, true, 61 * time.Second},
			{"another instance, a minute later", 122 * time.Second, true, 122 * time.Second},
			{"this instance, within that minute", 150 * time.Second, false, 122 * time.Second},
		}
		other := w.newDesk()
		for _, s := range steps {
			w.clock.T = t0.Add(s.after)
			d := w.d
			if s.other {
				d = other
			}
			a, err := d.Authenticate(ctx, secret, "127.0.0.1")
			if err != nil || a.User.ID != admin.User.ID {
				t.Fatalf("%s: %v", s.name, err)
			}
			if lu := lastUsed(); lu == nil || !lu.Equal(t0.Add(s.want)) {
				t.Fatalf("%s: last used %v, want %s", s.name, lu, t0.Add(s.want))
			}
		}

		// A sign-in session is recorded the same way.
		sess, _, err := w.d.Login(ctx, "admin@business.test", "admin-password", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.Authenticate(ctx, sess, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		st, _, err := db.TokenUser(ctx, auth.HashToken(sess), w.clock.T)
		if err != nil || st.LastUsedAt == nil || !st.LastUsedAt.Equal(w.clock.T) {
			t.Fatalf("session last used %v, %v", st, err)
		}
	})
}
