package desk_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the worlds the tests of package desk run in.

// world: an operator, an agent, and three customers with admins: elevated
// (E3 + elevated support, China), enterprise (E3, US), business (Business, DE).
type world struct {
	t        *testing.T
	db       *store.DB
	clock    *casedesk.FixedClock
	d        *desk.Desk
	op, ag   *casedesk.Actor
	admins   map[string]*casedesk.Actor
	orgs     map[string]*casedesk.Organization
	blobsDir string
}

// Monday 2 November 2026, 09:00 UTC.
var monday = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{t: t, db: db, clock: &casedesk.FixedClock{T: monday}, admins: map[string]*casedesk.Actor{}, orgs: map[string]*casedesk.Organization{}, blobsDir: t.TempDir()}
	w.d = w.newDesk()
	ctx := context.Background()
	op, err := w.d.Bootstrap(ctx, "Provider", "op@p.test", "Op", "operator-password")
	if err != nil {
		t.Fatal(err)
	}
	w.op = &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	prov, _ := db.ProviderOrganization(ctx)
	ag, _, err := w.d.CreateUser(ctx, w.op, prov.ID, desk.NewUser{Email: "agent@p.test", Name: "Agent", Role: casedesk.RoleAgent, Password: "agent-password"})
	if err != nil {
		t.Fatal(err)
	}
	w.ag = &casedesk.Actor{User: ag, OrgKind: casedesk.OrgProvider}
	for _, c := range []struct {
		name, country string
		plans         []string
	}{{"elevated", "CN", []string{"e3", "elevated-support"}}, {"enterprise", "US", []string{"e3"}}, {"business", "DE", []string{"business"}}} {
		o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: c.name, Country: c.country}
		if err := w.d.CreateOrganization(ctx, w.op, o); err != nil {
			t.Fatal(err)
		}
		for _, p := range c.plans {
			if err := w.d.AddSubscription(ctx, w.op, o.ID, &casedesk.Subscription{PlanCode: p, Seats: 5}); err != nil {
				t.Fatal(err)
			}
		}
		u, _, err := w.d.CreateUser(ctx, w.op, o.ID, desk.NewUser{Email: "admin@" + c.name + ".test", Name: "Admin", Role: casedesk.RoleGlobalAdmin, Password: "admin-password"})
		if err != nil {
			t.Fatal(err)
		}
		w.orgs[c.name] = o
		w.admins[c.name] = &casedesk.Actor{User: u, OrgKind: casedesk.OrgCustomer}
	}
	return w
}

// newDesk returns another desk on the same database and clock: another
// casedesk instance.
func (w *world) newDesk() *desk.Desk {
	blobs, _ := blob.Open(w.blobsDir)
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	return desk.New(w.db, blobs, desk.Options{Clock: w.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func (w *world) open(org string, sev casedesk.Severity) *casedesk.Request {
	w.t.Helper()
	r, _, err := w.d.OpenRequest(context.Background(), w.admins[org], desk.NewRequest{Category: "technical", Title: "Mail down", Description: "d", Severity: sev}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) clocks(r *casedesk.Request) []desk.ClockView {
	w.t.Helper()
	cs, err := w.d.RequestClocks(context.Background(), w.ag, r.Number)
	if err != nil {
		w.t.Fatal(err)
	}
	return cs
}

func (w *world) due(r *casedesk.Request) time.Time {
	w.t.Helper()
	cs := w.clocks(r)
	if len(cs) == 0 || cs[len(cs)-1].DueAt == nil {
		w.t.Fatalf("request %s has no due time: %+v", r.Number, cs)
	}
	return *cs[len(cs)-1].DueAt
}

func (w *world) patch(r *casedesk.Request, p desk.RequestPatch) {
	w.t.Helper()
	if _, err := w.d.UpdateRequest(context.Background(), w.ag, r.Number, p); err != nil {
		w.t.Fatal(err)
	}
}

func sev(s casedesk.Severity) *casedesk.Severity { return &s }

func status(s casedesk.Status) *casedesk.Status { return &s }

func hasEvent(es []*casedesk.Event, kind casedesk.EventKind) bool {
	for _, e := range es {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

const testPassword = "test-password-1"

// portalWorld is a provider with an agent, customers X and Y with an admin
// each (and a plain user in X), and partner P delegated by X.
type portalWorld struct {
	d      *desk.Desk
	clock  *casedesk.FixedClock
	x, y   *casedesk.Organization
	p      *casedesk.Organization
	actors map[string]*casedesk.Actor
}

func newPortalWorld(t *testing.T, db *store.DB) *portalWorld {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	w := &portalWorld{clock: &casedesk.FixedClock{T: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}, actors: map[string]*casedesk.Actor{}}
	w.d = desk.New(db, blobs, desk.Options{Clock: w.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	op, err := w.d.Bootstrap(ctx, "Provider", "op@provider.test", "Op", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	mk := func(kind casedesk.OrgKind, name string) *casedesk.Organization {
		o := &casedesk.Organization{Kind: kind, Name: name, Country: "CN"}
		if err := w.d.CreateOrganization(ctx, opA, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.x, w.y, w.p = mk(casedesk.OrgCustomer, "X"), mk(casedesk.OrgCustomer, "Y"), mk(casedesk.OrgPartner, "P")
	prov, _ := db.ProviderOrganization(ctx)
	users := []struct {
		key  string
		org  *casedesk.Organization
		role casedesk.Role
	}{{"agent", prov, casedesk.RoleAgent}, {"xadmin", w.x, casedesk.RoleGlobalAdmin}, {"xuser", w.x, casedesk.RoleUser},
		{"yadmin", w.y, casedesk.RoleGlobalAdmin}, {"partner", w.p, casedesk.RolePartnerAdmin}}
	for _, u := range users {
		if _, _, err := w.d.CreateUser(ctx, opA, u.org.ID, desk.NewUser{Email: u.key + "@test.example", Name: "Name " + u.key, Role: u.role, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
	}
	xadmin := w.login(t, "xadmin")
	if _, err := w.d.GrantPartner(ctx, xadmin, w.x.ID, desk.NewGrant{PartnerID: w.p.ID}); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		w.actors[u.key] = w.login(t, u.key)
	}
	return w
}

func (w *portalWorld) login(t *testing.T, key string) *casedesk.Actor {
	t.Helper()
	ctx := context.Background()
	tok, _, err := w.d.Login(ctx, key+"@test.example", testPassword, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.d.Authenticate(ctx, tok, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *portalWorld) open(t *testing.T, as string, org int64) *casedesk.Request {
	t.Helper()
	r, _, err := w.d.OpenRequest(context.Background(), w.actors[as], desk.NewRequest{OrganizationID: org, Category: casedesk.CategoryTechnical,
		Title: "t", Description: "d"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func code(err error) string { return casedesk.ErrorCode(err) }
