package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
)

// A batch of a bulk recompute records its moved clocks as one
// clock_move_batches row: the moves packed in a fixed-width record each,
// sorted by request. Writing one row instead of thousands keeps a
// million-clock recompute within its time budget; a request's history finds
// its lines by the batches' request ranges and a binary search.
//
// Record (big-endian): request id int64, organization id int64, metric
// uint8, old due µs int64, new due µs int64; noDue for none.
const moveSize = 8 + 8 + 1 + 8 + 8

const noDue = math.MinInt64

var moveMetrics = []string{"initial_response", "next_reply", "resolution"}

func packMoves(ms []ClockMove) ([]byte, error) {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b ClockMove) int {
		if a.RequestID != b.RequestID {
			return int(min(max(a.RequestID-b.RequestID, -1), 1))
		}
		return slices.Index(moveMetrics, a.Metric) - slices.Index(moveMetrics, b.Metric)
	})
	buf := make([]byte, 0, len(ms)*moveSize)
	for _, m := range ms {
		metric := slices.Index(moveMetrics, m.Metric)
		if metric < 0 {
			return nil, fmt.Errorf("store: move of request %d: unknown metric %q", m.RequestID, m.Metric)
		}
		buf = binary.BigEndian.AppendUint64(buf, uint64(m.RequestID))
		buf = binary.BigEndian.AppendUint64(buf, uint64(m.OrgID))
		buf = append(buf, byte(metric))
		buf = binary.BigEndian.AppendUint64(buf, uint64(dueMicros(m.Old)))
		buf = binary.BigEndian.AppendUint64(buf, uint64(dueMicros(m.New)))
	}
	return buf, nil
}

func dueMicros(t *time.Time) int64 {
	if t == nil {
		return noDue
	}
	return ts(*t)
}

func dueFromMicros(us int64) *time.Time {
	if us == noDue {
		return nil
	}
	t := fromTS(us)
	return &t
}

// movesOf returns the moves of one request in a packed batch.
func movesOf(packed []byte, requestID int64) ([]ClockMove, error) {
	if len(packed)%moveSize != 0 {
		return nil, errors.New("store: packed clock moves: bad length")
	}
	n := len(packed) / moveSize
	reqAt := func(i int) int64 { return int64(binary.BigEndian.Uint64(packed[i*moveSize:])) }
	lo, hi := 0, n // the first record of the request: records are sorted by it
	for lo < hi {
		mid := (lo + hi) / 2
		if reqAt(mid) < requestID {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	var out []ClockMove
	for j := lo; j < n && reqAt(j) == requestID; j++ {
		r := packed[j*moveSize:]
		metric := int(r[16])
		if metric >= len(moveMetrics) {
			return nil, errors.New("store: packed clock moves: bad metric")
		}
		out = append(out, ClockMove{RequestID: requestID, OrgID: int64(binary.BigEndian.Uint64(r[8:])), Metric: moveMetrics[metric],
			Old: dueFromMicros(int64(binary.BigEndian.Uint64(r[17:]))), New: dueFromMicros(int64(binary.BigEndian.Uint64(r[25:])))})
	}
	return out, nil
}

// insertClockMoves records a batch's moved due times as one packed row.
func (q *Queries) insertClockMoves(ctx context.Context, run *RetargetRun, ms []ClockMove) error {
	if len(ms) == 0 {
		return nil
	}
	packed, err := packMoves(ms)
	if err != nil {
		return err
	}
	lo, hi := ms[0].RequestID, ms[0].RequestID
	for _, m := range ms {
		lo, hi = min(lo, m.RequestID), max(hi, m.RequestID)
	}
	if _, err := q.exec(ctx, "INSERT INTO clock_move_batches (run_id, min_request, max_request, moves) VALUES ($1, $2, $3, $4)",
		run.ID, lo, hi, packed); err != nil {
		return fmt.Errorf("store: record moved clocks: %w", err)
	}
	return nil
}

// clockMoves returns the history lines of a request's clocks moved by bulk
// recomputes, newest first, within scope. They have no event id.
func (q *Queries) clockMoves(ctx context.Context, scope Scope, requestID int64, n int) ([]*casedesk.Event, error) {
	rows, err := q.query(ctx, `SELECT b.moves, r.reason, r.actor_id, r.at FROM clock_move_batches b JOIN recompute_runs r ON r.id = b.run_id
		WHERE b.min_request <= $1 AND b.max_request >= $1 ORDER BY b.run_id DESC, b.id DESC`, requestID)
	if err != nil {
		return nil, fmt.Errorf("store: moved clocks: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Event
	for rows.Next() && len(out) < n {
		var packed []byte
		var reason string
		var actor sql.NullInt64
		var at int64
		if err := rows.Scan(&packed, &reason, &actor, &at); err != nil {
			return nil, fmt.Errorf("store: moved clocks: %w", err)
		}
		ms, err := movesOf(packed, requestID)
		if err != nil {
			return nil, err
		}
		run := RetargetRun{Reason: reason, Actor: nullID(actor), At: fromTS(at)}
		for _, m := range ms {
			if scope.has(m.OrgID) {
				e := run.Event(m)
				out = append(out, &e)
			}
		}
	}
	return out, rows.Err()
}
