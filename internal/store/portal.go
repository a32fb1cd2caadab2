package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// Survey is a customer's satisfaction rating of a resolved request, given once.
type Survey struct {
	RequestID int64     `json:"-"`
	OrgID     int64     `json:"organization_id"`
	UserID    int64     `json:"user_id"`
	Rating    int       `json:"rating"` // 1 (poor) to 5 (excellent)
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateSurvey records the answer to the survey of a request in scope;
// s.OrgID must be the request's organization (otherwise ENOTFOUND). A
// second answer for the same request is ECONFLICT.
func (q *Queries) CreateSurvey(ctx context.Context, scope Scope, s *Survey) error {
	a := args{s.RequestID, s.OrgID, s.UserID, s.Rating, s.Comment, ts(s.CreatedAt)}
	res, err := q.exec(ctx, `INSERT INTO surveys (request_id, org_id, user_id, rating, comment, created_at)
		SELECT r.id, r.org_id, $3, $4, $5, $6 FROM requests r WHERE r.id = $1 AND r.org_id = $2 AND `+scope.cond(&a, "r.org_id"), a...)
	if isUniqueViolation(err) {
		return casedesk.Errorf(casedesk.ECONFLICT, "the survey of this request was already answered")
	}
	if err != nil {
		return fmt.Errorf("store: create survey: %w", err)
	}
	return affectOne(res, nil, "request", s.RequestID)
}

// Survey returns the answered survey of a request in scope, or nil when
// there is none (or the request lies outside the scope).
func (q *Queries) Survey(ctx context.Context, scope Scope, requestID int64) (*Survey, error) {
	var s Survey
	var created int64
	a := args{requestID}
	err := q.queryRow(ctx, `SELECT request_id, org_id, user_id, rating, comment, created_at FROM surveys
		WHERE request_id = $1 AND `+scope.cond(&a, "org_id"), a...).Scan(&s.RequestID, &s.OrgID, &s.UserID, &s.Rating, &s.Comment, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: survey of request %d: %w", requestID, err)
	}
	s.CreatedAt = fromTS(created)
	return &s, nil
}

// Callback is a customer's request to be called back about a request.
type Callback struct {
	ID            int64      `json:"id"`
	RequestID     int64      `json:"-"`
	OrgID         int64      `json:"organization_id"`
	UserID        int64      `json:"user_id"`
	Phone         string     `json:"phone"`
	PreferredTime string     `json:"preferred_time"`
	CreatedAt     time.Time  `json:"created_at"`
	DoneAt        *time.Time `json:"done_at"`
}

// CreateCallback records a callback request about a request in scope and
// sets its ID; c.OrgID must be the request's organization. Otherwise
// ENOTFOUND.
func (q *Queries) CreateCallback(ctx context.Context, scope Scope, c *Callback) error {
	a := args{c.RequestID, c.OrgID, c.UserID, c.Phone, c.PreferredTime, ts(c.CreatedAt)}
	err := q.queryRow(ctx, `INSERT INTO callbacks (request_id, org_id, user_id, phone, preferred_time, created_at)
		SELECT r.id, r.org_id, $3, $4, $5, $6 FROM requests r WHERE r.id = $1 AND r.org_id = $2 AND `+scope.cond(&a, "r.org_id")+
		` RETURNING id`, a...).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return errRequestNotFound(c.RequestID)
	}
	if err != nil {
		return fmt.Errorf("store: create callback: %w", err)
	}
	return nil
}

// Callbacks lists the callback requests of a request in scope, oldest first.
func (q *Queries) Callbacks(ctx context.Context, scope Scope, requestID int64) ([]*Callback, error) {
	a := args{requestID}
	rows, err := q.query(ctx, `SELECT id, request_id, org_id, user_id, phone, preferred_time, created_at, done_at
		FROM callbacks WHERE request_id = $1 AND `+scope.cond(&a, "org_id")+` ORDER BY id`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: callbacks: %w", err)
	}
	defer rows.Close()
	out := []*Callback{}
	for rows.Next() {
		var c Callback
		var created int64
		var done sql.NullInt64
		if err := rows.Scan(&c.ID, &c.RequestID, &c.OrgID, &c.UserID, &c.Phone, &c.PreferredTime, &created, &done); err != nil {
			return nil, fmt.Errorf("store: callbacks: %w", err)
		}
		c.CreatedAt, c.DoneAt = fromTS(created), fromNullTS(done)
		out = append(out, &c)
	}
	return out, rows.Err()
}

// CreatePasswordReset stores the hash of a reset link's secret for a user.
func (q *Queries) CreatePasswordReset(ctx context.Context, hash string, userID int64, at, expires time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, userID, ts(at), ts(expires))
	if err != nil {
		return fmt.Errorf("store: create password reset: %w", err)
	}
	return nil
}

// RecentPasswordResets counts the reset links made for a user since the instant.
func (q *Queries) RecentPasswordResets(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	err := q.queryRow(ctx, "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2", userID, ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: password resets: %w", err)
	}
	return n, nil
}

// UsePasswordReset marks the unused, unexpired link with the hash as used
// and returns its user; an unknown, used or expired link is EINVALID.
func (q *Queries) UsePasswordReset(ctx context.Context, hash string, now time.Time) (int64, error) {
	var id, user int64
	err := q.queryRow(ctx, `SELECT id, user_id FROM password_resets
		WHERE hash = $1 AND used_at IS NULL AND expires_at > $2`, hash, ts(now)).Scan(&id, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, casedesk.Invalid("token", "this reset link is unknown, already used or expired; ask for a new one")
	}
	if err != nil {
		return 0, fmt.Errorf("store: password reset: %w", err)
	}
	res, err := q.exec(ctx, "UPDATE password_resets SET used_at = $2 WHERE id = $1 AND used_at IS NULL", id, ts(now))
	if err := affectOne(res, err, "password reset", id); err != nil {
		return 0, err
	}
	return user, nil
}

