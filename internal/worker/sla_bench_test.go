package worker_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/worker"
)

// BenchmarkBreachLag measures how late a running server records breaches:
// 200 severity-A requests whose one-hour targets run out one every 10 ms
// from three seconds after the start,
// one SLA worker, and for each breach the gap between its due instant and
// the moment it was recorded (breach_fired_at). Reports p50, p99 and max.
func BenchmarkBreachLag(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(e), func(b *testing.B) {
			var lags []time.Duration
			for b.Loop() {
				lags = append(lags, breachLags(b, e, 200)...)
			}
			slices.Sort(lags)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(lags[len(lags)/2]), "p50-ms")
			b.ReportMetric(ms(lags[len(lags)*99/100]), "p99-ms")
			b.ReportMetric(ms(lags[len(lags)-1]), "max-ms")
		})
	}
}

func breachLags(b *testing.B, e store.Engine, n int) []time.Duration {
	ctx := context.Background()
	db := storetest.Open(b, e)
	clock := &stepClock{}
	d := newDesk(db, b.TempDir(), clock)
	admin := customerAdmin(b, d)
	// Open them "an hour ago" so that they fall due from three seconds from
	// now, after the setup has finished and the warnings (45 minutes in,
	// so already due) have been recorded.
	base := time.Now().Add(3 * time.Second)
	for i := range n {
		clock.set(time.Until(base.Add(time.Duration(i)*10*time.Millisecond)) - time.Hour)
		if _, _, err := d.OpenRequest(ctx, admin, desk.NewRequest{Category: "technical", Title: "t", Description: "d", Severity: "A"}, ""); err != nil {
			b.Fatal(err)
		}
	}
	clock.set(0)
	want := 2 * n
	var mu sync.Mutex
	total := 0
	done := make(chan struct{})
	w := &worker.SLA{Alerts: d, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Fired: func(k int) {
		mu.Lock()
		defer mu.Unlock()
		total += k
		if k > 0 && total == want {
			close(done)
		}
	}}
	wctx, cancel := context.WithCancel(ctx)
	go w.Run(wctx)
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		b.Fatalf("recorded %d of %d alerts", total, want)
	}
	cancel()
	var lags []time.Duration
	after := int64(0)
	for {
		rs, err := db.Requests(ctx, store.AllOrgs, store.RequestFilter{Limit: 200, Before: after})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rs {
			cs, _ := db.Clocks(ctx, store.AllOrgs, r.ID)
			for _, c := range cs {
				if c.BreachFiredAt == nil {
					b.Fatalf("clock %d not recorded", c.ID)
				}
				lags = append(lags, c.BreachFiredAt.Sub(*c.DueAt))
			}
		}
		if len(rs) < 200 {
			break
		}
		after = rs[len(rs)-1].ID
	}
	return lags
}
