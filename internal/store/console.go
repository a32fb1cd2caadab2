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

// PendingCallbacks lists the callback requests in scope not yet done, oldest
// first, of requests still active.
func (q *Queries) PendingCallbacks(ctx context.Context, scope Scope, limit int) ([]*PendingCallback, error) {
	a := args{limit}
	rows, err := q.query(ctx, `SELECT c.id, c.request_id, c.org_id, c.user_id, c.phone, c.preferred_time, c.created_at,
		r.title, o.name, o.time_zone, u.time_zone, u.name, r.language
		FROM callbacks c JOIN requests r ON r.id = c.request_id JOIN organizations o ON o.id = c.org_id
		JOIN users u ON u.id = c.user_id
		WHERE c.done_at IS NULL AND r.status IN ('new', 'open', 'waiting') AND `+scope.cond(&a, "c.org_id")+`
		ORDER BY c.created_at, c.id LIMIT $1`, a...)
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

// MarkCallbackDone records that callback id, which must lie in scope, was placed.
func (q *Queries) MarkCallbackDone(ctx context.Context, scope Scope, id int64, at time.Time) error {
	a := args{ts(at), id}
	res, err := q.exec(ctx, "UPDATE callbacks SET done_at = $1 WHERE id = $2 AND done_at IS NULL AND "+scope.cond(&a, "org_id"), a...)
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

// ActiveCounts counts the active requests in scope by category, severity,
// status and whether they are assigned. It reads the active requests'
// partial index.
func (q *Queries) ActiveCounts(ctx context.Context, scope Scope) ([]QueueCount, error) {
	var a args
	rows, err := q.query(ctx, `SELECT category, severity, status, assignee_id IS NULL, COUNT(*) FROM requests
		WHERE status IN ('new', 'open', 'waiting') AND `+scope.cond(&a, "org_id")+`
		GROUP BY category, severity, status, assignee_id IS NULL`, a...)
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
// in scope that are breached (due before now) and at risk (warned, not yet
// due).
func (q *Queries) ClockCounts(ctx context.Context, scope Scope, now time.Time) (breached, atRisk int, err error) {
	a := args{ts(now)}
	err = q.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN c.due_at < $1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.due_at >= $1 AND c.warn_at <= $1 THEN 1 ELSE 0 END), 0)
		FROM sla_clocks c JOIN requests r ON r.id = c.request_id
		WHERE c.stopped_at IS NULL AND c.due_at IS NOT NULL AND c.metric = 'initial_response'
		AND r.status IN ('new', 'open', 'waiting') AND `+scope.cond(&a, "r.org_id"), a...).Scan(&breached, &atRisk)
	if err != nil {
		return 0, 0, fmt.Errorf("store: clock counts: %w", err)
	}
	return breached, atRisk, nil
}

// DueBetween lists the active requests in scope whose running
// initial-response clock falls due in [from, to), soonest first: those about
// to breach.
func (q *Queries) DueBetween(ctx context.Context, scope Scope, from, to time.Time, limit int) ([]*QueueItem, error) {
	a := args{ts(from), ts(to), limit}
	return q.queue(ctx, "SELECT "+requestColumns+`, o.name, c.family, c.due_at, c.warn_at
		FROM sla_clocks c CROSS JOIN requests r JOIN organizations o ON o.id = r.org_id
		WHERE r.id = c.request_id AND c.stopped_at IS NULL AND c.due_at >= $1 AND c.due_at < $2 AND c.metric = 'initial_response'
		AND r.status IN ('new', 'open', 'waiting') AND `+scope.cond(&a, "r.org_id")+` ORDER BY c.due_at, c.request_id LIMIT $3`, a...)
}

// OrgSurvey is a past survey answer with its request's number and title.
type OrgSurvey struct {
	Survey
	Number string `json:"number"`
	Title  string `json:"title"`
}

// OrgSurveys lists the survey answers in scope (one organization's, as the
// console shows them), newest first.
func (q *Queries) OrgSurveys(ctx context.Context, scope Scope, limit int) ([]*OrgSurvey, error) {
	a := args{limit}
	rows, err := q.query(ctx, `SELECT s.request_id, s.org_id, s.user_id, s.rating, s.comment, s.created_at, r.title
		FROM surveys s JOIN requests r ON r.id = s.request_id
		WHERE `+scope.cond(&a, "s.org_id")+` ORDER BY s.created_at DESC LIMIT $1`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: surveys: %w", err)
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

// LastSeverityActor returns who last set the severity of a request in scope
// through a change (its history), with ok false when it was never changed
// after opening (or the request lies outside the scope).
func (q *Queries) LastSeverityActor(ctx context.Context, scope Scope, requestID int64) (actor int64, ok bool, err error) {
	var id sql.NullInt64
	a := args{requestID}
	err = q.queryRow(ctx, `SELECT actor_id FROM events WHERE request_id = $1 AND kind = 'severity' AND `+scope.cond(&a, "org_id")+`
		ORDER BY id DESC LIMIT 1`, a...).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: severity history of request %d: %w", requestID, err)
	}
	return id.Int64, true, nil
}

// CannedResponse is a prepared answer with {{placeholders}}.
type CannedResponse struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Language  string    `json:"language"`
	Body      string    `json:"body"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateCanned stores a canned response and sets its ID; the same name in
// the same language twice is ECONFLICT.
func (q *Queries) CreateCanned(ctx context.Context, c *CannedResponse) error {
	err := q.queryRow(ctx, `INSERT INTO canned_responses (name, language, body, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Name, c.Language, c.Body, c.CreatedBy, ts(c.CreatedAt)).Scan(&c.ID)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "name", Message: fmt.Sprintf("a canned response %q in %s exists already", c.Name, c.Language), Rule: "taken", Args: []any{c.Name, c.Language}}
	}
	if err != nil {
		return fmt.Errorf("store: create canned response: %w", err)
	}
	return nil
}

// CannedResponses lists the canned responses by name.
func (q *Queries) CannedResponses(ctx context.Context) ([]*CannedResponse, error) {
	rows, err := q.query(ctx, `SELECT id, name, language, body, created_by, created_at FROM canned_responses ORDER BY name, language`)
	if err != nil {
		return nil, fmt.Errorf("store: canned responses: %w", err)
	}
	defer rows.Close()
	out := []*CannedResponse{}
	for rows.Next() {
		var c CannedResponse
		var at int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Language, &c.Body, &c.CreatedBy, &at); err != nil {
			return nil, fmt.Errorf("store: canned responses: %w", err)
		}
		c.CreatedAt = fromTS(at)
		out = append(out, &c)
	}
	return out, rows.Err()
}

// UpdateCanned saves a canned response's name, language and body; another
// response with the same name and language is ECONFLICT.
func (q *Queries) UpdateCanned(ctx context.Context, c *CannedResponse) error {
	res, err := q.exec(ctx, "UPDATE canned_responses SET name = $2, language = $3, body = $4 WHERE id = $1",
		c.ID, c.Name, c.Language, c.Body)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "name", Message: fmt.Sprintf("a canned response %q in %s exists already", c.Name, c.Language), Rule: "taken", Args: []any{c.Name, c.Language}}
	}
	return affectOne(res, err, "canned response", c.ID)
}

// DeleteCanned removes a canned response.
func (q *Queries) DeleteCanned(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, "DELETE FROM canned_responses WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("store: delete canned response %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casedesk.Errorf(casedesk.ENOTFOUND, "canned response %d not found", id)
	}
	return nil
}

// Canned returns one canned response.
func (q *Queries) Canned(ctx context.Context, id int64) (*CannedResponse, error) {
	var c CannedResponse
	var at int64
	err := q.queryRow(ctx, "SELECT id, name, language, body, created_by, created_at FROM canned_responses WHERE id = $1", id).
		Scan(&c.ID, &c.Name, &c.Language, &c.Body, &c.CreatedBy, &at)
	if err == sql.ErrNoRows {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "canned response %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: canned response %d: %w", id, err)
	}
	c.CreatedAt = fromTS(at)
	return &c, nil
}

// SavedFilter is an agent's named queue view.
type SavedFilter struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	View      string    `json:"view"`
	Category  string    `json:"category"`
	CreatedAt time.Time `json:"created_at"`
}

// SaveFilter stores a user's filter, replacing one of the same name.
func (q *Queries) SaveFilter(ctx context.Context, f *SavedFilter) error {
	err := q.queryRow(ctx, `INSERT INTO saved_filters (user_id, name, view, category, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id, name) DO UPDATE SET view = excluded.view, category = excluded.category RETURNING id`,
		f.UserID, f.Name, f.View, f.Category, ts(f.CreatedAt)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("store: save filter: %w", err)
	}
	return nil
}

// SavedFilters lists a user's filters by name.
func (q *Queries) SavedFilters(ctx context.Context, userID int64) ([]*SavedFilter, error) {
	rows, err := q.query(ctx, `SELECT id, user_id, name, view, category, created_at FROM saved_filters WHERE user_id = $1 ORDER BY name`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: saved filters: %w", err)
	}
	defer rows.Close()
	out := []*SavedFilter{}
	for rows.Next() {
		var f SavedFilter
		var at int64
		if err := rows.Scan(&f.ID, &f.UserID, &f.Name, &f.View, &f.Category, &at); err != nil {
			return nil, fmt.Errorf("store: saved filters: %w", err)
		}
		f.CreatedAt = fromTS(at)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// DeleteFilter removes one of a user's filters.
func (q *Queries) DeleteFilter(ctx context.Context, userID, id int64) error {
	res, err := q.exec(ctx, "DELETE FROM saved_filters WHERE user_id = $1 AND id = $2", userID, id)
	if err != nil {
		return fmt.Errorf("store: delete filter %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casedesk.Errorf(casedesk.ENOTFOUND, "filter %d not found", id)
	}
	return nil
}

// Outcome is how a request ended when it was not fixed: out of scope, with
// the reason (network, addin, script).
type Outcome struct {
	RequestID int64     `json:"-"`
	OrgID     int64     `json:"organization_id"`
	Outcome   string    `json:"outcome"`
	Reason    string    `json:"reason"`
	ActorID   int64     `json:"actor_id"`
	At        time.Time `json:"at"`
}

// SetOutcome records (or replaces) the outcome of a request in scope;
// o.OrgID must be the request's organization. Otherwise ENOTFOUND.
func (q *Queries) SetOutcome(ctx context.Context, scope Scope, o *Outcome) error {
	a := args{o.RequestID, o.OrgID, o.Outcome, o.Reason, o.ActorID, ts(o.At)}
	res, err := q.exec(ctx, `INSERT INTO request_outcomes (request_id, org_id, outcome, reason, actor_id, at)
		SELECT r.id, r.org_id, $3, $4, $5, $6 FROM requests r WHERE r.id = $1 AND r.org_id = $2 AND `+scope.cond(&a, "r.org_id")+`
		ON CONFLICT (request_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, actor_id = excluded.actor_id, at = excluded.at`,
		a...)
	if err != nil {
		return fmt.Errorf("store: outcome of request %d: %w", o.RequestID, err)
	}
	return affectOne(res, nil, "request", o.RequestID)
}

// RequestOutcome returns the recorded outcome of a request in scope, nil
// when it has none (or lies outside the scope).
func (q *Queries) RequestOutcome(ctx context.Context, scope Scope, requestID int64) (*Outcome, error) {
	var o Outcome
	var at int64
	a := args{requestID}
	err := q.queryRow(ctx, `SELECT request_id, org_id, outcome, reason, actor_id, at FROM request_outcomes
		WHERE request_id = $1 AND `+scope.cond(&a, "org_id"), a...).Scan(&o.RequestID, &o.OrgID, &o.Outcome, &o.Reason, &o.ActorID, &at)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: outcome of request %d: %w", requestID, err)
	}
	o.At = fromTS(at)
	return &o, nil
}

// OutcomeCounts counts the recorded outcomes and reasons in scope since an
// instant.
func (q *Queries) OutcomeCounts(ctx context.Context, scope Scope, since time.Time) (map[string]int, error) {
	a := args{ts(since)}
	rows, err := q.query(ctx, `SELECT outcome, reason, COUNT(*) FROM request_outcomes WHERE at >= $1 AND `+scope.cond(&a, "org_id")+`
		GROUP BY outcome, reason`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: outcome counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var o, r string
		var n int
		if err := rows.Scan(&o, &r, &n); err != nil {
			return nil, err
		}
		out[o+"/"+r] = n
	}
	return out, rows.Err()
}

// SetTier records the support tier working a request in scope; ENOTFOUND
// outside it.
func (q *Queries) SetTier(ctx context.Context, scope Scope, requestID int64, tier int, at time.Time) error {
	a := args{requestID, tier, ts(at)}
	res, err := q.exec(ctx, `INSERT INTO request_tiers (request_id, org_id, tier, updated_at)
		SELECT r.id, r.org_id, $2, $3 FROM requests r WHERE r.id = $1 AND `+scope.cond(&a, "r.org_id")+`
		ON CONFLICT (request_id) DO UPDATE SET tier = excluded.tier, updated_at = excluded.updated_at`, a...)
	if err != nil {
		return fmt.Errorf("store: tier of request %d: %w", requestID, err)
	}
	return affectOne(res, nil, "request", requestID)
}

// Tier returns the support tier working a request in scope (1 unless
// escalated, or outside the scope).
func (q *Queries) Tier(ctx context.Context, scope Scope, requestID int64) (int, error) {
	var tier int
	a := args{requestID}
	err := q.queryRow(ctx, "SELECT tier FROM request_tiers WHERE request_id = $1 AND "+scope.cond(&a, "org_id"), a...).Scan(&tier)
	if err == sql.ErrNoRows {
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: tier of request %d: %w", requestID, err)
	}
	return tier, nil
}

// SetTAM makes user the technical account manager of org, which must lie in
// scope (ENOTFOUND otherwise); user 0 removes it.
func (q *Queries) SetTAM(ctx context.Context, scope Scope, org, user int64, at time.Time) error {
	if user == 0 {
		a := args{org}
		if _, err := q.exec(ctx, "DELETE FROM org_tams WHERE org_id = $1 AND "+scope.cond(&a, "org_id"), a...); err != nil {
			return fmt.Errorf("store: account manager of organization %d: %w", org, err)
		}
		return nil
	}
	a := args{org, user, ts(at)}
	res, err := q.exec(ctx, `INSERT INTO org_tams (org_id, user_id, assigned_at)
		SELECT o.id, $2, $3 FROM organizations o WHERE o.id = $1 AND `+scope.cond(&a, "o.id")+`
		ON CONFLICT (org_id) DO UPDATE SET user_id = excluded.user_id, assigned_at = excluded.assigned_at`, a...)
	if err != nil {
		return fmt.Errorf("store: account manager of organization %d: %w", org, err)
	}
	return affectOne(res, nil, "organization", org)
}

// TAM returns the technical account manager of org, 0 for none or when org
// lies outside the scope.
func (q *Queries) TAM(ctx context.Context, scope Scope, org int64) (int64, error) {
	var id int64
	a := args{org}
	err := q.queryRow(ctx, "SELECT user_id FROM org_tams WHERE org_id = $1 AND "+scope.cond(&a, "org_id"), a...).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: account manager of organization %d: %w", org, err)
	}
	return id, nil
}

// TAMOrgs lists the organizations in scope that user is the technical
// account manager of.
func (q *Queries) TAMOrgs(ctx context.Context, scope Scope, user int64) ([]int64, error) {
	a := args{user}
	rows, err := q.query(ctx, "SELECT org_id FROM org_tams WHERE user_id = $1 AND "+scope.cond(&a, "org_id")+" ORDER BY org_id", a...)
	if err != nil {
		return nil, fmt.Errorf("store: organizations of account manager %d: %w", user, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
