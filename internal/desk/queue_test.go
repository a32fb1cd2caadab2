package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestQueueOrderedByDue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		// Opened at 09:00: A on enterprise, due 10:00.
		a := w.open("enterprise", "")
		w.patch(a, desk.RequestPatch{Severity: sev(casedesk.SeverityA)})
		// Opened at 09:10: B on elevated, due 11:10 (2 h).
		w.clock.Add(10 * time.Minute)
		b := w.open("elevated", casedesk.SeverityB)
		// Opened at 09:20: B on enterprise, due tomorrow 09:20.
		w.clock.Add(10 * time.Minute)
		c := w.open("enterprise", "")
		w.patch(c, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		// Opened at 09:30: B on business: no commitment.
		w.clock.Add(10 * time.Minute)
		d := w.open("business", "")
		w.patch(d, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		// Untriaged, opened at 09:30: held to enterprise's strictest
		// target (A, an hour) until triage, due 10:30.
		e := w.open("enterprise", "")

		numbers := func(view desk.QueueView) []string {
			t.Helper()
			q, err := w.d.Queue(ctx, w.ag, view, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range q {
				out = append(out, it.Number)
			}
			return out
		}
		eq := func(got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("queue %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("queue %v, want %v", got, want)
				}
			}
		}
		// Triage routed every triaged request to the only agent; the
		// untriaged one is in the triage queue, and among all by its due time.
		eq(numbers(desk.QueueAll), a.Number, e.Number, b.Number, c.Number, d.Number)
		eq(numbers(desk.QueueMine), a.Number, b.Number, c.Number, d.Number)
		eq(numbers(desk.QueueUnassigned))
		eq(numbers(desk.QueueTriage), e.Number)
		// At 10:20: the untriaged request is at risk (it warns at 10:15).
		w.clock.T = monday.Add(80 * time.Minute)
		eq(numbers(desk.QueueAtRisk), e.Number)
		if q, _ := w.d.Queue(ctx, w.ag, desk.QueueTriage, "", 0); q[0].State != "at_risk" || q[0].Left != "10m0s" {
			t.Fatalf("triage queue: %s %s", q[0].State, q[0].Left)
		}
		// At 10:40: A and the untriaged request are breached, B (warns at 10:40) at risk.
		w.clock.T = monday.Add(100 * time.Minute)
		eq(numbers(desk.QueueBreached), a.Number, e.Number)
		eq(numbers(desk.QueueAtRisk), b.Number)
		q, _ := w.d.Queue(ctx, w.ag, desk.QueueAll, "", 0)
		if q[0].State != "breached" || q[1].State != "breached" || q[2].State != "at_risk" || q[3].State != "running" || q[4].State != "no_target" {
			t.Fatalf("states %s %s %s %s %s", q[0].State, q[1].State, q[2].State, q[3].State, q[4].State)
		}
		// Unassigned by a supervisor's hand: moves from mine to unassigned.
		none := int64(0)
		w.patch(c, desk.RequestPatch{AssigneeID: &none})
		eq(numbers(desk.QueueMine), a.Number, b.Number, d.Number)
		eq(numbers(desk.QueueUnassigned), c.Number)
		// Customers have no queues.
		if _, err := w.d.Queue(ctx, w.admins["enterprise"], desk.QueueAll, "", 0); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("customer queue: %v", err)
		}
	})
}
