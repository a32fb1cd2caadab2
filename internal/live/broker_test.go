package live_test

import (
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/live"
)

// TestBroker: every subscriber with room gets each event; a full one misses
// it rather than holding the publisher; ending a subscription closes its
// channel, once.
func TestBroker(t *testing.T) {
	b := live.NewBroker()
	roomy, stopRoomy := b.Subscribe(2)
	full, stopFull := b.Subscribe(1)
	b.Publish(casedesk.Event{ID: 1})
	b.Publish(casedesk.Event{ID: 2}) // full has no room left: missed
	if e := <-roomy; e.ID != 1 {
		t.Fatalf("first event %d, want 1", e.ID)
	}
	if e := <-roomy; e.ID != 2 {
		t.Fatalf("second event %d, want 2", e.ID)
	}
	if e := <-full; e.ID != 1 {
		t.Fatalf("full subscriber's event %d, want 1", e.ID)
	}
	select {
	case e := <-full:
		t.Fatalf("full subscriber got %d, which it had no room for", e.ID)
	default:
	}
	stopFull()
	stopFull()
	if _, open := <-full; open {
		t.Fatal("channel open after the subscription ended")
	}
	b.Publish(casedesk.Event{ID: 3}) // reaches roomy only, and does not panic
	if e := <-roomy; e.ID != 3 {
		t.Fatalf("third event %d, want 3", e.ID)
	}
	stopRoomy()
}
