package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// QueueItem is an open request with the clock it is ordered by.
type QueueItem struct {
	*casedesk.Request
	OrgName string          `json:"organization_name"`
	Family  casedesk.Family `json:"plan_family"`
	DueAt   *time.Time      `json:"due_at"`
	WarnAt  *time.Time      `json:"warn_at"`
}

// QueueFilter selects a queue.
type QueueFilter struct {
	AssigneeID int64 // only this agent's requests
	Unassigned bool  // triaged and unassigned
	Category   casedesk.Category
	Breached   bool // due before Now
	AtRisk     bool // warned before Now, due after it
	Triage     bool // new requests without a severity, by due time, then oldest first
	Now        time.Time
	Limit      int
}

// Queue lists the open requests in scope ordered by the due time of their running
// initial-response clock, soonest (so breached) first, then those whose
// target carries no commitment; or, for Triage, the untriaged ones by the
// due time of their clock, then oldest first. It reads the partial index sla_clocks_queue in due order.
func (q *Queries) Queue(ctx context.Context, scope Scope, f QueueFilter) ([]*QueueItem, error) {
	var a args
	cond := " AND " + scope.cond(&a, "r.org_id")
	if f.AssigneeID != 0 {
		cond += " AND r.assignee_id = " + a.add(f.AssigneeID)
	}
	if f.Unassigned {
		cond += " AND r.assignee_id IS NULL AND r.severity <> ''"
	}
	if f.Category != "" {
		cond += " AND r.category = " + a.add(f.Category)
	}
	lim := limit(f.Limit)
	if f.Triage {
		// Untriaged requests have clocks too (held to their untriaged
		// target): soonest due first, then those without a due time.
		return q.queue(ctx, "SELECT "+requestColumns+`, o.name, COALESCE(c.family, ''), c.due_at, c.warn_at
			FROM requests r JOIN organizations o ON o.id = r.org_id
			LEFT JOIN sla_clocks c ON c.request_id = r.id AND c.stopped_at IS NULL AND c.metric = 'initial_response'
			WHERE r.status = 'new' AND r.severity = ''`+cond+`
			ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, r.id LIMIT `+a.add(lim), a...)
	}
	clockCond := ""
	switch {
	case f.Breached:
		clockCond = " AND c.due_at < " + a.add(ts(f.Now))
	case f.AtRisk:
		clockCond = " AND c.warn_at <= " + a.add(ts(f.Now)) + " AND c.due_at >= " + a.add(ts(f.Now))
	}
	// Read the clocks in due order through sla_clocks_queue and stop at the
	// limit: CROSS JOIN keeps SQLite from starting at the (many) active
	// requests and sorting them all. One agent's requests are few, so for
	// them the requests come first (requests_assignee).
	join := "sla_clocks c CROSS JOIN requests r"
	if f.AssigneeID != 0 {
		join = "requests r CROSS JOIN sla_clocks c"
	}
	due, err := q.queue(ctx, "SELECT "+requestColumns+`, o.name, c.family, c.due_at, c.warn_at
		FROM `+join+` JOIN organizations o ON o.id = r.org_id
		WHERE r.id = c.request_id AND c.stopped_at IS NULL AND c.due_at IS NOT NULL AND c.metric = 'initial_response'
		AND r.status IN ('new', 'open', 'waiting')`+clockCond+cond+" ORDER BY c.due_at, c.request_id LIMIT "+a.add(lim), a...)
	if err != nil || len(due) >= lim || f.Breached || f.AtRisk {
		return due, err
	}
	// Then the requests whose clocks run without a due time.
	a2 := a[:0:0]
	cond2 := " AND " + scope.cond(&a2, "r.org_id")
	if f.AssigneeID != 0 {
		cond2 += " AND r.assignee_id = " + a2.add(f.AssigneeID)
	}
	if f.Unassigned {
		cond2 += " AND r.assignee_id IS NULL AND r.severity <> ''"
	}
	if f.Category != "" {
		cond2 += " AND r.category = " + a2.add(f.Category)
	}
	rest, err := q.queue(ctx, "SELECT "+requestColumns+`, o.name, c.family, c.due_at, c.warn_at
		FROM requests r JOIN sla_clocks c ON c.request_id = r.id JOIN organizations o ON o.id = r.org_id
		WHERE r.status IN ('new', 'open', 'waiting') AND c.stopped_at IS NULL AND c.due_at IS NULL
		AND c.metric = 'initial_response'`+cond2+" ORDER BY r.id LIMIT "+a2.add(lim-len(due)), a2...)
	return append(due, rest...), err
}

// TierPool lists the active requests in scope escalated to the second tier that
// nobody holds, optionally of one category: those with a running
// initial-response clock by due time, then the others (answered before the
// escalation, most of them) oldest first.
func (q *Queries) TierPool(ctx context.Context, scope Scope, category casedesk.Category, limit int) ([]*QueueItem, error) {
	var a args
	cond := " AND " + scope.cond(&a, "r.org_id")
	if category != "" {
		cond = " AND r.category = " + a.add(category)
	}
	return q.queue(ctx, "SELECT "+requestColumns+`, o.name, COALESCE(c.family, ''), c.due_at, c.warn_at
		FROM request_tiers t JOIN requests r ON r.id = t.request_id JOIN organizations o ON o.id = r.org_id
		LEFT JOIN sla_clocks c ON c.request_id = r.id AND c.stopped_at IS NULL AND c.metric = 'initial_response'
		WHERE t.tier = 2 AND r.assignee_id IS NULL AND r.status IN ('new', 'open', 'waiting')`+cond+`
		ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, r.id LIMIT `+a.add(limit), a...)
}

func (q *Queries) queue(ctx context.Context, query string, args ...any) ([]*QueueItem, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: queue: %w", err)
	}
	defer rows.Close()
	out := []*QueueItem{}
	for rows.Next() {
		var it QueueItem
		var due, warn sql.NullInt64
		r, err := scanRequest(scanTail{rows, []any{&it.OrgName, &it.Family, &due, &warn}})
		if err != nil {
			return nil, fmt.Errorf("store: queue: %w", err)
		}
		it.Request, it.DueAt, it.WarnAt = r, fromNullTS(due), fromNullTS(warn)
		out = append(out, &it)
	}
	return out, rows.Err()
}

// scanTail scans a row whose leading columns are a request's and appends
// the destinations of the columns that follow.
type scanTail struct {
	row  interface{ Scan(...any) error }
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.tail...)...) }
