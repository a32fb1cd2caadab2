package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Delivery is one mail or webhook call of the outbox.
type Delivery struct {
	ID             int64      `json:"id"`
	Route          string     `json:"route"` // mail or webhook
	Topic          string     `json:"topic"`
	Status         string     `json:"status"` // pending, sent or dead
	OrganizationID int64      `json:"organization_id,omitempty"`
	Number         string     `json:"number,omitempty"`
	EventID        int64      `json:"event_id,omitempty"`
	Recipient      string     `json:"recipient"`
	UserID         int64      `json:"user_id,omitempty"`
	EndpointID     int64      `json:"endpoint_id,omitempty"`
	Attempts       int        `json:"attempts"`
	NextAt         time.Time  `json:"next_at"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at"`
	LastError      string     `json:"last_error,omitempty"`
}

// DeliveryPage is one page of the outbox, newest first.
type DeliveryPage struct {
	Items      []Delivery `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"` // "" on the last page
}

// OutboxOptions filters GET /api/v1/outbox.
type OutboxOptions struct {
	Status string // pending, sent, dead; "" for all
	Route  string // mail, webhook; "" for both
	Cursor string
	Limit  int // 1–200; 0 lets the server choose
}

// OutboxCounts is the outbox's size by status.
type OutboxCounts struct {
	Pending int `json:"pending"`
	Sent    int `json:"sent"`
	Dead    int `json:"dead"`
}

// ListOutbox returns one page of the outbox (operators, supervisors).
func (c *Client) ListOutbox(ctx context.Context, opts OutboxOptions) (*DeliveryPage, error) {
	q := url.Values{}
	for k, v := range map[string]string{"status": opts.Status, "route": opts.Route, "cursor": opts.Cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if opts.Limit != 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	out := new(DeliveryPage)
	if err := c.get(ctx, APIPrefix+"/outbox", q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// OutboxCounts counts the outbox by status (operators, supervisors).
func (c *Client) OutboxCounts(ctx context.Context) (*OutboxCounts, error) {
	out := new(OutboxCounts)
	if err := c.get(ctx, APIPrefix+"/outbox/counts", nil, out); err != nil {
		return nil, err
	}
	return out, nil
}

// RetryDelivery makes a dead or waiting delivery due now (operators,
// supervisors).
func (c *Client) RetryDelivery(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodPost, idPath(APIPrefix+"/outbox", id)+"/retry", nil, nil)
}
