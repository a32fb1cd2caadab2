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
			w.patch(r, desk.RequestPatch{Severity: sev(s)})
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
