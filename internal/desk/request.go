package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// NewRequest is what a caller supplies to open a service request.
type NewRequest struct {
	OrganizationID int64             `json:"organization_id,omitempty"`
	RequesterID    int64             `json:"requester_id,omitempty"` // an agent or partner opening for a named admin
	Category       casedesk.Category `json:"category"`
	Product        string            `json:"product,omitempty"`
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	Impact         casedesk.Impact   `json:"impact"`
	Severity       casedesk.Severity `json:"severity,omitempty"`
	Language       string            `json:"preferred_language,omitempty"`
	ContactMethod  string            `json:"contact_method,omitempty"`
	Phone          string            `json:"phone,omitempty"`
	Channel        casedesk.Channel  `json:"channel,omitempty"`
	LinkedNumber   string            `json:"linked_number,omitempty"`
}

// OpenRequest opens a service request for the actor. Customer admins open
// for their own organization; partners and agents name the organization and
// are recorded as acting on its behalf. Severity is set by the provider at
// triage, except for organizations with elevated support, whose admins may
// set it themselves. With a non-empty idempotency key, a retry of the same
// create returns the request the first call made (created false) instead of
// a second one; the same key with a different body is EINVALID on the field
// Idempotency-Key (422, as draft-ietf-httpapi-idempotency-key-header says).
func (d *Desk) OpenRequest(ctx context.Context, a *casedesk.Actor, in NewRequest, idemKey string) (*casedesk.Request, bool, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, false, err
	}
	if err := checkKey(idemKey); err != nil {
		return nil, false, err
	}
	org := in.OrganizationID
	if org == 0 {
		if a.OrgKind != casedesk.OrgCustomer {
			return nil, false, casedesk.Invalid("organization_id", "organization_id is required: name the customer organization the request is for")
		}
		org = a.User.OrgID
	}
	if !inScope(scope, org) {
		return nil, false, casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", org)
	}
	now := d.now()
	r := &casedesk.Request{
		OrgID: org, RequesterID: a.User.ID, OpenedByID: a.User.ID, OnBehalfOfOrgID: onBehalfOf(a, org),
		Category: in.Category, Product: in.Product, Title: in.Title, Description: in.Description, Impact: in.Impact,
		Severity: in.Severity, Status: casedesk.StatusNew, Language: in.Language, ContactMethod: in.ContactMethod,
		Phone: in.Phone, Channel: in.Channel, LinkedNumber: in.LinkedNumber, CreatedAt: now, UpdatedAt: now,
	}
	if r.Channel == "" {
		r.Channel = casedesk.ChannelAPI
	}
	if err := r.Validate(); err != nil {
		return nil, false, err
	}
	if r.Channel == casedesk.ChannelPhone && !a.IsStaff() {
		return nil, false, casedesk.Invalid("channel", "only the provider's agents log phone requests; request a callback instead")
	}
	fp := fingerprint(in, strconv.FormatInt(org, 10))
	var created bool
	err = d.write(ctx, func(tx *store.Tx) error {
		created = false
		if idemKey != "" {
			id, got, err := tx.IdempotencyKey(ctx, a.User.ID, store.IdemRequest, idemKey)
			if err != nil {
				return err
			}
			if id != 0 {
				return d.replay(ctx, tx.Queries, scope, id, got, fp, r)
			}
		}
		if !a.IsStaff() {
			if err := d.underRequestLimit(ctx, tx.Queries, scope, org, now); err != nil {
				return err
			}
		}
		if err := d.createRequest(ctx, tx, a, scope, r, in, func() error {
			if idemKey != "" {
				return tx.SaveIdempotencyKey(ctx, a.User.ID, store.IdemRequest, idemKey, fp, r.ID, now)
			}
			return nil
		}); err != nil {
			return err
		}
		created = true
		return nil
	})
	if errors.Is(err, store.ErrKeyTaken) {
		// Another instance committed the same key first (PostgreSQL): answer
		// with what it created.
		id, got, err := d.db.IdempotencyKey(ctx, a.User.ID, store.IdemRequest, idemKey)
		if err != nil {
			return nil, false, err
		}
		if err := d.replay(ctx, d.db.Queries, scope, id, got, fp, r); err != nil {
			return nil, false, err
		}
		return r, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return r, created, nil
}

