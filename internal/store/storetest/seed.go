package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// SeedOpenClocks writes n open requests of the organizations, in turn, the
// i-th opened n-i seconds before now, each with the running clock that
// clock returns for it, in writes of 10,000: the seeding of the recompute
// benchmarks.
func SeedOpenClocks(tb testing.TB, db *store.DB, orgs []int64, n int, now time.Time, clock func(r *casedesk.Request) *store.ClockRow) {
	tb.Helper()
	ctx := context.Background()
	for done := 0; done < n; done += 10000 {
		err := db.Write(ctx, func(tx *store.Tx) error {
			rs := make([]*casedesk.Request, 0, 10000)
			for i := done; i < min(n, done+10000); i++ {
				at := now.Add(-time.Duration(n-i) * time.Second)
				rs = append(rs, &casedesk.Request{OrgID: orgs[i%len(orgs)], Category: "technical", Title: "t", Description: "d",
					Severity: "B", Status: "open", Language: "en", ContactMethod: "email", Channel: "api", CreatedAt: at, UpdatedAt: at})
			}
			if err := tx.InsertRequests(ctx, rs); err != nil {
				return err
			}
			for _, r := range rs {
				if err := tx.CreateClock(ctx, store.AllOrgs, clock(r)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}
