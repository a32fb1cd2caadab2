package worker_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/worker"
)

// stepClock is the real clock moved by a fixed offset, so that clocks
// created "an hour ago" fall due a moment from now in real time.
type stepClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off).Truncate(time.Microsecond)
}

func (c *stepClock) set(off time.Duration) {
	c.mu.Lock()
	c.off = off
	c.mu.Unlock()
}

func newDesk(db *store.DB, dir string, clock casedesk.Clock) *desk.Desk {
	blobs, _ := blob.Open(dir)
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	return desk.New(db, blobs, desk.Options{Clock: clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// TestTwoWorkersRecordEachBreachOnce runs two SLA workers — two casedesk
// instances — on one database. Requests opened "59 minutes 40 seconds ago"
// with a one-hour target breach within the next seconds, while both run;
// one fell due during "downtime" before they started. Each warning and
// breach must be recorded exactly once, stamped with its due instant.
func TestTwoWorkersRecordEachBreachOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &stepClock{}
		dir := t.TempDir()
		d1 := newDesk(db, dir, clock)
		op, err := d1.Bootstrap(ctx, "P", "op@p.test", "Op", "operator-password")
		if err != nil {
			t.Fatal(err)
		}
		opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
		o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "C", Country: "CN"}
		if err := d1.CreateOrganization(ctx, opA, o); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"e3", "elevated-support"} {
			if err := d1.AddSubscription(ctx, opA, o.ID, &casedesk.Subscription{PlanCode: p}); err != nil {
				t.Fatal(err)
			}
		}
		u, _, err := d1.CreateUser(ctx, opA, o.ID, desk.NewUser{Email: "a@c.test", Name: "A", Role: casedesk.RoleGlobalAdmin, Password: "admin-password"})
		if err != nil {
			t.Fatal(err)
		}
		admin := &casedesk.Actor{User: u, OrgKind: casedesk.OrgCustomer}
		var numbers []string
		// One request due two hours ago (fires at start-up), the others in the next seconds.
		offsets := []time.Duration{-3 * time.Hour, -time.Hour + 200*time.Millisecond, -time.Hour + 700*time.Millisecond, -time.Hour + 1200*time.Millisecond}
		for _, off := range offsets {
			clock.set(off)
			r, _, err := d1.OpenRequest(ctx, admin, desk.NewRequest{Category: "technical", Title: "t", Description: "d", Severity: "A"}, "")
			if err != nil {
				t.Fatal(err)
			}
			numbers = append(numbers, r.Number)
		}
		clock.set(0)

		want := 2 * len(offsets) // a warning and a breach each
		var mu sync.Mutex
		total := 0
		done := make(chan struct{})
		fired := func(n int) {
			mu.Lock()
			defer mu.Unlock()
			total += n
			if n > 0 && total == want {
				close(done)
			}
			if total > want {
				t.Errorf("recorded %d alerts, more than %d", total, want)
			}
		}
		wctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, d := range []*desk.Desk{d1, newDesk(db, dir, clock)} {
			w := &worker.SLA{Alerts: d, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Recheck: time.Second, Fired: fired}
			wg.Go(func() { w.Run(wctx) })
		}
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("only %d of %d alerts recorded", total, want)
		}
		cancel()
		wg.Wait()
		for _, n := range numbers {
			id, _ := casedesk.ParseRequestNumber(n)
			r, err := db.Request(ctx, store.AllOrgs, id)
			if err != nil {
				t.Fatal(err)
			}
			clocks, _ := db.Clocks(ctx, store.AllOrgs, r.ID)
			events, _ := db.Events(ctx, store.OrgScope(r.OrgID), store.EventFilter{RequestID: r.ID, Internal: true, Limit: 100})
			breaches := 0
			for _, e := range events {
				if e.Kind == "sla_breach" {
					breaches++
					if !e.At.Equal(*clocks[0].DueAt) {
						t.Errorf("request %s: breach stamped %s, due %s", n, e.At, clocks[0].DueAt)
					}
				}
			}
			if breaches != 1 || clocks[0].BreachFiredAt == nil {
				t.Fatalf("request %s: %d breach events", n, breaches)
			}
		}
	})
}
