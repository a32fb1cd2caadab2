package desk

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// Events returns the broker on which the desk publishes the history lines
// its transactions commit, and on which this instance's live.Relay
// publishes those of the others.
func (d *Desk) Events() *live.Broker { return d.events }

// write runs fn in a transaction (store.DB.Write), adds the notifications
// its history events cause (notify.go) to the same transaction and, once it
// commits, publishes the events (announce).
func (d *Desk) write(ctx context.Context, fn func(*store.Tx) error) error {
	return d.db.Write(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if len(tx.Events()) == 0 {
			return nil
		}
		notified, err := d.notify(ctx, tx)
		if err != nil {
			return err
		}
		return d.announce(ctx, tx, func() {
			for _, e := range tx.Events() {
				e.Notify = notified[e.ID]
				d.events.Publish(e)
			}
		})
	})
}

// announce makes what tx wrote reach the subscribers once it commits:
// publish runs after the commit, or every instance's live.Relay reads it
// back, as live.Announce decides.
func (d *Desk) announce(ctx context.Context, tx *store.Tx, publish func()) error {
	return live.Announce(ctx, tx, publish)
}

// MoveEvents returns the history lines of a recorded bulk recompute batch,
// one per moved due time: what live.Relay publishes when another instance
// recorded it.
func MoveEvents(b *store.MoveBatch) []casedesk.Event {
	es := make([]casedesk.Event, len(b.Moves))
	for i, m := range b.Moves {
		es[i] = movedEvent(m, b.Reason, b.Actor, b.At)
	}
	return es
}

// EventFilter returns the test a live event must pass to be shown to the
// actor: staff see everything; customer admins and partners see the events
// of the requests in their scope that are not staff-only.
func (d *Desk) EventFilter(a *casedesk.Actor) (func(casedesk.Event) bool, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	if a.IsStaff() {
		return func(casedesk.Event) bool { return true }, nil
	}
	return func(e casedesk.Event) bool { return !e.Internal && inScope(scope, e.OrgID) }, nil
}

// accessChanged makes every instance hear, once tx commits, that the access
// of those c concerns may have changed: their cached tokens are forgotten and
// their live streams re-check it (Viewer). Every verb that revokes a token,
// a user's rights or a delegation calls it in its transaction.
func (d *Desk) accessChanged(ctx context.Context, tx *store.Tx, c live.Change) error {
	// This instance forgets at once, relay or not; Announce tells the rest.
	tx.AfterCommit(func() { d.tokens.forget(c) })
	return live.AnnounceAccess(ctx, tx, d.events, c)
}

// recheckEvery bounds how long a live stream shows events on what it last
// read of its viewer's access without reading it again, for what no access
// change announces: a delegation reaching its end date, a change missed
// while an instance's relay was reconnecting.
const recheckEvery = time.Minute

// Viewer is the viewer of one live stream (sse.Serve): who watches, with
// which token, and the filter of what they may see, kept true while the
// stream runs. Before each event and whenever an access change concerning
// the viewer is announced on any instance, Check reads the token, the user
// and the delegations again from the database — and only then: between
// changes an event costs an atomic load and a clock read. Its methods, but
// the announcement that wakes it, are for the stream's one goroutine.
type Viewer struct {
	d      *Desk
	hash   string
	filter func(*casedesk.Actor) (func(casedesk.Event) bool, error)
	actor  atomic.Pointer[casedesk.Actor] // read by changed, on the announcer's goroutine
	allow  func(casedesk.Event) bool
	until  time.Time // read the access again by then
	left   time.Duration
	dirty  atomic.Bool
	wake   chan struct{}
	stop   func()
}

