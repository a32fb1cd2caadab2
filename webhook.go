package casedesk

import "time"

// A WebhookEndpoint is a URL of the provider's own systems that hears of
// request history by signed HTTP calls (Standard Webhooks). Operators
// register it; each history event of a kind it names (none named: every
// kind, internal lines included, since webhooks are the provider's
// integrations) queues one delivery to it in the outbox.
type WebhookEndpoint struct {
	ID          int64       `json:"id"`
	URL         string      `json:"url"`
	Description string      `json:"description"`
	Events      []EventKind `json:"events"` // empty: every kind
	// Secret signs the deliveries ("whsec_" + base64). It is shown only when
	// created or rotated, never listed.
	Secret string `json:"-"`
	Active bool   `json:"active"`
	// DisabledReason says why casedesk switched the endpoint off (it
	// answered 410 Gone, or failed for a day); empty when an operator did,
	// or when it is active.
	DisabledReason string `json:"disabled_reason,omitempty"`
	// FailingSince is the first failed attempt since the last success.
	FailingSince *time.Time `json:"failing_since"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Wants reports whether the endpoint hears of events of kind k.
func (e *WebhookEndpoint) Wants(k EventKind) bool {
	if len(e.Events) == 0 {
		return true
	}
	for _, v := range e.Events {
		if v == k {
			return true
		}
	}
	return false
}

// TopicPing is the topic of a test delivery an operator sends to an
// endpoint; other webhook deliveries carry their event's kind as topic.
const TopicPing Topic = "ping"

// A WebhookAttempt is one try of a webhook delivery: what the endpoint
// answered (Status 0: no answer, see Error), how long it took, and the
// start of its answer's body.
type WebhookAttempt struct {
	DeliveryID int64     `json:"delivery_id"`
	EndpointID int64     `json:"endpoint_id"`
	At         time.Time `json:"attempted_at"`
	Status     int       `json:"status_code"`
	LatencyMS  int64     `json:"latency_ms"`
	Response   string    `json:"response,omitempty"` // at most 1 KB, control characters removed
	Error      string    `json:"error,omitempty"`
}

// OK reports whether the endpoint took the delivery (a 2xx answer).
func (a *WebhookAttempt) OK() bool { return a.Status >= 200 && a.Status < 300 }

// Gone reports whether the endpoint asked never to be called again (410).
func (a *WebhookAttempt) Gone() bool { return a.Status == 410 }
