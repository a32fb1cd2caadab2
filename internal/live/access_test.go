package live_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// TestChangeConcerns: a change concerns its user, the users of its
// organization and of the partners it delegated to; the zero change
// concerns everyone.
func TestChangeConcerns(t *testing.T) {
	const user, org, customer = 7, 3, 9
	for _, c := range []struct {
		change live.Change
		want   bool
	}{
		{live.Change{User: user}, true},
		{live.Change{User: 8}, false},
		{live.Change{Org: org}, true},
		{live.Change{Org: customer}, true}, // a delegation of the viewer's partner
		{live.Change{Org: 4}, false},
		{live.Change{}, true},
	} {
		if got := c.change.Concerns(user, org, []int64{customer}); got != c.want {
			t.Errorf("%+v concerns user %d of %d delegated %d: %v, want %v", c.change, user, org, customer, got, c.want)
		}
	}
}

// TestWatchAccess: every watcher hears every change, however many, in the
// order they began watching; one that stopped hears nothing more.
func TestWatchAccess(t *testing.T) {
	b := live.NewBroker()
	var heard []string
	stopA := b.WatchAccess(func(c live.Change) { heard = append(heard, "a") })
	b.WatchAccess(func(c live.Change) { heard = append(heard, "b") })
	for range 300 { // more than any event subscription's buffer: none is dropped
		b.AccessChanged(live.Change{User: 1})
	}
	if len(heard) != 600 || heard[0] != "a" || heard[1] != "b" {
		t.Fatalf("heard %d changes, first %v", len(heard), heard[:2])
	}
	stopA()
	heard = nil
	b.AccessChanged(live.Change{User: 1})
	if !slices.Equal(heard, []string{"b"}) {
		t.Fatalf("after a stop, heard %v", heard)
	}
}

// TestAnnounceAccessSQLite: on SQLite the broker hears of a change once its
// transaction commits, never when it rolls back.
func TestAnnounceAccessSQLite(t *testing.T) {
	w := newWorld(t, store.SQLite)
	b := live.NewBroker()
	var heard []live.Change
	b.WatchAccess(func(c live.Change) { heard = append(heard, c) })
	ctx := context.Background()
	boom := errors.New("boom")
	err := w.db.Write(ctx, func(tx *store.Tx) error {
		if err := live.AnnounceAccess(ctx, tx, b, live.Change{User: 5}); err != nil {
			return err
		}
		if len(heard) != 0 {
			t.Error("heard before the commit")
		}
		return boom
	})
	if !errors.Is(err, boom) || len(heard) != 0 {
		t.Fatalf("rolled back: err %v, heard %v", err, heard)
	}
	err = w.db.Write(ctx, func(tx *store.Tx) error { return live.AnnounceAccess(ctx, tx, b, live.Change{User: 5}) })
	if err != nil || !slices.Equal(heard, []live.Change{{User: 5}}) {
		t.Fatalf("committed: err %v, heard %v", err, heard)
	}
}

// TestRelayAccessPostgres: on PostgreSQL every instance's relay passes an
// access change on, with whom it concerns, before the history lines
// committed after it — so a stream re-checks its viewer before it is shown
// them.
func TestRelayAccessPostgres(t *testing.T) {
	w := newWorld(t, store.Postgres)
	b := w.start(t)
	var mu sync.Mutex
	var order []string
	b.WatchAccess(func(c live.Change) {
		mu.Lock()
		defer mu.Unlock()
		if c == (live.Change{User: w.user.ID, Org: 0}) {
			order = append(order, "change")
		}
	})
	events, stop := b.Subscribe(64)
	defer stop()
	ctx := context.Background()
	writer := live.NewBroker() // the writing instance's own broker: PostgreSQL does not use it
	writer.WatchAccess(func(live.Change) { t.Error("the writer told its broker on PostgreSQL") })
	err := w.db.Write(ctx, func(tx *store.Tx) error { return live.AnnounceAccess(ctx, tx, writer, live.Change{User: w.user.ID}) })
	if err != nil {
		t.Fatal(err)
	}
	err = w.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := w.line(ctx, tx, casedesk.EventStatusChanged); err != nil {
			return err
		}
		return live.Announce(ctx, tx, func() {})
	})
	if err != nil {
		t.Fatal(err)
	}
	next(t, events) // the line: the change was relayed before it
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order, []string{"change"}) {
		t.Fatalf("when the line arrived, the relay had passed on %v", order)
	}
}
