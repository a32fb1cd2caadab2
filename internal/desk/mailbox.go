package desk

import (
	"context"
	"os"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// MailboxInput is what an operator sets on a mailbox. A nil field keeps
// its value (PATCH); Password is write-only: nothing returns it.
type MailboxInput struct {
	Name     *string `json:"name"`
	Host     *string `json:"host"`
	Port     *int    `json:"port"`
	TLS      *string `json:"tls"`
	Username *string `json:"username"`
	Password *string `json:"password"`
	Folder   *string `json:"folder"`
	Role     *string `json:"role"`
	Address  *string `json:"address"`
	Active   *bool   `json:"active"`
}

// MailboxView is a mailbox as operators see it: without its password.
type MailboxView struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"`
	Username    string `json:"username"`
	PasswordSet bool   `json:"password_set"`
	Folder      string `json:"folder"`
	Role        string `json:"role"`
	Address     string `json:"address"`
	Active      bool   `json:"active"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func viewOf(m *store.Mailbox) *MailboxView {
	return &MailboxView{ID: m.ID, Name: m.Name, Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username,
		PasswordSet: m.Password != "", Folder: m.Folder, Role: m.Role, Address: m.Address, Active: m.Active,
		CreatedAt: m.CreatedAt.Format("2006-01-02T15:04:05Z07:00"), UpdatedAt: m.UpdatedAt.Format("2006-01-02T15:04:05Z07:00")}
}

func (in MailboxInput) apply(m *store.Mailbox) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&m.Name, in.Name)
	set(&m.Host, in.Host)
	set(&m.TLS, in.TLS)
	set(&m.Username, in.Username)
	set(&m.Folder, in.Folder)
	set(&m.Role, in.Role)
	set(&m.Address, in.Address)
	if in.Password != nil {
		m.Password = *in.Password
	}
	if in.Port != nil {
		m.Port = *in.Port
	}
	if in.Active != nil {
		m.Active = *in.Active
	}
	m.Address = casedesk.NormalizeEmail(m.Address)
	var errs casedesk.FieldErrors
	errs.Add(casedesk.CheckText("name", m.Name, 1, 100))
	errs.Add(casedesk.CheckText("host", m.Host, 1, 253))
	if strings.ContainsAny(m.Host, " /:@") {
		errs.Add(casedesk.Invalid("host", "host is a host name or address, without a scheme or port"))
	}
	if m.Port < 1 || m.Port > 65535 {
		errs.Add(casedesk.Invalid("port", "port must be between 1 and 65535"))
	}
	switch m.TLS {
	case "implicit", "starttls", "none":
	default:
		errs.Add(casedesk.Invalid("tls", "tls must be implicit, starttls or none"))
	}
	errs.Add(casedesk.CheckText("username", m.Username, 1, 200))
	errs.Add(casedesk.CheckText("password", m.Password, 0, 500))
	errs.Add(casedesk.CheckText("folder", m.Folder, 1, 200))
	if m.Role != MailboxSupport && m.Role != MailboxPresales {
		errs.Add(casedesk.Invalid("role", "role must be support or presales"))
	}
	if err := casedesk.ValidateEmail("address", m.Address); err != nil {
		errs.Add(err)
	} else if strings.Contains(m.Address[:strings.IndexByte(m.Address, '@')], "+") {
		errs.Add(casedesk.Invalid("address", "address is the mailbox's base address, without a +token"))
	}
	return errs.Err()
}

// CreateMailbox adds a mailbox for the watcher to read (operators only).
func (d *Desk) CreateMailbox(ctx context.Context, a *casedesk.Actor, in MailboxInput) (*MailboxView, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	now := d.now()
	m := &store.Mailbox{TLS: "implicit", Port: 993, Folder: "INBOX", Role: MailboxSupport, Active: true, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(m); err != nil {
		return nil, err
	}
	if err := d.db.Write(ctx, func(tx *store.Tx) error { return tx.CreateMailbox(ctx, m) }); err != nil {
		return nil, err
	}
	return viewOf(m), nil
}

// UpdateMailbox changes a mailbox's settings (operators only).
func (d *Desk) UpdateMailbox(ctx context.Context, a *casedesk.Actor, id int64, in MailboxInput) (*MailboxView, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	var m *store.Mailbox
	err := d.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.Mailbox(ctx, id); err != nil {
			return err
		}
		if err := in.apply(m); err != nil {
			return err
		}
		m.UpdatedAt = d.now()
		return tx.UpdateMailbox(ctx, m)
	})
	if err != nil {
		return nil, err
	}
	return viewOf(m), nil
}

// DeleteMailbox removes a mailbox (operators only); its log stays.
func (d *Desk) DeleteMailbox(ctx context.Context, a *casedesk.Actor, id int64) error {
	if err := needOperator(a); err != nil {
		return err
	}
	return d.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteMailbox(ctx, id) })
}

// Mailbox returns one mailbox (operators only).
func (d *Desk) Mailbox(ctx context.Context, a *casedesk.Actor, id int64) (*MailboxView, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	m, err := d.db.Mailbox(ctx, id)
	if err != nil {
		return nil, err
	}
	return viewOf(m), nil
}

// Mailboxes lists the mailboxes (operators only).
func (d *Desk) Mailboxes(ctx context.Context, a *casedesk.Actor) ([]*MailboxView, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	ms, err := d.db.Mailboxes(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]*MailboxView, len(ms))
	for i, m := range ms {
		out[i] = viewOf(m)
	}
	return out, nil
}

// ActiveMailboxes returns the mailboxes the watcher reads, with their
// passwords: for the watcher, not for any actor.
func (d *Desk) ActiveMailboxes(ctx context.Context) ([]*store.Mailbox, error) {
	return d.db.Mailboxes(ctx, true)
}

// MailboxState returns where the watcher stands in a mailbox.
func (d *Desk) MailboxState(ctx context.Context, id int64) (uidValidity, lastUID uint32, ok bool, err error) {
	return d.db.MailboxState(ctx, id)
}

// InboundMails lists the inbound mail log, newest first, optionally of one
// outcome (operators only: quarantined mail is anyone's).
func (d *Desk) InboundMails(ctx context.Context, a *casedesk.Actor, f store.InboundFilter) ([]*store.InboundMail, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	switch f.Outcome {
	case "", store.InboundRequest, store.InboundMessage, store.InboundRefused, store.InboundLoop, store.InboundBounce,
		store.InboundQuarantined, store.InboundDuplicate:
	default:
		return nil, casedesk.Invalid("outcome", "outcome must be one of request, message, refused, ignored_loop, bounce, quarantined, duplicate")
	}
	return d.db.InboundMails(ctx, store.AllOrgs, f)
}

// InboundRaw opens the raw message of a log line (operators only);
// ENOTFOUND when it was not kept (too large).
func (d *Desk) InboundRaw(ctx context.Context, a *casedesk.Actor, id int64) (*store.InboundMail, *os.File, error) {
	if err := needOperator(a); err != nil {
		return nil, nil, err
	}
	m, err := d.db.InboundMail(ctx, store.AllOrgs, id)
	if err != nil {
		return nil, nil, err
	}
	if m.RawSHA256 == "" {
		return nil, nil, casedesk.Errorf(casedesk.ENOTFOUND, "the raw message of inbound mail %d was not kept: %s", id, m.Reason)
	}
	f, err := d.blobs.Open(m.RawSHA256)
	if err != nil {
		return nil, nil, err
	}
	return m, f, nil
}
