package casedesk

import "time"

// Message is one entry of a request's conversation. Internal notes are seen
// by the provider's staff only.
type Message struct {
	ID          int64        `json:"id"`
	RequestID   int64        `json:"-"`
	AuthorID    int64        `json:"author_id"`
	AuthorName  string       `json:"author_name"`
	OnBehalfOf  *int64       `json:"on_behalf_of_org_id"`
	Body        string       `json:"body"`
	Internal    bool         `json:"internal"`
	Kind        string       `json:"kind"` // "message" or "phone" (a logged call)
	CreatedAt   time.Time    `json:"created_at"`
	Attachments []Attachment `json:"attachments"`
}

// Validate checks a new message.
func (m *Message) Validate() error {
	if m.Kind == "" {
		m.Kind = "message"
	}
	if m.Kind != "message" && m.Kind != "phone" {
		return Invalid("kind", "kind must be message or phone")
	}
	return checkText("body", m.Body, 1, 50000)
}

// Attachment is a file attached to a request, stored by content hash.
type Attachment struct {
	ID          int64     `json:"id"`
	RequestID   int64     `json:"-"`
	MessageID   *int64    `json:"message_id"`
	UploaderID  int64     `json:"uploader_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"` // sniffed, not trusted from the client
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Internal    bool      `json:"internal"`
	CreatedAt   time.Time `json:"created_at"`
}

// Event is one line of a request's history: who changed what, when, on
// behalf of whom, from what to what.
type Event struct {
	ID         int64     `json:"id"`
	RequestID  int64     `json:"-"`
	OrgID      int64     `json:"organization_id"`
	Number     string    `json:"number,omitempty"`
	ActorID    *int64    `json:"actor_id"`
	OnBehalfOf *int64    `json:"on_behalf_of_org_id"`
	Kind       string    `json:"kind"` // "created", "status", "severity", "assignee", "message", "note", "attachment", "reopened", ...
	Field      string    `json:"field,omitempty"`
	Old        string    `json:"old,omitempty"`
	New        string    `json:"new,omitempty"`
	Internal   bool      `json:"internal"` // seen by staff only
	At         time.Time `json:"at"`
	// Notify lists the staff whose notifications inbox got a line for this
	// event, so that a live stream can tell them at once. It is not stored
	// with the event; desk fills it in when it publishes.
	Notify []int64 `json:"-"`
}
