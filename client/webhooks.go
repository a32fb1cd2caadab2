package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// WebhookEndpoint is a registered webhook endpoint (operators). Secret is
// set only in the answers of CreateWebhook and RotateWebhookSecret.
type WebhookEndpoint struct {
	ID             int64      `json:"id"`
	URL            string     `json:"url"`
	Description    string     `json:"description"`
	Events         []string   `json:"events"` // event kinds; empty: every kind
	Active         bool       `json:"active"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	FailingSince   *time.Time `json:"failing_since"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Secret         string     `json:"secret,omitempty"`
}

// NewWebhook is the body of POST /api/v1/webhooks.
type NewWebhook struct {
	URL         string   `json:"url"`
	Description string   `json:"description,omitempty"`
	Events      []string `json:"events,omitempty"`
}

// WebhookUpdate is the body of PATCH /api/v1/webhooks/{id}; nil fields stay.
type WebhookUpdate struct {
	URL         *string   `json:"url,omitempty"`
	Description *string   `json:"description,omitempty"`
	Events      *[]string `json:"events,omitempty"`
	Active      *bool     `json:"active,omitempty"`
}

// WebhookAttempt is one try of a webhook delivery.
type WebhookAttempt struct {
	ID          int64     `json:"id"`
	DeliveryID  int64     `json:"delivery_id"`
	EndpointID  int64     `json:"endpoint_id"`
	AttemptedAt time.Time `json:"attempted_at"`
	StatusCode  int       `json:"status_code"` // 0: no answer (see Error)
	LatencyMS   int64     `json:"latency_ms"`
	Response    string    `json:"response,omitempty"`
	Error       string    `json:"error,omitempty"`
}

// WebhookAttemptPage is one page of an endpoint's attempts, newest first.
type WebhookAttemptPage struct {
	Items      []WebhookAttempt `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"` // "" on the last page
}

const webhooksPath = APIPrefix + "/webhooks"

// ListWebhooks returns the webhook endpoints (operators).
func (c *Client) ListWebhooks(ctx context.Context) ([]WebhookEndpoint, error) {
	return list[WebhookEndpoint](ctx, c, webhooksPath, nil)
}

// CreateWebhook registers an endpoint (operators); the answer holds its
// secret, shown this once.
func (c *Client) CreateWebhook(ctx context.Context, in NewWebhook) (*WebhookEndpoint, error) {
	return call[WebhookEndpoint](ctx, c, http.MethodPost, webhooksPath, in)
}

// GetWebhook reads an endpoint (operators).
func (c *Client) GetWebhook(ctx context.Context, id int64) (*WebhookEndpoint, error) {
	out := new(WebhookEndpoint)
	return out, c.get(ctx, idPath(webhooksPath, id), nil, out)
}

// UpdateWebhook changes an endpoint (operators).
func (c *Client) UpdateWebhook(ctx context.Context, id int64, u WebhookUpdate) (*WebhookEndpoint, error) {
	return call[WebhookEndpoint](ctx, c, http.MethodPatch, idPath(webhooksPath, id), u)
}

// DeleteWebhook deletes an endpoint (operators).
func (c *Client) DeleteWebhook(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(webhooksPath, id), nil, nil)
}

// RotateWebhookSecret gives an endpoint a new secret (operators), returned
// this once.
func (c *Client) RotateWebhookSecret(ctx context.Context, id int64) (*WebhookEndpoint, error) {
	return call[WebhookEndpoint](ctx, c, http.MethodPost, idPath(webhooksPath, id)+"/rotate-secret", nil)
}

// PingWebhook queues a test delivery to an endpoint (operators).
func (c *Client) PingWebhook(ctx context.Context, id int64) (*Delivery, error) {
	return call[Delivery](ctx, c, http.MethodPost, idPath(webhooksPath, id)+"/ping", nil)
}

// ListWebhookAttempts returns one page of an endpoint's attempts, newest
// first (operators); limit 0 lets the server choose.
func (c *Client) ListWebhookAttempts(ctx context.Context, id int64, cursor string, limit int) (*WebhookAttemptPage, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	out := new(WebhookAttemptPage)
	if err := c.get(ctx, idPath(webhooksPath, id)+"/attempts", q, out); err != nil {
		return nil, err
	}
	return out, nil
}
