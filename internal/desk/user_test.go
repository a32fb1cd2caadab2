package desk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestCreateUserDiscovery: a customer admin adding an email that has an
// account in another organization gets the answer a free email gets and
// creates nothing; an email already in their own organization is a
// conflict on email; staff learn the truth; an email that only looks like
// a colleague's or a staff member's is refused on email.
func TestCreateUserDiscovery(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		admin := w.admins["enterprise"]
		org := admin.User.OrgID
		add := func(a *casedesk.Actor, email string) (*casedesk.User, string, error) {
			return w.d.CreateUser(ctx, a, org, desk.NewUser{Email: email, Name: "New", Role: casedesk.RoleUser})
		}
		free, freeTemp, err := add(admin, "free@enterprise.test")
		if err != nil || free.ID == 0 || freeTemp == "" {
			t.Fatalf("a free email: %+v %q %v", free, freeTemp, err)
		}
		used, usedTemp, err := add(admin, "Admin@Business.test")
		if err != nil || used.ID != 0 || usedTemp == "" || len(usedTemp) != len(freeTemp) || used.Email != "admin@business.test" {
			t.Fatalf("an email of another organization: %+v %q %v", used, usedTemp, err)
		}
		// Nothing was created, nothing changed: the owner is where they were.
		if u, _, err := db.UserByEmail(ctx, "admin@business.test"); err != nil || u.OrgID != w.orgs["business"].ID || u.ID != w.admins["business"].User.ID {
			t.Fatalf("the other organization's user: %+v %v", u, err)
		}
		users, err := w.d.Users(ctx, admin, org, store.UserFilter{})
		if err != nil || len(users) != 2 {
			t.Fatalf("users of the organization: %d, %v", len(users), err)
		}
		if _, _, err := w.d.Login(ctx, "admin@business.test", usedTemp, "192.0.2.1"); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("the one-time password of an invitation that created nothing signs in: %v", err)
		}

		for _, tt := range []struct {
			name  string
			actor *casedesk.Actor
			email string
			code  string
		}{
			{"own organization", admin, "FREE@enterprise.test", casedesk.ECONFLICT},
			{"staff, another organization", w.op, "admin@business.test", casedesk.ECONFLICT},
			{"lookalike of a colleague (Cyrillic а)", admin, "\u0430dmin@enterprise.test", casedesk.EINVALID},
			{"lookalike of staff (Cyrillic о)", admin, "\u043ep@p.test", casedesk.EINVALID},
			{"lookalike of staff (Greek α)", admin, "\u03b1gent@p.test", casedesk.EINVALID},
		} {
			_, _, err := add(tt.actor, tt.email)
			lookalike := strings.Contains(casedesk.ErrorMessage(err), "look alike")
			if casedesk.ErrorCode(err) != tt.code || casedesk.ErrorField(err) != "email" || lookalike != (tt.code == casedesk.EINVALID) {
				t.Errorf("%s: %v, want %s on email", tt.name, err, tt.code)
			}
		}
		// A lookalike of another customer's user is not compared (a refusal
		// would tell that it exists): it is simply a new address.
		if u, _, err := add(admin, "\u0430dmin@business.test"); err != nil || u.ID == 0 {
			t.Fatalf("lookalike of another customer's address: %+v %v", u, err)
		}
	})
}
