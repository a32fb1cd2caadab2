package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
)

// A batch of a bulk recompute records its moved clocks as one
// clock_move_batches row: the moves packed in a fixed-width record each,
// sorted by request. Writing one row instead of thousands keeps a
// million-clock recompute within its time budget; a request's history finds
// its batches by clock_move_blocks and its lines in each by a binary
// search.
//
// Record (big-endian): request id int64, organization id int64, metric
// uint8, old due µs int64, new due µs int64; noDue for none.
const moveSize = 8 + 8 + 1 + 8 + 8

const noDue = math.MinInt64

// moveBlock is how many consecutive request ids share a clock_move_blocks
// row; migration 0011 says the same.
const moveBlock = 64

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

// unpackMoves returns every move of a packed batch.
func unpackMoves(packed []byte) ([]ClockMove, error) {
	if len(packed)%moveSize != 0 {
		return nil, errors.New("store: packed clock moves: bad length")
	}
	out := make([]ClockMove, 0, len(packed)/moveSize)
	for r := packed; len(r) > 0; r = r[moveSize:] {
		m, err := unpackMove(r)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func unpackMove(r []byte) (ClockMove, error) {
	metric := int(r[16])
	if metric >= len(moveMetrics) {
		return ClockMove{}, errors.New("store: packed clock moves: bad metric")
	}
	return ClockMove{RequestID: int64(binary.BigEndian.Uint64(r)), OrgID: int64(binary.BigEndian.Uint64(r[8:])), Metric: moveMetrics[metric],
		Old: dueFromMicros(int64(binary.BigEndian.Uint64(r[17:]))), New: dueFromMicros(int64(binary.BigEndian.Uint64(r[25:])))}, nil
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
		m, err := unpackMove(packed[j*moveSize:])
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// RecordClockMoves records the moved due times of one batch of the
// recompute runID as one packed clock_move_batches row, and the batch under
// each block of requests it moved (clock_move_blocks), in the caller's
// transaction.
// Which clocks moved, and how their history lines read, is the caller's to
// decide.
func (q *Queries) RecordClockMoves(ctx context.Context, runID int64, ms []ClockMove) error {
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
	var batch int64
	if err := q.queryRow(ctx, "INSERT INTO clock_move_batches (run_id, min_request, max_request, moves) VALUES ($1, $2, $3, $4) RETURNING id",
		runID, lo, hi, packed).Scan(&batch); err != nil {
		return fmt.Errorf("store: record moved clocks: %w", err)
	}
	// The packed records are sorted by request, so by block: each block once.
	blocks := []byte{'['}
	last := int64(-1)
	for r := packed; len(r) > 0; r = r[moveSize:] {
		block := int64(binary.BigEndian.Uint64(r)) / moveBlock
		if block == last {
			continue
		}
		if last >= 0 {
			blocks = append(blocks, ',')
		}
		blocks, last = strconv.AppendInt(blocks, block, 10), block
	}
	blocks = append(blocks, ']')
	if _, err := q.exec(ctx, "INSERT INTO clock_move_blocks (block, batch_id) SELECT id, $1 FROM "+q.jsonIDs("$2"), batch, string(blocks)); err != nil {
		return fmt.Errorf("store: record moved clocks: %w", err)
	}
	return nil
}

// RequestMoves returns the batches that moved the clocks of a request in
// scope, newest first, each with that request's moves only, up to n moves in
// all. A request outside the scope has none.
func (q *Queries) RequestMoves(ctx context.Context, scope Scope, requestID int64, n int) ([]*MoveBatch, error) {
	// The batches of the request's block (one seek), of which those that
	// moved only its neighbours' clocks have none of its moves.
	var a args
	rows, err := q.query(ctx, `SELECT b.id, b.moves, r.reason, r.actor_id, r.at FROM requests q
		JOIN clock_move_blocks i ON i.block = `+a.add(requestID/moveBlock)+`
		JOIN clock_move_batches b ON b.id = i.batch_id JOIN recompute_runs r ON r.id = b.run_id
		WHERE q.id = `+a.add(requestID)+" AND "+scope.cond(&a, "q.org_id")+" ORDER BY b.run_id DESC, b.id DESC", a...)
	if err != nil {
		return nil, fmt.Errorf("store: moved clocks: %w", err)
	}
	defer rows.Close()
	var out []*MoveBatch
	for seen := 0; seen < n && rows.Next(); {
		var b MoveBatch
		var packed []byte
		var actor sql.NullInt64
		var at int64
		if err := rows.Scan(&b.ID, &packed, &b.Reason, &actor, &at); err != nil {
			return nil, fmt.Errorf("store: moved clocks: %w", err)
		}
		b.Actor, b.At = nullID(actor), fromTS(at)
		if b.Moves, err = movesOf(packed, requestID); err != nil {
			return nil, err
		}
		if len(b.Moves) == 0 {
			continue
		}
		b.Moves = b.Moves[:min(len(b.Moves), n-seen)]
		seen += len(b.Moves)
		out = append(out, &b)
	}
	return out, rows.Err()
}

// MoveBatch is one recorded batch of a bulk recompute with what its
// recompute_runs row says: how a request's history and the instances
// sharing a database (live.Relay) read the moves back.
type MoveBatch struct {
	ID     int64
	Reason string
	Actor  *int64
	At     time.Time
	Moves  []ClockMove
}

// MoveBatchIDsAfter returns the ids of up to limit batches above after, in order.
func (q *Queries) MoveBatchIDsAfter(ctx context.Context, after int64, limit int) ([]int64, error) {
	rows, err := q.query(ctx, "SELECT id FROM clock_move_batches WHERE id > $1 ORDER BY id LIMIT $2", after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: moved clocks: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: moved clocks: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MoveBatch returns one batch.
func (q *Queries) MoveBatch(ctx context.Context, id int64) (*MoveBatch, error) {
	rows, err := q.query(ctx, `SELECT b.id, b.moves, r.reason, r.actor_id, r.at FROM clock_move_batches b JOIN recompute_runs r ON r.id = b.run_id
		WHERE b.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: moved clocks: %w", err)
	}
	defer rows.Close()
	var out []*MoveBatch
	for rows.Next() {
		var b MoveBatch
		var packed []byte
		var actor sql.NullInt64
		var at int64
		if err := rows.Scan(&b.ID, &packed, &b.Reason, &actor, &at); err != nil {
			return nil, fmt.Errorf("store: moved clocks: %w", err)
		}
		b.Actor, b.At = nullID(actor), fromTS(at)
		if b.Moves, err = unpackMoves(packed); err != nil {
			return nil, err
		}
		out = append(out, &b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "recompute batch %d not found", id)
	}
	return out[0], nil
}

// LastMoveBatchID returns the highest batch id, 0 when there is none.
func (q *Queries) LastMoveBatchID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := q.queryRow(ctx, "SELECT MAX(id) FROM clock_move_batches").Scan(&id); err != nil {
		return 0, fmt.Errorf("store: last moved clocks: %w", err)
	}
	return id.Int64, nil
}
