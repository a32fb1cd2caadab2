package mail_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// BenchmarkOutboxToPostfix measures outbound mail on SQLite through the
// real outbox worker (8 senders), the SMTP sender and the local postfix
// (docs/benchmarks.md, "Channels (issue 13)"):
//
//   - mails/s: b.N "request received" mails queued first, then the worker
//     started; the time until postfix accepted the last of them;
//   - handoff-p50-ms, handoff-p99-ms: with the worker running, 200 requests
//     opened at 50 a second; for each, the time from its commit (the return
//     of OpenRequest) until postfix accepted its mail.
func BenchmarkOutboxToPostfix(b *testing.B) {
	ctx := context.Background()
	f := newOutboxFixture(b, storetest.Open(b, store.SQLite), 8, false)
	admin := f.user(f.org, casedesk.RoleGlobalAdmin, "bench", "en", "UTC")
	open := func() *casedesk.Request {
		r, _, err := f.d.OpenRequest(ctx, admin, desk.NewRequest{Category: casedesk.CategoryTechnical, Title: "Benchmark",
			Description: "A request whose mail is measured."}, "")
		if err != nil {
			b.Fatal(err)
		}
		return r
	}

	// Throughput: a backlog of b.N mails.
	for range b.N {
		open()
	}
	sent := make(chan struct{}, b.N)
	f.handoff = func(*casedesk.Delivery, time.Time) { sent <- struct{}{} }
	b.ResetTimer()
	start := time.Now()
	f.start()
	for range b.N {
		<-sent
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "mails/s")
	b.ReportMetric(float64(f.smtp.Dials()), "smtp-connections")

	// Latency: commit to handoff, one request at a time. A mail may be
	// handed off before OpenRequest has returned to say it committed: its
	// latency counts as 0.
	const n = 200
	var mu sync.Mutex
	handed := map[int64]time.Time{}
	got := make(chan struct{}, n)
	f.handoff = func(d *casedesk.Delivery, at time.Time) {
		mu.Lock()
		handed[d.RequestID] = at
		mu.Unlock()
		got <- struct{}{}
	}
	// Opened at a steady 50 a second, well below the throughput, so that
	// this measures the path of one mail rather than a queue.
	committed := map[int64]time.Time{}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for range n {
		<-tick.C
		r := open()
		committed[r.ID] = time.Now()
	}
	for i := range n {
		select {
		case <-got:
		case <-time.After(30 * time.Second): // a bound on a lost mail, not a wait for one
			b.Fatalf("%d of %d mails handed off", i, n)
		}
	}
	var ds []time.Duration
	mu.Lock()
	for id, c := range committed {
		ds = append(ds, max(0, handed[id].Sub(c)))
	}
	mu.Unlock()
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "handoff-p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "handoff-p99-ms")
}
