package live_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// world is one organization with a request and a staff user on a fresh
// database.
type world struct {
	db   *store.DB
	org  *casedesk.Organization
	req  *casedesk.Request
	user *casedesk.User
}

func newWorld(t *testing.T, e store.Engine) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: storetest.Open(t, e)}
	w.org = &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "A", Country: "DE", TimeZone: "Europe/Berlin", Language: "de", CreatedAt: t0}
	w.req = &casedesk.Request{Category: casedesk.CategoryTechnical, Title: "t", Description: "d",
		Status: casedesk.StatusNew, Language: "en", ContactMethod: "email", Channel: casedesk.ChannelAPI, CreatedAt: t0, UpdatedAt: t0}
	w.user = &casedesk.User{Email: "agent@example.com", Name: "Agent", Role: casedesk.RoleAgent, Language: "en", TimeZone: "UTC", Active: true, CreatedAt: t0}
	err := w.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrganization(ctx, w.org); err != nil {
			return err
		}
		w.req.OrgID, w.user.OrgID = w.org.ID, w.org.ID
		if err := tx.CreateUser(ctx, store.AllOrgs, w.user, "x"); err != nil {
			return err
		}
		return tx.CreateRequest(ctx, store.AllOrgs, w.req)
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// line writes one history line of the request in tx, notifying the user.
func (w *world) line(ctx context.Context, tx *store.Tx, kind casedesk.EventKind) (*casedesk.Event, error) {
	e := &casedesk.Event{RequestID: w.req.ID, OrgID: w.org.ID, Kind: kind, At: t0}
	if err := tx.CreateEvent(ctx, store.AllOrgs, e); err != nil {
		return nil, err
	}
	n := &store.Notification{UserID: w.user.ID, OrgID: w.org.ID, RequestID: w.req.ID, EventID: e.ID, Kind: kind, CreatedAt: t0}
	return e, tx.CreateNotification(ctx, store.AllOrgs, n)
}

// moveEvents stands in for desk's converter of recompute batches.
func moveEvents(b *store.MoveBatch) []casedesk.Event {
	var es []casedesk.Event
	for _, m := range b.Moves {
		es = append(es, casedesk.Event{RequestID: m.RequestID, OrgID: m.OrgID, Kind: casedesk.EventSLARecomputed, Field: m.Metric, New: b.Reason, Internal: true, At: b.At})
	}
	return es
}

// start runs a relay for w until the test ends and returns its broker once
// the relay listens: every line committed after that reaches the broker.
func (w *world) start(t *testing.T) *live.Broker {
	t.Helper()
	b := live.NewBroker()
	r := &live.Relay{DB: w.db, Broker: b, Moves: moveEvents}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		if err := r.Run(ctx, func() { close(ready) }); err != nil {
			t.Errorf("relay: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-done: // on SQLite it returns at once, after calling ready
		select {
		case <-ready:
		default:
			t.Fatal("the relay ended before it listened")
		}
	}
	return b
}

// next returns the next event, failing the test after a long guard (not a
// wait: the relay listens before anything is written).
func next(t *testing.T, events <-chan casedesk.Event) casedesk.Event {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event reached the broker")
		return casedesk.Event{}
	}
}

// TestAnnounceSQLite: on SQLite, what a transaction wrote is published by
// the writer once it commits, never when it rolls back, and the relay has
// nothing to do.
func TestAnnounceSQLite(t *testing.T) {
	w := newWorld(t, store.SQLite)
	w.start(t) // returns at once
	ctx := context.Background()
	published := 0
	boom := errors.New("boom")
	err := w.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := w.line(ctx, tx, casedesk.EventStatusChanged); err != nil {
			return err
		}
		if err := live.Announce(ctx, tx, func() { published++ }); err != nil {
			return err
		}
		if published != 0 {
			t.Error("published before the commit")
		}
		return boom
	})
	if !errors.Is(err, boom) || published != 0 {
		t.Fatalf("rolled back: err %v, published %d times", err, published)
	}
	err = w.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := w.line(ctx, tx, casedesk.EventStatusChanged); err != nil {
			return err
		}
		return live.Announce(ctx, tx, func() { published++ })
	})
	if err != nil || published != 1 {
		t.Fatalf("committed: err %v, published %d times", err, published)
	}
}

// TestRelayPostgres: on PostgreSQL, the relay publishes every committed
// history line once, with whom it notified, also when lines commit out of
// id order, and the moves of recompute batches through Moves; the writer
// itself publishes nothing.
func TestRelayPostgres(t *testing.T) {
	w := newWorld(t, store.Postgres)
	b := w.start(t)
	events, stop := b.Subscribe(64)
	defer stop()
	ctx := context.Background()
	// write commits one line, running before (if any) between writing it
	// and committing.
	write := func(kind casedesk.EventKind, before func()) (*casedesk.Event, error) {
		var e *casedesk.Event
		err := w.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			if e, err = w.line(ctx, tx, kind); err != nil {
				return err
			}
			if before != nil {
				before()
			}
			return live.Announce(ctx, tx, func() { t.Error("the writer published on PostgreSQL") })
		})
		return e, err
	}
	want := func(line *casedesk.Event) {
		t.Helper()
		e := next(t, events)
		if e.ID != line.ID || e.Kind != line.Kind || len(e.Notify) != 1 || e.Notify[0] != w.user.ID {
			t.Fatalf("relayed %+v, want line %d (%s) notifying %d", e, line.ID, line.Kind, w.user.ID)
		}
	}

	first, err := write(casedesk.EventCreated, nil)
	if err != nil {
		t.Fatal(err)
	}
	want(first)

	// A line whose id comes first commits last: the relay finds it by
	// looking back below the highest id it has published.
	written, release := make(chan struct{}), make(chan struct{})
	var early *casedesk.Event
	earlyDone := make(chan error)
	go func() {
		var err error
		early, err = write(casedesk.EventStatusChanged, func() { close(written); <-release })
		earlyDone <- err
	}()
	<-written
	late, err := write(casedesk.EventSeverityChanged, nil)
	if err != nil {
		t.Fatal(err)
	}
	want(late)
	close(release)
	if err := <-earlyDone; err != nil {
		t.Fatal(err)
	}
	if early.ID > late.ID {
		t.Fatalf("ids %d (committed last) and %d: not out of order", early.ID, late.ID)
	}
	want(early)
	// Nothing twice: the next line relayed is the next one written.
	third, err := write(casedesk.EventStatusChanged, nil)
	if err != nil {
		t.Fatal(err)
	}
	want(third)

	// A recompute batch: its moves become lines through Moves.
	due := t0.Add(time.Hour)
	err = w.db.Write(ctx, func(tx *store.Tx) error {
		run, err := tx.CreateRecomputeRun(ctx, store.AllOrgs, "policy v2", nil, t0)
		if err != nil {
			return err
		}
		if err := tx.RecordClockMoves(ctx, run, []store.ClockMove{{RequestID: w.req.ID, OrgID: w.org.ID, Metric: "resolution", New: &due}}); err != nil {
			return err
		}
		return live.Announce(ctx, tx, func() { t.Error("the writer published on PostgreSQL") })
	})
	if err != nil {
		t.Fatal(err)
	}
	if e := next(t, events); e.Kind != casedesk.EventSLARecomputed || e.RequestID != w.req.ID || e.Field != "resolution" || e.New != "policy v2" {
		t.Fatalf("relayed %+v, want the batch's move", e)
	}
}
