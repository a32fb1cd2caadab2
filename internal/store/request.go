package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
)

// Scope is the set of organizations a tenant-owned query may touch. desk
// computes it (internal/desk/authz.go) and every tenant-owned store method
// takes it right after ctx and filters on it in SQL, so a row outside the
// scope is simply not found. The zero Scope touches nothing; access to every
// organization is the named value AllOrgs, never a zero that means everyone.
type Scope struct {
	all  bool
	orgs []int64
}

// AllOrgs is the scope of the provider's staff and of system work (the SLA
// worker, recomputes, the event relay): every organization. Grep for it to
// find every place that crosses tenants.
var AllOrgs = Scope{all: true}

// OrgScope is the scope of one organization.
func OrgScope(org int64) Scope { return Scope{orgs: []int64{org}} }

// OrgsScope is the scope of a list of organizations (a partner's delegated
// customers). An empty list touches nothing.
func OrgsScope(orgs []int64) Scope { return Scope{orgs: slices.Clone(orgs)} }

// All reports whether the scope is AllOrgs.
func (s Scope) All() bool { return s.all }

// Orgs returns the organizations of a scope that is not AllOrgs.
func (s Scope) Orgs() []int64 { return slices.Clone(s.orgs) }

// Has reports whether the scope covers the organization.
func (s Scope) Has(org int64) bool { return s.all || slices.Contains(s.orgs, org) }

// admit returns ENOTFOUND for a row of request requestID in organization
// org when org lies outside the scope. The hot inserts of a request's
// children (history lines, clocks, notifications) check their row this way
// instead of reading the request back in SQL: the caller read the request
// within its scope a moment before, and on a database without statistics
// yet PostgreSQL finds "id = $1 AND org_id = $2" by walking the
// organization's index rather than the primary key, which made every
// history line cost more as an organization grew.
func (s Scope) admit(org, requestID int64) error {
	if !s.Has(org) {
		return errRequestNotFound(requestID)
	}
	return nil
}

// cond returns the scope's SQL condition on col.
func (s Scope) cond(a *args, col string) string {
	switch {
	case s.all:
		return "TRUE"
	case len(s.orgs) == 0:
		return "FALSE"
	case len(s.orgs) == 1:
		return col + " = " + a.add(s.orgs[0])
	default:
		return col + " IN (" + a.list(s.orgs) + ")"
	}
}

const requestColumns = `r.id, r.org_id, r.requester_id, r.opened_by_id, r.on_behalf_of_org_id, r.category, r.product, r.title,
	r.description, r.impact, r.severity, r.status, r.language, r.contact_method, r.phone, r.channel, r.assignee_id,
	r.linked_id, r.prospect_name, r.prospect_email, r.prospect_company, r.created_at, r.updated_at, r.resolved_at, r.closed_at`

func scanRequest(row interface{ Scan(...any) error }) (*casedesk.Request, error) {
	var r casedesk.Request
	var requester, openedBy, onBehalf, assignee, linked, resolved, closed sql.NullInt64
	var impact string
	var created, updated int64
	if err := row.Scan(&r.ID, &r.OrgID, &requester, &openedBy, &onBehalf, &r.Category, &r.Product, &r.Title,
		&r.Description, &impact, &r.Severity, &r.Status, &r.Language, &r.ContactMethod, &r.Phone, &r.Channel, &assignee,
		&linked, &r.ProspectName, &r.ProspectEmail, &r.ProspectCompany, &created, &updated, &resolved, &closed); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(impact), &r.Impact); err != nil {
		return nil, fmt.Errorf("impact of request %d: %w", r.ID, err)
	}
	r.Number = casedesk.RequestNumber(r.ID)
	r.RequesterID, r.OpenedByID = requester.Int64, openedBy.Int64
	r.OnBehalfOfOrgID, r.AssigneeID = nullID(onBehalf), nullID(assignee)
	if linked.Valid {
		r.LinkedNumber = casedesk.RequestNumber(linked.Int64)
	}
	r.CreatedAt, r.UpdatedAt, r.ResolvedAt, r.ClosedAt = fromTS(created), fromTS(updated), fromNullTS(resolved), fromNullTS(closed)
	return &r, nil
}

func optID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func linkedArg(number string) any {
	if id, ok := casedesk.ParseRequestNumber(number); ok {
		return id
	}
	return nil
}

// NthLatestRequest returns when the organization's n-th latest request (by
// id, which follows creation) was created, or false when it has fewer than
// n. Reading n entries of the requests_org index backwards, it is what a
// limit of n requests per window needs to know: the next one may be opened
// once that one has left the window.
func (q *Queries) NthLatestRequest(ctx context.Context, scope Scope, org int64, n int) (time.Time, bool, error) {
	a := args{org, n - 1}
	var at int64
	err := q.queryRow(ctx, "SELECT created_at FROM requests WHERE org_id = $1 AND "+scope.cond(&a, "org_id")+
		" ORDER BY id DESC LIMIT 1 OFFSET $2", a...).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: organization %d: latest requests: %w", org, err)
	}
	return fromTS(at), true, nil
}

