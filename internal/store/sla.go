package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// CalendarRow is a stored region calendar; Spec is its JSON form.
type CalendarRow struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Region    string    `json:"region"`
	Spec      string    `json:"-"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

const calColumns = "id, name, region, spec, version, updated_at"

func scanCalendar(row interface{ Scan(...any) error }) (*CalendarRow, error) {
	var c CalendarRow
	var at int64
	if err := row.Scan(&c.ID, &c.Name, &c.Region, &c.Spec, &c.Version, &at); err != nil {
		return nil, err
	}
	c.UpdatedAt = fromTS(at)
	return &c, nil
}

// CreateCalendar stores a calendar; a region in use answers ECONFLICT.
func (q *Queries) CreateCalendar(ctx context.Context, c *CalendarRow) error {
	c.Version = 1
	err := q.queryRow(ctx, "INSERT INTO calendars (name, region, spec, version, updated_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
		c.Name, c.Region, c.Spec, ts(c.UpdatedAt)).Scan(&c.ID)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "region", Message: "a calendar for this region already exists"}
	}
	if err != nil {
		return fmt.Errorf("store: create calendar: %w", err)
	}
	return nil
}

// UpdateCalendar replaces a calendar's name and spec and bumps its version.
func (q *Queries) UpdateCalendar(ctx context.Context, c *CalendarRow) error {
	err := q.queryRow(ctx, "UPDATE calendars SET name = $2, spec = $3, version = version + 1, updated_at = $4 WHERE id = $1 RETURNING version",
		c.ID, c.Name, c.Spec, ts(c.UpdatedAt)).Scan(&c.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "calendar %d not found", c.ID)
	}
	if err != nil {
		return fmt.Errorf("store: update calendar %d: %w", c.ID, err)
	}
	return nil
}

// Calendar returns the calendar with the id.
func (q *Queries) Calendar(ctx context.Context, id int64) (*CalendarRow, error) {
	c, err := scanCalendar(q.queryRow(ctx, "SELECT "+calColumns+" FROM calendars WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "calendar %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: calendar %d: %w", id, err)
	}
	return c, nil
}

// CalendarForRegion returns the region's calendar, or the default calendar
// (region ”) when the region has none.
func (q *Queries) CalendarForRegion(ctx context.Context, region string) (*CalendarRow, error) {
	c, err := scanCalendar(q.queryRow(ctx, "SELECT "+calColumns+" FROM calendars WHERE region = $1 OR region = '' ORDER BY region DESC LIMIT 1", region))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "no calendar for region %q and no default calendar", region)
	}
	if err != nil {
		return nil, fmt.Errorf("store: calendar for %q: %w", region, err)
	}
	return c, nil
}

// Calendars lists the calendars.
func (q *Queries) Calendars(ctx context.Context) ([]*CalendarRow, error) {
	rows, err := q.query(ctx, "SELECT "+calColumns+" FROM calendars ORDER BY region")
	if err != nil {
		return nil, fmt.Errorf("store: calendars: %w", err)
	}
	defer rows.Close()
	out := []*CalendarRow{}
	for rows.Next() {
		c, err := scanCalendar(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PolicyRow is one version of the entitlement policy in its JSON form.
type PolicyRow struct {
	Version   int64
	Body      string
	CreatedAt time.Time
	CreatedBy int64
}

// CurrentPolicy returns the newest policy version, ENOTFOUND if none.
func (q *Queries) CurrentPolicy(ctx context.Context) (*PolicyRow, error) {
	return q.policy(ctx, "SELECT version, body, created_at, COALESCE(created_by, 0) FROM sla_policies ORDER BY version DESC LIMIT 1")
}

// Policy returns one policy version.
func (q *Queries) Policy(ctx context.Context, version int64) (*PolicyRow, error) {
	return q.policy(ctx, "SELECT version, body, created_at, COALESCE(created_by, 0) FROM sla_policies WHERE version = $1", version)
}

func (q *Queries) policy(ctx context.Context, query string, args ...any) (*PolicyRow, error) {
	var p PolicyRow
	var at int64
	err := q.queryRow(ctx, query, args...).Scan(&p.Version, &p.Body, &at, &p.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "policy not found")
	}
	if err != nil {
		return nil, fmt.Errorf("store: policy: %w", err)
	}
	p.CreatedAt = fromTS(at)
	return &p, nil
}

// CreatePolicy stores a new policy version; a version in use answers ECONFLICT.
func (q *Queries) CreatePolicy(ctx context.Context, p *PolicyRow) error {
	_, err := q.exec(ctx, "INSERT INTO sla_policies (version, body, created_at, created_by) VALUES ($1, $2, $3, $4)",
		p.Version, p.Body, ts(p.CreatedAt), optID(p.CreatedBy))
	if isUniqueViolation(err) {
		return casedesk.Errorf(casedesk.ECONFLICT, "policy version %d exists already", p.Version)
	}
	if err != nil {
		return fmt.Errorf("store: create policy: %w", err)
	}
	return nil
}

// ClockRow is a request's service-level clock as stored: its inputs (so it
// can be recomputed and explained) and its outcome.
type ClockRow struct {
	ID              int64               `json:"id"`
	RequestID       int64               `json:"-"`
	OrgID           int64               `json:"-"`
	Metric          casedesk.Metric     `json:"metric"`
	Cycle           int                 `json:"cycle"`
	OpenedAt        time.Time           `json:"opened_at"`
	PolicyVersion   int64               `json:"policy_version"`
	Family          casedesk.Family     `json:"family"`
	Severity        casedesk.Severity   `json:"severity"`
	Coverage        casedesk.Coverage   `json:"coverage"`
	TargetKind      casedesk.TargetKind `json:"target_kind"`
	TargetMinutes   int                 `json:"target_minutes"`
	CalendarID      *int64              `json:"calendar_id"`
	CalendarVersion *int64              `json:"calendar_version"`
	Pauses          string              `json:"-"` // JSON [[from, to|null], …] in RFC 3339
	DueAt           *time.Time          `json:"due_at"`
	WarnAt          *time.Time          `json:"warn_at"`
	StoppedAt       *time.Time          `json:"stopped_at"`
	Met             *bool               `json:"met"`
	Breached        bool                `json:"breached"`
	BusinessMinutes *int                `json:"business_minutes"`
	WarnFiredAt     *time.Time          `json:"warn_fired_at"`
	BreachFiredAt   *time.Time          `json:"breach_fired_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