// createRequest writes the new request r in tx, for OpenRequest and for
// mail (inbound.go): its references checked, its history line, its clocks,
// its first assignment. saved runs right after the insert (the idempotency
// key's record).
func (d *Desk) createRequest(ctx context.Context, tx *store.Tx, a *casedesk.Actor, scope store.Scope, r *casedesk.Request, in NewRequest, saved func() error) error {
	now := r.CreatedAt
	if err := d.prepareNew(ctx, tx, a, r, in); err != nil {
		return err
	}
	if err := tx.CreateRequest(ctx, scope, r); err != nil {
		return err
	}
	tx.AfterCommit(func() { d.counts.add(OpenedKey{Channel: r.Channel, Category: r.Category}) })
	if err := saved(); err != nil {
		return err
	}
	if err := tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
		OnBehalfOf: r.OnBehalfOfOrgID, Kind: casedesk.EventCreated, New: string(r.Status), At: now}); err != nil {
		return err
	}
	if err := d.startClocks(ctx, tx, r, 0, r.CreatedAt, &a.User.ID); err != nil {
		return err
	}
	if r.Channel == casedesk.ChannelPhone {
		// The agent who logged the call keeps the request.
		if kept, err := d.keepWork(ctx, tx, a, r, now); err != nil || kept {
			return err
		}
	}
	if d.policy.AutoAssign && r.Severity != "" {
		return d.autoAssign(ctx, tx, r, nil, false)
	}
	return nil
}

// underRequestLimit refuses, with ERATELIMIT and the exact time until the
// next is allowed, a request that would be the organization's
// RequestLimit+1-th in the last RequestLimitWindow. The count is of the
// requests table, so every instance sharing the database shares it; on
// SQLite, where writes take turns, it is exact, on PostgreSQL concurrent
// creates on several instances may each pass the last free place.
func (d *Desk) underRequestLimit(ctx context.Context, q store.Queries, scope store.Scope, org int64, now time.Time) error {
	n, window := d.policy.RequestLimit, d.policy.RequestLimitWindow
	if n <= 0 {
		return nil
	}
	at, ok, err := q.NthLatestRequest(ctx, scope, org, n)
	if err != nil || !ok {
		return err
	}
	if free := at.Add(window); free.After(now) {
		return casedesk.RetryLater(casedesk.ERATELIMIT, free.Sub(now),
			"this organization has opened %d requests in the last %s, the most allowed; the next may be opened in %d seconds",
			n, window, int64((free.Sub(now)+time.Second-1)/time.Second))
	}
	return nil
}

// replay loads the request an idempotency key made into r.
func (d *Desk) replay(ctx context.Context, q store.Queries, scope store.Scope, id int64, fp, want string, r *casedesk.Request) error {
	if fp != want {
		return keyReused()
	}
	got, err := q.Request(ctx, scope, id)
	if err != nil {
		return err
	}
	*r = *got
	return nil
}

// prepareNew checks the references of a new request inside the transaction
// that creates it.
func (d *Desk) prepareNew(ctx context.Context, tx *store.Tx, a *casedesk.Actor, r *casedesk.Request, in NewRequest) error {
	org, err := tx.Organization(ctx, scopeOf(r), r.OrgID) // OpenRequest checked r.OrgID against the actor's scope
	if err != nil {
		return err
	}
	if org.Kind != casedesk.OrgCustomer {
		return casedesk.Invalid("organization_id", "requests are opened for customer organizations")
	}
	if r.Product != "" {
		ok, err := tx.ProductExists(ctx, r.Product)
		if err != nil {
			return err
		}
		if !ok {
			return casedesk.Invalid("product", "no product or service with code %q", r.Product)
		}
	}
	if r.Severity != "" && !a.IsStaff() {
		subs, err := tx.Subscriptions(ctx, scopeOf(r))
		if err != nil {
			return err
		}
		if f, _ := casedesk.SupportFamily(subs); f != casedesk.FamilyElevated {
			return casedesk.Invalid("severity", "support sets the severity when it triages your request; only organizations with elevated support choose it themselves")
		}
	}
	if in.RequesterID != 0 && in.RequesterID != a.User.ID {
		u, err := tx.User(ctx, store.OrgScope(r.OrgID), in.RequesterID)
		if err != nil || !u.Role.IsCustomerAdmin() || !u.Active {
			return casedesk.Invalid("requester_id", "requester_id must be an active admin of the organization")
		}
		r.RequesterID = u.ID
	}
	if in.LinkedNumber != "" {
		id, ok := casedesk.ParseRequestNumber(in.LinkedNumber)
		if !ok {
			return casedesk.Invalid("linked_number", "linked_number %q is not a request number", in.LinkedNumber)
		}
		if _, err := tx.Request(ctx, store.OrgScope(r.OrgID), id); err != nil {
			return casedesk.Invalid("linked_number", "request %s not found in this organization", in.LinkedNumber)
		}
	}
	return nil
}

