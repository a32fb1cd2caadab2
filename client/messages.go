package client

import (
	"context"
	"net/http"
	"time"
)

// Message kinds.
const (
	KindMessage = "message"
	KindPhone   = "phone" // a logged call
)

// Message is a message on a request.
type Message struct {
	ID            int64        `json:"id"`
	AuthorID      int64        `json:"author_id"`
	AuthorName    string       `json:"author_name,omitempty"`
	OnBehalfOfOrg *int64       `json:"on_behalf_of_org_id,omitempty"`
	Body          string       `json:"body"`
	Internal      bool         `json:"internal"`
	Kind          string       `json:"kind,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
	Attachments   []Attachment `json:"attachments,omitempty"`
}

// NewMessage is the body of POST /api/v1/requests/{number}/messages.
type NewMessage struct {
	Body     string `json:"body"`
	Internal bool   `json:"internal"`       // an internal note (staff)
	Kind     string `json:"kind,omitempty"` // KindMessage (default) or KindPhone (staff)
	// AttachmentIDs are the caller's unsent uploads on the request to send
	// with the message; their internal flag must match the message's.
	AttachmentIDs []int64 `json:"attachment_ids,omitempty"`
	// IdempotencyKey, when set, is sent as the Idempotency-Key header: a
	// retry with the same key and message returns the message the first
	// call added instead of adding another.
	IdempotencyKey string `json:"-"`
}

// AddMessage posts a message on a request; internal messages are only
// visible to staff.
func (c *Client) AddMessage(ctx context.Context, number, body string, internal bool) (*Message, error) {
	return c.PostMessage(ctx, number, NewMessage{Body: body, Internal: internal})
}

// PostMessage posts a message with every option: a logged call, attached
// uploads, an idempotency key.
func (c *Client) PostMessage(ctx context.Context, number string, m NewMessage) (*Message, error) {
	return post[Message](ctx, c, requestPath(number)+"/messages", m.IdempotencyKey, m)
}

// post creates with an Idempotency-Key header when key is not empty.
func post[T any](ctx context.Context, c *Client, path, key string, in any) (*T, error) {
	out := new(T)
	if _, err := c.Exchange(ctx, http.MethodPost, path, idempotencyHeader(key), in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// idempotencyHeader is the Idempotency-Key header with key, or none when key
// is empty.
func idempotencyHeader(key string) http.Header {
	if key == "" {
		return nil
	}
	return http.Header{"Idempotency-Key": {key}}
}

// ListMessages returns the messages of a request visible to the caller.
func (c *Client) ListMessages(ctx context.Context, number string) ([]Message, error) {
	return list[Message](ctx, c, requestPath(number)+"/messages", nil)
}