const clockColumns = `id, request_id, org_id, metric, cycle, opened_at, policy_version, family, severity, coverage, target_kind,
	target_minutes, calendar_id, calendar_version, pauses, due_at, warn_at, stopped_at, met, breached, business_minutes,
	warn_fired_at, breach_fired_at, updated_at`

func scanClock(row interface{ Scan(...any) error }) (*ClockRow, error) {
	var c ClockRow
	var opened, updated int64
	var calID, calVer, due, warn, stopped, minutes, warnFired, breachFired sql.NullInt64
	var met sql.NullBool
	if err := row.Scan(&c.ID, &c.RequestID, &c.OrgID, &c.Metric, &c.Cycle, &opened, &c.PolicyVersion, &c.Family, &c.Severity,
		&c.Coverage, &c.TargetKind, &c.TargetMinutes, &calID, &calVer, &c.Pauses, &due, &warn, &stopped, &met, &c.Breached,
		&minutes, &warnFired, &breachFired, &updated); err != nil {
		return nil, err
	}
	c.OpenedAt, c.UpdatedAt = fromTS(opened), fromTS(updated)
	c.CalendarID, c.CalendarVersion = nullID(calID), nullID(calVer)
	c.DueAt, c.WarnAt, c.StoppedAt = fromNullTS(due), fromNullTS(warn), fromNullTS(stopped)
	c.WarnFiredAt, c.BreachFiredAt = fromNullTS(warnFired), fromNullTS(breachFired)
	if met.Valid {
		c.Met = &met.Bool
	}
	if minutes.Valid {
		n := int(minutes.Int64)
		c.BusinessMinutes = &n
	}
	return &c, nil
}

