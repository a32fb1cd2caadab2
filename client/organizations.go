package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Kinds of organization.
const (
	OrgProvider = "provider"
	OrgCustomer = "customer"
	OrgPartner  = "partner"
)

// Organization is the provider, a customer or a partner.
type Organization struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	Country   string    `json:"country"`
	TimeZone  string    `json:"time_zone"`
	Language  string    `json:"language"`
	CreatedAt time.Time `json:"created_at"`
}

// NewOrganization is the body of POST /api/v1/organizations.
type NewOrganization struct {
	Kind     string `json:"kind"` // OrgCustomer or OrgPartner
	Name     string `json:"name"`
	Country  string `json:"country,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
	Language string `json:"language,omitempty"`
	// IdempotencyKey, when set, is sent as the Idempotency-Key header: a
	// retry with the same key and body returns the organization the first
	// call created instead of creating another.
	IdempotencyKey string `json:"-"`
}

// OrganizationUpdate is the body of PATCH /api/v1/organizations/{id}; nil
// fields stay as they are.
type OrganizationUpdate struct {
	Name     *string `json:"name,omitempty"`
	Country  *string `json:"country,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	Language *string `json:"language,omitempty"`
}

// OrgListOptions filters GET /api/v1/organizations. Zero fields are not
// sent.
type OrgListOptions struct {
	Kind  string
	Name  string // a prefix of the name, ignoring case
	After int64  // only ids greater than this
	Limit int    // page size, 1–200; 0 lets the server choose (50)
}

func (o OrgListOptions) query() url.Values {
	q := url.Values{}
	if o.Kind != "" {
		q.Set("kind", o.Kind)
	}
	if o.Name != "" {
		q.Set("name", o.Name)
	}
	if o.After != 0 {
		q.Set("after", strconv.FormatInt(o.After, 10))
	}
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q
}

// ListOrganizations returns one page of the organizations the caller may
// see, ordered by id.
func (c *Client) ListOrganizations(ctx context.Context, opts OrgListOptions) ([]Organization, error) {
	return list[Organization](ctx, c, APIPrefix+"/organizations", opts.query())
}

// Organizations iterates over every organization matching opts, page by
// page (each page starts after the last id of the one before).
func (c *Client) Organizations(ctx context.Context, opts OrgListOptions) iter.Seq2[Organization, error] {
	return keyset(ctx, opts.After, func(ctx context.Context, after int64) ([]Organization, error) {
		o := opts
		o.After = after
		return c.ListOrganizations(ctx, o)
	}, func(o Organization) int64 { return o.ID })
}

// CreateOrganization creates a customer or partner organization
// (operators).
func (c *Client) CreateOrganization(ctx context.Context, o NewOrganization) (*Organization, error) {
	return post[Organization](ctx, c, APIPrefix+"/organizations", o.IdempotencyKey, o)
}

// GetOrganization returns an organization.
func (c *Client) GetOrganization(ctx context.Context, id int64) (*Organization, error) {
	return call[Organization](ctx, c, http.MethodGet, orgPath(id), nil)
}

// UpdateOrganization changes an organization and returns it as changed.
func (c *Client) UpdateOrganization(ctx context.Context, id int64, u OrganizationUpdate) (*Organization, error) {
	return call[Organization](ctx, c, http.MethodPatch, orgPath(id), u)
}

// OrganizationHistory returns one page of the history of an organization's
// requests, newest first (100 a page): events with an id below before, or
// the newest when before is 0. Internal lines only for staff.
func (c *Client) OrganizationHistory(ctx context.Context, id, before int64) ([]Event, error) {
	q := url.Values{}
	if before != 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	return list[Event](ctx, c, orgPath(id)+"/history", q)
}

// OrganizationEvents iterates over the whole history of an organization's
// requests, newest first, page by page.
func (c *Client) OrganizationEvents(ctx context.Context, id int64) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var before int64
		for {
			es, err := c.OrganizationHistory(ctx, id, before)
			if err != nil {
				yield(Event{}, err)
				return
			}
			for _, e := range es {
				if !yield(e, nil) {
					return
				}
			}
			if len(es) == 0 || es[len(es)-1].ID == before {
				return
			}
			before = es[len(es)-1].ID
		}
	}
}

// keyset yields the items of pages fetched by id: each page after the last
// id of the one before, until a page comes back empty.
func keyset[T any](ctx context.Context, after int64, fetch func(ctx context.Context, after int64) ([]T, error), id func(T) int64) iter.Seq2[T, error] {
	return pages(ctx, func(ctx context.Context, cursor string) ([]T, string, error) {
		a := after
		if cursor != "" {
			a, _ = strconv.ParseInt(cursor, 10, 64)
		}
		items, err := fetch(ctx, a)
		if err != nil || len(items) == 0 {
			return items, "", err
		}
		return items, strconv.FormatInt(id(items[len(items)-1]), 10), nil
	})
}

func orgPath(id int64) string { return idPath(APIPrefix+"/organizations", id) }
