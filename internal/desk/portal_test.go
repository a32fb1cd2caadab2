package desk_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

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

func TestSurveyOnceAfterResolution(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		r := w.open(t, "xadmin", w.x.ID)
		if _, err := w.d.AnswerSurvey(ctx, w.actors["xadmin"], r.Number, 5, ""); code(err) != casedesk.ECONFLICT {
			t.Fatalf("survey before resolution: %v", err)
		}
		st := casedesk.StatusResolved
		if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: &st}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			as     string
			rating int
			want   string
		}{{"yadmin", 5, casedesk.ENOTFOUND}, {"xuser", 5, casedesk.EFORBIDDEN}, {"agent", 5, casedesk.EFORBIDDEN}, {"xadmin", 0, casedesk.EINVALID}, {"xadmin", 6, casedesk.EINVALID}} {
			if _, err := w.d.AnswerSurvey(ctx, w.actors[c.as], r.Number, c.rating, ""); code(err) != c.want {
				t.Errorf("%s rating %d: %v, want %s", c.as, c.rating, err, c.want)
			}
		}
		if _, err := w.d.AnswerSurvey(ctx, w.actors["partner"], r.Number, 4, "good"); err != nil {
			t.Fatalf("partner answers on behalf: %v", err)
		}
		if _, err := w.d.AnswerSurvey(ctx, w.actors["xadmin"], r.Number, 2, "again"); code(err) != casedesk.ECONFLICT {
			t.Fatalf("second answer: %v", err)
		}
		s, err := w.d.Survey(ctx, w.actors["xadmin"], r.Number)
		if err != nil || s == nil || s.Rating != 4 || s.Comment != "good" {
			t.Fatalf("survey = %+v, %v", s, err)
		}
		if _, err := w.d.Survey(ctx, w.actors["yadmin"], r.Number); code(err) != casedesk.ENOTFOUND {
			t.Fatalf("another tenant reads the survey: %v", err)
		}
	})
}

func TestCallbacks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		r := w.open(t, "xadmin", w.x.ID)
		if _, err := w.d.RequestCallback(ctx, w.actors["xadmin"], r.Number, " ", ""); code(err) != casedesk.EINVALID {
			t.Fatalf("no phone: %v", err)
		}
		if _, err := w.d.RequestCallback(ctx, w.actors["yadmin"], r.Number, "+1 555", ""); code(err) != casedesk.ENOTFOUND {
			t.Fatalf("other tenant: %v", err)
		}
		if _, err := w.d.RequestCallback(ctx, w.actors["xadmin"], r.Number, "+49 89 1", "mornings"); err != nil {
			t.Fatal(err)
		}
		cbs, err := w.d.Callbacks(ctx, w.actors["agent"], r.Number)
		if err != nil || len(cbs) != 1 || cbs[0].Phone != "+49 89 1" || cbs[0].PreferredTime != "mornings" {
			t.Fatalf("callbacks = %+v, %v", cbs, err)
		}
		evs, err := w.d.History(ctx, w.actors["xadmin"], r.Number)
		if err != nil || evs[0].Kind != "callback" {
			t.Fatalf("history: %+v %v", evs, err)
		}
	})
}

func TestPasswordResetLink(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		secret, u, err := w.d.RequestPasswordReset(ctx, "nobody@test.example", "10.0.0.1")
		if err != nil || secret != "" || u != nil {
			t.Fatalf("unknown address: %q %v %v", secret, u, err)
		}
		secret, u, err = w.d.RequestPasswordReset(ctx, "XAdmin@test.example", "10.0.0.1")
		if err != nil || secret == "" || u.Email != "xadmin@test.example" {
			t.Fatalf("reset: %q %v %v", secret, u, err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "short"); code(err) != casedesk.EINVALID {
			t.Fatalf("weak password: %v", err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, "cdr_forged", "a-good-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("forged link: %v", err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "a-good-new-password"); err != nil {
			t.Fatal(err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "another-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("second use: %v", err)
		}
		if _, _, err := w.d.Login(ctx, "xadmin@test.example", "a-good-new-password", "10.0.0.1"); err != nil {
			t.Fatalf("sign in with the new password: %v", err)
		}
		// Expired links do not work.
		secret, _, _ = w.d.RequestPasswordReset(ctx, "xuser@test.example", "10.0.0.1")
		w.clock.Add(desk.PasswordResetTTL + time.Second)
		if err := w.d.ResetPasswordWithLink(ctx, secret, "a-good-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("expired link: %v", err)
		}
		// At most three links an hour per account, quietly.
		for i := range 4 {
			s, _, err := w.d.RequestPasswordReset(ctx, "yadmin@test.example", "10.0.0.2")
			if err != nil || (s == "") != (i == 3) {
				t.Fatalf("link %d: %q %v", i, s, err)
			}
		}
	})
}

func TestSupportPhones(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newPortalWorld(t, db)
		ctx := context.Background()
		numbers := func(country, lang string, trial bool) []string {
			ps, err := w.d.SupportPhones(ctx, country, lang, trial)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Number)
			}
			return out
		}
		if got := numbers("DE", "de", false); len(got) != 2 {
			t.Errorf("Germany in German: %v", got)
		}
		if got := numbers("DE", "en", false); len(got) != 1 || got[0] != "+49 800 555 0199" {
			t.Errorf("Germany in English: %v", got)
		}
		if got := numbers("BR", "pt", true); len(got) != 2 || got[0] != "+1 425 555 0100" || got[1] != "+1 800 555 0142" {
			t.Errorf("a country without its own line, with the trial line: %v", got)
		}
		if got := numbers("CN", "zh-CN", true); len(got) != 3 || got[2] != "+86 400 555 0142" {
			t.Errorf("China with its own trial line: %v", got)
		}
	})
}

