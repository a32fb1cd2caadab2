package live

import (
	"context"
	"log/slog"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// channel is the PostgreSQL notification channel on which instances tell
// each other that history lines were written.
const channel = "casedesk_events"

// Announce makes what tx wrote reach the subscribers once tx commits. On
// PostgreSQL it sends a notification with tx, which every instance's Relay,
// this one's included, answers by reading the new lines back; publish is not
// called. On SQLite, where this process is the only writer, publish runs
// after the commit.
func Announce(ctx context.Context, tx *store.Tx, publish func()) error {
	if tx.Engine() == store.Postgres {
		return tx.Notify(ctx, channel, "")
	}
	tx.AfterCommit(publish)
	return nil
}

// Relay, on PostgreSQL, publishes to Broker every history line any instance
// sharing DB writes: the lines of history with whom each notified
// (Event.Notify), and the moves of bulk SLA recomputes, which are packed in
// batches (store.Queries.RecordClockMoves) and become lines through Moves.
// It passes on every access change (AnnounceAccess) in the order it was
// committed among the lines, and when it starts or listens again tells the
// broker that anyone's access may have changed meanwhile.
type Relay struct {
	DB     *store.DB
	Broker *Broker
	// Moves returns the history lines of a recorded recompute batch (desk's).
	Moves func(*store.MoveBatch) []casedesk.Event
	Log   *slog.Logger
}

// Lines and batches are read by id after each notification. Ids are handed
// out before commit, so a look-back window of ids below the highest seen
// catches those that committed out of id order; ids already published are
// skipped.
const (
	lookBack      = 256 // history lines
	batchLookBack = 16  // recompute batches
	linePage      = 1000
	batchPage     = 100
)

// Run relays until ctx ends. On SQLite, where Announce publishes directly,
// it returns at once.
//
// ready, if not nil, is called once, when the relay first listens and has
// read what committed before (at once on SQLite): every line and access
// change committed after that reaches the broker, in commit order. Tests
// wait for it instead of retrying. Run returns an error only when it cannot
// start; a lost connection is logged and listened again after a second.
func (r *Relay) Run(ctx context.Context, ready func()) error {
	if r.DB.Engine() != store.Postgres {
		if ready != nil {
			ready()
		}
		return nil
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	last, err := r.DB.LastEventID(ctx)
	if err != nil {
		return err
	}
	lastBatch, err := r.DB.LastMoveBatchID(ctx)
	if err != nil {
		return err
	}
	s := &relayState{Relay: r, log: log, last: last, lastBatch: lastBatch, seen: map[int64]bool{}, seenBatch: map[int64]bool{}}
	for ctx.Err() == nil {
		err := r.DB.Listen(ctx, []string{channel, accessChannel}, func(ch, payload string) {
			switch ch {
			case accessChannel:
				r.Broker.AccessChanged(parseChange(payload))
				return
			case "":
				// Listening: whatever commits from now on is notified, and
				// what committed since last is read below; access changes
				// sent meanwhile are lost, so anyone's may have changed.
				r.Broker.AccessChanged(Change{})
				s.moves(ctx)
				s.lines(ctx)
				// Ready once caught up: what commits from now on reaches
				// the broker in commit order, access changes included.
				if ready != nil {
					ready()
					ready = nil
				}
				return
			}
			s.moves(ctx)
			s.lines(ctx)
		})
		if err != nil && ctx.Err() == nil {
			log.Warn("event relay: reconnecting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	return nil
}

// relayState is what one Run has published so far.
type relayState struct {
	*Relay
	log             *slog.Logger
	last, lastBatch int64
	seen, seenBatch map[int64]bool
}

// warn logs a failed read, unless Run is ending: the next notification, or
// the next start, reads again from where the last read ended.
func (s *relayState) warn(ctx context.Context, msg string, err error) {
	if ctx.Err() == nil {
		s.log.Warn(msg, "err", err)
	}
}

// lines publishes the history lines written since last.
func (s *relayState) lines(ctx context.Context) {
	for {
		es, err := s.DB.EventsAfter(ctx, store.AllOrgs, max(0, s.last-lookBack), linePage)
		if err != nil {
			s.warn(ctx, "event relay", err)
			return
		}
		var fresh []int64
		for _, e := range es {
			if !s.seen[e.ID] {
				fresh = append(fresh, e.ID)
			}
		}
		// Whom each line notified: committed with it, so readable now.
		notified, err := s.DB.Notified(ctx, store.AllOrgs, fresh)
		if err != nil {
			s.warn(ctx, "event relay", err)
			return
		}
		for _, e := range es {
			if s.seen[e.ID] {
				continue
			}
			s.seen[e.ID] = true
			s.last = max(s.last, e.ID)
			e.Notify = notified[e.ID]
			s.Broker.Publish(*e)
		}
		for id := range s.seen {
			if id <= s.last-lookBack {
				delete(s.seen, id)
			}
		}
		if len(es) < linePage {
			return
		}
	}
}

// moves publishes the moves of the recompute batches written since
// lastBatch; a batch itself is read once.
func (s *relayState) moves(ctx context.Context) {
	for {
		ids, err := s.DB.MoveBatchIDsAfter(ctx, max(0, s.lastBatch-batchLookBack), batchPage)
		if err != nil {
			s.warn(ctx, "event relay: recomputes", err)
			return
		}
		for _, id := range ids {
			if s.seenBatch[id] {
				continue
			}
			b, err := s.DB.MoveBatch(ctx, id)
			if err != nil {
				s.warn(ctx, "event relay: recomputes", err)
				return
			}
			s.seenBatch[id] = true
			s.lastBatch = max(s.lastBatch, id)
			for _, e := range s.Moves(b) {
				s.Broker.Publish(e)
			}
		}
		for id := range s.seenBatch {
			if id <= s.lastBatch-batchLookBack {
				delete(s.seenBatch, id)
			}
		}
		if len(ids) < batchPage {
			return
		}
	}
}
