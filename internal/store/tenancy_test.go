package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// tenants is organization B's data of every tenant-owned kind, and an
// organization A beside it whose scope must find none of it.
type tenants struct {
	a, b, partner *casedesk.Organization
	req           *casedesk.Request // B's, unassigned
	held          *casedesk.Request // B's, assigned to agent
	msg           *casedesk.Message
	att           *casedesk.Attachment
	clock         *store.ClockRow
	callback      *store.Callback
	sub           *casedesk.Subscription
	grant         *casedesk.PartnerGrant
	user          *casedesk.User // B's
	agent         *casedesk.User // the provider's
	event         *casedesk.Event
}

func mustTenants(t *testing.T, db *store.DB) *tenants {
	t.Helper()
	ctx := context.Background()
	f := &tenants{}
	prov := mustOrg(t, db, casedesk.OrgProvider, "P")
	f.a = mustOrg(t, db, casedesk.OrgCustomer, "A")
	f.b = mustOrg(t, db, casedesk.OrgCustomer, "B")
	f.partner = mustOrg(t, db, casedesk.OrgPartner, "Q")
	f.req = mustRequest(t, db, f.b.ID, "b's")
	b := store.OrgScope(f.b.ID)
	due := t0.Add(time.Hour)
	warn := t0.Add(30 * time.Minute)
	err := db.Write(ctx, func(tx *store.Tx) error {
		f.agent = &casedesk.User{OrgID: prov.ID, Email: "agent@p.example", Name: "Agent", Role: casedesk.RoleAgent, Active: true, CreatedAt: t0}
		if err := tx.CreateUser(ctx, store.OrgScope(prov.ID), f.agent, "x"); err != nil {
			return err
		}
		f.held = &casedesk.Request{OrgID: f.b.ID, Category: casedesk.CategoryTechnical, Title: "held", Description: "d",
			Status: casedesk.StatusOpen, Language: "en", ContactMethod: "email", Channel: casedesk.ChannelAPI, AssigneeID: &f.agent.ID,
			CreatedAt: t0, UpdatedAt: t0}
		if err := tx.CreateRequest(ctx, b, f.held); err != nil {
			return err
		}
		f.user = &casedesk.User{OrgID: f.b.ID, Email: "admin@b.example", Name: "B admin", Role: casedesk.RoleGlobalAdmin, Active: true, CreatedAt: t0}
		if err := tx.CreateUser(ctx, b, f.user, "x"); err != nil {
			return err
		}
		f.msg = &casedesk.Message{RequestID: f.req.ID, AuthorID: f.agent.ID, Body: "hello", Kind: "message", CreatedAt: t0}
		if err := tx.CreateMessage(ctx, b, f.msg); err != nil {
			return err
		}
		f.att = &casedesk.Attachment{RequestID: f.req.ID, UploaderID: f.user.ID, Name: "a.txt", ContentType: "text/plain", Size: 1, SHA256: "00", CreatedAt: t0}
		if err := tx.CreateAttachment(ctx, b, f.att); err != nil {
			return err
		}
		f.event = &casedesk.Event{RequestID: f.req.ID, OrgID: f.b.ID, ActorID: &f.agent.ID, Kind: "severity", Field: "severity", New: "A", At: t0}
		if err := tx.CreateEvent(ctx, b, f.event); err != nil {
			return err
		}
		f.clock = &store.ClockRow{RequestID: f.req.ID, OrgID: f.b.ID, Metric: "initial_response", OpenedAt: t0, PolicyVersion: 1,
			Family: "enterprise", Severity: "A", Coverage: "24x7", TargetKind: "minutes", TargetMinutes: 60, Pauses: "[]",
			DueAt: &due, WarnAt: &warn, UpdatedAt: t0}
		if err := tx.CreateClock(ctx, b, f.clock); err != nil {
			return err
		}
		if err := tx.CreateSurvey(ctx, b, &store.Survey{RequestID: f.req.ID, OrgID: f.b.ID, UserID: f.user.ID, Rating: 5, CreatedAt: t0}); err != nil {
			return err
		}
		f.callback = &store.Callback{RequestID: f.req.ID, OrgID: f.b.ID, UserID: f.user.ID, Phone: "+49 30 1", CreatedAt: t0}
		if err := tx.CreateCallback(ctx, b, f.callback); err != nil {
			return err
		}
		if err := tx.SetOutcome(ctx, b, &store.Outcome{RequestID: f.req.ID, OrgID: f.b.ID, Outcome: "out_of_scope", Reason: "network", ActorID: f.agent.ID, At: t0}); err != nil {
			return err
		}
		if err := tx.SetTier(ctx, b, f.req.ID, 2, t0); err != nil {
			return err
		}
		if err := tx.SetTAM(ctx, b, f.b.ID, f.agent.ID, t0); err != nil {
			return err
		}
		plan, err := tx.PlanByCode(ctx, "business")
		if err != nil {
			return err
		}
		f.sub = &casedesk.Subscription{OrgID: f.b.ID, PlanID: plan.ID, Seats: 5, StartsAt: t0, Status: casedesk.SubActive, CreatedAt: t0}
		if err := tx.CreateSubscription(ctx, b, f.sub); err != nil {
			return err
		}
		f.grant = &casedesk.PartnerGrant{CustomerID: f.b.ID, PartnerID: f.partner.ID, GrantedBy: f.user.ID, CreatedAt: t0}
		if err := tx.CreateGrant(ctx, b, f.grant); err != nil {
			return err
		}
		return tx.CreateNotification(ctx, b, &store.Notification{UserID: f.agent.ID, OrgID: f.b.ID, RequestID: f.req.ID,
			EventID: f.event.ID, Kind: "severity", CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every tenant-owned read finds B's rows within B's scope and AllOrgs, and
// none within A's scope or the zero Scope.
func TestScopedReadsFindNothingOfAnotherOrganization(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustTenants(t, db)
		now := t0.Add(2 * time.Hour)
		// Each read returns how many of B's rows it found.
		reads := []struct {
			name string
			read func(s store.Scope) (int, error)
		}{
			{"request", func(s store.Scope) (int, error) { return found(db.Request(ctx, s, f.req.ID)) }},
			{"requests", func(s store.Scope) (int, error) { return count(db.Requests(ctx, s, store.RequestFilter{})) }},
			{"recent requests", func(s store.Scope) (int, error) {
				return count(db.RecentRequests(ctx, s, store.RequestFilter{}, 0))
			}},
			{"messages", func(s store.Scope) (int, error) { return count(db.Messages(ctx, s, f.req.ID, true)) }},
			{"attachments", func(s store.Scope) (int, error) { return count(db.Attachments(ctx, s, f.req.ID, true)) }},
			{"attachment", func(s store.Scope) (int, error) { return found(db.Attachment(ctx, s, f.req.ID, f.att.ID)) }},
			{"events", func(s store.Scope) (int, error) {
				return count(db.Events(ctx, s, store.EventFilter{RequestID: f.req.ID, Internal: true}))
			}},
			{"events after", func(s store.Scope) (int, error) { return count(db.EventsAfter(ctx, s, 0, 100)) }},
			{"last severity actor", func(s store.Scope) (int, error) {
				_, ok, err := db.LastSeverityActor(ctx, s, f.req.ID)
				return boolCount(ok), err
			}},
			{"clocks", func(s store.Scope) (int, error) { return count(db.Clocks(ctx, s, f.req.ID)) }},
			{"running clocks", func(s store.Scope) (int, error) { return count(db.RunningClocks(ctx, s, 0, 100)) }},
			{"next alert", func(s store.Scope) (int, error) {
				_, ok, err := db.NextAlert(ctx, s)
				return boolCount(ok), err
			}},
			{"due alerts", func(s store.Scope) (int, error) { return count(db.DueAlerts(ctx, s, now, 100)) }},
			{"clock counts", func(s store.Scope) (int, error) {
				breached, atRisk, err := db.ClockCounts(ctx, s, now)
				return breached + atRisk, err
			}},
			{"due between", func(s store.Scope) (int, error) { return count(db.DueBetween(ctx, s, t0, now, 100)) }},
			{"queue", func(s store.Scope) (int, error) { return count(db.Queue(ctx, s, store.QueueFilter{Now: now})) }},
			{"tier pool", func(s store.Scope) (int, error) { return count(db.TierPool(ctx, s, "", 100)) }},
			{"active counts", func(s store.Scope) (int, error) {
				cs, err := db.ActiveCounts(ctx, s)
				n := 0
				for _, c := range cs {
					n += c.N
				}
				return n, err
			}},
			{"first staff response", func(s store.Scope) (int, error) {
				at, err := db.FirstStaffResponse(ctx, s, f.req.ID, t0)
				return boolCount(at != nil), err
			}},
			{"survey", func(s store.Scope) (int, error) { return found(db.Survey(ctx, s, f.req.ID)) }},
			{"surveys", func(s store.Scope) (int, error) { return count(db.OrgSurveys(ctx, s, 100)) }},
			{"callbacks", func(s store.Scope) (int, error) { return count(db.Callbacks(ctx, s, f.req.ID)) }},
			{"pending callbacks", func(s store.Scope) (int, error) { return count(db.PendingCallbacks(ctx, s, 100)) }},
			{"outcome", func(s store.Scope) (int, error) { return found(db.RequestOutcome(ctx, s, f.req.ID)) }},
			{"outcome counts", func(s store.Scope) (int, error) {
				m, err := db.OutcomeCounts(ctx, s, t0)
				return m["out_of_scope/network"], err
			}},
			{"tier", func(s store.Scope) (int, error) {
				tier, err := db.Tier(ctx, s, f.req.ID)
				return boolCount(tier == 2), err
			}},
			{"account manager", func(s store.Scope) (int, error) {
				id, err := db.TAM(ctx, s, f.b.ID)
				return boolCount(id != 0), err
			}},
			{"account manager's organizations", func(s store.Scope) (int, error) {
				ids, err := db.TAMOrgs(ctx, s, f.agent.ID)
				return len(ids), err
			}},
			{"agent loads", func(s store.Scope) (int, error) {
				loads, err := db.AgentLoads(ctx, s)
				return loads[f.agent.ID], err
			}},
			{"subscriptions", func(s store.Scope) (int, error) { return count(db.Subscriptions(ctx, s)) }},
			{"subscription", func(s store.Scope) (int, error) { return found(db.Subscription(ctx, s, f.sub.ID)) }},
			{"grants", func(s store.Scope) (int, error) { return count(db.Grants(ctx, s, false)) }},
			{"grant", func(s store.Scope) (int, error) { return found(db.Grant(ctx, s, f.grant.ID)) }},
			{"user", func(s store.Scope) (int, error) { return found(db.User(ctx, s, f.user.ID)) }},
			{"users", func(s store.Scope) (int, error) {
				us, err := db.Users(ctx, s, store.UserFilter{})
				n := 0
				for _, u := range us {
					n += boolCount(u.ID == f.user.ID)
				}
				return n, err
			}},
			{"organization", func(s store.Scope) (int, error) { return found(db.Organization(ctx, s, f.b.ID)) }},
			{"organizations", func(s store.Scope) (int, error) {
				os, err := db.Organizations(ctx, s, store.OrgFilter{Kind: casedesk.OrgCustomer})
				n := 0
				for _, o := range os {
					n += boolCount(o.ID == f.b.ID)
				}
				return n, err
			}},
			{"actor names", func(s store.Scope) (int, error) {
				users, _, err := db.ActorNames(ctx, s, []int64{f.user.ID}, nil)
				return len(users), err
			}},
			{"notifications", func(s store.Scope) (int, error) {
				return count(db.Notifications(ctx, s, f.agent.ID, store.NotificationFilter{}))
			}},
			{"unread notifications", func(s store.Scope) (int, error) { return db.UnreadNotifications(ctx, s, f.agent.ID) }},
			{"notified", func(s store.Scope) (int, error) {
				m, err := db.Notified(ctx, s, []int64{f.event.ID})
				return len(m[f.event.ID]), err
			}},
		}
		for _, r := range reads {
			t.Run(r.name, func(t *testing.T) {
				for _, sc := range []struct {
					name  string
					scope store.Scope
					sees  bool
				}{
					{"A", store.OrgScope(f.a.ID), false},
					{"A and the partner", store.OrgsScope([]int64{f.a.ID, f.partner.ID}), false},
					{"zero", store.Scope{}, false},
					{"B", store.OrgScope(f.b.ID), true},
					{"A and B", store.OrgsScope([]int64{f.a.ID, f.b.ID}), true},
					{"all", store.AllOrgs, true},
				} {
					n, err := r.read(sc.scope)
					if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
						n, err = 0, nil
					}
					if err != nil {
						t.Fatalf("scope %s: %v", sc.name, err)
					}
					if (n > 0) != sc.sees {
						t.Errorf("scope %s found %d of B's, want found = %v", sc.name, n, sc.sees)
					}
				}
			})
		}
	})
}

// Every tenant-owned write within A's scope on B's rows is ENOTFOUND (or,
// for MarkFired, false) and changes nothing; within B's it succeeds.
func TestScopedWritesTouchNothingOfAnotherOrganization(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustTenants(t, db)
		writes := []struct {
			name  string
			write func(tx *store.Tx, s store.Scope) error
		}{
			{"create request", func(tx *store.Tx, s store.Scope) error {
				r := *f.req
				return tx.CreateRequest(ctx, s, &r)
			}},
			{"update request", func(tx *store.Tx, s store.Scope) error { return tx.UpdateRequest(ctx, s, f.req) }},
			{"create message", func(tx *store.Tx, s store.Scope) error {
				return tx.CreateMessage(ctx, s, &casedesk.Message{RequestID: f.req.ID, Body: "x", Kind: "message", CreatedAt: t0})
			}},
			{"create attachment", func(tx *store.Tx, s store.Scope) error {
				a := *f.att
				return tx.CreateAttachment(ctx, s, &a)
			}},
			{"attach to message", func(tx *store.Tx, s store.Scope) error {
				return tx.SetAttachmentMessage(ctx, s, f.req.ID, f.att.ID, f.msg.ID)
			}},
			{"create event", func(tx *store.Tx, s store.Scope) error {
				return tx.CreateEvent(ctx, s, &casedesk.Event{RequestID: f.req.ID, OrgID: f.b.ID, Kind: "note", At: t0})
			}},
			{"create clock", func(tx *store.Tx, s store.Scope) error {
				c := *f.clock
				c.Metric = "resolution"
				return tx.CreateClock(ctx, s, &c)
			}},
			{"update clock", func(tx *store.Tx, s store.Scope) error { return tx.UpdateClock(ctx, s, f.clock) }},
			{"mark fired", func(tx *store.Tx, s store.Scope) error {
				ok, err := tx.MarkFired(ctx, s, f.clock.ID, "warn", *f.clock.WarnAt, t0)
				if err == nil && !ok {
					return casedesk.Errorf(casedesk.ENOTFOUND, "not marked")
				}
				return err
			}},
			{"create survey", func(tx *store.Tx, s store.Scope) error {
				return tx.CreateSurvey(ctx, s, &store.Survey{RequestID: f.held.ID, OrgID: f.b.ID, UserID: f.user.ID, Rating: 1, CreatedAt: t0})
			}},
			{"create callback", func(tx *store.Tx, s store.Scope) error {
				return tx.CreateCallback(ctx, s, &store.Callback{RequestID: f.req.ID, OrgID: f.b.ID, UserID: f.user.ID, Phone: "1", CreatedAt: t0})
			}},
			{"callback done", func(tx *store.Tx, s store.Scope) error { return tx.MarkCallbackDone(ctx, s, f.callback.ID, t0) }},
			{"set outcome", func(tx *store.Tx, s store.Scope) error {
				return tx.SetOutcome(ctx, s, &store.Outcome{RequestID: f.req.ID, OrgID: f.b.ID, Outcome: "out_of_scope", Reason: "addin", At: t0})
			}},
			{"set tier", func(tx *store.Tx, s store.Scope) error { return tx.SetTier(ctx, s, f.req.ID, 1, t0) }},
			{"set account manager", func(tx *store.Tx, s store.Scope) error { return tx.SetTAM(ctx, s, f.b.ID, f.user.ID, t0) }},
			{"create subscription", func(tx *store.Tx, s store.Scope) error {
				sub := *f.sub
				return tx.CreateSubscription(ctx, s, &sub)
			}},
			{"update subscription", func(tx *store.Tx, s store.Scope) error { return tx.UpdateSubscription(ctx, s, f.sub) }},
			{"create grant", func(tx *store.Tx, s store.Scope) error {
				g := *f.grant
				return tx.CreateGrant(ctx, s, &g)
			}},
			{"revoke grant", func(tx *store.Tx, s store.Scope) error { return tx.RevokeGrant(ctx, s, f.grant.ID, f.user.ID, t0) }},
			{"create user", func(tx *store.Tx, s store.Scope) error {
				return tx.CreateUser(ctx, s, &casedesk.User{OrgID: f.b.ID, Email: "new@b.example", Name: "New", Role: casedesk.RoleUser, CreatedAt: t0}, "x")
			}},
			{"update user", func(tx *store.Tx, s store.Scope) error { return tx.UpdateUser(ctx, s, f.user) }},
			{"set password", func(tx *store.Tx, s store.Scope) error { return tx.SetPassword(ctx, s, f.user.ID, "y", false) }},
			{"update organization", func(tx *store.Tx, s store.Scope) error { return tx.UpdateOrganization(ctx, s, f.b) }},
			{"create notification", func(tx *store.Tx, s store.Scope) error {
				return tx.CreateNotification(ctx, s, &store.Notification{UserID: f.agent.ID, OrgID: f.b.ID, RequestID: f.req.ID,
					EventID: f.event.ID, Kind: "severity", CreatedAt: t0})
			}},
			{"mark notifications read", func(tx *store.Tx, s store.Scope) error {
				n, err := tx.MarkNotificationsRead(ctx, s, f.agent.ID, nil, t0)
				if err == nil && n == 0 {
					return casedesk.Errorf(casedesk.ENOTFOUND, "none marked")
				}
				return err
			}},
		}
		for _, w := range writes {
			t.Run(w.name, func(t *testing.T) {
				before := snapshotB(t, db, f)
				for _, s := range []store.Scope{store.OrgScope(f.a.ID), {}} {
					err := db.Write(ctx, func(tx *store.Tx) error { return w.write(tx, s) })
					if casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
						t.Fatalf("outside the scope: err = %v, want not found", err)
					}
				}
				if after := snapshotB(t, db, f); after != before {
					t.Fatalf("a write outside the scope changed B's data:\nbefore %s\nafter  %s", before, after)
				}
				if err := db.Write(ctx, func(tx *store.Tx) error { return w.write(tx, store.OrgScope(f.b.ID)) }); err != nil {
					t.Fatalf("within B's scope: %v", err)
				}
			})
		}
	})
}