// CreateRequest inserts r and sets its ID and Number. r's organization must
// lie in scope; otherwise ENOTFOUND, and nothing is written.
func (q *Queries) CreateRequest(ctx context.Context, scope Scope, r *casedesk.Request) error {
	impact, err := json.Marshal(r.Impact)
	if err != nil {
		return fmt.Errorf("store: create request: %w", err)
	}
	a := args{r.OrgID, optID(r.RequesterID), optID(r.OpenedByID), idArg(r.OnBehalfOfOrgID), r.Category, r.Product, r.Title,
		r.Description, string(impact), r.Severity, r.Status, r.Language, r.ContactMethod, r.Phone, r.Channel,
		idArg(r.AssigneeID), linkedArg(r.LinkedNumber), r.ProspectName, r.ProspectEmail, r.ProspectCompany,
		ts(r.CreatedAt), ts(r.UpdatedAt)}
	err = q.queryRow(ctx, `INSERT INTO requests (org_id, requester_id, opened_by_id, on_behalf_of_org_id, category,
		product, title, description, impact, severity, status, language, contact_method, phone, channel, assignee_id,
		linked_id, prospect_name, prospect_email, prospect_company, created_at, updated_at)
		SELECT o.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22
		FROM organizations o WHERE o.id = $1 AND `+scope.cond(&a, "o.id")+` RETURNING id`, a...).Scan(&r.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", r.OrgID)
	}
	if err != nil {
		return fmt.Errorf("store: create request: %w", err)
	}
	r.Number = casedesk.RequestNumber(r.ID)
	return nil
}

// Request returns the request with the id if it lies in scope; otherwise
// ENOTFOUND, the same answer as for one that does not exist.
func (q *Queries) Request(ctx context.Context, scope Scope, id int64) (*casedesk.Request, error) {
	a := args{id}
	r, err := scanRequest(q.queryRow(ctx, "SELECT "+requestColumns+" FROM requests r WHERE r.id = $1 AND "+scope.cond(&a, "r.org_id"), a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "request %s not found", casedesk.RequestNumber(id))
	}
	if err != nil {
		return nil, fmt.Errorf("store: request %d: %w", id, err)
	}
	return r, nil
}

// UpdateRequest saves the mutable fields of r, which must lie in scope.
func (q *Queries) UpdateRequest(ctx context.Context, scope Scope, r *casedesk.Request) error {
	a := args{r.ID, r.Category, r.Product, r.Title, r.Severity, r.Status, r.Language, r.ContactMethod, r.Phone,
		idArg(r.AssigneeID), linkedArg(r.LinkedNumber), ts(r.UpdatedAt), tsp(r.ResolvedAt), tsp(r.ClosedAt)}
	res, err := q.exec(ctx, `UPDATE requests SET category = $2, product = $3, title = $4, severity = $5, status = $6,
		language = $7, contact_method = $8, phone = $9, assignee_id = $10, linked_id = $11, updated_at = $12,
		resolved_at = $13, closed_at = $14 WHERE id = $1 AND `+scope.cond(&a, "org_id"), a...)
	return affectOne(res, err, "request", r.ID)
}

// RequestFilter selects requests for a list, newest first.
type RequestFilter struct {
	Status      casedesk.Status // "" for any
	Active      bool            // new, open or waiting
	Severity    casedesk.Severity
	Category    casedesk.Category
	OrgID       int64 // narrow the scope to one organization
	AssigneeID  int64
	Unassigned  bool
	LinkedTo    int64 // only the requests linked to this one
	ClosedAfter int64 // with Active: also those closed or resolved after this instant (µs)
	Before      int64 // cursor: only ids below this
	Limit       int
}

// Requests lists the requests in scope that match f, newest first, at most
// f.Limit (1–200, default 50).
func (q *Queries) Requests(ctx context.Context, scope Scope, f RequestFilter) ([]*casedesk.Request, error) {
	var a args
	where := scope.cond(&a, "r.org_id")
	if f.OrgID != 0 {
		where += " AND r.org_id = " + a.add(f.OrgID)
	}
	switch {
	case f.Active && f.ClosedAfter > 0:
		where += " AND (r.status IN ('new', 'open', 'waiting') OR r.updated_at > " + a.add(f.ClosedAfter) + ")"
	case f.Active:
		// Written exactly as the partial index requests_org_active says.
		where += " AND r.status IN ('new', 'open', 'waiting')"
	case f.Status != "":
		where += " AND r.status = " + a.add(f.Status)
	}
	if f.Severity != "" {
		where += " AND r.severity = " + a.add(f.Severity)
	}
	if f.Category != "" {
		where += " AND r.category = " + a.add(f.Category)
	}
	if f.AssigneeID != 0 {
		where += " AND r.assignee_id = " + a.add(f.AssigneeID)
	}
	if f.Unassigned {
		where += " AND r.assignee_id IS NULL"
	}
	if f.LinkedTo != 0 {
		where += " AND r.linked_id = " + a.add(f.LinkedTo)
	}
	if f.Before > 0 {
		where += " AND r.id < " + a.add(f.Before)
	}
	rows, err := q.query(ctx, "SELECT "+requestColumns+" FROM requests r WHERE "+where+
		" ORDER BY r.id DESC LIMIT "+a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: requests: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("store: requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