// Watch returns the viewer of a live stream signed in with the token secret,
// whose events pass filter(actor) (EventFilter or ConsoleEventFilter); it
// fails as Authenticate or filter do. Close it when the stream ends.
func (d *Desk) Watch(ctx context.Context, secret string, filter func(*casedesk.Actor) (func(casedesk.Event) bool, error)) (*Viewer, error) {
	if secret == "" {
		return nil, errUnauthenticated()
	}
	v := &Viewer{d: d, hash: auth.HashToken(secret), filter: filter, wake: make(chan struct{}, 1)}
	// Watch before reading, so that no change after the read goes unheard.
	v.stop = d.events.WatchAccess(v.changed)
	if err := v.read(ctx); err != nil {
		v.stop()
		return nil, err
	}
	return v, nil
}

// changed runs on the announcer's goroutine: it marks the viewer for a new
// read and wakes its stream.
func (v *Viewer) changed(c live.Change) {
	a := v.actor.Load()
	if a != nil && !c.Concerns(a.User.ID, a.User.OrgID, a.Delegated) {
		return
	}
	v.dirty.Store(true)
	select {
	case v.wake <- struct{}{}:
	default:
	}
}

// read reads the viewer's access from the database, past the token cache.
func (v *Viewer) read(ctx context.Context) error {
	v.dirty.Store(false) // a change announced from now on marks it again
	now := v.d.now()
	e, err := v.d.lookupToken(ctx, v.hash, now)
	if err != nil {
		return err
	}
	a, err := v.d.actor(ctx, e, "", now)
	if err != nil {
		return err
	}
	allow, err := v.filter(a)
	if err != nil {
		return err
	}
	v.until, v.left = now.Add(recheckEvery), 0
	if e.expires != nil {
		v.left = e.expires.Sub(now)
		if e.expires.Before(v.until) {
			v.until = *e.expires
		}
	}
	v.actor.Store(a)
	v.allow = allow
	return nil
}

// Changed is ready when the viewer's access may have changed; Check then
// tells.
func (v *Viewer) Changed() <-chan struct{} { return v.wake }

// Check reports whether the viewer may still watch: nil, or the error that
// ends the stream (the token revoked or expired, the user deactivated, their
// role no longer allowed to stream, or the database unreachable). It reads
// the access again when a change was announced or recheckEvery has passed.
func (v *Viewer) Check(ctx context.Context) error {
	if !v.dirty.Load() && v.d.now().Before(v.until) {
		return nil
	}
	return v.read(ctx)
}

// Allow reports whether the viewer may see e, by what Check last read.
func (v *Viewer) Allow(e casedesk.Event) bool { return v.allow(e) }

// Actor returns the viewer as Check last read them.
func (v *Viewer) Actor() *casedesk.Actor { return v.actor.Load() }

// Left returns how long the viewer's token had left when Check last read
// it; 0 when it does not expire. A stream ends by then at the latest.
func (v *Viewer) Left() time.Duration { return v.left }

// Close stops watching for access changes.
func (v *Viewer) Close() { v.stop() }

// Since returns the stored events after the id after that the viewer may
// see, oldest first, for a stream its client resumes (Last-Event-ID), and
// the id of the newest event it covers, seen or hidden. It reads at most
// max events of the viewer's scope: when more were missed, it returns none,
// false and the newest stored event's id, and the client should read what
// it shows afresh.
func (v *Viewer) Since(ctx context.Context, after int64, max int) (events []casedesk.Event, last int64, ok bool, err error) {
	scope, err := requestScope(v.Actor())
	if err != nil {
		return nil, 0, false, err
	}
	es, err := v.d.db.EventsAfter(ctx, scope, after, max+1)
	if err != nil {
		return nil, 0, false, err
	}
	if len(es) > max {
		last, err := v.d.db.LastEventID(ctx)
		return nil, last, false, err
	}
	last = after
	for _, e := range es {
		if v.Allow(*e) {
			events = append(events, *e)
		}
		last = e.ID
	}
	return events, last, true, nil
}

// Relay returns the live.Relay that brings this desk's subscribers the
// changes other instances commit (PostgreSQL); cmd/casedesk runs it.
func (d *Desk) Relay() *live.Relay {
	return &live.Relay{DB: d.db, Broker: d.events, Moves: MoveEvents, Log: d.log}
}
