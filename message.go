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
	Kind        MessageKind  `json:"kind"`
	CreatedAt   time.Time    `json:"created_at"`
	Attachments []Attachment `json:"attachments"`
}

// MessageKind tells a written message from a logged phone call.
type MessageKind string

// Message kinds.
const (
	MessageText  MessageKind = "message" // written, the default
	MessagePhone MessageKind = "phone"   // a phone call the provider's staff logged
)

// Valid reports whether k is a known message kind.
func (k MessageKind) Valid() bool { return k == MessageText || k == MessagePhone }

// Validate checks a new message.
func (m *Message) Validate() error {
	if m.Kind == "" {
		m.Kind = MessageText
	}
	if !m.Kind.Valid() {
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