func boolArg(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func intArg(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

// CreateClock stores a new clock of a request of organization c.OrgID and
// sets its ID; ENOTFOUND when that organization lies outside the scope (see
// Scope.admit).
func (q *Queries) CreateClock(ctx context.Context, scope Scope, c *ClockRow) error {
	if err := scope.admit(c.OrgID, c.RequestID); err != nil {
		return err
	}
	a := args{c.RequestID, c.OrgID, c.Metric, c.Cycle, ts(c.OpenedAt), c.PolicyVersion, c.Family, c.Severity, c.Coverage, c.TargetKind,
		c.TargetMinutes, idArg(c.CalendarID), idArg(c.CalendarVersion), c.Pauses, tsp(c.DueAt), tsp(c.WarnAt), tsp(c.StoppedAt),
		boolArg(c.Met), c.Breached, intArg(c.BusinessMinutes), ts(c.UpdatedAt)}
	err := q.queryRow(ctx, `INSERT INTO sla_clocks (request_id, org_id, metric, cycle, opened_at, policy_version, family, severity,
		coverage, target_kind, target_minutes, calendar_id, calendar_version, pauses, due_at, warn_at, stopped_at, met, breached,
		business_minutes, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id`, a...).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("store: create clock: %w", err)
	}
	return nil
}

// UpdateClock saves the inputs and outcome of a clock in scope (not its
// fired marks, which only MarkFired sets); ENOTFOUND outside the scope.
func (q *Queries) UpdateClock(ctx context.Context, scope Scope, c *ClockRow) error {
	a := args{c.ID, c.PolicyVersion, c.Family, c.Severity, c.Coverage, c.TargetKind, c.TargetMinutes, idArg(c.CalendarID),
		idArg(c.CalendarVersion), c.Pauses, tsp(c.DueAt), tsp(c.WarnAt), tsp(c.StoppedAt), boolArg(c.Met), c.Breached,
		intArg(c.BusinessMinutes), ts(c.UpdatedAt)}
	res, err := q.exec(ctx, `UPDATE sla_clocks SET policy_version = $2, family = $3, severity = $4, coverage = $5, target_kind = $6,
		target_minutes = $7, calendar_id = $8, calendar_version = $9, pauses = $10, due_at = $11, warn_at = $12, stopped_at = $13,
		met = $14, breached = $15, business_minutes = $16, updated_at = $17 WHERE id = $1 AND `+scope.cond(&a, "org_id"), a...)
	return affectOne(res, err, "clock", c.ID)
}

// Clocks returns the clocks of a request in scope, oldest first; none
// outside the scope.
func (q *Queries) Clocks(ctx context.Context, scope Scope, requestID int64) ([]*ClockRow, error) {
	a := args{requestID}
	return q.clocks(ctx, "SELECT "+clockColumns+" FROM sla_clocks WHERE request_id = $1 AND "+scope.cond(&a, "org_id")+" ORDER BY id", a...)
}

func (q *Queries) clocks(ctx context.Context, query string, args ...any) ([]*ClockRow, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: clocks: %w", err)
	}
	defer rows.Close()
	out := []*ClockRow{}
	for rows.Next() {
		c, err := scanClock(rows)
		if err != nil {
			return nil, fmt.Errorf("store: clocks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RunningClocks returns up to limit running clocks in scope with id above
// after, in id order.
func (q *Queries) RunningClocks(ctx context.Context, scope Scope, after int64, limit int) ([]*ClockRow, error) {
	var a args
	return q.clocks(ctx, "SELECT "+clockColumns+" FROM sla_clocks WHERE stopped_at IS NULL AND "+scope.cond(&a, "org_id")+
		" AND id > "+a.add(after)+" ORDER BY id LIMIT "+a.add(limit), a...)
}

// alertAt is the instant a running clock next alerts at: its warning while
// that is unfired, else its breach. It and alertPending are written exactly
// as the index sla_clocks_alert (migration 0010), which both engines then use.
const (
	alertAt      = "(CASE WHEN warn_fired_at IS NULL AND warn_at IS NOT NULL THEN warn_at ELSE due_at END)"
	alertPending = "stopped_at IS NULL AND breach_fired_at IS NULL AND due_at IS NOT NULL"
)

// NextAlert returns the earliest instant at which a running clock in scope
// warns or breaches and has not yet been recorded doing so; ok is false if
// none. With AllOrgs it is one seek on sla_clocks_alert.
func (q *Queries) NextAlert(ctx context.Context, scope Scope) (t time.Time, ok bool, err error) {
	var next sql.NullInt64
	var a args
	if err := q.queryRow(ctx, "SELECT MIN("+alertAt+") FROM sla_clocks WHERE "+alertPending+" AND "+scope.cond(&a, "org_id"), a...).Scan(&next); err != nil {
		return t, false, fmt.Errorf("store: next alert: %w", err)
	}
	if !next.Valid {
		return t, false, nil
	}
	return fromTS(next.Int64), true, nil
}

// DueAlerts returns up to limit running clocks in scope whose warning or
// breach instant is at or before now and not yet recorded, soonest first.
func (q *Queries) DueAlerts(ctx context.Context, scope Scope, now time.Time, limit int) ([]*ClockRow, error) {
	a := args{ts(now), limit}
	return q.clocks(ctx, "SELECT "+clockColumns+" FROM sla_clocks WHERE "+alertPending+" AND "+scope.cond(&a, "org_id")+
		" AND "+alertAt+" <= $1 ORDER BY "+alertAt+" LIMIT $2", a...)
}

// RearmAlerts forgets the recorded warning (warn) and breach (breach) of
// a clock in scope, so that a clock re-targeted to a later instant (a
// triage that relaxes it) warns and breaches again at its new instants;
// the history keeps the alerts recorded before. ENOTFOUND outside the scope.
func (q *Queries) RearmAlerts(ctx context.Context, scope Scope, clockID int64, warn, breach bool) error {
	a := args{clockID, warn, breach}
	res, err := q.exec(ctx, `UPDATE sla_clocks SET warn_fired_at = CASE WHEN $2 THEN NULL ELSE warn_fired_at END,
		breach_fired_at = CASE WHEN $3 THEN NULL ELSE breach_fired_at END, breached = CASE WHEN $3 THEN FALSE ELSE breached END
		WHERE id = $1 AND `+scope.cond(&a, "org_id"), a...)
	return affectOne(res, err, "clock", clockID)
}

// MarkFired records that the warning ("warn") or breach ("breach") of a
// clock in scope due at the instant was delivered. It reports false when
// another instance recorded it first, the clock changed meanwhile or it lies
// outside the scope: the caller then does nothing, so each alert is
// delivered once.
func (q *Queries) MarkFired(ctx context.Context, scope Scope, clockID int64, kind string, due, at time.Time) (bool, error) {
	var res sql.Result
	var err error
	a := args{clockID, ts(due), ts(at)}
	switch kind {
	case "warn":
		res, err = q.exec(ctx, "UPDATE sla_clocks SET warn_fired_at = $3 WHERE id = $1 AND warn_at = $2 AND warn_fired_at IS NULL AND stopped_at IS NULL AND "+
			scope.cond(&a, "org_id"), a...)
	case "breach":
		res, err = q.exec(ctx, "UPDATE sla_clocks SET breach_fired_at = $3, breached = TRUE WHERE id = $1 AND due_at = $2 AND breach_fired_at IS NULL AND stopped_at IS NULL AND "+
			scope.cond(&a, "org_id"), a...)
	default:
		return false, fmt.Errorf("store: unknown alert kind %q", kind)
	}
	if err != nil {
		return false, fmt.Errorf("store: mark fired: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FirstStaffResponse returns when the provider's staff first answered a
// request in scope in public (a reply or a logged call) at or after since;
// nil when they did not, or the request lies outside the scope.
func (q *Queries) FirstStaffResponse(ctx context.Context, scope Scope, requestID int64, since time.Time) (*time.Time, error) {
	var at sql.NullInt64
	a := args{requestID, ts(since)}
	err := q.queryRow(ctx, `SELECT MIN(m.created_at) FROM messages m JOIN requests r ON r.id = m.request_id
		JOIN users u ON u.id = m.author_id JOIN organizations o ON o.id = u.org_id
		WHERE m.request_id = $1 AND NOT m.internal AND o.kind = 'provider' AND m.created_at >= $2 AND `+scope.cond(&a, "r.org_id"), a...).Scan(&at)
	if err != nil {
		return nil, fmt.Errorf("store: first response: %w", err)
	}
	return fromNullTS(at), nil
}
