package desk_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestEventsReachOtherInstances: with two instances on one PostgreSQL
// database, a change made through one reaches the other's subscribers.
func TestEventsReachOtherInstances(t *testing.T) {
	db := storetest.Open(t, store.Postgres)
	w := newWorld(t, db)
	other := w.newDesk() // a second casedesk serve on the same database
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, stop := other.Events().Subscribe(64)
	defer stop()
	relayed := make(chan struct{})
	go func() {
		other.RunEventRelay(ctx)
		close(relayed)
	}()
	// The relay may not listen yet; keep making changes until one arrives.
	deadline := time.After(30 * time.Second)
	for {
		r, _, err := w.d.OpenRequest(ctx, w.admins["enterprise"], desk.NewRequest{Category: "technical", Title: "t", Description: "d"}, "")
		if err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-events:
			if e.Kind != "created" || e.OrgID != w.orgs["enterprise"].ID {
				t.Fatalf("relayed %+v", e)
			}
			// And from then on every change arrives, in order.
			if _, err := w.d.UpdateRequest(ctx, w.ag, r.Number, desk.RequestPatch{Status: status(casedesk.StatusWaiting)}); err != nil {
				t.Fatal(err)
			}
			for {
				select {
				case e := <-events:
					if e.Kind == "status" && e.Number == r.Number {
						recomputeReachesOther(t, w, r, events, deadline)
						cancel()
						<-relayed
						return
					}
				case <-deadline:
					t.Fatal("the status change did not reach the other instance")
				}
			}
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no event reached the other instance")
		}
	}
}

// recomputeReachesOther: a bulk recompute on one instance (a new policy
// moves the request's due time) reaches the other instance's subscribers
// through its relay, which reads the packed batch.
func recomputeReachesOther(t *testing.T, w *world, r *casedesk.Request, events <-chan casedesk.Event, deadline <-chan time.Time) {
	t.Helper()
	ctx := context.Background()
	w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusOpen), Severity: sev(casedesk.SeverityB)})
	p := sla.DefaultPolicy()
	p.Entries[sla.FamilyEnterprise][sla.SeverityB] = sla.Entitlement{Coverage: sla.Coverage24x7, Target: sla.Target{Kind: sla.TargetMinutes, Minutes: 30}}
	body, _ := json.Marshal(p)
	if _, moved, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil || moved != 1 {
		t.Fatalf("new policy: moved %d, %v", moved, err)
	}
	for {
		select {
		case e := <-events:
			if e.Kind == "sla_recomputed" && e.RequestID == r.ID {
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
