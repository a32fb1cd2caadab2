package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// BenchmarkRetargetWriter measures the SQLite writer's share of a recompute
// alone: the targets are computed ahead, before the clock starts, as the
// reader beside the writer does during a real recompute, and each op
// re-saves every clock with a moved due time. It reports the writer's time
// per clock, the figure that bounds a recompute on SQLite; the whole
// recompute is BenchmarkRecomputeAfterCalendarChange in desk.
func BenchmarkRetargetWriter(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("CASEDESK_BENCH_CLOCKS")); err == nil && v > 0 {
		n = v
	}
	const batch = 5000
	db := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	var orgs []int64
	for i := range 20 {
		orgs = append(orgs, mustOrg(b, db, casedesk.OrgCustomer, "C"+strconv.Itoa(i)).ID)
	}
	storetest.SeedOpenClocks(b, db, orgs, n, t0, func(r *casedesk.Request) *store.ClockRow {
		due, warn := r.CreatedAt.Add(time.Hour), r.CreatedAt.Add(45*time.Minute)
		return &store.ClockRow{RequestID: r.ID, OrgID: r.OrgID, Metric: "initial_response", OpenedAt: r.CreatedAt,
			PolicyVersion: 1, Family: "enterprise", Severity: "B", Coverage: "business_hours", TargetKind: "minutes", TargetMinutes: 60,
			Pauses: "[]", DueAt: &due, WarnAt: &warn, UpdatedAt: r.CreatedAt}
	})
	share := func(version int) *store.Retarget {
		minutes := 60 + version
		return &store.Retarget{Metrics: []string{"initial_response"}, PolicyVersion: 1, Family: "enterprise", CalendarID: 1, CalendarVersion: int64(version),
			Kinds: map[string]store.RetargetKind{"initial_response/B": {Coverage: "business_hours", TargetKind: "minutes", Minutes: &minutes}},
			Compute: func(c *store.ClockRow) error {
				due, warn := c.OpenedAt.Add(time.Duration(minutes)*time.Minute), c.OpenedAt.Add(time.Duration(minutes*3/4)*time.Minute)
				c.DueAt, c.WarnAt, c.TargetMinutes = &due, &warn, minutes
				return nil
			}}
	}
	var writer, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rt := share(i + 2)
		run := &store.RetargetRun{Scope: store.AllOrgs, For: func(*store.Queries, int64) (*store.Retarget, error) { return rt, nil }, At: t0, Batch: batch}
		out := make(chan *store.Ahead, n/batch+2)
		if err := db.RetargetAhead(ctx, run, 0, out); err != nil {
			b.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) (err error) {
			run.ID, err = tx.CreateRecomputeRun(ctx, store.AllOrgs, "bench", nil, t0)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), storetest.CPUTime()
		after, moved := int64(0), 0
		for ahead := range out {
			var seen int
			if err := db.Write(ctx, func(tx *store.Tx) error {
				ms, s, last, err := tx.RetargetBatch(ctx, db, run, ahead, after)
				moved, seen, after = moved+len(ms), s, last
				if err != nil {
					return err
				}
				return tx.RecordClockMoves(ctx, run.ID, ms)
			}); err != nil {
				b.Fatal(err)
			}
			if seen < batch {
				break
			}
		}
		writer += time.Since(start)
		cpu += storetest.CPUTime() - cpu0
		if moved != n {
			b.Fatalf("moved %d of %d clocks", moved, n)
		}
	}
	b.ReportMetric(float64(writer.Nanoseconds())/float64(b.N*n), "ns/clock")
	// On a shared machine the CPU time is steadier than the wall clock.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "cpu-ns/clock")
}
