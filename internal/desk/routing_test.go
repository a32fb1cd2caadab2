package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestRouting: a triaged request goes to an agent on shift (by their
// region's calendar) who speaks its language and covers its category, with
// the least load; if nobody on shift speaks it, to the on-shift pool flagged
// for a translator; a severity-A request on 24/7 coverage is assigned even
// when nobody is on shift.
func TestRouting(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		prov, _ := db.ProviderOrganization(ctx)
		// The world's default agent takes nothing: give it a skill no request has.
		skills := []string{"none"}
		if _, err := w.d.UpdateUser(ctx, w.op, prov.ID, w.ag.User.ID, desk.UserPatch{Skills: &skills}); err != nil {
			t.Fatal(err)
		}
		sup := supervisor(t, w)
		mk := func(email string, langs, regions, skills []string) *casedesk.User {
			u, _, err := w.d.CreateUser(ctx, w.op, prov.ID, desk.NewUser{Email: email, Name: email, Role: casedesk.RoleAgent,
				Password: "agent-password", Languages: langs, Regions: regions, Skills: skills})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		de1 := mk("de1@p.test", []string{"de", "en"}, []string{"DE"}, []string{"technical"})
		de2 := mk("de2@p.test", []string{"de"}, []string{"DE"}, []string{"technical"})
		ja := mk("ja@p.test", []string{"ja"}, []string{"JP"}, nil)
		billing := mk("billing@p.test", []string{"de"}, []string{"DE"}, []string{"billing"})

		open := func(org, lang string, cat casedesk.Category, s casedesk.Severity) *casedesk.Request {
			t.Helper()
			r, _, err := w.d.OpenRequest(ctx, w.admins[org], desk.NewRequest{Category: cat, Title: "t", Description: "d", Language: lang}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.d.UpdateRequest(ctx, sup, r.Number, desk.RequestPatch{Severity: sev(s)}); err != nil { // a supervisor's triage dispatches
				t.Fatal(err)
			}
			got, _ := w.d.Request(ctx, w.ag, r.Number)
			return got
		}
		assignee := func(r *casedesk.Request) int64 {
			if r.AssigneeID == nil {
				return 0
			}
			return *r.AssigneeID
		}
		// Monday 09:00 UTC: 10:00 in Berlin (on shift), 18:00 in Tokyo (off).
		r1 := open("business", "de", casedesk.CategoryTechnical, casedesk.SeverityB)
		if assignee(r1) != de1.ID {
			t.Fatalf("first German request went to %d, want de1 %d", assignee(r1), de1.ID)
		}
		r2 := open("business", "de-DE", casedesk.CategoryTechnical, casedesk.SeverityB)
		if assignee(r2) != de2.ID {
			t.Fatalf("second went to %d, want the less loaded de2 %d", assignee(r2), de2.ID)
		}
		r3 := open("business", "de", casedesk.CategoryBilling, casedesk.SeverityC)
		if assignee(r3) != billing.ID {
			t.Fatalf("billing request went to %d, want %d", assignee(r3), billing.ID)
		}
		// Japanese while Tokyo is closed: a German-speaking agent on shift, flagged.
		r4 := open("enterprise", "ja", casedesk.CategoryTechnical, casedesk.SeverityB)
		if a := assignee(r4); a != de1.ID && a != de2.ID {
			t.Fatalf("Japanese request off Tokyo hours went to %d", a)
		}
		hist, _ := w.d.History(ctx, w.ag, r4.Number)
		flagged := false
		for _, e := range hist {
			flagged = flagged || strings.Contains(e.Field, "translator needed")
		}
		if !flagged {
			t.Fatal("no translator flag in the history")
		}
		// Wednesday 02:00 UTC: 11:00 in Tokyo, 03:00 in Berlin (Tuesday 3 November is a Japanese holiday).
		w.clock.T = monday.Add(2*24*time.Hour + 17*time.Hour)
		r5 := open("enterprise", "ja", casedesk.CategoryTechnical, casedesk.SeverityB)
		if assignee(r5) != ja.ID {
			t.Fatalf("Japanese request in Tokyo hours went to %d, want %d", assignee(r5), ja.ID)
		}
		// Saturday 02:00 UTC: nobody on shift. A B request waits; an A on 24/7 is assigned.
		w.clock.T = monday.Add(4*24*time.Hour + 17*time.Hour)
		if r := open("enterprise", "de", casedesk.CategoryTechnical, casedesk.SeverityB); assignee(r) != 0 {
			t.Fatalf("B request assigned outside every shift to %d", assignee(r))
		}
		if r := open("enterprise", "de", casedesk.CategoryTechnical, casedesk.SeverityA); assignee(r) == 0 {
			t.Fatal("an A request on 24/7 coverage was left unassigned outside business hours")
		}
	})
}

// TestTierRouting: first-tier requests go to first-tier engineers only;
// escalating routes to an on-shift tier-2 engineer who speaks the language
// and covers the group, with the least load; a transfer routes within the
// new group at the request's tier; with no tier-2 engineer on shift the
// request waits unassigned in the tier-2 pool, flagged, unless it is a
// severity-A request on 24/7 coverage.
func TestTierRouting(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		prov, _ := db.ProviderOrganization(ctx)
		skills := []string{"none"} // the world's default agent takes nothing
		if _, err := w.d.UpdateUser(ctx, w.op, prov.ID, w.ag.User.ID, desk.UserPatch{Skills: &skills}); err != nil {
			t.Fatal(err)
		}
		sup := supervisor(t, w)
		mk := func(email string, langs, regions, skills []string) *casedesk.User {
			t.Helper()
			u, _, err := w.d.CreateUser(ctx, w.op, prov.ID, desk.NewUser{Email: email, Name: email, Role: casedesk.RoleAgent,
				Password: "agent-password", Languages: langs, Regions: regions, Skills: skills})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Made first, so that they would win every tie if tiers did not count.
		t2de := mk("t2de@p.test", []string{"de", "en"}, []string{"DE"}, []string{"technical", casedesk.SkillTier2})
		t2ja := mk("t2ja@p.test", []string{"ja"}, []string{"JP"}, []string{"technical", casedesk.SkillTier2})
		t2bill := mk("t2bill@p.test", []string{"de"}, []string{"DE"}, []string{"billing", casedesk.SkillTier2})
		t1 := mk("t1@p.test", []string{"de", "en"}, []string{"DE"}, []string{"technical"})
		t1bill := mk("t1bill@p.test", []string{"de"}, []string{"DE"}, []string{"billing"})

		open := func(org, lang string, s casedesk.Severity) *casedesk.Request {
			t.Helper()
			r, _, err := w.d.OpenRequest(ctx, w.admins[org], desk.NewRequest{Category: casedesk.CategoryTechnical, Title: "t", Description: "d", Language: lang}, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.d.UpdateRequest(ctx, sup, r.Number, desk.RequestPatch{Severity: sev(s)}); err != nil { // a supervisor's triage dispatches
				t.Fatal(err)
			}
			got, _ := w.d.Request(ctx, w.ag, r.Number)
			return got
		}
		assignee := func(r *casedesk.Request) int64 {
			if r.AssigneeID == nil {
				return 0
			}
			return *r.AssigneeID
		}
		historyHas := func(r *casedesk.Request, kind casedesk.EventKind) bool {
			t.Helper()
			hist, err := w.d.History(ctx, w.ag, r.Number)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range hist {
				if e.Kind == kind {
					return true
				}
			}
			return false
		}
		escalate := func(r *casedesk.Request) *casedesk.Request {
			t.Helper()
			got, err := w.d.Escalate(ctx, w.ag, r.Number, "Tried the usual; needs a senior engineer.")
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		inPool := func(r *casedesk.Request) bool {
			t.Helper()
			q, err := w.d.Queue(ctx, w.ag, desk.QueueTier2, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range q {
				if e.ID == r.ID {
					return true
				}
			}
			return false
		}

		// Monday 09:00 UTC: 10:00 in Berlin, 18:00 in Tokyo.
		r := open("business", "de", casedesk.SeverityB)
		if assignee(r) != t1.ID {
			t.Fatalf("first-tier request went to %d, want the tier-1 engineer %d", assignee(r), t1.ID)
		}
		r = escalate(r)
		if assignee(r) != t2de.ID {
			t.Fatalf("escalated request went to %d, want the on-shift German tier-2 engineer %d", assignee(r), t2de.ID)
		}
		if tier, _ := w.d.Tier(ctx, w.ag, r.Number); tier != 2 || historyHas(r, "unrouted") || inPool(r) {
			t.Fatalf("escalated and assigned: tier %d, flagged or in the pool", tier)
		}
		// A transfer keeps the tier and routes within the new group.
		r, err := w.d.Transfer(ctx, w.ag, r.Number, casedesk.CategoryBilling, "It is about the invoice after all.")
		if err != nil {
			t.Fatal(err)
		}
		if assignee(r) != t2bill.ID {
			t.Fatalf("tier-2 transfer to billing went to %d, want the tier-2 billing engineer %d", assignee(r), t2bill.ID)
		}
		r1 := open("business", "de", casedesk.SeverityC)
		if r1, err = w.d.Transfer(ctx, w.ag, r1.Number, casedesk.CategoryBilling, "Billing question."); err != nil {
			t.Fatal(err)
		}
		if assignee(r1) != t1bill.ID {
			t.Fatalf("tier-1 transfer to billing went to %d, want the tier-1 billing engineer %d", assignee(r1), t1bill.ID)
		}
		// Japanese while Tokyo is closed: the German tier-2 engineer, flagged for a translator.
		ja := escalate(open("enterprise", "ja", casedesk.SeverityB))
		if assignee(ja) != t2de.ID {
			t.Fatalf("Japanese escalation off Tokyo hours went to %d, want %d", assignee(ja), t2de.ID)
		}
		// Wednesday 02:00 UTC: 11:00 in Tokyo, 03:00 in Berlin.
		w.clock.T = monday.Add(2*24*time.Hour + 17*time.Hour)
		ja = escalate(open("enterprise", "ja", casedesk.SeverityB))
		if assignee(ja) != t2ja.ID {
			t.Fatalf("Japanese escalation in Tokyo hours went to %d, want %d", assignee(ja), t2ja.ID)
		}
		// Saturday 02:00 UTC: no tier-2 engineer on shift.
		w.clock.T = monday.Add(4*24*time.Hour + 17*time.Hour)
		pool := escalate(open("enterprise", "de", casedesk.SeverityB))
		if assignee(pool) != 0 || !historyHas(pool, "unrouted") || !inPool(pool) {
			t.Fatalf("off-shift escalation: assigned to %d, flagged %v, in the pool %v", assignee(pool), historyHas(pool, "unrouted"), inPool(pool))
		}
		// A severity-A request on 24/7 coverage is never left unassigned.
		a := escalate(open("enterprise", "de", casedesk.SeverityA))
		if u := assignee(a); u != t2de.ID && u != t2ja.ID {
			t.Fatalf("an A escalation on 24/7 coverage went to %d, want a tier-2 engineer", u)
		}
		// Taking it from the pool empties the flag's queue.
		if _, err := w.d.Assign(ctx, w.ag, pool.Number, w.ag.User.ID); err != nil {
			t.Fatal(err)
		}
		if inPool(pool) {
			t.Fatal("a taken request stays in the tier-2 pool")
		}
	})
}

// supervisor adds a supervisor who dispatches by triage and takes no
// request themselves (a skill no request has).
func supervisor(t *testing.T, w *world) *casedesk.Actor {
	t.Helper()
	prov, _ := w.db.ProviderOrganization(context.Background())
	u, _, err := w.d.CreateUser(context.Background(), w.op, prov.ID, desk.NewUser{Email: "sup@p.test", Name: "Sup", Role: casedesk.RoleSupervisor,
		Password: "supervisor-password", Skills: []string{"none"}})
	if err != nil {
		t.Fatal(err)
	}
	return &casedesk.Actor{User: u, OrgKind: casedesk.OrgProvider}
}

// TestAgentKeepsWork: an agent who triages, answers or logs a call on an
// unassigned request becomes its assignee, and routing takes it from
// nobody: a supervisor's triage of a request an agent answered leaves it
// with that agent; an internal note takes nothing; a supervisor's triage
// of an untouched request dispatches it.
func TestAgentKeepsWork(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sup := supervisor(t, w)
		prov, _ := db.ProviderOrganization(ctx)
		other, _, err := w.d.CreateUser(ctx, w.op, prov.ID, desk.NewUser{Email: "other@p.test", Name: "Other", Role: casedesk.RoleAgent,
			Password: "agent-password", Languages: []string{"en"}})
		if err != nil {
			t.Fatal(err)
		}
		// Load the world's agent so that routing would prefer the other one.
		for range 2 {
			r := w.open("enterprise", "")
			w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		}
		assignee := func(r *casedesk.Request) int64 {
			t.Helper()
			got, err := w.d.Request(ctx, w.ag, r.Number)
			if err != nil || got.AssigneeID == nil {
				return 0
			}
			return *got.AssigneeID
		}

		// An agent triages: theirs, though routing would pick the other.
		r := w.open("enterprise", "")
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		if assignee(r) != w.ag.User.ID {
			t.Fatalf("triaged by the agent, assigned to %d", assignee(r))
		}
		// An agent answers before triage, a supervisor triages: it stays.
		r = w.open("enterprise", "")
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "looking"}); err != nil {
			t.Fatal(err)
		}
		if assignee(r) != w.ag.User.ID {
			t.Fatalf("answered by the agent, assigned to %d", assignee(r))
		}
		if _, err := w.d.UpdateRequest(ctx, sup, r.Number, desk.RequestPatch{Severity: sev(casedesk.SeverityB)}); err != nil {
			t.Fatal(err)
		}
		if assignee(r) != w.ag.User.ID {
			t.Fatalf("routing took the answered request to %d", assignee(r))
		}
		// A logged call on an unassigned request, and a call logged as a new request.
		r = w.open("enterprise", "")
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "called", Kind: casedesk.MessagePhone}); err != nil {
			t.Fatal(err)
		}
		if assignee(r) != w.ag.User.ID {
			t.Fatalf("call logged by the agent, assigned to %d", assignee(r))
		}
		r, _, err = w.d.OpenRequest(ctx, w.ag, desk.NewRequest{OrganizationID: w.orgs["enterprise"].ID, Category: "technical", Title: "t", Description: "d",
			Channel: casedesk.ChannelPhone, Severity: casedesk.SeverityB}, "")
		if err != nil {
			t.Fatal(err)
		}
		if assignee(r) != w.ag.User.ID {
			t.Fatalf("phone request logged by the agent, assigned to %d", assignee(r))
		}
		// A note is not work that keeps; the supervisor's triage dispatches.
		r = w.open("enterprise", "")
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "note", Internal: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.UpdateRequest(ctx, sup, r.Number, desk.RequestPatch{Severity: sev(casedesk.SeverityB)}); err != nil {
			t.Fatal(err)
		}
		if assignee(r) != other.ID {
			t.Fatalf("supervisor's triage dispatched to %d, want the less loaded %d", assignee(r), other.ID)
		}
		// An answer by a supervisor, or by an agent on someone else's request, takes nothing.
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "helping"}); err != nil {
			t.Fatal(err)
		}
		if assignee(r) != other.ID {
			t.Fatalf("an answer took the request to %d", assignee(r))
		}
		r = w.open("enterprise", "")
		if _, err := w.d.AddMessage(ctx, sup, r.Number, desk.NewMessage{Body: "on it"}); err != nil {
			t.Fatal(err)
		}
		if assignee(r) != 0 {
			t.Fatalf("a supervisor's answer assigned the request to %d", assignee(r))
		}
	})
}
