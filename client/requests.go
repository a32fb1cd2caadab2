package client

import (
	"context"
	"encoding/json"
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
	Limit          int
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
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	return q
}

// RequestUpdate is the body of PATCH /api/v1/requests/{number}. Only the
// non-nil fields are sent; set ClearAssignee to send "assignee_id": null.
type RequestUpdate struct {
	Status        *string
	Severity      *string
	AssigneeID    *int64
	ClearAssignee bool
	Title         *string
	Product       *string
	Category      *string
}

// MarshalJSON encodes only the fields that are set.
func (u RequestUpdate) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if u.Status != nil {
		m["status"] = *u.Status
	}
	if u.Severity != nil {
		m["severity"] = *u.Severity
	}
	if u.ClearAssignee {
		m["assignee_id"] = nil
	} else if u.AssigneeID != nil {
		m["assignee_id"] = *u.AssigneeID
	}
	if u.Title != nil {
		m["title"] = *u.Title
	}
	if u.Product != nil {
		m["product"] = *u.Product
	}
	if u.Category != nil {
		m["category"] = *u.Category
	}
	return json.Marshal(m)
}

// Message is a message on a request.
type Message struct {
	ID        int64     `json:"id"`
	AuthorID  int64     `json:"author_id"`
	Body      string    `json:"body"`
	Internal  bool      `json:"internal"`
	CreatedAt time.Time `json:"created_at"`
}

// Ptr returns a pointer to v, handy for RequestUpdate fields.
func Ptr[T any](v T) *T { return &v }

// Login exchanges credentials for a token, which the client then uses for
// its following requests.
func (c *Client) Login(ctx context.Context, email, password string) (string, error) {
	in := struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{email, password}
	var out struct {
		Token string `json:"token"`
	}
	if _, err := c.exchange(ctx, http.MethodPost, APIPrefix+"/auth/login", nil, in, &out, false); err != nil {
		return "", err
	}
	c.SetToken(out.Token)
	return out.Token, nil
}

// CreateRequest opens a request. A non-empty idempotencyKey is sent as the
// Idempotency-Key header; replaying it returns the request created first.
func (c *Client) CreateRequest(ctx context.Context, r NewRequest, idempotencyKey string) (*Request, error) {
	var h http.Header
	if idempotencyKey != "" {
		h = http.Header{"Idempotency-Key": {idempotencyKey}}
	}
	out := new(Request)
	if _, err := c.Exchange(ctx, http.MethodPost, APIPrefix+"/requests", h, r, out); err != nil {
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

// AddMessage posts a message on a request; internal messages are only
// visible to staff.
func (c *Client) AddMessage(ctx context.Context, number, body string, internal bool) (*Message, error) {
	in := struct {
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
	}{body, internal}
	out := new(Message)
	if err := c.Do(ctx, http.MethodPost, requestPath(number)+"/messages", in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// ListMessages returns the messages of a request visible to the caller.
func (c *Client) ListMessages(ctx context.Context, number string) ([]Message, error) {
	var out struct {
		Items []Message `json:"items"`
	}
	if err := c.Do(ctx, http.MethodGet, requestPath(number)+"/messages", nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Reopen reopens a resolved or closed request.
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
