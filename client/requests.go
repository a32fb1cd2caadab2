package client

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Categories of a request.
const (
	CategoryTechnical = "technical"
	CategoryPresales  = "presales"
	CategoryBilling   = "billing"
)

// Statuses of a request. StatusActive is only a list filter: every status
// that is not resolved or closed.
const (
	StatusNew      = "new"
	StatusOpen     = "open"
	StatusWaiting  = "waiting"
	StatusResolved = "resolved"
	StatusClosed   = "closed"
	StatusActive   = "active"
)

// Impact describes how badly the customer is affected.
type Impact struct {
	ServiceUnreachable bool   `json:"service_unreachable"`
	UsersAffected      string `json:"users_affected,omitempty"` // "one", "several" or "many"
	Workaround         bool   `json:"workaround"`
	Deadline           string `json:"deadline,omitempty"`
}

// NewRequest is the body of POST /api/v1/requests.
type NewRequest struct {
	// OrganizationID may be left 0 by a customer admin; agents and
	// partners must set it.
	OrganizationID int64 `json:"organization_id,omitempty"`
	// RequesterID names the customer admin an agent or partner opens for.
	RequesterID       int64   `json:"requester_id,omitempty"`
	Category          string  `json:"category"`
	Product           string  `json:"product"`
	Title             string  `json:"title"`
	Description       string  `json:"description"`
	Severity          string  `json:"severity,omitempty"` // "A", "B", "C" or "" (unset)
	PreferredLanguage string  `json:"preferred_language,omitempty"`
	ContactMethod     string  `json:"contact_method,omitempty"` // "email" or "phone"
	Phone             string  `json:"phone,omitempty"`
	Impact            *Impact `json:"impact,omitempty"`
	Channel           string  `json:"channel,omitempty"`
	LinkedNumber      string  `json:"linked_number,omitempty"`
}

// Request is a service request as returned by the server.
type Request struct {
	Number            string     `json:"number"`
	OrganizationID    int64      `json:"organization_id"`
	RequesterID       int64      `json:"requester_id"`
	OpenedByID        int64      `json:"opened_by_id"`
	OnBehalfOfOrgID   *int64     `json:"on_behalf_of_org_id"`
	Category          string     `json:"category"`
	Product           string     `json:"product"`
	Title             string     `json:"title"`
	Description       string     `json:"description"`
	Impact            Impact     `json:"impact"`
	Severity          string     `json:"severity"`
	Status            string     `json:"status"`
	PreferredLanguage string     `json:"preferred_language"`
	ContactMethod     string     `json:"contact_method"`
	Phone             string     `json:"phone"`
	Channel           string     `json:"channel"`
	AssigneeID        *int64     `json:"assignee_id"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	ResolvedAt        *time.Time `json:"resolved_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	LinkedNumber      string     `json:"linked_number,omitempty"`
	ProspectName      string     `json:"prospect_name,omitempty"`
	ProspectEmail     string     `json:"prospect_email,omitempty"`
	ProspectCompany   string     `json:"prospect_company,omitempty"`
}

// RequestPage is one page of GET /api/v1/requests.
type RequestPage struct {
	Items []Request `json:"items"`
	// NextCursor is "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// ListOptions filters GET /api/v1/requests. Zero fields are not sent.
type ListOptions struct {
	Status         string // new, open, waiting, resolved, closed or active
	Severity       string
	Category       string
	OrganizationID int64
	AssigneeID     int64
	Unassigned     bool // only requests nobody is assigned to
	Limit          int  // page size, 1–200; 0 lets the server choose
	Cursor         string
}

// Query returns the options encoded as a URL query.
func (o ListOptions) Query() url.Values {
	q := url.Values{}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	if o.Severity != "" {
		q.Set("severity", o.Severity)
	}
	if o.Category != "" {
		q.Set("category", o.Category)
	}
	if o.OrganizationID != 0 {
		q.Set("organization_id", strconv.FormatInt(o.OrganizationID, 10))
	}
	if o.AssigneeID != 0 {
		q.Set("assignee_id", strconv.FormatInt(o.AssigneeID, 10))
	}
	if o.Unassigned {
		q.Set("unassigned", "true")
	}
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	return q
}

// RequestUpdate is the body of PATCH /api/v1/requests/{number}. Only the
// fields set are sent; the server leaves the others as they are (it reads
// an absent field and a null one alike, as "unchanged").
//
// To unassign, set Unassign: the server takes "assignee_id": 0 to mean
// nobody, which is what Unassign sends. AssigneeID and Unassign together
// are an error.
type RequestUpdate struct {
	Status        *string
	Severity      *string
	AssigneeID    *int64
	Unassign      bool
	Title         *string
	Product       *string
	Category      *string
	Language      *string // preferred_language
	ContactMethod *string // "email" or "phone"
	Phone         *string
	// Reason explains a change that needs one (staff changing a severity
	// the customer chose with elevated support); "" sends none.
	Reason string
}

// MarshalJSON encodes only the fields that are set.
func (u RequestUpdate) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	set := func(k string, v *string) {
		if v != nil {
			m[k] = *v
		}
	}
	set("status", u.Status)
	set("severity", u.Severity)
	switch {
	case u.Unassign && u.AssigneeID != nil:
		return nil, errors.New("casedesk client: RequestUpdate sets both AssigneeID and Unassign")
	case u.Unassign:
		m["assignee_id"] = 0
	case u.AssigneeID != nil:
		m["assignee_id"] = *u.AssigneeID
	}
	set("title", u.Title)
	set("product", u.Product)
	set("category", u.Category)
	set("preferred_language", u.Language)
	set("contact_method", u.ContactMethod)
	set("phone", u.Phone)
	if u.Reason != "" {
		m["reason"] = u.Reason
	}
	return json.Marshal(m)
}

