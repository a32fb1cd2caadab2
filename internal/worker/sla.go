// Package worker runs casedesk's background work. Each worker has Run(ctx)
// and keeps its state in the database, so any instance can take over.
package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/casedesk/casedesk"
)

// Alerts is what the SLA worker needs of desk.
type Alerts interface {
	NextAlert(ctx context.Context) (time.Time, bool, error)
	FireDue(ctx context.Context, now time.Time) (int, error)
	SLAWake() <-chan struct{}
}

// SLA records every clock's warning and breach at its instant. It does not
// poll the table: it asks for the next instant (an index seek), sleeps until
// then or until desk says clocks moved, and fires what is due. At start-up it
// first fires whatever fell due while no instance ran, stamped with the true
// instants. Several instances may run it on one PostgreSQL database; each
// alert is recorded once (desk.FireDue claims it atomically).
type SLA struct {
	Alerts Alerts
	Clock  casedesk.Clock
	Log    *slog.Logger
	// Recheck bounds how long the worker trusts its view of the next instant,
	// which another instance may have moved earlier (default 15 s).
	Recheck time.Duration
	// Fired, if set, receives the number of alerts each round recorded (tests).
	Fired func(n int)
}

// Run works until ctx ends.
func (w *SLA) Run(ctx context.Context) error {
	recheck := w.Recheck
	if recheck <= 0 {
		recheck = 15 * time.Second
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n, err := w.Alerts.FireDue(ctx, w.Clock.Now())
		if err != nil && ctx.Err() == nil {
			w.Log.Error("sla alerts", "err", err)
		}
		if w.Fired != nil {
			w.Fired(n)
		}
		wait := recheck
		if next, ok, err := w.Alerts.NextAlert(ctx); err != nil {
			if ctx.Err() == nil {
				w.Log.Error("sla next alert", "err", err)
			}
		} else if ok {
			wait = min(wait, max(0, next.Sub(w.Clock.Now())))
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-w.Alerts.SLAWake():
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
	}
}
