package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNavigationAsksDesk: the links and forms each viewer is offered are
// those desk.Allowed grants them, for every kind of user; and every home
// page opens (a partner's plain user included).
func TestNavigationAsksDesk(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		tok, _, err := e.desk.Login(ctx, "operator@contoso.test", password, "127.0.0.1")
		must(t, err == nil, "operator login: %v", err)
		op, err := e.desk.Authenticate(ctx, tok, "127.0.0.1")
		must(t, err == nil, "operator: %v", err)
		prov, err := e.desk.ProviderOrganization(ctx)
		must(t, err == nil, "provider: %v", err)
		for _, u := range []struct {
			key  string
			org  int64
			role casedesk.Role
		}{{"sam", prov.ID, casedesk.RoleSupervisor}, {"otto", prov.ID, casedesk.RoleOperator}, {"paul", e.partner.ID, casedesk.RoleUser}} {
			nu, _, err := e.desk.CreateUser(ctx, op, u.org, desk.NewUser{Email: u.key + "@example.test", Name: u.key, Role: u.role, Password: password})
			must(t, err == nil, "create %s: %v", u.key, err)
			e.users[u.key] = nu
		}
		for _, key := range []string{"agent", "sam", "otto", "anna", "markus", "thomas", "wei", "priya", "paul"} {
			can := desk.Allowed(e.actor(key))
			c := e.client()
			c.signIn(key)
			st, home := c.get("/")
			must(t, st == http.StatusOK, "%s: home %d", key, st)
			for _, l := range []struct {
				what   string
				offers bool
				mark   string
			}{
				{"requests", can.OpenRequests, `<li><a href="/requests/new"`},
				{"organization", can.ViewOrganization, `<li><a href="/organization"`},
				{"console", can.WorkRequests, `id="nav-console"`},
				{"notifications", can.Inbox, `id="nav-notifications"`},
			} {
				must(t, strings.Contains(home, l.mark) == l.offers, "%s: link to %s shown %v, desk says %v", key, l.what, !l.offers, l.offers)
			}
			if !can.ViewOrganization {
				continue
			}
			st, org := c.get("/organization")
			must(t, st == http.StatusOK, "%s: organization %d", key, st)
			must(t, strings.Contains(org, `id="invite"`) == can.ManageUsers, "%s: invite form, desk says %v", key, can.ManageUsers)
			must(t, strings.Contains(org, `id="grant-submit"`) == can.GrantPartners, "%s: grant form, desk says %v", key, can.GrantPartners)
		}
	})
}