// Ptr returns a pointer to v, handy for RequestUpdate fields.
func Ptr[T any](v T) *T { return &v }

// CreateRequest opens a request. A non-empty idempotencyKey is sent as the
// Idempotency-Key header; replaying it returns the request created first.
func (c *Client) CreateRequest(ctx context.Context, r NewRequest, idempotencyKey string) (*Request, error) {
	out := new(Request)
	if _, err := c.Exchange(ctx, http.MethodPost, APIPrefix+"/requests", idempotencyHeader(idempotencyKey), r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// ListRequests returns one page of the requests visible to the caller,
// newest first.
func (c *Client) ListRequests(ctx context.Context, opts ListOptions) (*RequestPage, error) {
	path := APIPrefix + "/requests"
	if q := opts.Query().Encode(); q != "" {
		path += "?" + q
	}
	out := new(RequestPage)
	if err := c.Do(ctx, http.MethodGet, path, nil, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Requests iterates over every request matching opts, newest first,
// fetching page after page by the next_cursor the server returns (opts.Cursor
// is where it starts; opts.Limit the page size).
//
//	for r, err := range c.Requests(ctx, client.ListOptions{Status: client.StatusActive}) {
//		if err != nil { … }
//	}
func (c *Client) Requests(ctx context.Context, opts ListOptions) iter.Seq2[Request, error] {
	start := opts.Cursor
	return pages(ctx, func(ctx context.Context, cursor string) ([]Request, string, error) {
		o := opts
		if o.Cursor = cursor; cursor == "" {
			o.Cursor = start
		}
		p, err := c.ListRequests(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	})
}

// GetRequest returns the request with the given number.
func (c *Client) GetRequest(ctx context.Context, number string) (*Request, error) {
	out := new(Request)
	if err := c.Do(ctx, http.MethodGet, requestPath(number), nil, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateRequest patches a request and returns it as updated.
func (c *Client) UpdateRequest(ctx context.Context, number string, u RequestUpdate) (*Request, error) {
	out := new(Request)
	if err := c.Do(ctx, http.MethodPatch, requestPath(number), u, out); err != nil {
		return nil, err
	}
	return out, nil
}

// AssignRequest gives a request to the agent or supervisor userID (staff;
// agents may only take unassigned requests themselves).
func (c *Client) AssignRequest(ctx context.Context, number string, userID int64) (*Request, error) {
	return c.UpdateRequest(ctx, number, RequestUpdate{AssigneeID: &userID})
}

// UnassignRequest leaves a request assigned to nobody (staff).
func (c *Client) UnassignRequest(ctx context.Context, number string) (*Request, error) {
	return c.UpdateRequest(ctx, number, RequestUpdate{Unassign: true})
}

// Reopen reopens a resolved or closed request (within the policy's reopen
// days of closing).
func (c *Client) Reopen(ctx context.Context, number string) (*Request, error) {
	out := new(Request)
	if err := c.Do(ctx, http.MethodPost, requestPath(number)+"/reopen", nil, out); err != nil {
		return nil, err
	}
	return out, nil
}

func requestPath(number string) string {
	return APIPrefix + "/requests/" + url.PathEscape(number)
}

// Prospect is a pre-sales question filed without an account.
type Prospect struct {
	Name              string `json:"name"`
	Company           string `json:"company,omitempty"`
	Email             string `json:"email"`
	Country           string `json:"country,omitempty"`
	Question          string `json:"question"`
	PlanInterest      string `json:"plan_interest,omitempty"`
	PreferredLanguage string `json:"preferred_language,omitempty"`
}

// PresalesReceipt is the answer to a pre-sales question.
type PresalesReceipt struct {
	Number    string    `json:"number"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// SubmitPresales files a pre-sales question as a prospect. It needs no
// token (none is sent); the server limits how often one address may ask.
func (c *Client) SubmitPresales(ctx context.Context, p Prospect) (*PresalesReceipt, error) {
	out := new(PresalesReceipt)
	if _, err := c.exchange(ctx, http.MethodPost, APIPrefix+"/presales", nil, p, out, false); err != nil {
		return nil, err
	}
	return out, nil
}

// Event is one line of history: who changed what, when, from what to what.
type Event struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Number         string    `json:"number,omitempty"` // in an organization's history and the live stream
	ActorID        *int64    `json:"actor_id"`         // nil for prospects and the system
	OnBehalfOfOrg  *int64    `json:"on_behalf_of_org_id"`
	Kind           string    `json:"kind"`
	Field          string    `json:"field,omitempty"`
	Old            string    `json:"old,omitempty"`
	New            string    `json:"new,omitempty"`
	Internal       bool      `json:"internal"`
	At             time.Time `json:"at"`
}

// RequestHistory returns a request's history, oldest first; internal lines
// only for staff.
func (c *Client) RequestHistory(ctx context.Context, number string) ([]Event, error) {
	return list[Event](ctx, c, requestPath(number)+"/history", nil)
}
