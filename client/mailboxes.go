package client

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Mailbox is a mailbox inbound mail is read from, as operators see it:
// its password is write-only (PasswordSet tells whether one is stored).
type Mailbox struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"` // implicit, starttls or none
	Username    string `json:"username"`
	PasswordSet bool   `json:"password_set"`
	Folder      string `json:"folder"`
	Role        string `json:"role"` // support or presales
	Address     string `json:"address"`
	Active      bool   `json:"active"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

// MailboxInput creates or changes a mailbox; nil fields keep their value
// (or take the server's default on creation).
type MailboxInput struct {
	Name     *string `json:"name,omitempty"`
	Host     *string `json:"host,omitempty"`
	Port     *int    `json:"port,omitempty"`
	TLS      *string `json:"tls,omitempty"`
	Username *string `json:"username,omitempty"`
	Password *string `json:"password,omitempty"`
	Folder   *string `json:"folder,omitempty"`
	Role     *string `json:"role,omitempty"`
	Address  *string `json:"address,omitempty"`
	Active   *bool   `json:"active,omitempty"`
}

const mailboxesPath = APIPrefix + "/mailboxes"

// ListMailboxes returns the mailboxes (operators).
func (c *Client) ListMailboxes(ctx context.Context) ([]Mailbox, error) {
	return list[Mailbox](ctx, c, mailboxesPath, nil)
}

// CreateMailbox adds a mailbox to read inbound mail from (operators).
func (c *Client) CreateMailbox(ctx context.Context, in MailboxInput) (*Mailbox, error) {
	return call[Mailbox](ctx, c, http.MethodPost, mailboxesPath, in)
}

// Mailbox reads one mailbox (operators).
func (c *Client) Mailbox(ctx context.Context, id int64) (*Mailbox, error) {
	return call[Mailbox](ctx, c, http.MethodGet, idPath(mailboxesPath, id), nil)
}

// UpdateMailbox changes a mailbox (operators).
func (c *Client) UpdateMailbox(ctx context.Context, id int64, in MailboxInput) (*Mailbox, error) {
	return call[Mailbox](ctx, c, http.MethodPatch, idPath(mailboxesPath, id), in)
}

// DeleteMailbox removes a mailbox (operators).
func (c *Client) DeleteMailbox(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(mailboxesPath, id), nil, nil)
}

// InboundMail is a line of the inbound mail log: what a received mail
// became (request, message, refused, quarantined…) and why.
type InboundMail struct {
	ID             int64     `json:"id"`
	MailboxID      int64     `json:"mailbox_id"`
	UIDValidity    uint32    `json:"uidvalidity"`
	UID            uint32    `json:"uid"`
	MessageID      string    `json:"message_id"`
	From           string    `json:"from"`
	Subject        string    `json:"subject"`
	Outcome        string    `json:"outcome"`
	Reason         string    `json:"reason,omitempty"`
	Answered       bool      `json:"answered"`
	OrganizationID int64     `json:"organization_id,omitempty"`
	RequestNumber  string    `json:"request_number,omitempty"`
	RawSHA256      string    `json:"raw_sha256,omitempty"`
	Size           int64     `json:"size"`
	ReceivedAt     time.Time `json:"received_at"`
}

// InboundMailOptions filters the inbound mail log.
type InboundMailOptions struct {
	Outcome string // "" for all
	Before  int64  // lines older than this id (paging)
	Limit   int    // 1–500; 0 lets the server choose
}

// ListInboundMails returns the inbound mail log, newest first (operators).
func (c *Client) ListInboundMails(ctx context.Context, opts InboundMailOptions) ([]InboundMail, error) {
	q := url.Values{}
	if opts.Outcome != "" {
		q.Set("outcome", opts.Outcome)
	}
	if opts.Before != 0 {
		q.Set("before", strconv.FormatInt(opts.Before, 10))
	}
	if opts.Limit != 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	return list[InboundMail](ctx, c, APIPrefix+"/inbound-mails", q)
}

// InboundMailRaw returns a received mail as it came (message/rfc822), for
// an operator to inspect a quarantined one. Close it when done.
func (c *Client) InboundMailRaw(ctx context.Context, id int64) (io.ReadCloser, error) {
	resp, err := c.send(ctx, http.MethodGet, idPath(APIPrefix+"/inbound-mails", id)+"/raw", http.Header{"Accept": {"message/rfc822"}}, nil, "", true)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}
