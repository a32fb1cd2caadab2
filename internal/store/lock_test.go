package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// Recomputes run one at a time: on PostgreSQL across instances (here two
// handles on one database), on SQLite within the one process.
func TestLockRecomputesTakesTurns(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			cfg := storetest.Config(t, e)
			first, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			second := first
			if e == store.Postgres {
				if second, err = store.Open(ctx, cfg); err != nil {
					t.Fatal(err)
				}
				defer second.Close()
			}
			unlock, err := store.LockRecomputes(ctx, first)
			if err != nil {
				t.Fatal(err)
			}
			// While the first holds it, the second waits (until its context ends).
			waitCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			if u, err := store.LockRecomputes(waitCtx, second); err == nil {
				u()
				t.Fatal("a second recompute took the lock while the first held it")
			}
			// Once released, the second takes it, and a third waits on it.
			got := make(chan func(), 1)
			go func() {
				u, err := store.LockRecomputes(ctx, second)
				if err != nil {
					t.Error(err)
				}
				got <- u
			}()
			unlock()
			u := <-got
			if u == nil {
				t.FailNow()
			}
			u()
			again, err := store.LockRecomputes(ctx, first)
			if err != nil {
				t.Fatal(err)
			}
			again()
		})
	}
}
