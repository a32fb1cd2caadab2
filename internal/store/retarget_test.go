package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestRetargetClocks pins down what a recompute saves on both engines (the
// SQLite path works in set-based statements with callbacks, PostgreSQL row by
// row): clocks of several organizations interleaved by id, in small batches;
// an organization without a share, another metric, a stopped clock and an
// already right clock are left alone; each re-saved clock is passed to Saved
// with its due time before and after, and the moves recorded there are found
// under the request (RequestMoves), within its organization's scope only.
func TestRetargetClocks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		orgA, orgB, orgC := mustOrg(t, db, casedesk.OrgCustomer, "A"), mustOrg(t, db, casedesk.OrgCustomer, "B"), mustOrg(t, db, casedesk.OrgCustomer, "C")
		mins := map[int64]int{orgA.ID: 60, orgB.ID: 120}
		shares := map[int64]*store.Retarget{}
		for org, cal := range map[int64]int64{orgA.ID: 1, orgB.ID: 2} {
			shares[org] = &store.Retarget{Metrics: []string{"initial_response"}, PolicyVersion: 2, Family: map[int64]string{orgA.ID: "enterprise", orgB.ID: "business"}[org],
				CalendarID: cal, CalendarVersion: 3, Kinds: map[string]store.RetargetKind{
					"initial_response/A": {Coverage: "24x7", TargetKind: "minutes"},
					"initial_response/B": {Coverage: "business_hours", TargetKind: "minutes"}},
				Compute: func(c *store.ClockRow) error {
					if org == orgA.ID {
						c.TargetMinutes = -1 // A's minutes come from its kinds, not from each clock
					}
					due, warn := c.OpenedAt.Add(time.Duration(mins[org])*time.Minute), c.OpenedAt.Add(45*time.Minute)
					c.DueAt, c.WarnAt = &due, &warn
					if org != orgA.ID {
						c.TargetMinutes = mins[org]
					}
					return nil
				}}
		}
		for k, v := range shares[orgA.ID].Kinds {
			v.Minutes = new(int)
			*v.Minutes = 60
			shares[orgA.ID].Kinds[k] = v
		}
		type made struct {
			clock *store.ClockRow
			want  string // "moved", "same", "left"
		}
		var all []made
		stopped := t0.Add(time.Hour)
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i := range 12 {
				org := []*casedesk.Organization{orgA, orgB, orgC}[i%3]
				r := &casedesk.Request{OrgID: org.ID, Category: casedesk.CategoryTechnical, Title: "t", Description: "d", Severity: "B",
					Status: casedesk.StatusOpen, Language: "en", ContactMethod: "email", Channel: casedesk.ChannelAPI, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateRequest(ctx, store.AllOrgs, r); err != nil {
					return err
				}
				opened := t0.Add(time.Duration(i) * time.Minute)
				due, warn := opened.Add(30*time.Minute), opened.Add(20*time.Minute)
				c := &store.ClockRow{RequestID: r.ID, OrgID: org.ID, Metric: "initial_response", OpenedAt: opened, PolicyVersion: 1,
					Family: "frontline", Severity: "B", Coverage: "24x7", TargetKind: "minutes", TargetMinutes: 30, Pauses: "[]",
					DueAt: &due, WarnAt: &warn, UpdatedAt: t0}
				want := "moved"
				switch {
				case org == orgC:
					want = "left"
				case i == 4: // already measured like this
					d, w := opened.Add(120*time.Minute), opened.Add(45*time.Minute)
					one, three := int64(2), int64(3)
					c.DueAt, c.WarnAt, c.PolicyVersion, c.Family, c.Coverage, c.TargetMinutes = &d, &w, 2, "business", "business_hours", 120
					c.CalendarID, c.CalendarVersion = &one, &three
					want = "same"
				case i == 6:
					c.Metric, want = "resolution", "left"
				case i == 9:
					c.StoppedAt, want = &stopped, "left"
				}
				if err := tx.CreateClock(ctx, store.AllOrgs, c); err != nil {
					return err
				}
				all = append(all, made{c, want})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		at := t0.Add(2 * time.Hour)
		actor := int64(0)
		var moves []store.ClockMove
		published := 0
		var runID int64
		run := &store.RetargetRun{Scope: store.AllOrgs, For: func(_ *store.Queries, org int64) (*store.Retarget, error) { return shares[org], nil }, At: at, Batch: 5,
			Saved: func(tx *store.Tx, saved []store.ClockMove) error {
				published += len(tx.Events())
				moves = append(moves, saved...)
				return tx.RecordClockMoves(ctx, runID, saved)
			}}
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			run.ID, err = tx.CreateRecomputeRun(ctx, store.AllOrgs, "calendar Test v3", &actor, at)
			runID = run.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// A failing computation changes nothing.
		good := shares[orgB.ID].Compute
		shares[orgB.ID].Compute = func(*store.ClockRow) error { return errors.New("boom") }
		if err := db.RetargetClocks(ctx, run); err == nil {
			t.Fatal("a failing computation did not fail the recompute")
		}
		shares[orgB.ID].Compute = good
		moves = nil
		for _, m := range all {
			cs, _ := db.Clocks(ctx, store.AllOrgs, m.clock.RequestID)
			if len(cs) != 1 || !cs[0].UpdatedAt.Equal(t0) {
				t.Fatalf("clock %d changed by a failed recompute: %+v", m.clock.ID, cs[0])
			}
		}

		if err := db.RetargetClocks(ctx, run); err != nil {
			t.Fatal(err)
		}
		// The moves are the caller's to publish, not the transaction's
		// events: they have no id another instance could relay.
		if len(moves) != 5 || published != 0 {
			t.Fatalf("moved %d, published with the transaction %d; want 5 and 0", len(moves), published)
		}
		for _, m := range all {
			cs, err := db.Clocks(ctx, store.AllOrgs, m.clock.RequestID)
			if err != nil || len(cs) != 1 {
				t.Fatalf("clocks of %d: %v %v", m.clock.RequestID, cs, err)
			}
			c := cs[0]
			evs, err := db.Events(ctx, store.OrgScope(c.OrgID), store.EventFilter{RequestID: c.RequestID, Internal: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 0 {
				t.Errorf("clock %d: the recompute wrote %d history events", c.ID, len(evs))
			}
			batches, err := db.RequestMoves(ctx, store.OrgScope(c.OrgID), c.RequestID, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []store.ClockMove
			for _, b := range batches {
				if b.Reason != "calendar Test v3" || !b.At.Equal(at) || b.Actor != nil {
					t.Errorf("clock %d: batch %+v", c.ID, b)
				}
				got = append(got, b.Moves...)
			}
			switch m.want {
			case "left", "same":
				if !c.UpdatedAt.Equal(t0) || !c.DueAt.Equal(*m.clock.DueAt) || len(got) != 0 {
					t.Errorf("%s clock %d (%s) was changed: %+v, %d moves", m.want, c.ID, c.Metric, c, len(got))
				}
			case "moved":
				share := shares[c.OrgID]
				wantDue := c.OpenedAt.Add(time.Duration(mins[c.OrgID]) * time.Minute)
				if !c.UpdatedAt.Equal(at) || !c.DueAt.Equal(wantDue) || !c.WarnAt.Equal(c.OpenedAt.Add(45*time.Minute)) ||
					c.TargetMinutes != mins[c.OrgID] || c.PolicyVersion != 2 || string(c.Family) != share.Family ||
					c.CalendarID == nil || *c.CalendarID != share.CalendarID || *c.CalendarVersion != 3 ||
					c.Coverage != "business_hours" || c.TargetKind != "minutes" {
					t.Errorf("moved clock %d: %+v", c.ID, c)
				}
				if len(got) != 1 {
					t.Fatalf("clock %d: %d moves recorded, want 1", c.ID, len(got))
				}
				if other, _ := db.RequestMoves(ctx, store.OrgScope(orgC.ID), c.RequestID, 10); len(other) != 0 {
					t.Errorf("clock %d: another organization's scope finds %d batches", c.ID, len(other))
				}
				if all, _ := db.RequestMoves(ctx, store.AllOrgs, c.RequestID, 10); len(all) != 1 {
					t.Errorf("clock %d: all organizations' scope finds %d batches, want 1", c.ID, len(all))
				}
				mv := got[0]
				if mv.RequestID != c.RequestID || mv.OrgID != c.OrgID || mv.Metric != "initial_response" ||
					!mv.Old.Equal(*m.clock.DueAt) || !mv.New.Equal(wantDue) {
					t.Errorf("move of clock %d: %+v", c.ID, mv)
				}
			}
		}
	})
}

// On SQLite the targets are computed ahead on a reader (RetargetAhead); the
// writer takes them only for clocks whose inputs did not change since, and
// computes the others itself. It takes the batch's bounds and organizations
// from the reader too.
func TestRetargetAheadOnlyForUnchangedInputs(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	org, other := mustOrg(t, db, casedesk.OrgCustomer, "A"), mustOrg(t, db, casedesk.OrgCustomer, "B")
	share := func(minutes int) *store.Retarget {
		return &store.Retarget{Metrics: []string{"initial_response"}, PolicyVersion: 2, Family: "business", CalendarID: 1, CalendarVersion: 1,
			Kinds: map[string]store.RetargetKind{"initial_response/A": {Coverage: "24x7", TargetKind: "minutes"},
				"initial_response/B": {Coverage: "24x7", TargetKind: "minutes"}},
			Compute: func(c *store.ClockRow) error {
				due := c.OpenedAt.Add(time.Duration(minutes) * time.Minute)
				c.DueAt, c.TargetMinutes = &due, minutes
				return nil
			}}
	}
	// Clocks 0-4 of A, clock 5 of B, which has no share (no plan).
	var clocks []*store.ClockRow
	for i := range 6 {
		o := org.ID
		if i == 5 {
			o = other.ID
		}
		r := mustRequest(t, db, o, "t")
		c := &store.ClockRow{RequestID: r.ID, OrgID: o, Metric: "initial_response", OpenedAt: t0.Add(time.Duration(i) * time.Minute),
			PolicyVersion: 1, Family: "business", Severity: "B", Coverage: "24x7", TargetKind: "minutes", TargetMinutes: 30, Pauses: "[]", UpdatedAt: t0}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateClock(ctx, store.AllOrgs, c) }); err != nil {
			t.Fatal(err)
		}
		clocks = append(clocks, c)
	}
	shareOf := func(minutes int) func(*store.Queries, int64) (*store.Retarget, error) {
		return func(_ *store.Queries, o int64) (*store.Retarget, error) {
			if o != org.ID {
				return nil, nil
			}
			return share(minutes), nil
		}
	}
	// Computed ahead with a 999-minute target, which the writer's own
	// computation (60 minutes) would never give.
	side := &store.RetargetRun{Scope: store.AllOrgs, For: shareOf(999), Batch: 10}
	out := make(chan *store.Ahead, 1)
	go db.RetargetAhead(ctx, side, 0, out)
	ahead := <-out
	// Meanwhile the customer answered on clock 2 (its pauses changed), clock
	// 1's severity was raised and clock 4 stopped.
	clocks[2].Pauses = `[["2026-11-02T09:10:00Z","2026-11-02T09:20:00Z"]]`
	clocks[1].Severity = "A"
	stopped := t0.Add(time.Minute)
	clocks[4].StoppedAt = &stopped
	if err := db.Write(ctx, func(tx *store.Tx) error {
		for _, i := range []int{1, 2, 4} {
			if err := tx.UpdateClock(ctx, store.AllOrgs, clocks[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	run := &store.RetargetRun{Scope: store.AllOrgs, For: shareOf(60), At: t0, Batch: 10}
	var moves []store.ClockMove
	var seen int
	if err := db.Write(ctx, func(tx *store.Tx) (err error) {
		if run.ID, err = tx.CreateRecomputeRun(ctx, store.AllOrgs, "test", nil, t0); err != nil {
			return err
		}
		moves, seen, _, err = tx.RetargetBatch(ctx, db, run, ahead, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(moves) != 4 || seen != 6 {
		t.Errorf("moved %d of %d seen, want 4 of 6: %+v", len(moves), seen, moves)
	}
	for i, c := range clocks {
		cs, _ := db.Clocks(ctx, store.AllOrgs, c.RequestID)
		want := map[int]int{0: 999, 1: 60, 2: 60, 3: 999}[i]
		if i >= 4 { // stopped, or no share: left as they were
			if cs[0].DueAt != nil || !cs[0].UpdatedAt.Equal(t0) {
				t.Errorf("clock %d was changed: %+v", i, cs[0])
			}
			continue
		}
		if got := cs[0].DueAt.Sub(c.OpenedAt); got != time.Duration(want)*time.Minute || cs[0].Severity != c.Severity {
			t.Errorf("clock %d: due %s after opening (severity %s), want %d minutes", i, got, cs[0].Severity, want)
		}
	}
}

// A severity change committed after a recompute batch read its clocks and
// before it wrote them wins: the clock keeps the new severity's due time,
// not the one the batch computed from the old severity. The hook commits
// the change at exactly that moment: on SQLite once the reader beside the
// writer computed the batch, on PostgreSQL inside the batch's transaction
// between its read and its write.
func TestRetargetLosesToAConcurrentSeverityChange(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := mustOrg(t, db, casedesk.OrgCustomer, "A")
		minutes := map[casedesk.Severity]int{"A": 60, "B": 240}
		dueOf := func(c *store.ClockRow) time.Time {
			return c.OpenedAt.Add(time.Duration(minutes[c.Severity]) * time.Minute)
		}
		share := &store.Retarget{Metrics: []string{"initial_response"}, PolicyVersion: 2, Family: "business", CalendarID: 1, CalendarVersion: 1,
			Kinds: map[string]store.RetargetKind{"initial_response/A": {Coverage: "24x7", TargetKind: "minutes"},
				"initial_response/B": {Coverage: "24x7", TargetKind: "minutes"}},
			Compute: func(c *store.ClockRow) error {
				due := dueOf(c)
				c.DueAt, c.TargetMinutes = &due, minutes[c.Severity]
				return nil
			}}
		// Two clocks of severity B measured under policy 1: the recompute
		// re-saves both.
		var clocks []*store.ClockRow
		for i := range 2 {
			r := mustRequest(t, db, org.ID, "t")
			c := &store.ClockRow{RequestID: r.ID, OrgID: org.ID, Metric: "initial_response", OpenedAt: t0.Add(time.Duration(i) * time.Minute),
				PolicyVersion: 1, Family: "business", Severity: "B", Coverage: "24x7", TargetKind: "minutes", TargetMinutes: 240, Pauses: "[]", UpdatedAt: t0}
			due := dueOf(c)
			c.DueAt = &due
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateClock(ctx, store.OrgScope(org.ID), c) }); err != nil {
				t.Fatal(err)
			}
			clocks = append(clocks, c)
		}
		// Between the batch's read and its write, an agent raises the first
		// request to severity A, which recomputes its clock (as desk does).
		changed := false
		store.SetRetargetHook(db, func() {
			if changed {
				return
			}
			changed = true
			c := *clocks[0]
			c.Severity, c.TargetMinutes, c.UpdatedAt = "A", 60, t0.Add(time.Minute)
			due := dueOf(&c)
			c.DueAt = &due
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.UpdateClock(ctx, store.OrgScope(org.ID), &c) }); err != nil {
				t.Error(err)
			}
		})
		run := &store.RetargetRun{Scope: store.OrgScope(org.ID), For: func(*store.Queries, int64) (*store.Retarget, error) { return share, nil },
			At: t0.Add(2 * time.Minute), Saved: func(*store.Tx, []store.ClockMove) error { return nil }}
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			run.ID, err = tx.CreateRecomputeRun(ctx, run.Scope, "policy v2", nil, run.At)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.RetargetClocks(ctx, run); err != nil {
			t.Fatal(err)
		}
		if !changed {
			t.Fatal("the hook never ran")
		}
		for i, want := range []struct {
			severity casedesk.Severity
			minutes  int
		}{{"A", 60}, {"B", 240}} {
			cs, err := db.Clocks(ctx, store.OrgScope(org.ID), clocks[i].RequestID)
			if err != nil || len(cs) != 1 {
				t.Fatalf("clocks of request %d: %v %v", clocks[i].RequestID, cs, err)
			}
			c := cs[0]
			if c.Severity != want.severity || c.DueAt == nil || !c.DueAt.Equal(c.OpenedAt.Add(time.Duration(want.minutes)*time.Minute)) {
				t.Errorf("clock %d: severity %s, due %v after opening; want %s and %d minutes", i, c.Severity, c.DueAt.Sub(c.OpenedAt), want.severity, want.minutes)
			}
		}
		// The untouched clock was re-saved under the new policy.
		if cs, _ := db.Clocks(ctx, store.OrgScope(org.ID), clocks[1].RequestID); cs[0].PolicyVersion != 2 {
			t.Errorf("the other clock was not recomputed: %+v", cs[0])
		}
	})
}
