package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/demo"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// cheap hashes the demo passwords quickly; the command keeps the default.
var cheap = auth.Params{Memory: 1024, Time: 1, Threads: 1}

func TestSeed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		blobs, err := blob.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)
		opts := demo.Options{Now: now, PasswordParams: &cheap}
		start := time.Now()
		res, err := demo.Seed(ctx, db, blobs, opts)
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		t.Logf("seeded in %s: %d requests, %d messages", time.Since(start), res.Requests, res.Messages)
		if !res.Seeded || len(res.Accounts) != len(demo.Accounts()) || res.Requests < 250 {
			t.Fatalf("result = %+v", res)
		}

		customers, err := db.Organizations(ctx, store.AllOrgs, store.OrgFilter{Kind: casedesk.OrgCustomer})
		if err != nil {
			t.Fatal(err)
		}
		if len(customers) != 5 {
			t.Fatalf("%d customer organizations, want 5", len(customers))
		}
		for _, o := range customers {
			users, err := db.Users(ctx, store.OrgScope(o.ID), store.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			roles := map[casedesk.Role]int{}
			for _, u := range users {
				roles[u.Role]++
			}
			want := map[casedesk.Role]int{casedesk.RoleGlobalAdmin: 1, casedesk.RoleSupportAdmin: 1, casedesk.RoleBillingAdmin: 1, casedesk.RoleUser: 1}
			if len(users) != 4 || len(roles) != len(want) {
				t.Errorf("%s: users by role %v, want one of each of %v", o.Name, roles, want)
			}
			subs, err := db.Subscriptions(ctx, store.OrgScope(o.ID))
			if err != nil || len(subs) == 0 {
				t.Errorf("%s: subscriptions %v, %v", o.Name, subs, err)
			}
			if o.Country == "" || o.TimeZone == "UTC" {
				t.Errorf("%s: country %q, time zone %q", o.Name, o.Country, o.TimeZone)
			}
		}
		partners, err := db.Organizations(ctx, store.AllOrgs, store.OrgFilter{Kind: casedesk.OrgPartner})
		if err != nil || len(partners) != 1 {
			t.Fatalf("partners %v, %v", partners, err)
		}
		grants, err := db.Grants(ctx, store.OrgScope(partners[0].ID), true)
		if err != nil || len(grants) != 2 {
			t.Fatalf("partner grants %d, %v; want 2", len(grants), err)
		}

		byStatus := group(t, db, "SELECT status, COUNT(*) FROM requests GROUP BY status")
		for _, s := range []casedesk.Status{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed} {
			if byStatus[string(s)] < 5 {
				t.Errorf("%d requests %s, want at least 5 (all: %v)", byStatus[string(s)], s, byStatus)
			}
		}
		bySeverity := group(t, db, "SELECT severity, COUNT(*) FROM requests GROUP BY severity")
		for _, s := range []string{"A", "B", "C", ""} {
			if bySeverity[s] < 5 {
				t.Errorf("%d requests of severity %q, want at least 5 (all: %v)", bySeverity[s], s, bySeverity)
			}
		}
		unsetNew := count(t, db, "SELECT COUNT(*) FROM requests WHERE status = 'new' AND severity = '' AND org_id <> (SELECT id FROM organizations WHERE kind = 'provider')")
		byChannel := group(t, db, "SELECT channel, COUNT(*) FROM requests GROUP BY channel")
		if unsetNew == 0 || byChannel["web"] == 0 || byChannel["api"] == 0 || byChannel["phone"] == 0 {
			t.Errorf("untriaged new customer requests %d, channels %v", unsetNew, byChannel)
		}
		before := counts(t, db)
		if before["requests"] < 250 || before["notes"] == 0 || before["events"] < before["requests"] || before["onbehalf"] == 0 || before["presales"] == 0 {
			t.Errorf("counts %v", before)
		}
		events := group(t, db, "SELECT kind, COUNT(*) FROM events GROUP BY kind")
		for _, k := range []string{"created", "status", "severity", "assignee", "message", "note", "phone", "reopened"} {
			if events[k] == 0 {
				t.Errorf("no %q events (all: %v)", k, events)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND e.kind = 'created')"); n != 0 {
			t.Errorf("%d requests without a created event", n)
		}
		end, old := now.UnixMicro(), now.Add(-14*24*time.Hour).UnixMicro()
		if n := count(t, db, "SELECT COUNT(*) FROM events WHERE at > $1", end); n != 0 {
			t.Errorf("%d events after the end of the history", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM requests WHERE created_at < $1", now.Add(-42*24*time.Hour).UnixMicro()); n < 20 {
			t.Errorf("%d requests older than six weeks; the history should span about eight", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM requests WHERE status = 'closed' AND closed_at < $1", old); n == 0 {
			t.Error("no request closed more than 14 days ago")
		}

		// A demo account signs in with the documented password.
		pol := desk.DefaultPolicy()
		pol.PasswordParams = cheap
		d := desk.New(db, blobs, desk.Options{Clock: &casedesk.FixedClock{T: now}, Policy: &pol})
		for _, email := range []string{demo.OperatorEmail, "markus.weber@fabrikam.demo", "priya.patel@proseware.demo"} {
			if _, _, err := d.Login(ctx, email, demo.Password, "192.0.2.1"); err != nil {
				t.Errorf("login %s: %v", email, err)
			}
		}

		// Seeding again adds nothing and returns the same accounts.
		again, err := demo.Seed(ctx, db, blobs, opts)
		if err != nil {
			t.Fatalf("second seed: %v", err)
		}
		if again.Seeded || len(again.Accounts) != len(res.Accounts) {
			t.Errorf("second seed = %+v", again)
		}
		after := counts(t, db)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("second seed changed %s: %d -> %d", k, v, after[k])
			}
		}
	})
}