// SupportPhone is a line of the provider's support phone directory.
type SupportPhone struct {
	ID       int64  `json:"id"`
	Country  string `json:"country"`  // "" for every country
	Language string `json:"language"` // "" for every language
	Purpose  string `json:"purpose"`  // "support" or "trial"
	Number   string `json:"number"`
	Hours    string `json:"hours"` // "24x7" or "business"
	Position int    `json:"position"`
}

// SupportPhones lists the directory lines for a country (and the lines for
// every country), ordered for display.
func (q *Queries) SupportPhones(ctx context.Context, country string) ([]*SupportPhone, error) {
	rows, err := q.query(ctx, `SELECT id, country, language, purpose, number, hours, position FROM support_phones
		WHERE country = $1 OR country = '' ORDER BY purpose, position, id`, country)
	if err != nil {
		return nil, fmt.Errorf("store: support phones: %w", err)
	}
	defer rows.Close()
	out := []*SupportPhone{}
	for rows.Next() {
		var p SupportPhone
		if err := rows.Scan(&p.ID, &p.Country, &p.Language, &p.Purpose, &p.Number, &p.Hours, &p.Position); err != nil {
			return nil, fmt.Errorf("store: support phones: %w", err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// ActorNames returns, by id, the names of those of the users with the ids
// who may act on the requests of the organizations in scope — their own
// users, the users of partners they delegated to (now or before) and the
// provider's staff — and likewise the names of those organizations: what a
// viewer of those requests may read beside them. The test uses the small
// tables only, so it costs the same for an organization with a million
// requests.
func (q *Queries) ActorNames(ctx context.Context, scope Scope, userIDs, orgIDs []int64) (users, orgs map[int64]string, err error) {
	users, orgs = map[int64]string{}, map[int64]string{}
	actors := func(a *args) string {
		return `(SELECT id FROM organizations WHERE ` + scope.cond(a, "id") + ` UNION SELECT partner_id FROM partner_grants WHERE ` +
			scope.cond(a, "customer_id") + ` UNION SELECT id FROM organizations WHERE kind = 'provider')`
	}
	if len(userIDs) > 0 {
		var a args
		in := a.list(userIDs)
		err := q.names(ctx, users, `SELECT u.id, u.name FROM users u WHERE u.id IN (`+in+`) AND u.org_id IN `+actors(&a), a)
		if err != nil {
			return nil, nil, err
		}
	}
	if len(orgIDs) > 0 {
		var a args
		in := a.list(orgIDs)
		err := q.names(ctx, orgs, `SELECT o.id, o.name FROM organizations o WHERE o.id IN (`+in+`) AND o.id IN `+actors(&a), a)
		if err != nil {
			return nil, nil, err
		}
	}
	return users, orgs, nil
}

func (q *Queries) names(ctx context.Context, out map[int64]string, query string, a args) error {
	rows, err := q.query(ctx, query, a...)
	if err != nil {
		return fmt.Errorf("store: names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("store: names: %w", err)
		}
		out[id] = name
	}
	return rows.Err()
}

// RecentRequests lists, newest first, the requests in scope that are active
// or were changed after since (µs): SPEC's "all open and recently closed".
// It reads the active ones and the recently changed ones through an index
// each and merges them, instead of filtering an organization's whole history.
// f's Severity, Category, OrgID, Before and Limit apply; its status fields do
// not.
func (q *Queries) RecentRequests(ctx context.Context, scope Scope, f RequestFilter, since int64) ([]*casedesk.Request, error) {
	n := limit(f.Limit)
	part := func(cond string, arg any) ([]*casedesk.Request, error) {
		var a args
		where := scope.cond(&a, "r.org_id")
		if f.OrgID != 0 {
			where += " AND r.org_id = " + a.add(f.OrgID)
		}
		if arg != nil {
			cond += a.add(arg)
		}
		where += " AND " + cond
		if f.Severity != "" {
			where += " AND r.severity = " + a.add(f.Severity)
		}
		if f.Category != "" {
			where += " AND r.category = " + a.add(f.Category)
		}
		if f.Before > 0 {
			where += " AND r.id < " + a.add(f.Before)
		}
		rows, err := q.query(ctx, "SELECT "+requestColumns+" FROM requests r WHERE "+where+
			" ORDER BY r.id DESC LIMIT "+a.add(n), a...)
		if err != nil {
			return nil, fmt.Errorf("store: recent requests: %w", err)
		}
		defer rows.Close()
		var out []*casedesk.Request
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				return nil, fmt.Errorf("store: recent requests: %w", err)
			}
			out = append(out, r)
		}
		return out, rows.Err()
	}
	// Written as the partial index requests_org_active says.
	active, err := part("r.status IN ('new', 'open', 'waiting')", nil)
	if err != nil {
		return nil, err
	}
	changed, err := part("r.status NOT IN ('new', 'open', 'waiting') AND r.updated_at > ", since)
	if err != nil {
		return nil, err
	}
	out := make([]*casedesk.Request, 0, min(n, len(active)+len(changed)))
	for len(out) < n && (len(active) > 0 || len(changed) > 0) {
		if len(changed) == 0 || (len(active) > 0 && active[0].ID > changed[0].ID) {
			out, active = append(out, active[0]), active[1:]
		} else {
			out, changed = append(out, changed[0]), changed[1:]
		}
	}
	return out, nil
}
