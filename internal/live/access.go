package live

import (
	"context"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk/internal/store"
)

// accessChannel is the PostgreSQL notification channel on which instances
// tell each other that someone's access changed.
const accessChannel = "casedesk_access"

// Change says whose access may have changed: a user's (signed out, a token
// revoked, deactivated, a new role or password), or that of everyone whose
// own or delegated organization is Org (a partner grant revoked). The zero
// Change means anyone's: a Relay that was not listening may have missed
// changes.
type Change struct {
	User, Org int64
}

// Concerns reports whether c may change the access of the user of org with
// the delegated customers.
func (c Change) Concerns(user, org int64, delegated []int64) bool {
	switch {
	case c == Change{}:
		return true
	case c.User != 0 && c.User == user:
		return true
	case c.Org != 0 && c.Org == org:
		return true
	}
	for _, id := range delegated {
		if c.Org != 0 && c.Org == id {
			return true
		}
	}
	return false
}

// payload is c as a notification payload: "<user> <org>".
func (c Change) payload() string {
	return strconv.FormatInt(c.User, 10) + " " + strconv.FormatInt(c.Org, 10)
}

// parseChange reads a payload back; one it cannot read is the zero Change,
// which concerns everyone.
func parseChange(p string) Change {
	u, o, _ := strings.Cut(p, " ")
	user, err1 := strconv.ParseInt(u, 10, 64)
	org, err2 := strconv.ParseInt(o, 10, 64)
	if err1 != nil || err2 != nil {
		return Change{}
	}
	return Change{User: user, Org: org}
}

// AnnounceAccess makes every instance's broker hear of c once tx commits
// (Broker.WatchAccess): on PostgreSQL by a notification that each Relay
// passes on, on SQLite by telling b after the commit.
func AnnounceAccess(ctx context.Context, tx *store.Tx, b *Broker, c Change) error {
	if tx.Engine() == store.Postgres {
		return tx.Notify(ctx, accessChannel, c.payload())
	}
	tx.AfterCommit(func() { b.AccessChanged(c) })
	return nil
}
