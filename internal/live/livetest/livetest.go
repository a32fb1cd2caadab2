// Package livetest runs a live.Relay for a test. Only tests import it.
package livetest

import (
	"context"
	"testing"

	"github.com/casedesk/casedesk/internal/live"
)

// Run runs r until the test ends and returns once it listens and has caught
// up: every change committed after that reaches r's broker. On SQLite the
// relay returns at once, after saying it is ready.
func Run(tb testing.TB, r *live.Relay) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		if err := r.Run(ctx, func() { close(ready) }); err != nil {
			tb.Errorf("event relay: %v", err)
		}
	}()
	tb.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-done:
		select {
		case <-ready:
		default:
			tb.Fatal("the event relay ended before it listened")
		}
	}
}
