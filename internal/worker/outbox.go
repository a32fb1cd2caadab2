package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
)

// Deliveries is what the outbox worker needs of desk.
type Deliveries interface {
	ClaimDeliveries(ctx context.Context, n int) ([]*casedesk.Delivery, error)
	DeliveryDone(ctx context.Context, d *casedesk.Delivery, err error) error
	NextDelivery(ctx context.Context) (time.Time, bool, error)
	OutboxWake() <-chan struct{}
}

// A Sender sends one delivery of its route: a mail through SMTP, a webhook
// call. It returns nil once the recipient has it, casedesk.Refused for a
// final refusal, any other error to be tried again.
type Sender interface {
	Send(ctx context.Context, d *casedesk.Delivery) error
}

// Outbox sends the deliveries desk queued. It claims a batch (held for a
// lease, so that no other instance sends them meanwhile), sends them with
// up to Concurrency senders at once, records each outcome, and sleeps
// until the next delivery falls due or desk queues new ones. Several
// instances may run it on one PostgreSQL database.
type Outbox struct {
	Deliveries Deliveries
	Senders    map[casedesk.Route]Sender
	Clock      casedesk.Clock
	Log        *slog.Logger
	// Concurrency bounds the deliveries sent at once (default 8).
	Concurrency int
	// Recheck bounds how long the worker sleeps without looking, for
	// deliveries another instance queued (default 5 s).
	Recheck time.Duration
	// Done, if set, is called after each delivery's outcome is recorded
	// (tests, metrics).
	Done func(d *casedesk.Delivery, err error)
}

// Run works until ctx ends. Deliveries it holds when ctx ends are left to
// their lease.
func (w *Outbox) Run(ctx context.Context) error {
	conc := w.Concurrency
	if conc <= 0 {
		conc = 8
	}
	recheck := w.Recheck
	if recheck <= 0 {
		recheck = 5 * time.Second
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		full, err := w.round(ctx, conc)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("outbox", "err", err)
		}
		wait := recheck
		if err != nil {
			// The database is in trouble: look again after Recheck, not at
			// once (the due deliveries are still due).
		} else if full {
			wait = 0
		} else if next, ok, err := w.Deliveries.NextDelivery(ctx); err != nil {
			if ctx.Err() == nil {
				w.Log.Error("outbox next delivery", "err", err)
			}
		} else if ok {
			wait = min(wait, max(0, next.Sub(w.Clock.Now())))
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-w.Deliveries.OutboxWake():
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
	}
}

// round claims one batch and sends it; full reports whether the batch was
// full, so more may be waiting.
func (w *Outbox) round(ctx context.Context, conc int) (full bool, err error) {
	batch := conc * 4
	ds, err := w.Deliveries.ClaimDeliveries(ctx, batch)
	if err != nil || len(ds) == 0 {
		return false, err
	}
	work := make(chan *casedesk.Delivery)
	var wg sync.WaitGroup
	for range min(conc, len(ds)) {
		wg.Go(func() {
			for d := range work {
				w.send(ctx, d)
			}
		})
	}
	for _, d := range ds {
		work <- d
	}
	close(work)
	wg.Wait()
	return len(ds) == batch, nil
}

func (w *Outbox) send(ctx context.Context, d *casedesk.Delivery) {
	s := w.Senders[d.Route]
	var err error
	if s == nil {
		err = errNoSender(d.Route)
	} else {
		err = s.Send(ctx, d)
	}
	if ctx.Err() != nil {
		return // shutting down: the lease hands it to the next try
	}
	if rerr := w.Deliveries.DeliveryDone(ctx, d, err); rerr != nil {
		if ctx.Err() == nil {
			w.Log.Error("outbox record", "delivery", d.ID, "err", rerr)
		}
		return
	}
	if w.Done != nil {
		w.Done(d, err)
	}
}

type errNoSender casedesk.Route

func (e errNoSender) Error() string {
	return "no " + string(e) + " sender is configured"
}
