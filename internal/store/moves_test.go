package store

import (
	"testing"
	"time"
)

// Packed moves come back per request, with "none" due times and several
// metrics, and a request that is not in the batch has none.
func TestPackedMovesRoundTrip(t *testing.T) {
	t1 := time.Date(2026, 11, 25, 9, 0, 0, 123000, time.UTC)
	t2 := t1.Add(time.Hour)
	in := []ClockMove{
		{RequestID: 9, OrgID: 3, Metric: "resolution", Old: &t1, New: &t2},
		{RequestID: 2, OrgID: 1, Metric: "initial_response", Old: nil, New: &t1},
		{RequestID: 9, OrgID: 3, Metric: "initial_response", Old: &t2, New: nil},
		{RequestID: 5, OrgID: 2, Metric: "next_reply", Old: &t1, New: &t2},
	}
	packed, err := packMoves(in)
	if err != nil || len(packed) != len(in)*moveSize {
		t.Fatalf("pack: %d bytes, %v", len(packed), err)
	}
	same := func(a, b *time.Time) bool { return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b)) }
	for _, c := range []struct {
		req  int64
		want []ClockMove
	}{
		{2, []ClockMove{in[1]}},
		{5, []ClockMove{in[3]}},
		{9, []ClockMove{in[2], in[0]}}, // initial_response before resolution
		{1, nil}, {7, nil}, {10, nil},
	} {
		got, err := movesOf(packed, c.req)
		if err != nil || len(got) != len(c.want) {
			t.Fatalf("request %d: %+v, %v; want %+v", c.req, got, err, c.want)
		}
		for i, m := range got {
			w := c.want[i]
			if m.RequestID != w.RequestID || m.OrgID != w.OrgID || m.Metric != w.Metric || !same(m.Old, w.Old) || !same(m.New, w.New) {
				t.Errorf("request %d move %d: %+v, want %+v", c.req, i, m, w)
			}
		}
	}
	if _, err := packMoves([]ClockMove{{RequestID: 1, Metric: "nonsense"}}); err == nil {
		t.Error("an unknown metric was packed")
	}
	if _, err := movesOf(packed[:moveSize+3], 2); err == nil {
		t.Error("a truncated batch was read")
	}
}
