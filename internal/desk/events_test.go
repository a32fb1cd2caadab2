package desk_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/live/livetest"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// startRelay runs d's live relay until the test ends and returns once it
// has caught up: every change committed after that reaches d's subscribers.
func startRelay(t testing.TB, d *desk.Desk) { t.Helper(); livetest.Run(t, d.Relay()) }

// TestEventsReachOtherInstances: with two instances on one PostgreSQL
// database, every change made through one reaches the other's
// subscribers, in order, once the other's relay listens.
func TestEventsReachOtherInstances(t *testing.T) {
	db := storetest.Open(t, store.Postgres)
	w := newWorld(t, db)
	other := w.newDesk() // a second casedesk serve on the same database
	ctx := context.Background()
	events, stop := other.Events().Subscribe(64)
	defer stop()
	startRelay(t, other)
	// A guard against hanging, not a wait: the relay is listening.
	deadline := time.After(30 * time.Second)
	r, _, err := w.d.OpenRequest(ctx, w.admins["enterprise"], desk.NewRequest{Category: "technical", Title: "t", Description: "d"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.UpdateRequest(ctx, w.ag, r.Number, desk.RequestPatch{Status: status(casedesk.StatusWaiting)}); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for len(kinds) < 2 {
		select {
		case e := <-events:
			if e.Number != r.Number && e.RequestID != r.ID {
				t.Fatalf("relayed another request's event: %+v", e)
			}
			if e.OrgID != w.orgs["enterprise"].ID {
				t.Fatalf("relayed %+v", e)
			}
			if strings.HasPrefix(string(e.Kind), "sla_") {
				continue // the untriaged request's clock: started, then paused
			}
			kinds = append(kinds, string(e.Kind))
		case <-deadline:
			t.Fatalf("only %v reached the other instance", kinds)
		}
	}
	if kinds[0] != "created" || kinds[1] != "status" {
		t.Fatalf("relayed %v, want created then status", kinds)
	}
	recomputeReachesOther(t, w, r, events, deadline)
}

// recomputeReachesOther: a bulk recompute on one instance (a new policy
// moves the request's due time) reaches the other instance's subscribers
// through its relay, which reads the packed batch.
func recomputeReachesOther(t *testing.T, w *world, r *casedesk.Request, events <-chan casedesk.Event, deadline <-chan time.Time) {
	t.Helper()
	ctx := context.Background()
	w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusOpen), Severity: sev(casedesk.SeverityB)})
	p := sla.DefaultPolicy()
	p.Entries[casedesk.FamilyEnterprise][casedesk.SeverityB] = sla.Entitlement{Coverage: casedesk.Coverage24x7, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 30}}
	body, _ := json.Marshal(p)
	if _, moved, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil || moved != 1 {
		t.Fatalf("new policy: moved %d, %v", moved, err)
	}
	for {
		select {
		case e := <-events:
			// The bulk recompute's move (no event id), not the lines the
			// request's own changes wrote before.
			if e.Kind == "sla_recomputed" && e.RequestID == r.ID && e.ID == 0 {
				if want := w.clocks(r)[0].DueAt.UTC().Format(time.RFC3339); e.New != want || e.New == "none" || e.Internal != true {
					t.Fatalf("relayed move: %+v, want new due %s", e, want)
				}
				return
			}
		case <-deadline:
			t.Fatal("the recompute did not reach the other instance")
		}
	}
}