// snapshotB counts B's rows and records the fields the writes above change.
func snapshotB(t *testing.T, db *store.DB, f *tenants) string {
	t.Helper()
	ctx := context.Background()
	b := store.OrgScope(f.b.ID)
	var parts []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, v)
	}
	add(db.Requests(ctx, store.AllOrgs, store.RequestFilter{Limit: 100}))
	add(db.Messages(ctx, b, f.req.ID, true))
	add(db.Events(ctx, store.AllOrgs, store.EventFilter{Internal: true, Limit: 100}))
	add(db.Clocks(ctx, b, f.req.ID))
	add(db.Survey(ctx, b, f.req.ID))
	add(db.Survey(ctx, b, f.held.ID))
	add(db.Callbacks(ctx, b, f.req.ID))
	add(db.RequestOutcome(ctx, b, f.req.ID))
	add(db.Tier(ctx, b, f.req.ID))
	add(db.TAM(ctx, b, f.b.ID))
	add(db.Subscriptions(ctx, b))
	add(db.Grants(ctx, b, false))
	add(db.Users(ctx, store.AllOrgs, store.UserFilter{Limit: 100}))
	add(db.Organization(ctx, b, f.b.ID))
	add(db.Notifications(ctx, store.AllOrgs, f.agent.ID, store.NotificationFilter{}))
	return jsonOf(t, parts)
}

func found[T any](v *T, err error) (int, error) {
	if v == nil {
		return 0, err
	}
	return 1, err
}

func count[T any](vs []T, err error) (int, error) { return len(vs), err }

func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
