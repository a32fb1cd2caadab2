package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// Benchmarks of the API over real HTTP (httptest on loopback), on both
// engines. See docs/benchmarks.md for the commands and figures.

func benchEngines(b *testing.B, f func(b *testing.B, e store.Engine)) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(e), func(b *testing.B) { f(b, e) })
	}
}

// BenchmarkCreateRequest creates requests from 32 concurrent clients as one
// customer admin; every create is durable (SQLite synchronous=FULL with group
// commit; PostgreSQL's default synchronous commit).
func BenchmarkCreateRequest(b *testing.B) {
	benchEngines(b, func(b *testing.B, e store.Engine) {
		f := newFixture(b, storetest.Open(b, e))
		body := `{"category":"technical","product":"mail","title":"Mail flow delayed","description":"Since 09:00 outbound mail queues for several users."}`
		tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}
		hc := &http.Client{Transport: tr}
		var seq sync.Mutex
		n := 0
		b.SetParallelism(16) // 32 clients on 2 cores
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				seq.Lock()
				n++
				key := "bench-" + strconv.Itoa(n)
				seq.Unlock()
				req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/requests", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
				req.Header.Set("Idempotency-Key", key)
				res, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 201 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	})
}

var (
	bigOnce sync.Map // engine → *bigData
)

type bigData struct {
	once sync.Once
	f    *fixture
	err  error
}

// benchRequests is the size of the large data set: CASEDESK_BENCH_REQUESTS,
// default one million.
func benchRequests() int {
	if n, err := strconv.Atoi(os.Getenv("CASEDESK_BENCH_REQUESTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// bigFixture is the fixture with benchRequests() requests spread over X and
// 999 other organizations, a fifth of them active; built once per engine.
func bigFixture(b *testing.B, e store.Engine) *fixture {
	v, _ := bigOnce.LoadOrStore(e, &bigData{})
	d := v.(*bigData)
	d.once.Do(func() {
		db := storetest.Open(b, e)
		f := newFixture(b, db)
		ctx := context.Background()
		orgs := []int64{f.x.ID}
		for i := range 999 {
			o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: fmt.Sprint("Org ", i)}
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateOrganization(ctx, o) }); err != nil {
				d.err = err
				return
			}
			orgs = append(orgs, o.ID)
		}
		rng := rand.New(rand.NewPCG(7, 7))
		total := benchRequests()
		start := time.Now()
		for done := 0; done < total; done += 10000 {
			rs := make([]*casedesk.Request, 0, 10000)
			for i := done; i < min(total, done+10000); i++ {
				st := casedesk.StatusClosed
				if rng.IntN(5) == 0 {
					st = casedesk.StatusOpen
				}
				at := f.clock.T.Add(time.Duration(i-total) * time.Minute)
				rs = append(rs, &casedesk.Request{OrgID: orgs[rng.IntN(len(orgs))], Category: "technical", Title: "Synthetic " + strconv.Itoa(i),
					Description: "Mail flow is delayed.", Severity: "B", Status: st, Language: "en", ContactMethod: "email", Channel: "api", CreatedAt: at, UpdatedAt: at})
			}
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertRequests(ctx, rs) }); err != nil {
				d.err = err
				return
			}
		}
		b.Logf("%s: seeded %d requests in %s", e, total, time.Since(start).Round(time.Millisecond))
		d.f = f
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.f
}

// BenchmarkListOrgActive1M lists the first page (50, newest first) of one
// organization's open requests with a million requests in the database, and
// reports the p99 latency.
func BenchmarkListOrgActive1M(b *testing.B) {
	benchEngines(b, func(b *testing.B, e store.Engine) {
		f := bigFixture(b, e)
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for b.Loop() {
			t0 := time.Now()
			res := f.raw("admin", "GET", "/api/v1/requests?status=active&limit=50", nil, nil)
			res.Body.Close()
			lat = append(lat, time.Since(t0))
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
}
