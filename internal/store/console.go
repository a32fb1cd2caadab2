package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// This file holds the agent console's reads across organizations: the
// callback queue, the supervisor's counts, the requests about to breach and
// an organization's past survey answers. They are staff views; desk checks
// who asks before calling them.

// PendingCallback is a callback request not yet done, with what the agent
// needs to place the call.
type PendingCallback struct {
	Callback
	Number   string `json:"number"`
	Title    string `json:"title"`
	OrgName  string `json:"organization_name"`
	TimeZone string `json:"time_zone"` // the caller's, else the organization's
	UserName string `json:"user_name"`
	Language string `json:"language"`
}

// PendingCallbacks lists the callback requests not yet done, oldest first,
// of requests still active.
func (q *Queries) PendingCallbacks(ctx context.Context, limit int) ([]*PendingCallback, error) {
	rows, err := q.query(ctx, `SELECT c.id, c.request_id, c.org_id, c.user_id, c.phone, c.preferred_time, c.created_at,
		r.title, o.name, o.time_zone, u.time_zone, u.name, r.language
		FROM callbacks c JOIN requests r ON r.id = c.request_id JOIN organizations o ON o.id = c.org_id
		JOIN users u ON u.id = c.user_id
		WHERE c.done_at IS NULL AND r.status IN ('new', 'open', 'waiting')
		ORDER BY c.created_at, c.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending callbacks: %w", err)
	}
	defer rows.Close()
	out := []*PendingCallback{}
	for rows.Next() {
		var c PendingCallback
		var created int64
		var orgTZ, userTZ string
		if err := rows.Scan(&c.ID, &c.RequestID, &c.OrgID, &c.UserID, &c.Phone, &c.PreferredTime, &created,
			&c.Title, &c.OrgName, &orgTZ, &userTZ, &c.UserName, &c.Language); err != nil {
			return nil, fmt.Errorf("store: pending callbacks: %w", err)
		}
		c.CreatedAt, c.Number, c.TimeZone = fromTS(created), casedesk.RequestNumber(c.RequestID), userTZ
		if c.TimeZone == "" || c.TimeZone == "UTC" {
			c.TimeZone = orgTZ
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// MarkCallbackDone records that callback id of org was placed.
func (q *Queries) MarkCallbackDone(ctx context.Context, org, id int64, at time.Time) error {
	res, err := q.exec(ctx, "UPDATE callbacks SET done_at = $1 WHERE org_id = $2 AND id = $3 AND done_at IS NULL", ts(at), org, id)
	if err != nil {
		return fmt.Errorf("store: callback %d done: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casedesk.Errorf(casedesk.ENOTFOUND, "callback %d not found or already done", id)
	}
	return nil
}

// QueueCount is how many active requests share a category, severity and
// status.
type QueueCount struct {
	Category   casedesk.Category
	Severity   casedesk.Severity
	Status     casedesk.Status
	Unassigned bool
	N          int
}

// ActiveCounts counts the active requests by category, severity, status and
// whether they are assigned. It reads the active requests' partial index.
func (q *Queries) ActiveCounts(ctx context.Context) ([]QueueCount, error) {
	rows, err := q.query(ctx, `SELECT category, severity, status, assignee_id IS NULL, COUNT(*) FROM requests
		WHERE status IN ('new', 'open', 'waiting') GROUP BY category, severity, status, assignee_id IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: active counts: %w", err)
	}
	defer rows.Close()
	var out []QueueCount
	for rows.Next() {
		var c QueueCount
		if err := rows.Scan(&c.Category, &c.Severity, &c.Status, &c.Unassigned, &c.N); err != nil {
			return nil, fmt.Errorf("store: active counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClockCounts counts the running initial-response clocks of active requests
// that are breached (due before now) and at risk (warned, not yet due).
func (q *Queries) ClockCounts(ctx context.Context, now time.Time) (breached, atRisk int, err error) {
	err = q.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN c.due_at < $1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.due_at >= $1 AND c.warn_at <= $1 THEN 1 ELSE 0 END), 0)
		FROM sla_clocks c JOIN requests r ON r.id = c.request_id
		WHERE c.stopped_at IS NULL AND c.due_at IS NOT NULL AND c.metric = 'initial_response'
		AND r.status IN ('new', 'open', 'waiting')`, ts(now)).Scan(&breached, &atRisk)
	if err != nil {
		return 0, 0, fmt.Errorf("store: clock counts: %w", err)
	}
	return breached, atRisk, nil
}

// DueBetween lists the active requests whose running initial-response clock
// falls due in [from, to), soonest first: those about to breach.
func (q *Queries) DueBetween(ctx context.Context, from, to time.Time, limit int) ([]*QueueItem, error) {
	return q.queue(ctx, "SELECT "+requestColumns+`, o.name, c.family, c.due_at, c.warn_at
		FROM sla_clocks c CROSS JOIN requests r JOIN organizations o ON o.id = r.org_id
		WHERE r.id = c.request_id AND c.stopped_at IS NULL AND c.due_at >= $1 AND c.due_at < $2 AND c.metric = 'initial_response'
		AND r.status IN ('new', 'open', 'waiting') ORDER BY c.due_at, c.request_id LIMIT $3`, ts(from), ts(to), limit)
}

// OrgSurvey is a past survey answer with its request's number and title.
type OrgSurvey struct {
	Survey
	Number string `json:"number"`
	Title  string `json:"title"`
}

// OrgSurveys lists organization org's survey answers, newest first.
func (q *Queries) OrgSurveys(ctx context.Context, org int64, limit int) ([]*OrgSurvey, error) {
	rows, err := q.query(ctx, `SELECT s.request_id, s.org_id, s.user_id, s.rating, s.comment, s.created_at, r.title
		FROM surveys s JOIN requests r ON r.id = s.request_id
		WHERE s.org_id = $1 ORDER BY s.created_at DESC LIMIT $2`, org, limit)
	if err != nil {
		return nil, fmt.Errorf("store: surveys of organization %d: %w", org, err)
	}
	defer rows.Close()
	out := []*OrgSurvey{}
	for rows.Next() {
		var s OrgSurvey
		var created int64
		if err := rows.Scan(&s.RequestID, &s.OrgID, &s.UserID, &s.Rating, &s.Comment, &created, &s.Title); err != nil {
			return nil, fmt.Errorf("store: surveys: %w", err)
		}
		s.CreatedAt, s.Number = fromTS(created), casedesk.RequestNumber(s.RequestID)
		out = append(out, &s)
	}
	return out, rows.Err()
}

// LastSeverityActor returns who last set the request's severity through a
// change (its history), with ok false when it was never changed after
// opening.
func (q *Queries) LastSeverityActor(ctx context.Context, requestID int64) (actor int64, ok bool, err error) {
	var id sql.NullInt64
	err = q.queryRow(ctx, `SELECT actor_id FROM events WHERE request_id = $1 AND kind = 'severity'
		ORDER BY id DESC LIMIT 1`, requestID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: severity history of request %d: %w", requestID, err)
	}
	return id.Int64, true, nil
}
