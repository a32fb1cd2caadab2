package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// signIn tries a sign-in and checks its outcome: ok, or refused with the
// code and, for ERATELIMIT, exactly the wait.
func (w *world) signIn(d interface {
	Login(context.Context, string, string, string) (string, *casedesk.User, error)
}, email, password, ip, want string, wait time.Duration) {
	w.t.Helper()
	_, _, err := d.Login(context.Background(), email, password, ip)
	if code := casedesk.ErrorCode(err); code != want {
		w.t.Fatalf("%s from %s at +%s: %v, want %q", email, ip, w.clock.T.Sub(monday), err, want)
	}
	if got := casedesk.ErrorRetryAfter(err); got != wait {
		w.t.Fatalf("%s from %s at +%s: retry after %s, want %s", email, ip, w.clock.T.Sub(monday), got, wait)
	}
}

// TestLoginThrottlePair: failures of one account from one address grow the
// wait before that address may try again (doubling from 1 s), refused
// before the password is looked at, and Retry-After is the time left; the
// owner signs in from their own address all along; staff alike.
func TestLoginThrottlePair(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		other := w.newDesk() // the attacker reaches another instance
		for _, acct := range []struct{ email, password string }{
			{"admin@enterprise.test", "admin-password"},
			{"op@p.test", "operator-password"},
		} {
			const attacker, owner = "203.0.113.66", "198.51.100.7"
			for range 3 { // free
				w.signIn(other, acct.email, "guess", attacker, casedesk.EUNAUTHORIZED, 0)
			}
			wait := time.Second
			for range 5 {
				w.signIn(other, acct.email, "guess", attacker, casedesk.EUNAUTHORIZED, 0)
				// Even the right password waits now; part of the wait gone, the rest is told.
				w.signIn(w.d, acct.email, acct.password, attacker, casedesk.ERATELIMIT, wait)
				w.clock.T = w.clock.T.Add(wait / 4)
				w.signIn(other, acct.email, "guess", attacker, casedesk.ERATELIMIT, wait-wait/4)
				w.signIn(w.d, acct.email, acct.password, owner, "", 0)
				w.clock.T = w.clock.T.Add(wait - wait/4)
				wait *= 2
			}
		}
	})
}

// TestLoginThrottleAccount: past 10 failures of an account from everywhere,
// an address that failed at the account waits the account's growing delay
// from its own latest failure, even after a single failure; an address
// with no failure for it is still checked, so the owner signs in.
func TestLoginThrottleAccount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		const email = "admin@business.test"
		for i := range 12 { // a botnet: one guess from each of 12 addresses
			w.signIn(w.d, email, "guess", fmt.Sprintf("203.0.113.%d", i), casedesk.EUNAUTHORIZED, 0)
		}
		// Past 10 free, the 11th and 12th failures: the account's delay is 2 s.
		w.signIn(w.d, email, "guess", "203.0.113.0", casedesk.ERATELIMIT, 2*time.Second)
		// The owner, from an address with no failure: checked, signed in.
		w.signIn(w.d, email, "admin-password", "198.51.100.7", "", 0)
		// The owner mistypes from another address: the 13th failure; that
		// address now waits 4 s from its own failure.
		w.clock.T = w.clock.T.Add(time.Second)
		w.signIn(w.d, email, "typo", "198.51.100.8", casedesk.EUNAUTHORIZED, 0)
		w.clock.T = w.clock.T.Add(time.Second)
		w.signIn(w.d, email, "admin-password", "198.51.100.8", casedesk.ERATELIMIT, 3*time.Second)
		w.clock.T = w.clock.T.Add(3 * time.Second)
		w.signIn(w.d, email, "admin-password", "198.51.100.8", "", 0)
		// The window passes: the account's failures are forgotten.
		w.clock.T = w.clock.T.Add(w.d.Policy().LoginWindow)
		w.signIn(w.d, email, "guess", "203.0.113.1", casedesk.EUNAUTHORIZED, 0)
		w.signIn(w.d, email, "guess", "203.0.113.1", casedesk.EUNAUTHORIZED, 0)
	})
}

// TestLoginThrottleAddress: an address trying many accounts is slowed, past
// 20 failures, for every account that has not signed in from it before;
// someone behind the same address whose account has signs in.
func TestLoginThrottleAddress(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		const nat = "192.0.2.1"
		w.signIn(w.d, "admin@elevated.test", "admin-password", nat, "", 0) // a regular behind the NAT
		w.clock.T = w.clock.T.Add(time.Minute)
		for i := range 21 {
			w.signIn(w.d, fmt.Sprintf("user%d@nowhere.test", i), "guess", nat, casedesk.EUNAUTHORIZED, 0)
		}
		w.signIn(w.d, "user99@nowhere.test", "guess", nat, casedesk.ERATELIMIT, time.Second)
		w.signIn(w.d, "admin@enterprise.test", "admin-password", nat, casedesk.ERATELIMIT, time.Second)
		w.signIn(w.d, "admin@elevated.test", "admin-password", nat, "", 0)
		w.signIn(w.d, "admin@enterprise.test", "admin-password", "192.0.2.2", "", 0) // other addresses are not slowed
		w.clock.T = w.clock.T.Add(time.Second)
		w.signIn(w.d, "user99@nowhere.test", "guess", nat, casedesk.EUNAUTHORIZED, 0)
		w.signIn(w.d, "user100@nowhere.test", "guess", nat, casedesk.ERATELIMIT, 2*time.Second)
	})
}