// Request returns the request with the number, if the actor may see it.
func (d *Desk) Request(ctx context.Context, a *casedesk.Actor, number string) (*casedesk.Request, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	return d.db.Request(ctx, scope, id)
}

// ListFilter selects requests for ListRequests.
type ListFilter struct {
	Status     string // a status, "active" (new, open, waiting) or "" for all
	Severity   casedesk.Severity
	Category   casedesk.Category
	OrgID      int64
	AssigneeID int64
	Unassigned bool
	Cursor     string
	Limit      int
}

// storeFilter checks f, status aside, and returns the store filter it
// describes, asking for one row more than a page to know if another follows.
func (f *ListFilter) storeFilter() (store.RequestFilter, error) {
	if !f.Severity.Valid() {
		return store.RequestFilter{}, casedesk.Invalid("severity", "severity must be A, B or C")
	}
	if f.Category != "" && !f.Category.Valid() {
		return store.RequestFilter{}, casedesk.Invalid("category", "category must be one of presales, billing or technical")
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > 200 {
		return store.RequestFilter{}, casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	sf := store.RequestFilter{Severity: f.Severity, Category: f.Category, OrgID: f.OrgID, AssigneeID: f.AssigneeID,
		Unassigned: f.Unassigned, Limit: f.Limit + 1}
	if f.Cursor != "" {
		id, ok := casedesk.ParseRequestNumber(f.Cursor)
		if !ok {
			return store.RequestFilter{}, casedesk.Invalid("cursor", "cursor is not one this API returned")
		}
		sf.Before = id
	}
	return sf, nil
}

// pageOf cuts the extra row storeFilter asked for into the next cursor.
func pageOf(rs []*casedesk.Request, limit int) ([]*casedesk.Request, string) {
	if len(rs) > limit {
		rs = rs[:limit]
		return rs, rs[len(rs)-1].Number
	}
	return rs, ""
}

// ListRequests lists the requests the actor may see, newest first, a page at
// a time; the returned cursor fetches the next page ("" at the end).
func (d *Desk) ListRequests(ctx context.Context, a *casedesk.Actor, f ListFilter) ([]*casedesk.Request, string, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, "", err
	}
	sf, err := f.storeFilter()
	if err != nil {
		return nil, "", err
	}
	switch {
	case f.Status == "active":
		sf.Active = true
	case f.Status == "" || casedesk.Status(f.Status).Valid():
		sf.Status = casedesk.Status(f.Status)
	default:
		return nil, "", casedesk.Invalid("status", "status must be one of new, open, waiting, resolved, closed or active")
	}
	if f.OrgID != 0 && !inScope(scope, f.OrgID) {
		return []*casedesk.Request{}, "", nil
	}
	rs, err := d.db.Requests(ctx, scope, sf)
	if err != nil {
		return nil, "", err
	}
	rs, next := pageOf(rs, f.Limit)
	return rs, next, nil
}

// RequestPatch is a change to a request; nil fields stay as they are.
type RequestPatch struct {
	Status        *casedesk.Status   `json:"status,omitempty"`
	Severity      *casedesk.Severity `json:"severity,omitempty"`
	AssigneeID    *int64             `json:"assignee_id,omitempty"`
	Title         *string            `json:"title,omitempty"`
	Product       *string            `json:"product,omitempty"`
	Category      *casedesk.Category `json:"category,omitempty"`
	Language      *string            `json:"preferred_language,omitempty"`
	ContactMethod *string            `json:"contact_method,omitempty"`
	Phone         *string            `json:"phone,omitempty"`
	// Reason explains a change that needs one: staff changing the severity
	// an organization with elevated support chose itself.
	Reason string `json:"reason,omitempty"`
}

// UpdateRequest applies patch. Staff may change everything; the customer's
// side may change contact details and close the request, and set the
// severity only with elevated support. Every change is written to the
// history with its old and new value.
func (d *Desk) UpdateRequest(ctx context.Context, a *casedesk.Actor, number string, p RequestPatch) (*casedesk.Request, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	var r *casedesk.Request
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		r, err = tx.Request(ctx, scope, id)
		if err != nil {
			return err
		}
		ch := changes{d: d, a: a, r: r, now: d.now()}
		oldSeverity, oldStatus := r.Severity, r.Status
		if err := ch.apply(ctx, tx, p); err != nil {
			return err
		}
		if len(ch.events) == 0 {
			return nil
		}
		r.UpdatedAt = ch.now
		if err := tx.UpdateRequest(ctx, scope, r); err != nil {
			return err
		}
		if err := ch.record(ctx, tx); err != nil {
			return err
		}
		if err := d.clocksAfterUpdate(ctx, tx, r, oldSeverity, oldStatus, ch.now, &a.User.ID); err != nil {
			return err
		}
		if oldSeverity == "" && r.Severity != "" && p.AssigneeID == nil {
			// Triaged: an agent keeps it, a supervisor's triage dispatches it.
			if kept, err := d.keepWork(ctx, tx, a, r, ch.now); err != nil || kept {
				return err
			}
			if d.policy.AutoAssign {
				return d.autoAssign(ctx, tx, r, nil, false)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// changes collects the events of one update.
type changes struct {
	d      *Desk
	a      *casedesk.Actor
	r      *casedesk.Request
	now    time.Time
	events []*casedesk.Event
}

func (c *changes) note(kind casedesk.EventKind, field, old, new string) {
	if old == new {
		return
	}
	c.events = append(c.events, &casedesk.Event{RequestID: c.r.ID, OrgID: c.r.OrgID, ActorID: &c.a.User.ID,
		OnBehalfOf: onBehalfOf(c.a, c.r.OrgID), Kind: kind, Field: field, Old: old, New: new, At: c.now})
}

func (c *changes) record(ctx context.Context, tx *store.Tx) error {
	for _, e := range c.events {
		if err := tx.CreateEvent(ctx, scopeOf(c.r), e); err != nil {
			return err
		}
	}
	return nil
}

func (c *changes) apply(ctx context.Context, tx *store.Tx, p RequestPatch) error {
	r, a := c.r, c.a
	if p.Title != nil {
		if err := staffOnly(a, "title"); err != nil {
			return err
		}
		if err := casedesk.CheckText("title", *p.Title, 1, 200); err != nil {
			return err
		}
		c.note(casedesk.EventUpdated, "title", r.Title, *p.Title)
		r.Title = *p.Title
	}
	if p.Category != nil {
		if err := staffOnly(a, "category"); err != nil {
			return err
		}
		if !p.Category.Valid() {
			return casedesk.Invalid("category", "category must be one of presales, billing or technical")
		}
		c.note(casedesk.EventUpdated, "category", string(r.Category), string(*p.Category))
		r.Category = *p.Category
	}
	if p.Product != nil {
		if err := staffOnly(a, "product"); err != nil {
			return err
		}
		if *p.Product != "" {
			ok, err := tx.ProductExists(ctx, *p.Product)
			if err != nil {
				return err
			}
			if !ok {
				return casedesk.Invalid("product", "no product or service with code %q", *p.Product)
			}
		}
		c.note(casedesk.EventUpdated, "product", r.Product, *p.Product)
		r.Product = *p.Product
	}
	if p.Language != nil {
		if !casedesk.IsLanguage(*p.Language) {
			return casedesk.Invalid("preferred_language", "preferred_language must be a BCP 47 tag such as en or zh-CN")
		}
		c.note(casedesk.EventUpdated, "preferred_language", r.Language, *p.Language)
		r.Language = *p.Language
	}
	if p.Phone != nil {
		if err := casedesk.CheckText("phone", *p.Phone, 0, 40); err != nil {
			return err
		}
		c.note(casedesk.EventUpdated, "phone", r.Phone, *p.Phone)
		r.Phone = *p.Phone
	}
	if p.ContactMethod != nil {
		if *p.ContactMethod != "email" && *p.ContactMethod != "phone" {
			return casedesk.Invalid("contact_method", "contact_method must be email or phone")
		}
		if *p.ContactMethod == "phone" && r.Phone == "" {
			return casedesk.Invalid("phone", "phone is required when the contact method is phone")
		}
		c.note(casedesk.EventUpdated, "contact_method", r.ContactMethod, *p.ContactMethod)
		r.ContactMethod = *p.ContactMethod
	}
	if p.Severity != nil {
		if !p.Severity.Valid() || *p.Severity == "" {
			return casedesk.Invalid("severity", "severity must be A, B or C")
		}
		if !a.IsStaff() {
			subs, err := tx.Subscriptions(ctx, scopeOf(r))
			if err != nil {
				return err
			}
			if f, _ := casedesk.SupportFamily(subs); f != casedesk.FamilyElevated {
				return &casedesk.Error{Code: casedesk.EFORBIDDEN, Field: "severity", Message: "support sets the severity; only organizations with elevated support choose it themselves"}
			}
		} else if *p.Severity != r.Severity {
			if err := c.checkSeverityReason(ctx, tx, p.Reason); err != nil {
				return err
			}
		}
		c.note(casedesk.EventSeverityChanged, "severity", string(r.Severity), string(*p.Severity))
		r.Severity = *p.Severity
	}
	if p.AssigneeID != nil {
		if err := staffOnly(a, "assignee_id"); err != nil {
			return err
		}
		old := idString(r.AssigneeID)
		if *p.AssigneeID == 0 {
			r.AssigneeID = nil
		} else {
			u, err := tx.User(ctx, store.AllOrgs, *p.AssigneeID)
			if err != nil || !u.Role.IsStaff() || u.Role == casedesk.RoleOperator || !u.Active {
				return casedesk.Invalid("assignee_id", "assignee_id must be an active agent or supervisor")
			}
			r.AssigneeID = &u.ID
		}
		c.note(casedesk.EventAssigneeChanged, "assignee_id", old, idString(r.AssigneeID))
	}
	if p.Status != nil {
		if err := c.setStatus(*p.Status); err != nil {
			return err
		}
	}
	return nil
}

func idString(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// setStatus moves the request to s if the state machine and the actor allow it.
func (c *changes) setStatus(s casedesk.Status) error {
	r := c.r
	if !s.Valid() {
		return casedesk.Invalid("status", "status must be one of new, open, waiting, resolved or closed")
	}
	if s == r.Status {
		return nil
	}
	if !c.a.IsStaff() && s != casedesk.StatusClosed {
		return &casedesk.Error{Code: casedesk.EFORBIDDEN, Field: "status", Message: "you can close your request; other status changes are made by support (use reopen to reopen)"}
	}
	if r.Status == casedesk.StatusClosed {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "status", Message: fmt.Sprintf("request %s is closed; reopen it first", r.Number)}
	}
	if !casedesk.CanTransition(r.Status, s) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "status", Message: fmt.Sprintf("a request cannot go from %s to %s", r.Status, s)}
	}
	c.note(casedesk.EventStatusChanged, "status", string(r.Status), string(s))
	r.Status = s
	switch s {
	case casedesk.StatusResolved:
		r.ResolvedAt = &c.now
	case casedesk.StatusClosed:
		r.ClosedAt = &c.now
		if r.ResolvedAt == nil {
			r.ResolvedAt = &c.now
		}
	default:
		r.ResolvedAt = nil
	}
	return nil
}

// Reopen reopens a resolved request, or a closed one within the policy's
// window (SPEC: 14 days); afterwards the answer says to open a new request
// linked to this one.
func (d *Desk) Reopen(ctx context.Context, a *casedesk.Actor, number string) (*casedesk.Request, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	var r *casedesk.Request
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.Request(ctx, scope, id); err != nil {
			return err
		}
		now := d.now()
		pol, err := d.currentPolicy(ctx, &tx.Queries)
		if err != nil {
			return err
		}
		days := pol.ReopenDays
		if days <= 0 {
			days = d.policy.ReopenDays
		}
		if err := casedesk.CanReopen(r, now, days); err != nil {
			return err
		}
		old := r.Status
		r.Status, r.ClosedAt, r.ResolvedAt, r.UpdatedAt = casedesk.StatusOpen, nil, nil, now
		if err := tx.UpdateRequest(ctx, scope, r); err != nil {
			return err
		}
		if err := tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventReopened, Field: "status", Old: string(old), New: string(r.Status), At: now}); err != nil {
			return err
		}
		// A reopened request gets response clocks of its own, counted from now.
		clocks, err := tx.Clocks(ctx, scope, r.ID)
		if err != nil {
			return err
		}
		return d.startClocks(ctx, tx, r, nextCycle(clocks), now, &a.User.ID)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// History returns a request's history; customer-side actors do not see
// staff-only lines.
func (d *Desk) History(ctx context.Context, a *casedesk.Actor, number string) ([]*casedesk.Event, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	scope, _ := requestScope(a)
	const n = 200
	evs, err := d.db.Events(ctx, scope, store.EventFilter{RequestID: r.ID, Internal: a.IsStaff(), Limit: n})
	if err != nil || !a.IsStaff() {
		return evs, err
	}
	// Staff also see the due times bulk recomputes moved, in time order with
	// the rest; at the same instant the recompute, a consequence, comes after
	// (above) the events.
	batches, err := d.db.RequestMoves(ctx, scope, r.ID, n)
	if err != nil {
		return nil, err
	}
	var moves []*casedesk.Event
	for _, b := range batches {
		for _, m := range b.Moves {
			e := movedEvent(m, b.Reason, b.Actor, b.At)
			moves = append(moves, &e)
		}
	}
	if len(moves) == 0 {
		return evs, nil
	}
	merged := make([]*casedesk.Event, 0, len(evs)+len(moves))
	for len(evs) > 0 || len(moves) > 0 {
		if len(moves) == 0 || (len(evs) > 0 && evs[0].At.After(moves[0].At)) {
			merged, evs = append(merged, evs[0]), evs[1:]
		} else {
			merged, moves = append(merged, moves[0]), moves[1:]
		}
	}
	return merged[:min(len(merged), n)], nil
}

// requestID returns the id behind a request number; a malformed number is
// not found, like one that does not exist.
func requestID(number string) (int64, error) {
	id, ok := casedesk.ParseRequestNumber(number)
	if !ok {
		return 0, casedesk.Errorf(casedesk.ENOTFOUND, "request %q not found", number)
	}
	return id, nil
}

// checkSeverityReason enforces SPEC's rule for organizations with elevated
// support: the severity the customer chose stands, and the provider's staff
// may change it only with a reason, which is recorded in the history.
func (c *changes) checkSeverityReason(ctx context.Context, tx *store.Tx, reason string) error {
	r := c.r
	if r.Severity == "" {
		return nil
	}
	subs, err := tx.Subscriptions(ctx, store.OrgScope(r.OrgID))
	if err != nil {
		return err
	}
	if f, _ := casedesk.SupportFamily(subs); f != casedesk.FamilyElevated {
		return nil
	}
	setter, changed, err := tx.LastSeverityActor(ctx, store.OrgScope(r.OrgID), r.ID)
	if err != nil {
		return err
	}
	if !changed {
		setter = r.OpenedByID // chosen when the request was opened
	}
	u, err := tx.User(ctx, store.AllOrgs, setter)
	if err != nil || u.Role.IsStaff() {
		return nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return casedesk.Invalid("reason", "this organization has elevated support and chose severity %s itself; give a reason to change it", r.Severity).Because("elevated", r.Severity)
	}
	if err := casedesk.CheckText("reason", reason, 1, 500); err != nil {
		return err
	}
	c.note(casedesk.EventSeverityReason, "severity", string(r.Severity), reason)
	return nil
}

// RecentRequests lists like ListRequests, except that with no status filter
// and a non-zero since it returns the active requests and those changed
// (closed, resolved) after since: SPEC's "all open and recently closed".
func (d *Desk) RecentRequests(ctx context.Context, a *casedesk.Actor, f ListFilter, since time.Time) ([]*casedesk.Request, string, error) {
	if f.Status != "" || since.IsZero() {
		return d.ListRequests(ctx, a, f)
	}
	scope, err := requestScope(a)
	if err != nil {
		return nil, "", err
	}
	sf, err := f.storeFilter()
	if err != nil {
		return nil, "", err
	}
	if f.OrgID != 0 && !inScope(scope, f.OrgID) {
		return []*casedesk.Request{}, "", nil
	}
	rs, err := d.db.RecentRequests(ctx, scope, sf, since.UnixMicro())
	if err != nil {
		return nil, "", err
	}
	rs, next := pageOf(rs, f.Limit)
	return rs, next, nil
}

// Names returns the names of the given users and organizations, limited to
// those a viewer of organization org's requests may see beside them: org's
// own users and those (partners, the provider's staff) who acted on its
// requests. Others are simply missing from the maps.
func (d *Desk) Names(ctx context.Context, a *casedesk.Actor, org int64, userIDs, orgIDs []int64) (users, orgs map[int64]string, err error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, nil, err
	}
	if !inScope(scope, org) {
		return nil, nil, casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", org)
	}
	if len(userIDs) > 500 || len(orgIDs) > 500 {
		return nil, nil, casedesk.Invalid("ids", "at most 500 names at a time")
	}
	return d.db.ActorNames(ctx, store.OrgScope(org), userIDs, orgIDs)
}
