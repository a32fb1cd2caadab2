package desk_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// Breaches and warnings are recorded once, with their true instants, even
// when several instances fire at once or an alert fell due during downtime.
func TestAlertsFireOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var rs []*casedesk.Request
		for range 5 {
			rs = append(rs, w.open("elevated", casedesk.SeverityA)) // due at 10:00, warning at 09:45
		}
		if n, err := w.d.FireDue(ctx, w.clock.Now()); err != nil || n != 0 {
			t.Fatalf("nothing is due yet: %d %v", n, err)
		}
		next, ok, err := w.d.NextAlert(ctx)
		if err != nil || !ok || !next.Equal(monday.Add(45*time.Minute)) {
			t.Fatalf("next alert %s %v %v, want the warning at 09:45", next, ok, err)
		}
		// The server was down from 09:10 to 11:00: at start-up both alerts fire once,
		// stamped with their true instants; three instances start at once.
		w.clock.T = monday.Add(2 * time.Hour)
		desks := []*desk.Desk{w.d, w.newDesk(), w.newDesk()}
		var wg sync.WaitGroup
		counts := make([]int, len(desks))
		for i, d := range desks {
			wg.Go(func() {
				n, err := d.FireDue(ctx, w.clock.Now())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		if total := counts[0] + counts[1] + counts[2]; total != 10 {
			t.Fatalf("instances recorded %v alerts, want 10 in all", counts)
		}
		// The monitoring counters agree: each alert counted once, by the
		// instance that recorded it, and the five requests by the one that
		// opened them.
		alerts := map[desk.AlertKey]uint64{}
		for _, d := range desks {
			for k, n := range d.Counts().SLAAlerts {
				alerts[k] += n
			}
		}
		for _, kind := range []casedesk.EventKind{casedesk.EventSLAWarn, casedesk.EventSLABreach} {
			k := desk.AlertKey{Kind: kind, Metric: casedesk.MetricInitialResponse, Family: casedesk.FamilyElevated, Severity: casedesk.SeverityA}
			if alerts[k] != 5 || len(alerts) != 2 {
				t.Errorf("alert counters %v, want 5 of %+v", alerts, k)
			}
		}
		var opened uint64
		for _, n := range w.d.Counts().Opened {
			opened += n
		}
		if opened != 5 {
			t.Errorf("requests opened counted %v, want 5", w.d.Counts().Opened)
		}
		for _, r := range rs {
			hist, _ := w.d.History(ctx, w.ag, r.Number)
			var warn, breach int
			for _, e := range hist {
				switch e.Kind {
				case "sla_warn":
					warn++
					if !e.At.Equal(monday.Add(45 * time.Minute)) {
						t.Errorf("warning stamped %s", e.At)
					}
				case "sla_breach":
					breach++
					if !e.At.Equal(monday.Add(time.Hour)) {
						t.Errorf("breach stamped %s", e.At)
					}
				}
			}
			if warn != 1 || breach != 1 {
				t.Fatalf("request %s: %d warnings, %d breaches", r.Number, warn, breach)
			}
			if cs := w.clocks(r); !cs[0].Breached || cs[0].State != "breached" {
				t.Fatalf("clock not marked breached: %+v", cs[0])
			}
		}
		if n, _ := w.d.FireDue(ctx, w.clock.Now()); n != 0 {
			t.Fatalf("a second round recorded %d more", n)
		}
		if _, ok, _ := w.d.NextAlert(ctx); ok {
			t.Fatal("no alert should be pending")
		}
		// A response after the breach: the clock stops as breached, not met.
		if _, err := w.d.AddMessage(ctx, w.ag, rs[0].Number, desk.NewMessage{Body: "sorry"}); err != nil {
			t.Fatal(err)
		}
		if cs := w.clocks(rs[0]); cs[0].Met == nil || *cs[0].Met {
			t.Fatalf("late response counted as met: %+v", cs[0])
		}
	})
}
