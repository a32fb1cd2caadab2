package worker_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/worker"
)

// stepClock is the time package's clock moved by a fixed offset, so that
// clocks created "an hour ago" fall due a moment from now: in a synctest
// bubble, a moment of the bubble's time; in the benchmark, of real time.
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
// instances — on one database, in a synctest bubble whose clock moves only
// when every goroutine waits. Requests opened "59 minutes 59.8 seconds ago"
// and so on, with a one-hour target, breach while both run; one fell due
// during "downtime" before they started. Each warning and breach must be
// recorded exactly once, stamped with its due instant, and those that fall
// due while the workers run recorded at that very instant.
func TestTwoWorkersRecordEachBreachOnce(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { twoWorkers(t, storetest.Open(t, e)) })
		})
	}
}

func twoWorkers(t *testing.T, db *store.DB) {
	ctx := context.Background()
	clock := &stepClock{}
	dir := t.TempDir()
	d1 := newDesk(db, dir, clock)
	admin := customerAdmin(t, d1)
	start := time.Now()
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
	fired := func(n int) {
		mu.Lock()
		defer mu.Unlock()
		total += n
	}
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, d := range []*desk.Desk{d1, newDesk(db, dir, clock)} {
		w := &worker.SLA{Alerts: d, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Recheck: time.Second, Fired: fired}
		wg.Go(func() { w.Run(wctx) })
	}
	time.Sleep(2 * time.Second) // past the last due instant
	synctest.Wait()
	mu.Lock()
	got := total
	mu.Unlock()
	cancel()
	wg.Wait()
	if got != want {
		t.Fatalf("%d alerts recorded, want %d", got, want)
	}
	for i, n := range numbers {
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
		c := clocks[0]
		if breaches != 1 || c.BreachFiredAt == nil {
			t.Fatalf("request %s: %d breach events", n, breaches)
		}
		wantFired := *c.DueAt // recorded at its instant, not when a poll came round
		if i == 0 {
			wantFired = start // fell due before the workers ran
		}
		if !c.BreachFiredAt.Equal(wantFired) {
			t.Errorf("request %s: due %s, breach recorded at %s, want %s", n, c.DueAt, c.BreachFiredAt, wantFired)
		}
	}
}

// customerAdmin bootstraps the provider, a customer on E3 with elevated
// support (severity A: a one-hour target, round the clock) and its admin.
func customerAdmin(t testing.TB, d *desk.Desk) *casedesk.Actor {
	t.Helper()
	ctx := context.Background()
	op, err := d.Bootstrap(ctx, "P", "op@p.test", "Op", "operator-password")
	if err != nil {
		t.Fatal(err)
	}
	opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "C", Country: "CN"}
	if err := d.CreateOrganization(ctx, opA, o); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"e3", "elevated-support"} {
		if err := d.AddSubscription(ctx, opA, o.ID, &casedesk.Subscription{PlanCode: p}); err != nil {
			t.Fatal(err)
		}
	}
	u, _, err := d.CreateUser(ctx, opA, o.ID, desk.NewUser{Email: "a@c.test", Name: "A", Role: casedesk.RoleGlobalAdmin, Password: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	return &casedesk.Actor{User: u, OrgKind: casedesk.OrgCustomer}
}
