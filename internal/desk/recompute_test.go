package desk_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// A policy change and a calendar change recompute running clocks from the
// opening instant.
func TestRecomputeOnPolicyAndCalendarChange(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		// Friday 6 November 2026, 16:30 in Berlin (15:30 UTC).
		w.clock.T = time.Date(2026, 11, 6, 15, 30, 0, 0, time.UTC)
		p := sla.DefaultPolicy()
		p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = sla.Entitlement{Coverage: casedesk.CoverageBusinessHours, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 120}}
		body, _ := json.Marshal(p)
		v, _, err := w.d.SetSLAPolicy(ctx, w.op, body)
		if err != nil || v != 2 {
			t.Fatalf("set policy: %d %v", v, err)
		}
		r := w.open("business", "")
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		// 30 minutes on Friday, 90 on Monday from 09:00 Berlin: 10:30 Berlin = 09:30 UTC.
		want := time.Date(2026, 11, 9, 9, 30, 0, 0, time.UTC)
		if got := w.due(r); !got.Equal(want) {
			t.Fatalf("business hours B: due %s, want %s", got, want)
		}
		// Open at 08:00 instead: Monday 08:00–09:30 Berlin → 08:30 UTC.
		cals, _ := w.d.Calendars(ctx, w.op)
		var de desk.CalendarView
		for _, c := range cals {
			if c.Region == "DE" {
				de = c
			}
		}
		spec := strings.ReplaceAll(string(de.Spec), "09:00-17:00", "08:00-17:00")
		live, stop := w.d.Events().Subscribe(16)
		defer stop()
		if _, moved, err := w.d.UpdateCalendar(ctx, w.op, de.ID, desk.NewCalendar{Name: de.Name, Spec: json.RawMessage(spec)}); err != nil || moved != 1 {
			t.Fatalf("update calendar: moved %d, %v", moved, err)
		}
		if got := w.due(r); !got.Equal(time.Date(2026, 11, 9, 8, 30, 0, 0, time.UTC)) {
			t.Fatalf("after the calendar change: due %s", got)
		}
		// The move is in the staff history and, on SQLite, was published
		// before UpdateCalendar returned (on PostgreSQL the event relay
		// publishes it: TestEventsReachOtherInstances).
		hist, err := w.d.History(ctx, w.ag, r.Number)
		if err != nil || len(hist) == 0 || hist[0].Kind != "sla_recomputed" || hist[0].New != "2026-11-09T08:30:00Z" ||
			!strings.Contains(hist[0].Field, "calendar Germany v2") {
			t.Fatalf("history after the calendar change: %v %+v", err, hist)
		}
		if db.Engine() == store.SQLite {
			select {
			case e := <-live:
				if e.Kind != "sla_recomputed" || e.RequestID != r.ID || e.New != "2026-11-09T08:30:00Z" {
					t.Fatalf("live event: %+v", e)
				}
			default:
				t.Fatal("the recompute published nothing")
			}
		}
		// Back to the default policy (no commitment for business B): no due time.
		body, _ = json.Marshal(sla.DefaultPolicy())
		if v, moved, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil || v != 3 || moved != 1 {
			t.Fatalf("policy v3: %d %d %v", v, moved, err)
		}
		if cs := w.clocks(r); cs[0].DueAt != nil || cs[0].PolicyVersion != 3 {
			t.Fatalf("under v3: %+v", cs[0])
		}
		// A bad policy names the field and changes nothing.
		_, _, err = w.d.SetSLAPolicy(ctx, w.op, []byte(`{"warn_share": 2}`))
		if casedesk.ErrorCode(err) != casedesk.EINVALID || casedesk.ErrorField(err) == "" {
			t.Fatalf("bad policy: %v", err)
		}
	})
}

// A change committed by a process that stopped before it recomputed the
// clocks is recomputed when casedesk starts again (ResumeRecomputes).
func TestRecomputeResumesAfterAStop(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		w.clock.T = time.Date(2026, 11, 6, 15, 30, 0, 0, time.UTC) // Friday 16:30 in Berlin
		p := sla.DefaultPolicy()
		p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = sla.Entitlement{Coverage: casedesk.CoverageBusinessHours, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 120}}
		body, _ := json.Marshal(p)
		if _, _, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil {
			t.Fatal(err)
		}
		r := w.open("business", "")
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		before := time.Date(2026, 11, 9, 9, 30, 0, 0, time.UTC)
		if got := w.due(r); !got.Equal(before) {
			t.Fatalf("due %s, want %s", got, before)
		}
		// What UpdateCalendar commits before it recomputes; then the process stops.
		err := db.Write(ctx, func(tx *store.Tx) error {
			row, err := tx.CalendarForRegion(ctx, "DE")
			if err != nil {
				return err
			}
			row.Spec = strings.ReplaceAll(row.Spec, "09:00-17:00", "08:00-17:00")
			if err := tx.UpdateCalendar(ctx, row); err != nil {
				return err
			}
			_, err = tx.CreateRecomputeRun(ctx, store.AllOrgs, "calendar Germany v2", &w.op.User.ID, w.clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := w.due(r); !got.Equal(before) {
			t.Fatalf("due moved without a recompute: %s", got)
		}
		restarted := w.newDesk()
		if moved, err := restarted.ResumeRecomputes(ctx); err != nil || moved != 1 {
			t.Fatalf("resumed: moved %d, %v", moved, err)
		}
		if got := w.due(r); !got.Equal(time.Date(2026, 11, 9, 8, 30, 0, 0, time.UTC)) {
			t.Fatalf("after resuming: due %s", got)
		}
		if left, err := db.UnfinishedRecomputes(ctx); err != nil || len(left) != 0 {
			t.Fatalf("unfinished after resuming: %+v %v", left, err)
		}
		if moved, err := restarted.ResumeRecomputes(ctx); err != nil || moved != 0 {
			t.Fatalf("a second start resumed again: moved %d, %v", moved, err)
		}
		hist, err := restarted.History(ctx, w.ag, r.Number)
		if err != nil || len(hist) == 0 || hist[0].Field != "initial_response (calendar Germany v2 (resumed))" {
			t.Fatalf("history: %v %+v", err, hist[0])
		}
	})
}
