package desk

import (
	"context"

	"github.com/casedesk/casedesk"
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
