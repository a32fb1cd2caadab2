package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/live/livetest"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/web"
)

const password = "test-password-1"

// clock is a settable clock that is safe to read from the server's
// goroutines while a test moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a small world behind a running portal: the provider with an agent;
// Fabrikam (Business Premium, Germany) with a global admin, a support admin
// and a plain user; Yunfan (Enterprise E3 and elevated support, China) whose
// admin works in Chinese; the partner Proseware, delegated by Fabrikam.
type env struct {
	t        testing.TB
	clock    *clock
	db       *store.DB
	desk     *desk.Desk
	srv      *httptest.Server
	logs     *logBuffer
	links    *linkRecorder
	log      *slog.Logger
	fabrikam *casedesk.Organization
	yunfan   *casedesk.Organization
	partner  *casedesk.Organization
	users    map[string]*casedesk.User
	actors   map[string]*casedesk.Actor
}

// logBuffer keeps the log lines for tests that read them (that no secret is
// in them).
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// linkRecorder stands for mail: it keeps the reset links sent, by address.
type linkRecorder struct {
	mu    sync.Mutex
	links map[string][]string
}

func (l *linkRecorder) SendResetLink(_ context.Context, u *casedesk.User, link string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.links == nil {
		l.links = map[string][]string{}
	}
	l.links[u.Email] = append(l.links[u.Email], link)
	return nil
}

// last returns the last link sent to email, or "".
func (l *linkRecorder) last(email string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ls := l.links[email]; len(ls) > 0 {
		return ls[len(ls)-1]
	}
	return ""
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	return newEnvMail(t, db, false)
}

// newEnvMail is newEnv with outbound mail on or off (desk.Options.Mail):
// with it on, account mails go to the outbox.
func newEnvMail(t testing.TB, db *store.DB, mail bool) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, db: db, clock: &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}, logs: &logBuffer{},
		users: map[string]*casedesk.User{}, actors: map[string]*casedesk.Actor{}}
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	pol.AttachmentLimit = 1 << 20
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.log = log
	e.desk = desk.New(db, blobs, desk.Options{Clock: e.clock, Policy: &pol, Logger: log, Mail: mail})
	// The portal's public URL is the test server's, known once it listens.
	var h http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)
	e.links = &linkRecorder{}
	h = web.New(e.desk, log, web.Options{Clock: e.clock, BaseURL: e.srv.URL, ResetLinks: e.links}).Handler()

	op, err := e.desk.Bootstrap(ctx, "Contoso Cloud", "operator@contoso.test", "Olga Operator", password)
	if err != nil {
		t.Fatal(err)
	}
	opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	e.users["operator"] = op
	mkOrg := func(kind casedesk.OrgKind, name, country, tz, lang string) *casedesk.Organization {
		o := &casedesk.Organization{Kind: kind, Name: name, Country: country, TimeZone: tz, Language: lang}
		if err := e.desk.CreateOrganization(ctx, opA, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.fabrikam = mkOrg(casedesk.OrgCustomer, "Fabrikam GmbH", "DE", "Europe/Berlin", "de")
	e.yunfan = mkOrg(casedesk.OrgCustomer, "云帆科技", "CN", "Asia/Shanghai", "zh-CN")
	e.partner = mkOrg(casedesk.OrgPartner, "Proseware Solutions", "GB", "Europe/London", "en")
	provider, err := db.ProviderOrganization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mkUser := func(key, name string, org *casedesk.Organization, role casedesk.Role, lang, tz string) {
		u, _, err := e.desk.CreateUser(ctx, opA, org.ID, desk.NewUser{Email: key + "@example.test", Name: name, Role: role,
			Password: password, Language: lang, TimeZone: tz})
		if err != nil {
			t.Fatal(err)
		}
		e.users[key] = u
	}
	mkUser("agent", "Emily Carter", provider, casedesk.RoleAgent, "en", "America/Chicago")
	mkUser("anna", "Anna Schmidt", e.fabrikam, casedesk.RoleGlobalAdmin, "en", "Europe/Berlin")
	mkUser("markus", "Markus Weber", e.fabrikam, casedesk.RoleSupportAdmin, "en", "Europe/Berlin")
	mkUser("thomas", "Thomas Müller", e.fabrikam, casedesk.RoleUser, "en", "Europe/Berlin")
	mkUser("wei", "张伟", e.yunfan, casedesk.RoleGlobalAdmin, "zh-CN", "Asia/Shanghai")
	mkUser("priya", "Priya Patel", e.partner, casedesk.RolePartnerAdmin, "en", "Europe/London")
	for _, s := range []struct {
		org  *casedesk.Organization
		plan string
	}{{e.fabrikam, "business-premium"}, {e.yunfan, "e3"}, {e.yunfan, "elevated-support"}} {
		if err := e.desk.AddSubscription(ctx, opA, s.org.ID, &casedesk.Subscription{PlanCode: s.plan, Seats: 50}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.desk.GrantPartner(ctx, e.actor("anna"), e.fabrikam.ID, desk.NewGrant{PartnerID: e.partner.ID}); err != nil {
		t.Fatal(err)
	}
	return e
}

// actor signs the user in through desk and returns their actor.
func (e *env) actor(key string) *casedesk.Actor {
	e.t.Helper()
	ctx := context.Background()
	tok, _, err := e.desk.Login(ctx, e.users[key].Email, password, "127.0.0.1")
	if err != nil {
		e.t.Fatalf("login %s: %v", key, err)
	}
	a, err := e.desk.Authenticate(ctx, tok, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// openRequest opens a request through desk as the user.
func (e *env) openRequest(as string, org int64, title string) *casedesk.Request {
	e.t.Helper()
	r, _, err := e.desk.OpenRequest(context.Background(), e.actor(as), desk.NewRequest{OrganizationID: org,
		Category: casedesk.CategoryTechnical, Title: title, Description: "It does not work.", Product: "mail"}, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// client is a browser-like HTTP client with its own cookies.
type client struct {
	e   *env
	c   *http.Client
	url string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, url: e.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a page and returns its status and body, following redirects.
func (c *client) get(path string) (int, string) {
	c.e.t.Helper()
	for range 5 {
		resp, err := c.c.Get(c.url + path)
		if err != nil {
			c.e.t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
			path = loc
			continue
		}
		return resp.StatusCode, string(b)
	}
	c.e.t.Fatalf("too many redirects at %s", path)
	return 0, ""
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// post sends a form from the page at from (for its token) and returns the
// status and the body of the answer after redirects.
func (c *client) post(from, path string, form url.Values) (int, string) {
	c.e.t.Helper()
	_, page := c.get(from)
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		c.e.t.Fatalf("no form token on %s", from)
	}
	form.Set("csrf_token", m[1])
	return c.postRaw(path, form)
}

func (c *client) postRaw(path string, form url.Values) (int, string) {
	c.e.t.Helper()
	resp, err := c.c.PostForm(c.url+path, form)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		return c.get(loc)
	}
	return resp.StatusCode, string(b)
}

// signIn signs the client in as the user.
func (c *client) signIn(key string) {
	c.e.t.Helper()
	st, body := c.post("/signin", "/signin", url.Values{"email": {c.e.users[key].Email}, "password": {password}})
	if st != http.StatusOK || strings.Contains(body, `id="signin"`) {
		c.e.t.Fatalf("sign in as %s: %d\n%s", key, st, body)
	}
}

// startRelay runs d's live relay until the test ends and returns once it
// has caught up: every change committed after that reaches d's subscribers.
func startRelay(t testing.TB, d *desk.Desk) { t.Helper(); livetest.Run(t, d.Relay()) }
