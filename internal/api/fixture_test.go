package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

const password = "test-password-1"

// fixture is a small world: the provider with an agent, a supervisor and an operator;
// customer X with a global admin and a plain user; customer Y with a global
// admin; partner P delegated by X; partner R whose grant from X was revoked.
type fixture struct {
	t      testing.TB
	clock  *casedesk.FixedClock
	db     *store.DB
	desk   *desk.Desk
	srv    *httptest.Server
	api    *api.Server
	x, y   *casedesk.Organization
	p, r   *casedesk.Organization
	tokens map[string]string // role name → bearer token
	users  map[string]*casedesk.User
	actors map[string]*casedesk.Actor
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, clock: &casedesk.FixedClock{T: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
		tokens: map[string]string{}, users: map[string]*casedesk.User{}, actors: map[string]*casedesk.Actor{}}
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	pol.AttachmentLimit = 64 << 10
	f.desk = desk.New(db, blobs, desk.Options{Clock: f.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.api = api.New(f.desk, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{})
	f.srv = httptest.NewServer(f.api.Handler())
	t.Cleanup(f.srv.Close)

	op, err := f.desk.Bootstrap(ctx, "Provider", "operator@provider.test", "Olga Operator", password)
	if err != nil {
		t.Fatal(err)
	}
	f.addActor("operator", op, casedesk.OrgProvider)
	opA := f.actors["operator"]
	mkOrg := func(kind casedesk.OrgKind, name string) *casedesk.Organization {
		o := &casedesk.Organization{Kind: kind, Name: name, Country: "DE", TimeZone: "Europe/Berlin", Language: "de"}
		if err := f.desk.CreateOrganization(ctx, opA, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.x, f.y = mkOrg(casedesk.OrgCustomer, "xsecret Corp"), mkOrg(casedesk.OrgCustomer, "Y Corp")
	f.p, f.r = mkOrg(casedesk.OrgPartner, "P Partners"), mkOrg(casedesk.OrgPartner, "R Resellers")
	mkUser := func(name string, org *casedesk.Organization, role casedesk.Role) {
		u, _, err := f.desk.CreateUser(ctx, opA, org.ID, desk.NewUser{Email: name + "@" + "test.example", Name: name, Role: role, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		f.addActor(name, u, org.Kind)
	}
	provider, _ := db.ProviderOrganization(ctx)
	mkUser("agent", provider, casedesk.RoleAgent)
	mkUser("supervisor", provider, casedesk.RoleSupervisor)
	mkUser("admin", f.x, casedesk.RoleGlobalAdmin)
	mkUser("supportadmin", f.x, casedesk.RoleSupportAdmin)
	mkUser("user", f.x, casedesk.RoleUser)
	mkUser("otheradmin", f.y, casedesk.RoleGlobalAdmin)
	mkUser("partner", f.p, casedesk.RolePartnerAdmin)
	mkUser("revokedpartner", f.r, casedesk.RolePartnerAdmin)
	for _, s := range []struct {
		org  *casedesk.Organization
		plan string
	}{{f.x, "e3"}, {f.y, "business"}} {
		if err := f.desk.AddSubscription(ctx, opA, s.org.ID, &casedesk.Subscription{PlanCode: s.plan, Seats: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.desk.GrantPartner(ctx, f.actors["admin"], f.x.ID, desk.NewGrant{PartnerID: f.p.ID}); err != nil {
		t.Fatal(err)
	}
	g, err := f.desk.GrantPartner(ctx, f.actors["admin"], f.x.ID, desk.NewGrant{PartnerID: f.r.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.desk.RevokeGrant(ctx, f.actors["admin"], f.x.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	for name := range f.users {
		f.tokens[name] = f.login(name)
	}
	// Refresh actors now that grants exist.
	for name, tok := range f.tokens {
		a, err := f.desk.Authenticate(ctx, tok, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		f.actors[name] = a
	}
	return f
}

func (f *fixture) addActor(name string, u *casedesk.User, kind casedesk.OrgKind) {
	f.users[name] = u
	f.actors[name] = &casedesk.Actor{User: u, OrgKind: kind}
}

func (f *fixture) login(name string) string {
	f.t.Helper()
	var out struct{ Token string }
	st := f.do("", "POST", "/api/v1/auth/login", map[string]string{"email": f.users[name].Email, "password": password}, &out)
	if st != 200 || out.Token == "" {
		f.t.Fatalf("login %s: %d", name, st)
	}
	return out.Token
}

// openRequest opens a request in org as the named actor, through desk.
func (f *fixture) openRequest(as string, org int64, title string) *casedesk.Request {
	f.t.Helper()
	r, _, err := f.desk.OpenRequest(context.Background(), f.actors[as], desk.NewRequest{OrganizationID: org, Category: "technical",
		Title: title, Description: "details", Product: "mail"}, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// do sends a JSON request as the role ("" for anonymous) and decodes the
// answer into out when given. It returns the status.
func (f *fixture) do(role, method, path string, body any, out any) int {
	f.t.Helper()
	res := f.raw(role, method, path, body, nil)
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

func (f *fixture) raw(role, method, path string, body any, hdr map[string]string) *http.Response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}
