package web_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// consoleBenchRequests is how many requests the queue benchmark seeds:
// CASEDESK_BENCH_REQUESTS, default 100,000 (the figure is for
// 1,000,000: set it to 1000000).
func consoleBenchRequests() int {
	if n, err := strconv.Atoi(os.Getenv("CASEDESK_BENCH_REQUESTS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// BenchmarkConsoleQueue renders the console's queue pages for an agent over
// a database of consoleBenchRequests() requests in 200 organizations, a
// fifth of them active with a running initial-response clock (due times
// spread from a day ago to a day ahead, so some are breached), about 50 of
// them assigned to the agent, and reports each page's p99.
// CASEDESK_BENCH_ENGINE=postgres runs it on PostgreSQL.
func BenchmarkConsoleQueue(b *testing.B) {
	engine := store.SQLite
	if os.Getenv("CASEDESK_BENCH_ENGINE") == "postgres" {
		engine = store.Postgres
	}
	db := storetest.Open(b, engine)
	e := newEnv(b, db)
	ctx := context.Background()
	now := e.clock.Now()
	orgs := []int64{e.fabrikam.ID, e.yunfan.ID}
	for i := range 198 {
		o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "Bench customer " + strconv.Itoa(i), Country: "DE", TimeZone: "Europe/Berlin", CreatedAt: now}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateOrganization(ctx, o) }); err != nil {
			b.Fatal(err)
		}
		orgs = append(orgs, o.ID)
	}
	agent := e.users["agent"].ID
	rng := rand.New(rand.NewPCG(5, 5))
	total := consoleBenchRequests()
	start := time.Now()
	var assigned []*casedesk.Request
	sevs := []casedesk.Severity{casedesk.SeverityA, casedesk.SeverityB, casedesk.SeverityC}
	for done := 0; done < total; done += 10000 {
		err := db.Write(ctx, func(tx *store.Tx) error {
			rs := make([]*casedesk.Request, 0, 10000)
			for i := done; i < min(total, done+10000); i++ {
				at := now.Add(time.Duration(i-total) * time.Minute)
				st := casedesk.StatusClosed
				r := &casedesk.Request{OrgID: orgs[rng.IntN(len(orgs))], Category: casedesk.CategoryTechnical, Title: "Synthetic request " + strconv.Itoa(i),
					Description: "Mail flow is delayed.", Severity: sevs[rng.IntN(3)], Language: "en", ContactMethod: "email",
					Channel: casedesk.ChannelWeb, CreatedAt: at, UpdatedAt: at}
				if rng.IntN(5) == 0 {
					st = casedesk.StatusOpen
					if rng.IntN(total/250) == 0 { // about 50 open requests: one agent's load
						r.AssigneeID = &agent
					}
				}
				r.Status = st
				rs = append(rs, r)
			}
			if err := tx.InsertRequests(ctx, rs); err != nil {
				return err
			}
			for _, r := range rs {
				if r.AssigneeID != nil {
					assigned = append(assigned, r)
				}
			}
			for _, r := range rs {
				if r.Status != casedesk.StatusOpen {
					continue
				}
				due := now.Add(time.Duration(rng.IntN(48*60)-24*60) * time.Minute)
				warn := due.Add(-15 * time.Minute)
				if err := tx.CreateClock(ctx, store.AllOrgs, &store.ClockRow{RequestID: r.ID, OrgID: r.OrgID, Metric: "initial_response", OpenedAt: r.CreatedAt,
					PolicyVersion: 1, Family: "enterprise", Severity: r.Severity, Coverage: "24x7", TargetKind: "minutes", TargetMinutes: 60,
					Pauses: "[]", DueAt: &due, WarnAt: &warn, UpdatedAt: r.CreatedAt}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// The bulk insert leaves assignees out on PostgreSQL: set them one by one.
	if err := db.Write(ctx, func(tx *store.Tx) error {
		for _, r := range assigned {
			r.AssigneeID = &agent
			if err := tx.UpdateRequest(ctx, store.AllOrgs, r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	// Fresh statistics, as autovacuum keeps them: without them PostgreSQL
	// joins all active requests to their clocks before sorting (SQLite reads
	// the clocks in due order either way).
	if engine == store.Postgres {
		if _, err := db.SQL().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: seeded %d requests in %s", engine, total, time.Since(start).Round(time.Millisecond))
	secret, _, err := e.desk.Login(ctx, e.users["agent"].Email, password, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	h := e.srv.Config.Handler
	for _, view := range []string{"all", "mine", "unassigned", "breached", "at_risk", "triage"} {
		b.Run(view, func(b *testing.B) {
			var times []time.Duration
			size := 0
			for b.Loop() {
				req := httptest.NewRequest("GET", "/console?view="+view, nil)
				req.RemoteAddr = "127.0.0.1:1234"
				req.AddCookie(&http.Cookie{Name: "cd_session", Value: secret})
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				times = append(times, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET /console?view=%s: %d\n%s", view, rec.Code, rec.Body.String())
				}
				size = rec.Body.Len()
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[min(len(times)-1, len(times)*99/100)].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size)/1024, "KB/page")
		})
	}
}