// A data directory with somebody else's deployment is not seeded over.
func TestSeedRefusesForeignProvider(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	pol := desk.DefaultPolicy()
	pol.PasswordParams = cheap
	d := desk.New(db, nil, desk.Options{Policy: &pol})
	if _, err := d.Bootstrap(ctx, "Real Provider", "admin@real.example", "Admin", "a-long-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, nil, demo.Options{PasswordParams: &cheap}); err == nil {
		t.Fatal("seeding over another provider succeeded")
	}
	if n := count(t, db, "SELECT COUNT(*) FROM organizations"); n != 1 {
		t.Fatalf("%d organizations after a refused seed", n)
	}
}

// A seeding cut short is not mistaken for a complete demo the next time.
func TestSeedInterrupted(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	opts := demo.Options{PasswordParams: &cheap}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := demo.Seed(ctx, db, nil, opts); err == nil {
		t.Skip("seeding finished before the deadline")
	}
	_, started := db.ProviderOrganization(context.Background())
	_, err := demo.Seed(context.Background(), db, nil, opts)
	switch {
	case started == nil && err == nil:
		t.Fatal("an interrupted demo was taken for a complete one")
	case started != nil && err != nil:
		t.Fatalf("seeding after an interruption before anything was written: %v", err)
	}
}

func counts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	return map[string]int{
		"organizations": count(t, db, "SELECT COUNT(*) FROM organizations"),
		"users":         count(t, db, "SELECT COUNT(*) FROM users"),
		"subscriptions": count(t, db, "SELECT COUNT(*) FROM subscriptions"),
		"grants":        count(t, db, "SELECT COUNT(*) FROM partner_grants"),
		"requests":      count(t, db, "SELECT COUNT(*) FROM requests"),
		"presales":      count(t, db, "SELECT COUNT(*) FROM requests WHERE prospect_email <> ''"),
		"onbehalf":      count(t, db, "SELECT COUNT(*) FROM requests WHERE on_behalf_of_org_id IS NOT NULL"),
		"messages":      count(t, db, "SELECT COUNT(*) FROM messages"),
		"notes":         count(t, db, "SELECT COUNT(*) FROM messages WHERE internal"),
		"events":        count(t, db, "SELECT COUNT(*) FROM events"),
		"attachments":   count(t, db, "SELECT COUNT(*) FROM attachments"),
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func group(t *testing.T, db *store.DB, q string) map[string]int {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
