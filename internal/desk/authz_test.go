package desk_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestAllowedAgreesWithVerbs: for every role in every kind of organization
// (including the combinations no real account has), each of desk.Allowed's
// abilities is true exactly when the verbs it stands for let the actor
// through, so the pages that ask Allowed cannot drift from desk.
func TestAllowedAgreesWithVerbs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		opTok, _, err := w.d.Login(ctx, "op@provider.test", testPassword, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		op, err := w.d.Authenticate(ctx, opTok, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		prov, err := w.d.ProviderOrganization(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A second partner, for grants made and revoked by the probe.
		p2 := &casedesk.Organization{Kind: casedesk.OrgPartner, Name: "P2", Country: "CN"}
		if err := w.d.CreateOrganization(ctx, op, p2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.d.CreateUser(ctx, op, w.p.ID, desk.NewUser{Email: "puser@test.example", Name: "P user", Role: casedesk.RoleUser, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		w.actors["puser"] = w.login(t, "puser")
		w.actors["op"] = op

		// A resolved request of X, for the survey.
		r := w.open(t, "xadmin", w.x.ID)
		resolved := casedesk.StatusResolved
		if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: &resolved}); err != nil {
			t.Fatal(err)
		}

		// One signed-in user of each kind of organization: every role is
		// tried on a copy of it, so the actor is that organization's.
		base := map[casedesk.OrgKind]*casedesk.Actor{
			casedesk.OrgCustomer: w.actors["xuser"], casedesk.OrgPartner: w.actors["puser"], casedesk.OrgProvider: w.actors["agent"],
		}
		everyone := map[int64][]int64{} // the users of each organization, as the operator lists them
		for _, org := range []int64{w.x.ID, w.p.ID, prov.ID} {
			us, err := w.d.Users(ctx, op, org, store.UserFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range us {
				everyone[org] = append(everyone[org], u.ID)
			}
		}
		roles := []casedesk.Role{casedesk.RoleGlobalAdmin, casedesk.RoleBillingAdmin, casedesk.RoleSupportAdmin, casedesk.RoleUser,
			casedesk.RolePartnerAdmin, casedesk.RoleAgent, casedesk.RoleSupervisor, casedesk.RoleOperator}
		refused := func(err error) bool {
			c := code(err)
			return c == casedesk.EFORBIDDEN || c == casedesk.EUNAUTHORIZED
		}
		for _, kind := range []casedesk.OrgKind{casedesk.OrgCustomer, casedesk.OrgPartner, casedesk.OrgProvider} {
			for _, role := range roles {
				t.Run(string(kind)+"/"+string(role), func(t *testing.T) {
					b := base[kind]
					u := *b.User
					u.Role = role
					a := &casedesk.Actor{User: &u, OrgKind: kind, Delegated: b.Delegated, ClientIP: b.ClientIP}
					own := u.OrgID
					got := desk.Allowed(a)
					check := func(ability string, has, verbs bool, err error) {
						t.Helper()
						if has != verbs {
							t.Errorf("%s is %v, but the verbs say %v (%v)", ability, has, verbs, err)
						}
					}

					_, _, listErr := w.d.ListRequests(ctx, a, desk.ListFilter{})
					_, _, openErr := w.d.OpenRequest(ctx, a, desk.NewRequest{OrganizationID: w.x.ID}, "") // invalid: never opened
					check("OpenRequests", got.OpenRequests, !refused(listErr) && !refused(openErr), listErr)
					check("AskAdmin", got.AskAdmin, code(listErr) == casedesk.EFORBIDDEN &&
						strings.HasPrefix(casedesk.ErrorMessage(listErr), "Only your organization's administrators"), listErr)

					_, err := w.d.AnswerSurvey(ctx, a, r.Number, 5, "")
					check("AnswerSurvey", got.AnswerSurvey, !refused(err), err)

					_, qErr := w.d.Queue(ctx, a, desk.QueueAll, "", 10)
					_, fErr := w.d.ConsoleEventFilter(a)
					_, sErr := w.d.SavedFilters(ctx, a)
					check("WorkRequests", got.WorkRequests, !refused(qErr) && !refused(fErr) && !refused(sErr), qErr)

					_, err = w.d.UnreadNotifications(ctx, a)
					check("Inbox", got.Inbox, !refused(err), err)

					_, err = w.d.Supervisor(ctx, a)
					check("Supervise", got.Supervise, !refused(err), err)

					us, err := w.d.Users(ctx, a, own, store.UserFilter{Limit: 500})
					var ids []int64
					for _, u := range us {
						ids = append(ids, u.ID)
					}
					check("ViewOrganization", got.ViewOrganization, err == nil && slices.Equal(ids, everyone[own]), err)

					_, _, err = w.d.CreateUser(ctx, a, own, desk.NewUser{}) // invalid: never created
					check("ManageUsers", got.ManageUsers, !refused(err) && code(err) != casedesk.ENOTFOUND, err)

					g, err := w.d.GrantPartner(ctx, a, own, desk.NewGrant{PartnerID: p2.ID})
					check("GrantPartners", got.GrantPartners, err == nil, err)
					if err == nil {
						if err := w.d.RevokeGrant(ctx, a, own, g.ID); err != nil {
							t.Errorf("granted but cannot revoke: %v", err)
						}
					}

					orgs, err := w.d.Organizations(ctx, a, store.OrgFilter{Kind: casedesk.OrgCustomer})
					var customers []int64
					for _, o := range orgs {
						customers = append(customers, o.ID)
					}
					check("ActForCustomers", got.ActForCustomers, err == nil && len(a.Delegated) > 0 && slices.Equal(customers, a.Delegated), err)

					o, err := w.d.Organization(ctx, a, own)
					check("OwnCustomer", got.OwnCustomer, err == nil && o.Kind == casedesk.OrgCustomer, err)

					err = w.d.CreatePlan(ctx, a, &casedesk.Plan{}) // invalid: never created
					_, _, polErr := w.d.SetSLAPolicy(ctx, a, []byte("{}"))
					check("Administer", got.Administer, !refused(err) && !refused(polErr), err)
				})
			}
		}

		if got := desk.Allowed(&casedesk.Actor{}); got != (desk.Abilities{}) {
			t.Errorf("anonymous: %+v, want nothing", got)
		}
	})
}
