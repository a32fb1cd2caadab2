package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// The deadlines of the database-loss tests: small, so that an answer that
// comes at all came from a deadline and not from the outage ending.
const (
	lossStatementTimeout = 200 * time.Millisecond
	lossAcquireTimeout   = 200 * time.Millisecond
)

// TestDatabaseLossPostgres drives PostgreSQL (through a proxy) stopped,
// frozen and crashed: during each outage every call through the HTTP API
// answers 503 with a problem and Retry-After, /readyz is 503; once it
// ends, the first call succeeds, /readyz is 200, and every write
// acknowledged before, between and after the outages is there.
func TestDatabaseLossPostgres(t *testing.T) {
	u, proxy := storetest.PostgresThroughProxy(t)
	db := openLoss(t, store.Config{URL: u})
	s := newLossServer(t, db)
	for _, o := range []struct {
		name  string
		start func()
	}{{"stopped", proxy.Stop}, {"frozen", proxy.Freeze}, {"crashed", proxy.Crash}} {
		t.Run(o.name, func(t *testing.T) {
			s.outage(t, o.start, proxy.Resume, true)
		})
	}
	s.nothingLost(t)
}

// TestDatabaseLossSQLiteFull fills SQLite (max_page_count at the current
// size, SQLITE_FULL as on a full disk): writes answer 503 with Retry-After
// and /readyz 503 while reads go on; with room again, the first write
// succeeds, /readyz is 200, and nothing acknowledged is lost.
func TestDatabaseLossSQLiteFull(t *testing.T) {
	db := openLoss(t, store.Config{Dir: t.TempDir()})
	s := newLossServer(t, db)
	ctx := context.Background()
	s.outage(t, func() {
		if err := store.SetMaxPageCount(ctx, db, 1); err != nil {
			t.Fatal(err)
		}
	}, func() {
		if err := store.SetMaxPageCount(ctx, db, 1<<30); err != nil {
			t.Fatal(err)
		}
	}, false)
	s.nothingLost(t)
}

func openLoss(t *testing.T, cfg store.Config) *store.DB {
	t.Helper()
	cfg.StatementTimeout, cfg.AcquireTimeout = lossStatementTimeout, lossAcquireTimeout
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// lossServer is the API over a database, with a customer admin signed in,
// and the requests it acknowledged (number → title).
type lossServer struct {
	srv   *httptest.Server
	token string
	acked map[string]string
	n     int
}

func newLossServer(t *testing.T, db *store.DB) *lossServer {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	d := desk.New(db, blobs, desk.Options{Policy: &pol, Logger: quiet})
	op, err := d.Bootstrap(ctx, "Provider", "operator@provider.test", "Olga Operator", "test-password-1")
	if err != nil {
		t.Fatal(err)
	}
	opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	org := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "X Corp", Country: "DE", TimeZone: "Europe/Berlin", Language: "de"}
	if err := d.CreateOrganization(ctx, opA, org); err != nil {
		t.Fatal(err)
	}
	if err := d.AddSubscription(ctx, opA, org.ID, &casedesk.Subscription{PlanCode: "e3", Seats: 10}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.CreateUser(ctx, opA, org.ID, desk.NewUser{Email: "admin@x.test", Name: "Admin", Role: casedesk.RoleGlobalAdmin, Password: "test-password-1"}); err != nil {
		t.Fatal(err)
	}
	s := &lossServer{srv: httptest.NewServer(api.New(d, quiet, api.Options{}).Handler()), acked: map[string]string{}}
	t.Cleanup(s.srv.Close)
	var login struct{ Token string }
	if res := s.call(t, "POST", "/api/v1/auth/login", map[string]string{"email": "admin@x.test", "password": "test-password-1"}, &login); res.StatusCode != 200 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	s.token = login.Token
	return s
}

func (s *lossServer) call(t *testing.T, method, path string, body, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	res, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, res.StatusCode, b, err)
		}
	}
	return res
}

// create opens a request; its description is bigger than a page, so that
// storing it needs fresh pages. It returns the status and records the
// request when acknowledged.
func (s *lossServer) create(t *testing.T) (*http.Response, []byte) {
	t.Helper()
	s.n++
	title := fmt.Sprintf("request %d", s.n)
	var out json.RawMessage
	res := s.call(t, "POST", "/api/v1/requests", map[string]any{"category": "technical", "product": "mail",
		"title": title, "description": strings.Repeat("details ", 2048)}, &out)
	if res.StatusCode == http.StatusCreated {
		var r struct{ Number string }
		if err := json.Unmarshal(out, &r); err != nil || r.Number == "" {
			t.Fatalf("created request: %s", out)
		}
		s.acked[r.Number] = title
	}
	return res, out
}

// unavailable checks that res is the 503 problem with Retry-After.
func unavailable(t *testing.T, what string, res *http.Response, body []byte) {
	t.Helper()
	var p api.Problem
	json.Unmarshal(body, &p)
	if res.StatusCode != http.StatusServiceUnavailable || p.Code != casedesk.EUNAVAILABLE || res.Header.Get("Retry-After") == "" ||
		res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s during the outage: %d %s, Retry-After %q, %s", what, res.StatusCode, res.Header.Get("Content-Type"),
			res.Header.Get("Retry-After"), body)
	}
}

// outage opens a request, starts the outage and checks the answers during
// it (reads too when reads fail), ends it and checks recovery.
func (s *lossServer) outage(t *testing.T, start, end func(), readsFail bool) {
	if res, body := s.create(t); res.StatusCode != http.StatusCreated {
		t.Fatalf("create before the outage: %d %s", res.StatusCode, body)
	}
	start()
	for i := range 3 {
		res, body := s.create(t)
		unavailable(t, fmt.Sprintf("create %d", i), res, body)
		if readsFail {
			var raw json.RawMessage
			res = s.call(t, "GET", "/api/v1/requests", nil, &raw)
			unavailable(t, "list", res, raw)
		}
		var raw json.RawMessage
		res = s.call(t, "GET", "/readyz", nil, &raw)
		unavailable(t, "readyz", res, raw)
	}
	end()
	if res, body := s.create(t); res.StatusCode != http.StatusCreated {
		t.Fatalf("first create after the outage: %d %s", res.StatusCode, body)
	}
	var raw json.RawMessage
	if res := s.call(t, "GET", "/readyz", nil, &raw); res.StatusCode != http.StatusOK {
		t.Fatalf("readyz after the outage: %d %s", res.StatusCode, raw)
	}
}

// nothingLost reads back every acknowledged request.
func (s *lossServer) nothingLost(t *testing.T) {
	t.Helper()
	if len(s.acked) == 0 {
		t.Fatal("nothing was acknowledged")
	}
	for number, title := range s.acked {
		var r struct{ Title string }
		if res := s.call(t, "GET", "/api/v1/requests/"+number, nil, &r); res.StatusCode != 200 || r.Title != title {
			t.Errorf("acknowledged request %s: %d, title %q, want %q", number, res.StatusCode, r.Title, title)
		}
	}
}
