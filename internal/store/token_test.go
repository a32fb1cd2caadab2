package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func mustUser(tb testing.TB, db *store.DB, org int64, email string) *casedesk.User {
	tb.Helper()
	u := &casedesk.User{OrgID: org, Email: email, Name: email, Role: casedesk.RoleGlobalAdmin, Language: "en", TimeZone: "UTC", Active: true, CreatedAt: t0}
	if err := db.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(context.Background(), store.OrgScope(org), u, "hash") }); err != nil {
		tb.Fatal(err)
	}
	return u
}

func mustToken(tb testing.TB, db *store.DB, tok *store.Token) *store.Token {
	tb.Helper()
	if err := db.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateToken(context.Background(), tok) }); err != nil {
		tb.Fatal(err)
	}
	return tok
}

func mustWrite(tb testing.TB, db *store.DB, f func(ctx context.Context, tx *store.Tx) error) {
	tb.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error { return f(ctx, tx) }); err != nil {
		tb.Fatal(err)
	}
}

func TestTokenUser(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		u := mustUser(t, db, o.ID, "a@a.test")
		exp := t0.Add(time.Hour)
		sess := mustToken(t, db, &store.Token{Hash: "h-session", UserID: u.ID, Kind: "session", Name: "sign-in", CSRF: "c", CreatedAt: t0, ExpiresAt: &exp})
		api := mustToken(t, db, &store.Token{Hash: "h-api", UserID: u.ID, Kind: "api", Name: "ci", CreatedAt: t0})

		tok, got, err := db.TokenUser(ctx, "h-session", t0.Add(59*time.Minute))
		if err != nil || tok.ID != sess.ID || tok.Kind != "session" || tok.CSRF != "c" || !tok.ExpiresAt.Equal(exp) || tok.LastUsedAt != nil || got.ID != u.ID || got.Email != "a@a.test" {
			t.Fatalf("session before expiry: %+v %+v %v", tok, got, err)
		}
		for _, tt := range []struct {
			name, hash string
			at         time.Time
		}{
			{"session at its expiry", "h-session", exp},
			{"unknown hash", "h-other", t0},
		} {
			if _, _, err := db.TokenUser(ctx, tt.hash, tt.at); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
				t.Errorf("%s: %v, want unauthorized", tt.name, err)
			}
		}
		if tok, _, err := db.TokenUser(ctx, "h-api", t0.AddDate(10, 0, 0)); err != nil || tok.ID != api.ID || tok.ExpiresAt != nil {
			t.Fatalf("api token without expiry: %+v %v", tok, err)
		}
		u.Active = false
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateUser(ctx, store.OrgScope(o.ID), u) })
		if _, _, err := db.TokenUser(ctx, "h-api", t0); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Errorf("token of an inactive user: %v", err)
		}
	})
}

func TestTouchToken(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		u := mustUser(t, db, o.ID, "a@a.test")
		exp := t0.Add(time.Hour)
		sess := mustToken(t, db, &store.Token{Hash: "h-session", UserID: u.ID, Kind: "session", CreatedAt: t0, ExpiresAt: &exp})
		api := mustToken(t, db, &store.Token{Hash: "h-api", UserID: u.ID, Kind: "api", Name: "ci", CreatedAt: t0})

		// Without an expiry, only the last use changes.
		used := t0.Add(10 * time.Minute)
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.TouchToken(ctx, sess.ID, used, nil) })
		tok, _, err := db.TokenUser(ctx, "h-session", used)
		if err != nil || !tok.LastUsedAt.Equal(used) || !tok.ExpiresAt.Equal(exp) {
			t.Fatalf("touched: %+v %v", tok, err)
		}
		// With one, the expiry slides too.
		later, slid := t0.Add(50*time.Minute), t0.Add(2*time.Hour)
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.TouchToken(ctx, sess.ID, later, &slid) })
		tok, _, err = db.TokenUser(ctx, "h-session", t0.Add(90*time.Minute))
		if err != nil || !tok.LastUsedAt.Equal(later) || !tok.ExpiresAt.Equal(slid) {
			t.Fatalf("touched with expiry: %+v %v", tok, err)
		}
		// The other token is untouched.
		ts, err := db.Tokens(ctx, u.ID)
		if err != nil || len(ts) != 1 || ts[0].ID != api.ID || ts[0].LastUsedAt != nil {
			t.Fatalf("api tokens: %+v %v", ts, err)
		}
	})
}

func TestRevokeTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		a, b := mustUser(t, db, o.ID, "a@a.test"), mustUser(t, db, o.ID, "b@a.test")
		a1 := mustToken(t, db, &store.Token{Hash: "a1", UserID: a.ID, Kind: "api", Name: "one", CreatedAt: t0})
		mustToken(t, db, &store.Token{Hash: "a2", UserID: a.ID, Kind: "api", Name: "two", CreatedAt: t0})
		mustToken(t, db, &store.Token{Hash: "a3", UserID: a.ID, Kind: "session", CreatedAt: t0})
		a4 := mustToken(t, db, &store.Token{Hash: "a4", UserID: a.ID, Kind: "session", CreatedAt: t0})
		b1 := mustToken(t, db, &store.Token{Hash: "b1", UserID: b.ID, Kind: "api", Name: "b", CreatedAt: t0})
		live := func(hash string) bool {
			_, _, err := db.TokenUser(ctx, hash, t0)
			return err == nil
		}
		revoke := func(user, id int64) error {
			return db.Write(ctx, func(tx *store.Tx) error { return tx.RevokeToken(ctx, user, id, t0.Add(time.Minute)) })
		}
		// A user revokes only their own tokens, once.
		if err := revoke(a.ID, b1.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND || !live("b1") {
			t.Fatalf("revoke another's token: %v", err)
		}
		if err := revoke(a.ID, a1.ID); err != nil || live("a1") || !live("a2") {
			t.Fatalf("revoke: %v", err)
		}
		if err := revoke(a.ID, a1.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("revoke twice: %v", err)
		}
		// The list keeps revoked tokens, with the instant, and leaves sessions out.
		ts, err := db.Tokens(ctx, a.ID)
		if err != nil || len(ts) != 2 || ts[0].ID != a1.ID || ts[0].RevokedAt == nil || !ts[0].RevokedAt.Equal(t0.Add(time.Minute)) || ts[1].RevokedAt != nil {
			t.Fatalf("tokens: %+v %v", ts, err)
		}
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.RevokeTokenByHash(ctx, "a3", t0) })
		if live("a3") || !live("a2") {
			t.Fatal("sign out revoked the wrong token")
		}
		// A password change keeps the session it was made in.
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.RevokeUserTokens(ctx, a.ID, a4.ID, t0) })
		if live("a2") || !live("a4") || !live("b1") {
			t.Fatal("revoking a user's other tokens: wrong tokens")
		}
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.RevokeUserTokens(ctx, a.ID, 0, t0) })
		if live("a4") || !live("b1") {
			t.Fatal("revoking a user's tokens: wrong tokens")
		}
	})
}

