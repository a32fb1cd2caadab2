package desk

import (
	"context"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds SLA alerts: the warnings and breaches of running clocks,
// recorded at their true instant by the SLA worker.

// wake is signalled (without blocking) whenever a clock's alert instants may
// have moved, so the SLA worker re-reads the next one.
func (d *Desk) signalSLA() {
	select {
	case d.slaWake <- struct{}{}:
	default:
	}
}

// SLAWake returns the channel signalled when clocks change on this instance.
func (d *Desk) SLAWake() <-chan struct{} { return d.slaWake }

// NextAlert returns the earliest instant a running clock warns or breaches
// without that being recorded yet. The SLA worker watches every
// organization's clocks.
func (d *Desk) NextAlert(ctx context.Context) (time.Time, bool, error) {
	return d.db.NextAlert(ctx, store.AllOrgs)
}

// FireDue records every warning and breach due at or before now that is not
// recorded yet, each in the history with its true instant (not the time it
// was noticed), and publishes it. Several instances may call it at once:
// each alert is recorded by exactly one of them. It returns how many this
// call recorded.
func (d *Desk) FireDue(ctx context.Context, now time.Time) (int, error) {
	fired := 0
	const batch = 50 // small transactions, so a breach falling due meanwhile waits little
	for {
		if n := d.now(); n.After(now) {
			now = n // take in alerts that fell due while the previous batch was written
		}
		due, err := d.db.DueAlerts(ctx, store.AllOrgs, now, batch)
		if err != nil || len(due) == 0 {
			return fired, err
		}
		n := 0
		err = d.write(ctx, func(tx *store.Tx) error {
			n = 0
			for _, c := range due {
				for _, a := range []struct {
					kind  string
					event casedesk.EventKind
					at    *time.Time
					fired *time.Time
				}{{"warn", casedesk.EventSLAWarn, c.WarnAt, c.WarnFiredAt}, {"breach", casedesk.EventSLABreach, c.DueAt, c.BreachFiredAt}} {
					if a.at == nil || a.fired != nil || a.at.After(now) {
						continue
					}
					ok, err := tx.MarkFired(ctx, store.OrgScope(c.OrgID), c.ID, a.kind, *a.at, d.now())
					if err != nil {
						return err
					}
					if !ok {
						continue // another instance recorded it, or the clock moved
					}
					e := &casedesk.Event{RequestID: c.RequestID, OrgID: c.OrgID, Kind: a.event, Field: casedesk.ClockField(c.Metric, ""),
						New: casedesk.DueText(a.at), Internal: true, At: *a.at}
					if err := tx.CreateEvent(ctx, store.OrgScope(c.OrgID), e); err != nil {
						return err
					}
					k := AlertKey{Kind: a.event, Metric: c.Metric, Family: c.Family, Severity: c.Severity}
					tx.AfterCommit(func() { d.counts.add(k) })
					n++
				}
			}
			return nil
		})
		if err != nil {
			return fired, err
		}
		fired += n
		if len(due) < batch {
			return fired, nil
		}
		if n == 0 {
			return fired, nil // all taken by another instance; avoid spinning
		}
	}
}
