package store_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// Migration 0011 indexes the batches recorded before it by request, so a
// request's moves recorded then are still found: replayed here on batches
// whose index rows were removed.
func TestMigration0011IndexesEarlierBatches(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := mustOrg(t, db, casedesk.OrgCustomer, "A")
		r1, r2 := mustRequest(t, db, org.ID, "one"), mustRequest(t, db, org.ID, "two")
		due, later := t0.Add(time.Hour), t0.Add(2*time.Hour)
		var run int64
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			if run, err = tx.CreateRecomputeRun(ctx, store.AllOrgs, "calendar v2", nil, t0); err != nil {
				return err
			}
			if err := tx.RecordClockMoves(ctx, run, []store.ClockMove{
				{RequestID: r2.ID, OrgID: org.ID, Metric: "resolution", Old: &due, New: &later},
				{RequestID: r1.ID, OrgID: org.ID, Metric: "initial_response", New: &due},
				{RequestID: r2.ID, OrgID: org.ID, Metric: "initial_response", Old: &due, New: &later},
			}); err != nil {
				return err
			}
			return tx.RecordClockMoves(ctx, run, []store.ClockMove{{RequestID: r1.ID, OrgID: org.ID, Metric: "resolution", Old: &due}})
		}); err != nil {
			t.Fatal(err)
		}
		count := func() map[int64]int {
			out := map[int64]int{}
			for _, r := range []int64{r1.ID, r2.ID} {
				bs, err := db.RequestMoves(ctx, store.AllOrgs, r, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range bs {
					out[r] += len(b.Moves)
				}
			}
			return out
		}
		want := map[int64]int{r1.ID: 2, r2.ID: 2}
		if got := count(); got[r1.ID] != want[r1.ID] || got[r2.ID] != want[r2.ID] {
			t.Fatalf("moves by request: %v, want %v", got, want)
		}
		body, err := os.ReadFile("migrations/" + string(db.Engine()) + "/0011_clock_move_blocks.sql")
		if err != nil {
			t.Fatal(err)
		}
		_, backfill, ok := strings.Cut(string(body), "-- The batches written before")
		if !ok {
			t.Fatal("migration 0011 has no backfill")
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.Exec(ctx, "DELETE FROM clock_move_blocks"); err != nil {
				return err
			}
			return tx.Exec(ctx, "-- The batches written before"+backfill)
		}); err != nil {
			t.Fatal(err)
		}
		if got := count(); got[r1.ID] != want[r1.ID] || got[r2.ID] != want[r2.ID] {
			t.Fatalf("after the backfill, moves by request: %v, want %v", got, want)
		}
	})
}
