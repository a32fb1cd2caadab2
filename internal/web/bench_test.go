package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/demo"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/web"
)

// MaxPageBytes is the page weight budget, before images.
const MaxPageBytes = 100 << 10

// demoPortal is the portal over the seeded demo, with a session for a
// customer admin and one for the partner.
type demoPortal struct {
	h               http.Handler
	admin, partner  string // session secrets
	detail, longest string // request numbers: a recent one, the one with most messages
}

var (
	demoOnce sync.Once
	demoP    *demoPortal
	demoErr  error
)

// seededPortal seeds the demo once per test binary (on SQLite) and returns
// the portal over it.
func seededPortal(tb testing.TB) *demoPortal {
	tb.Helper()
	demoOnce.Do(func() {
		ctx := context.Background()
		dir, err := osMkdirTemp()
		if err != nil {
			demoErr = err
			return
		}
		db, err := store.Open(ctx, store.Config{Dir: dir})
		if err != nil {
			demoErr = err
			return
		}
		if demoErr = db.Migrate(ctx); demoErr != nil {
			return
		}
		blobs, err := blob.Open(dir + "/attachments")
		if err != nil {
			demoErr = err
			return
		}
		now := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
		cheap := auth.Params{Memory: 1024, Time: 1, Threads: 1}
		if _, demoErr = demo.Seed(ctx, db, blobs, demo.Options{Now: now, PasswordParams: &cheap}); demoErr != nil {
			return
		}
		pol := desk.DefaultPolicy()
		pol.PasswordParams = cheap
		c := &clock{t: now}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		d := desk.New(db, blobs, desk.Options{Clock: c, Policy: &pol, Logger: log})
		p := &demoPortal{h: web.New(d, log, web.Options{Clock: c}).Handler()}
		if p.admin, _, demoErr = d.Login(ctx, "anna.schmidt@fabrikam.demo", demo.Password, "127.0.0.1"); demoErr != nil {
			return
		}
		if p.partner, _, demoErr = d.Login(ctx, "priya.patel@proseware.demo", demo.Password, "127.0.0.1"); demoErr != nil {
			return
		}
		a, err := d.Authenticate(ctx, p.admin, "127.0.0.1")
		if err != nil {
			demoErr = err
			return
		}
		rs, _, err := d.ListRequests(ctx, a, desk.ListFilter{Limit: 200})
		if err != nil || len(rs) == 0 {
			demoErr = err
			return
		}
		p.detail = rs[0].Number
		most := -1
		for _, r := range rs {
			ms, err := d.Messages(ctx, a, r.Number)
			if err == nil && len(ms) > most {
				most, p.longest = len(ms), r.Number
			}
		}
		demoP = p
	})
	if demoErr != nil {
		tb.Fatalf("seed the demo: %v", demoErr)
	}
	return demoP
}

type pageCase struct {
	name, path, session string
}

func (p *demoPortal) pages() []pageCase {
	return []pageCase{
		{"signin", "/signin", ""},
		{"presales", "/presales", ""},
		{"help", "/help", ""},
		{"home", "/", p.admin},
		{"requests", "/requests", p.admin},
		{"requests-all", "/requests?all=1&sort=severity", p.admin},
		{"new-request", "/requests/new", p.admin},
		{"request-detail", "/requests/" + p.detail, p.admin},
		{"request-longest", "/requests/" + p.longest, p.admin},
		{"organization", "/organization", p.admin},
		{"history", "/organization/history", p.admin},
		{"partner-home", "/", p.partner},
		{"partner-requests", "/requests", p.partner},
	}
}

func (p *demoPortal) get(tb testing.TB, c pageCase) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", c.path, nil)
	req.RemoteAddr = "127.0.0.1:1234"
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: "cd_session", Value: c.session})
	} else {
		req.AddCookie(&http.Cookie{Name: "cd_pre", Value: "benchmark-pre-session-value"})
	}
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("GET %s: %d\n%s", c.path, rec.Code, rec.Body.String())
	}
	return rec
}

// TestPageWeight keeps every main page of the demo under the weight budget.
func TestPageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo")
	}
	p := seededPortal(t)
	for _, c := range p.pages() {
		rec := p.get(t, c)
		n := rec.Body.Len()
		t.Logf("%-18s %6.1f KB", c.name, float64(n)/1024)
		if n > MaxPageBytes {
			t.Errorf("%s weighs %d bytes, over the budget of %d", c.name, n, MaxPageBytes)
		}
		if !strings.Contains(rec.Body.String(), "</html>") {
			t.Errorf("%s is not a whole page", c.name)
		}
	}
}

// BenchmarkPortalPages renders each main page over the demo data and
// reports its p99 render time and its weight.
func BenchmarkPortalPages(b *testing.B) {
	p := seededPortal(b)
	for _, c := range p.pages() {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			size := 0
			for b.Loop() {
				start := time.Now()
				rec := p.get(b, c)
				times = append(times, time.Since(start))
				size = rec.Body.Len()
			}
			slices.Sort(times)
			p99 := times[min(len(times)-1, len(times)*99/100)]
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size)/1024, "KB/page")
			if size > MaxPageBytes {
				b.Errorf("%s weighs %d bytes, over %d", c.name, size, MaxPageBytes)
			}
		})
	}
}

// TestMain removes the seeded demo's directory after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

var demoDir string

func osMkdirTemp() (string, error) {
	d, err := os.MkdirTemp("", "casedesk-web-demo-")
	demoDir = d
	return d, err
}
