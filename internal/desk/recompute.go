package desk

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds bulk recomputes: after a policy, calendar or plan change,
// every running clock in scope is computed again from its opening instant,
// and the due times that moved are recorded and published.

// RecomputeClocks recomputes the running clocks in scope (store.AllOrgs or
// one organization's) from their opening instants with the current policy,
// plans and calendars, in batches, recording each due time that moved. It
// returns how many moved.
func (d *Desk) RecomputeClocks(ctx context.Context, scope store.Scope, reason string, actor *int64) (int, error) {
	var rc *recompute
	if err := d.write(ctx, func(tx *store.Tx) (err error) {
		rc, err = d.startRecompute(ctx, tx, scope, reason, actor)
		return err
	}); err != nil {
		return 0, err
	}
	return d.runRecompute(ctx, rc)
}

// recompute is a bulk recompute recorded (recompute_runs) but not yet run.
type recompute struct {
	id     int64
	scope  store.Scope
	reason string
	actor  *int64
	at     time.Time
}

// startRecompute records a recompute in the transaction of the change that
// calls for it, so that a process stopped before the recompute finished
// resumes it at start-up (ResumeRecomputes). runRecompute runs it once the
// change has committed.
func (d *Desk) startRecompute(ctx context.Context, tx *store.Tx, scope store.Scope, reason string, actor *int64) (*recompute, error) {
	rc := &recompute{scope: scope, reason: reason, actor: actor, at: d.now()}
	var err error
	rc.id, err = tx.CreateRecomputeRun(ctx, scope, reason, actor, rc.at)
	return rc, err
}

// runRecompute runs a recorded recompute (store.DB.RetargetClocks, which
// takes turns with any other) and marks it finished. desk computes each
// clock and decides which due times moved; each batch records its moves
// and, once committed, publishes them to the live stream while the next
// batch is written.
func (d *Desk) runRecompute(ctx context.Context, rc *recompute) (int, error) {
	// Each organization's share, computed once for the run, by the writer
	// or by the computation beside it, whichever needs it first.
	var mu sync.Mutex
	inputs := map[int64]*store.Retarget{}
	moved := 0
	var published sync.WaitGroup
	defer published.Wait()
	err := d.db.RetargetClocks(ctx, &store.RetargetRun{ID: rc.id, Scope: rc.scope, At: rc.at,
		For: func(q *store.Queries, o int64) (*store.Retarget, error) {
			mu.Lock()
			defer mu.Unlock()
			if rt, ok := inputs[o]; ok {
				return rt, nil
			}
			rt, err := d.retarget(ctx, q, o)
			if err == nil {
				inputs[o] = rt
			}
			return rt, err
		},
		Saved: func(tx *store.Tx, saved []store.ClockMove) error {
			moves := slices.DeleteFunc(saved, func(m store.ClockMove) bool { return !dueMoved(m.Old, m.New) })
			if len(moves) == 0 {
				return nil
			}
			if err := tx.RecordClockMoves(ctx, rc.id, moves); err != nil {
				return err
			}
			tx.AfterCommit(func() { moved += len(moves) })
			return d.announce(ctx, tx, func() {
				published.Go(func() {
					for _, m := range moves {
						d.events.Publish(movedEvent(m, rc.reason, rc.actor, rc.at))
					}
				})
			})
		}})
	if moved > 0 {
		d.signalSLA()
	}
	if err != nil {
		return moved, err
	}
	return moved, d.write(ctx, func(tx *store.Tx) error { return tx.FinishRecomputeRun(ctx, rc.id, moved, d.now()) })
}

// dueMoved reports whether a recompute moved a clock's due time: what gets a
// history line.
func dueMoved(old, new *time.Time) bool {
	if old == nil || new == nil {
		return old != new
	}
	return !old.Equal(*new)
}

// movedEvent is the history line of a due time a bulk recompute moved: kind
// sla_recomputed, staff-only, without an id (the move is packed with its
// batch, store.Queries.RecordClockMoves).
func movedEvent(m store.ClockMove, reason string, actor *int64, at time.Time) casedesk.Event {
	return casedesk.Event{RequestID: m.RequestID, Number: casedesk.RequestNumber(m.RequestID), OrgID: m.OrgID, ActorID: actor,
		Kind: casedesk.EventSLARecomputed, Field: casedesk.ClockField(casedesk.Metric(m.Metric), reason), Old: casedesk.DueText(m.Old), New: casedesk.DueText(m.New), Internal: true, At: at}
}

// retarget builds an organization's share of a recompute, nil when it has
// no active plan any more (its clocks are left as they were).
func (d *Desk) retarget(ctx context.Context, q *store.Queries, org int64) (*store.Retarget, error) {
	in, ok, err := d.inputsFor(ctx, q, org)
	if err != nil || !ok {
		return nil, err
	}
	rt := &store.Retarget{PolicyVersion: int64(in.policy.Version), Family: string(in.family),
		CalendarID: in.calRow.ID, CalendarVersion: in.calRow.Version, Kinds: map[string]store.RetargetKind{},
		Compute: func(c *store.ClockRow) error { _, err := compute(c, in); return err }}
	for _, m := range []casedesk.Metric{casedesk.MetricInitialResponse, casedesk.MetricNextReply, casedesk.MetricResolution} {
		if !metricOn(in.policy, m) {
			continue
		}
		rt.Metrics = append(rt.Metrics, string(m))
		// Severity "" is the untriaged requests' clocks (the policy's
		// untriaged rule).
		for _, s := range append([]casedesk.Severity{casedesk.SeverityNone}, casedesk.Severities()...) {
			if e, err := in.policy.LookupMetric(m, in.family, s); err == nil {
				k := store.RetargetKind{Coverage: string(e.Coverage), TargetKind: string(e.Target.Kind)}
				switch e.Target.Kind {
				case casedesk.TargetMinutes:
					k.Minutes = &e.Target.Minutes
				case casedesk.TargetNone:
					k.Minutes = new(int)
				}
				rt.Kinds[string(m)+"/"+string(s)] = k
			}
		}
	}
	return rt, nil
}

// ResumeRecomputes finishes the recomputes a stopped process left halfway
// (a calendar, policy or plan change is committed before its clocks are
// recomputed): it recomputes again what each covered and marks it finished.
// It returns how many due times moved. A recompute still running on another
// instance is done twice, which moves nothing the second time.
func (d *Desk) ResumeRecomputes(ctx context.Context) (int, error) {
	runs, err := d.db.UnfinishedRecomputes(ctx)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, r := range runs {
		n, err := d.RecomputeClocks(ctx, r.Scope, r.Reason+" (resumed)", r.Actor)
		if err != nil {
			return moved, err
		}
		moved += n
		if err := d.write(ctx, func(tx *store.Tx) error { return tx.FinishRecomputeRun(ctx, r.ID, 0, d.now()) }); err != nil {
			return moved, err
		}
	}
	return moved, nil
}
