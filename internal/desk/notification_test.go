package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestTAMNotifications: the technical account manager of an organization
// with elevated support gets a stored notification, written with the change,
// when one of its requests is opened, has its severity set or changed, is
// escalated, or is warned or breached by the SLA; not for other
// organizations, not for their own changes, and not after they stop being
// account manager. Each lives on the event stream too. Only staff who work
// requests read an inbox, and only their own.
func TestTAMNotifications(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		prov, _ := db.ProviderOrganization(ctx)
		staff := func(email string, role casedesk.Role) *casedesk.Actor {
			t.Helper()
			u, _, err := w.d.CreateUser(ctx, w.op, prov.ID, desk.NewUser{Email: email, Name: email, Role: role, Password: "staff-password",
				Skills: []string{"none"}}) // routing gives them nothing
			if err != nil {
				t.Fatal(err)
			}
			return &casedesk.Actor{User: u, OrgKind: casedesk.OrgProvider}
		}
		sup := staff("sup@p.test", casedesk.RoleSupervisor)
		tam := staff("tam@p.test", casedesk.RoleAgent)
		elevated := w.orgs["elevated"].ID
		if err := w.d.SetTAM(ctx, sup, elevated, tam.User.ID); err != nil {
			t.Fatal(err)
		}
		events, stop := w.d.Events().Subscribe(256)
		defer stop()
		startRelay(t, w.d) // PostgreSQL: events come back through it

		inbox := func(unread bool) []*store.Notification {
			t.Helper()
			ns, _, err := w.d.Notifications(ctx, tam, unread, "", 200)
			if err != nil {
				t.Fatal(err)
			}
			return ns
		}
		kinds := func() []string {
			var out []string
			for _, n := range inbox(false) {
				out = append(out, string(n.Kind)+":"+n.Detail)
			}
			return out
		}

		// Opened with the customer's own severity (elevated support), and on the live stream.
		r, _, err := w.d.OpenRequest(ctx, w.admins["elevated"], desk.NewRequest{Category: "technical", Title: "Mail down", Description: "d",
			Severity: casedesk.SeverityB}, "")
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.After(20 * time.Second)
	live:
		for {
			select {
			case e := <-events:
				if e.Kind == "created" && e.Number == r.Number {
					if len(e.Notify) != 1 || e.Notify[0] != tam.User.ID {
						t.Fatalf("the created event notifies %v, want the account manager %d", e.Notify, tam.User.ID)
					}
					break live
				}
			case <-deadline:
				t.Fatal("the created event was not published")
			}
		}
		if got := inbox(true); len(got) != 1 || got[0].Kind != "created" || got[0].Number != r.Number || got[0].Title != "Mail down" ||
			got[0].OrgName != "elevated" || got[0].ReadAt != nil {
			t.Fatalf("after opening: %+v", got)
		}
		// Another organization's request notifies nobody.
		w.open("enterprise", "")
		// The agent changes the severity (with the reason elevated support needs); the account manager's own change is silent.
		if _, err := w.d.UpdateRequest(ctx, w.ag, r.Number, desk.RequestPatch{Severity: sev(casedesk.SeverityA), Reason: "Whole sales team down"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.UpdateRequest(ctx, tam, r.Number, desk.RequestPatch{Severity: sev(casedesk.SeverityA)}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.Escalate(ctx, w.ag, r.Number, "Transport rules look corrupted."); err != nil {
			t.Fatal(err)
		}
		// A: 1 hour, warned before. Both alerts fire, notified at their true instants.
		due := w.due(r)
		if _, err := w.d.FireDue(ctx, due.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		got := kinds()
		want := []string{"sla_breach:initial_response", "sla_warn:initial_response", "escalated:", "severity:A", "created:"}
		if len(got) != len(want) {
			t.Fatalf("inbox %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("inbox %v, want %v", got, want)
			}
		}
		if n := inbox(false)[0]; !n.CreatedAt.Equal(due) {
			t.Errorf("the breach is dated %s, want its instant %s", n.CreatedAt, due)
		}
		if n, err := w.d.UnreadNotifications(ctx, tam); err != nil || n != 5 {
			t.Fatalf("unread %d, %v", n, err)
		}

		// Only staff who work requests have an inbox, and only their own.
		for _, a := range []*casedesk.Actor{w.admins["elevated"], w.op} {
			if _, _, err := w.d.Notifications(ctx, a, false, "", 0); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s reads an inbox: %v", a.User.Role, err)
			}
			if _, err := w.d.MarkNotificationsRead(ctx, a, nil, true); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s marks an inbox: %v", a.User.Role, err)
			}
		}
		// The supervisor on shift hears of every warning and breach (issue
		// 13) — this request's and the other organization's untriaged one,
		// held to the strictest target (issue 12) — in lines of their own,
		// never the account manager's.
		mine := map[int64]bool{}
		for _, n := range inbox(false) {
			mine[n.ID] = true
		}
		ns, _, _ := w.d.Notifications(ctx, sup, false, "", 0)
		var got2 []string
		for _, n := range ns {
			got2 = append(got2, n.Number+" "+string(n.Kind))
			if mine[n.ID] {
				t.Errorf("the supervisor sees the account manager's notification %d", n.ID)
			}
		}
		if len(ns) != 4 || !slices.Contains(got2, r.Number+" sla_breach") || !slices.Contains(got2, r.Number+" sla_warn") {
			t.Errorf("the supervisor's inbox: %v, want both requests' breach and warning", got2)
		}
		first := inbox(false)[4].ID
		if _, err := w.d.MarkNotificationsRead(ctx, sup, []int64{first}, false); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Errorf("the supervisor marks another's notification: %v", err)
		}
		if n, _ := w.d.UnreadNotifications(ctx, tam); n != 5 {
			t.Fatalf("another's mark changed the inbox: %d unread", n)
		}
		// Paging, marking one, then all.
		page, next, err := w.d.Notifications(ctx, tam, false, "", 2)
		if err != nil || len(page) != 2 || next == "" {
			t.Fatalf("first page: %d, %q, %v", len(page), next, err)
		}
		if rest, next, _ := w.d.Notifications(ctx, tam, false, next, 10); len(rest) != 3 || next != "" || rest[0].ID >= page[1].ID {
			t.Fatalf("second page: %d, %q", len(rest), next)
		}
		if n, err := w.d.MarkNotificationsRead(ctx, tam, []int64{first, first}, false); err != nil || n != 1 {
			t.Fatalf("mark one: %d, %v", n, err)
		}
		if got := inbox(true); len(got) != 4 {
			t.Fatalf("unread after marking one: %d", len(got))
		}
		if n, err := w.d.MarkNotificationsRead(ctx, tam, nil, true); err != nil || n != 4 {
			t.Fatalf("mark all: %d, %v", n, err)
		}
		if n, _ := w.d.UnreadNotifications(ctx, tam); n != 0 {
			t.Fatalf("unread after marking all: %d", n)
		}
		// No longer account manager: no more notifications.
		if err := w.d.SetTAM(ctx, sup, elevated, 0); err != nil {
			t.Fatal(err)
		}
		w.open("elevated", casedesk.SeverityC)
		if n, _ := w.d.UnreadNotifications(ctx, tam); n != 0 {
			t.Fatalf("a former account manager was notified: %d", n)
		}
	})
}