func TestNamesAndRecentRequests(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		r := w.open(t, "partner", w.x.ID)
		old := w.open(t, "xadmin", w.x.ID)
		w.open(t, "yadmin", w.y.ID)
		closed := casedesk.StatusClosed
		if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], old.Number, desk.RequestPatch{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		users, orgs, err := w.d.Names(ctx, w.actors["xadmin"], w.x.ID,
			[]int64{r.OpenedByID, old.OpenedByID, w.actors["yadmin"].User.ID}, []int64{*r.OnBehalfOfOrgID, w.y.ID})
		if err != nil {
			t.Fatal(err)
		}
		if users[r.OpenedByID] != "Name partner" || users[old.OpenedByID] != "Name xadmin" || users[w.actors["yadmin"].User.ID] != "" {
			t.Errorf("user names: %v (Y's admin never acted on X's requests)", users)
		}
		if orgs[w.p.ID] != "P" || orgs[w.y.ID] != "" {
			t.Errorf("organization names: %v", orgs)
		}
		if _, _, err := w.d.Names(ctx, w.actors["yadmin"], w.x.ID, []int64{1}, nil); code(err) != casedesk.ENOTFOUND {
			t.Errorf("names of another tenant: %v", err)
		}
		if _, _, err := w.d.Names(ctx, w.actors["xuser"], w.x.ID, []int64{1}, nil); code(err) != casedesk.EFORBIDDEN {
			t.Errorf("names for a plain user: %v", err)
		}
		list := func(since time.Time) int {
			rs, _, err := w.d.RecentRequests(ctx, w.actors["xadmin"], desk.ListFilter{}, since)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		w.clock.Add(31 * 24 * time.Hour)
		if n := list(w.clock.Now().Add(-30 * 24 * time.Hour)); n != 1 {
			t.Errorf("open and recently closed after 31 days: %d, want the open one", n)
		}
		if n := list(w.clock.Now().Add(-40 * 24 * time.Hour)); n != 2 {
			t.Errorf("with a 40-day window: %d, want 2", n)
		}
		if rs, _, err := w.d.RecentRequests(ctx, w.actors["partner"], desk.ListFilter{OrgID: w.y.ID}, w.clock.Now()); err != nil || len(rs) != 0 {
			t.Errorf("partner lists an organization that did not delegate: %d %v", len(rs), err)
		}
	})
}

func TestRecentRequestsMergeAndPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		a := w.open(t, "xadmin", w.x.ID)
		b := w.open(t, "xadmin", w.x.ID)
		c := w.open(t, "xadmin", w.x.ID)
		d := w.open(t, "xadmin", w.x.ID)
		closed := casedesk.StatusClosed
		for _, r := range []*casedesk.Request{b, d} {
			if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
		since := w.clock.Now().Add(-time.Hour)
		var got []string
		cursor := ""
		for range 3 {
			rs, next, err := w.d.RecentRequests(ctx, w.actors["xadmin"], desk.ListFilter{Limit: 3, Cursor: cursor}, since)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				got = append(got, r.Number)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		want := []string{d.Number, c.Number, b.Number, a.Number}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("pages: %v, want %v (active and recently closed merged, newest first)", got, want)
		}
		rs, _, err := w.d.RecentRequests(ctx, w.actors["xadmin"], desk.ListFilter{}, w.clock.Now().Add(time.Hour))
		if err != nil || len(rs) != 2 || rs[0].Number != c.Number || rs[1].Number != a.Number {
			t.Fatalf("only the active ones when nothing changed since: %v", rs)
		}
	})
}