func TestLoginFailures(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		record := func(at time.Time, keys ...string) {
			mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.RecordLoginFailure(ctx, at, keys...) })
		}
		count := func(key string, since time.Time) int {
			t.Helper()
			f, err := db.LoginFailures(ctx, since, key, "acct:none")
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := f["acct:none"]; ok {
				t.Fatalf("a key without failures is in %v", f)
			}
			return f[key].N
		}
		record(t0, "acct:a", "ip:1")
		record(t0.Add(time.Minute), "acct:a", "ip:2")
		record(t0.Add(2*time.Minute), "acct:b", "ip:1")
		for _, tt := range []struct {
			key   string
			since time.Time
			want  int
		}{
			{"acct:a", t0.Add(-time.Second), 2},
			{"acct:a", t0, 1}, // since is exclusive
			{"acct:a", t0.Add(time.Minute), 0},
			{"ip:1", t0.Add(-time.Second), 2},
			{"ip:2", t0.Add(-time.Second), 1},
			{"acct:c", t0.Add(-time.Second), 0},
		} {
			if n := count(tt.key, tt.since); n != tt.want {
				t.Errorf("%s since %s: %d, want %d", tt.key, tt.since, n, tt.want)
			}
		}
		f, err := db.LoginFailures(ctx, t0.Add(-time.Hour), "acct:a", "ip:1", "ip:2")
		if err != nil || len(f) != 3 || !f["acct:a"].Last.Equal(t0.Add(time.Minute)) || !f["ip:1"].Last.Equal(t0.Add(2*time.Minute)) || f["ip:2"].N != 1 {
			t.Fatalf("several keys: %+v, %v", f, err)
		}
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.ClearLoginFailures(ctx, "acct:a") })
		if a, ip := count("acct:a", t0.Add(-time.Hour)), count("ip:1", t0.Add(-time.Hour)); a != 0 || ip != 2 {
			t.Fatalf("after clearing acct:a: acct:a %d, ip:1 %d", a, ip)
		}
	})
}

func TestIdempotencyKeysPerUser(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		r1, r2 := mustRequest(t, db, o.ID, "one"), mustRequest(t, db, o.ID, "two")
		if id, fp, err := db.IdempotencyKey(ctx, 7, store.IdemRequest, "k"); err != nil || id != 0 || fp != "" {
			t.Fatalf("unknown key: %d %q %v", id, fp, err)
		}
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SaveIdempotencyKey(ctx, 7, store.IdemRequest, "k", "fp1", r1.ID, t0)
		})
		// The same key of another user, or of another kind of operation,
		// is another key.
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SaveIdempotencyKey(ctx, 8, store.IdemRequest, "k", "fp2", r2.ID, t0)
		})
		mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SaveIdempotencyKey(ctx, 7, store.IdemMessage, "k", "fp3", 42, t0)
		})
		for _, tt := range []struct {
			user int64
			kind store.IdemKind
			key  string
			id   int64
			fp   string
		}{
			{7, store.IdemRequest, "k", r1.ID, "fp1"}, {8, store.IdemRequest, "k", r2.ID, "fp2"},
			{7, store.IdemMessage, "k", 42, "fp3"}, {7, store.IdemAttachment, "k", 0, ""},
			{7, store.IdemRequest, "K", 0, ""}, {9, store.IdemRequest, "k", 0, ""},
		} {
			if id, fp, err := db.IdempotencyKey(ctx, tt.user, tt.kind, tt.key); err != nil || id != tt.id || fp != tt.fp {
				t.Errorf("user %d %s key %q: %d %q %v, want %d %q", tt.user, tt.kind, tt.key, id, fp, err, tt.id, tt.fp)
			}
		}
	})
}

// TestKnownSignIn: a good sign-in is remembered per key, the latest one wins.
func TestKnownSignIn(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		known := func(key string, since time.Time) bool {
			t.Helper()
			ok, err := db.KnownSignIn(ctx, key, since)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if known("pair:a|1", t0.Add(-time.Hour)) {
			t.Fatal("known before any sign-in")
		}
		for _, at := range []time.Time{t0, t0.Add(time.Hour)} {
			mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.RememberSignIn(ctx, "pair:a|1", at) })
		}
		if !known("pair:a|1", t0) || known("pair:a|1", t0.Add(time.Hour)) || known("pair:a|2", t0.Add(-time.Hour)) {
			t.Fatal("known sign-ins: wrong answer")
		}
	})
}
