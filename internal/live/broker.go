// Package live carries committed history lines to the consoles and event
// streams that show them as they happen. desk publishes what a transaction
// wrote through Announce; a Broker fans events out inside one process; and a
// Relay, on PostgreSQL, brings in what every instance sharing the database
// wrote. Which of the two ways an event takes (published directly on SQLite,
// where this process is the only writer; NOTIFY and LISTEN on PostgreSQL) is
// decided here and nowhere else.
package live

import (
	"slices"
	"sync"

	"github.com/casedesk/casedesk"
)

// Broker fans committed events out to subscribers in this process: the
// console's live updates and notifications. A slow subscriber misses events
// rather than slowing the writer down; each event also stays in the history.
//
// It also tells its watchers of access changes (WatchAccess), which unlike
// events are never dropped: a stream that missed one would show what its
// viewer may no longer see.
type Broker struct {
	mu       sync.Mutex
	subs     map[chan casedesk.Event]struct{}
	watchers []*func(Change) // in the order they began watching
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{subs: map[chan casedesk.Event]struct{}{}}
}

// WatchAccess calls f with every access change published from now on until
// stop is called. f runs on the publisher's goroutine, after the watchers
// that began before it: it must be quick and must not call back into the
// broker.
func (b *Broker) WatchAccess(f func(Change)) (stop func()) {
	p := &f
	b.mu.Lock()
	b.watchers = append(b.watchers, p)
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		b.watchers = slices.DeleteFunc(b.watchers, func(q *func(Change)) bool { return q == p })
		b.mu.Unlock()
	}
}

// AccessChanged tells every watcher of c, in the order they began watching.
func (b *Broker) AccessChanged(c Change) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.watchers {
		(*f)(c)
	}
}

// Subscribe returns a channel of events and a function that ends the
// subscription and closes the channel; calling it again does nothing.
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
