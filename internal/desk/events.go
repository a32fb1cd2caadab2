package desk

import (
	"context"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// Broker fans committed events out to subscribers in this process: the
// console's live updates and notifications. A slow subscriber misses events
// rather than slowing desk down; each event also stays in the history.
type Broker struct {
	mu   sync.Mutex
	subs map[chan casedesk.Event]struct{}
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[chan casedesk.Event]struct{}{}} }

// Subscribe returns a channel of events and a function that ends the subscription.
func (b *Broker) Subscribe(buffer int) (<-chan casedesk.Event, func()) {
	ch := make(chan casedesk.Event, buffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
		b.mu.Unlock()
	}
}

// Publish delivers e to every subscriber that has room.
func (b *Broker) Publish(e casedesk.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// Events returns the desk's event broker.
func (d *Desk) Events() *Broker { return d.events }

// eventsChannel is the PostgreSQL notification channel on which instances
// tell each other that history events were written.
const eventsChannel = "casedesk_events"

// write runs fn in a transaction (store.DB.Write), adds the notifications
// its history events cause (notify.go) to the same transaction and, once it
// commits, publishes the events: directly on SQLite, where this process is
// the only writer, and through a notification on PostgreSQL, which every
// instance's relay (RunEventRelay) answers by reading the new events.
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

// announce makes what tx wrote reach the subscribers once it commits: on
// PostgreSQL through a notification, which every instance's relay
// (RunEventRelay), this one's included, answers by reading it back; on
// SQLite, where this process is the only writer, by running publish.
func (d *Desk) announce(ctx context.Context, tx *store.Tx, publish func()) error {
	if d.db.Engine() == store.Postgres {
		return tx.Notify(ctx, eventsChannel)
	}
	tx.AfterCommit(publish)
	return nil
}

// RunEventRelay, on PostgreSQL, publishes to this instance's subscribers
// every history event any instance writes, until ctx ends. It reads events
// by id after each notification; since ids are handed out before commit, a
// short look-back window catches events that committed out of id order, and
// ids already published are skipped. On SQLite it returns at once.
//
// ready, if not nil, is called once, when the relay first listens (at once
// on SQLite): every event committed after that reaches this instance's
// subscribers. Tests wait for it instead of retrying.
func (d *Desk) RunEventRelay(ctx context.Context, ready func()) error {
	if d.db.Engine() != store.Postgres {
		if ready != nil {
			ready()
		}
		return nil
	}
	last, err := d.db.LastEventID(ctx)
	if err != nil {
		return err
	}
	lastBatch, err := d.db.LastMoveBatchID(ctx)
	if err != nil {
		return err
	}
	const lookBack = 256
	seen := map[int64]bool{}
	seenBatch := map[int64]bool{}
	for ctx.Err() == nil {
		err := d.db.Listen(ctx, eventsChannel, func() {
			// Listening: whatever commits from now on is notified, and
			// what committed since last is read below.
			if ready != nil {
				ready()
				ready = nil
			}
			lastBatch = d.relayMoves(ctx, lastBatch, seenBatch)
			for {
				es, err := d.db.EventsAfter(ctx, store.AllOrgs, max(0, last-lookBack), 1000)
				if err != nil {
					d.log.Warn("event relay", "err", err)
					return
				}
				var fresh []int64
				for _, e := range es {
					if !seen[e.ID] {
						fresh = append(fresh, e.ID)
					}
				}
				// Whom each event notified: committed with it, so readable now.
				notified, err := d.db.Notified(ctx, store.AllOrgs, fresh)
				if err != nil {
					d.log.Warn("event relay", "err", err)
					return
				}
				for _, e := range es {
					if seen[e.ID] {
						continue
					}
					seen[e.ID] = true
					last = max(last, e.ID)
					e.Notify = notified[e.ID]
					d.events.Publish(*e)
				}
				for id := range seen {
					if id <= last-lookBack {
						delete(seen, id)
					}
				}
				if len(es) < 1000 {
					return
				}
			}
		})
		if err != nil && ctx.Err() == nil {
			d.log.Warn("event relay: reconnecting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	return nil
}

// relayMoves publishes the moves of bulk recompute batches written since
// last (on any instance) and returns the new last batch id. Like events,
// batch ids can commit out of order, so the ids of a few before last are
// read again; a batch itself is read once.
func (d *Desk) relayMoves(ctx context.Context, last int64, seen map[int64]bool) int64 {
	const lookBack = 16
	for {
		ids, err := d.db.MoveBatchIDsAfter(ctx, max(0, last-lookBack), 100)
		if err != nil {
			d.log.Warn("event relay: recomputes", "err", err)
			return last
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			b, err := d.db.MoveBatch(ctx, id)
			if err != nil {
				d.log.Warn("event relay: recomputes", "err", err)
				return last
			}
			seen[id] = true
			last = max(last, id)
			for _, m := range b.Moves {
				d.events.Publish(movedEvent(m, b.Reason, b.Actor, b.At))
			}
		}
		for id := range seen {
			if id <= last-lookBack {
				delete(seen, id)
			}
		}
		if len(ids) < 100 {
			return last
		}
	}
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
