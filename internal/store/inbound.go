package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// Inbound mail (migration 0017): the mailboxes the watcher reads, where it
// stands in each, the log of the messages it took, and bounces.

// Mailbox is a mailbox the operator configured. Password is only for
// logging in; nothing shows it.
type Mailbox struct {
	ID        int64
	Name      string
	Host      string
	Port      int
	TLS       string // implicit, starttls, none
	Username  string
	Password  string
	Folder    string
	Role      string // support, presales
	Address   string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

const mailboxColumns = `id, name, host, port, tls, username, password, folder, role, address, active, created_at, updated_at`

func scanMailbox(row interface{ Scan(...any) error }) (*Mailbox, error) {
	var m Mailbox
	var created, updated int64
	if err := row.Scan(&m.ID, &m.Name, &m.Host, &m.Port, &m.TLS, &m.Username, &m.Password, &m.Folder, &m.Role,
		&m.Address, &m.Active, &created, &updated); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromTS(created), fromTS(updated)
	return &m, nil
}

// CreateMailbox stores m and sets its ID; a taken name is ECONFLICT on name.
func (q *Queries) CreateMailbox(ctx context.Context, m *Mailbox) error {
	err := q.queryRow(ctx, `INSERT INTO mailboxes (name, host, port, tls, username, password, folder, role, address, active,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		m.Name, m.Host, m.Port, m.TLS, m.Username, m.Password, m.Folder, m.Role, m.Address, m.Active,
		ts(m.CreatedAt), ts(m.UpdatedAt)).Scan(&m.ID)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "name", Message: "a mailbox with this name exists"}
	}
	if err != nil {
		return fmt.Errorf("store: create mailbox: %w", err)
	}
	return nil
}

// UpdateMailbox saves every field of m.
func (q *Queries) UpdateMailbox(ctx context.Context, m *Mailbox) error {
	res, err := q.exec(ctx, `UPDATE mailboxes SET name = $2, host = $3, port = $4, tls = $5, username = $6, password = $7,
		folder = $8, role = $9, address = $10, active = $11, updated_at = $12 WHERE id = $1`,
		m.ID, m.Name, m.Host, m.Port, m.TLS, m.Username, m.Password, m.Folder, m.Role, m.Address, m.Active, ts(m.UpdatedAt))
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "name", Message: "a mailbox with this name exists"}
	}
	return affectOne(res, err, "mailbox", m.ID)
}

// DeleteMailbox removes a mailbox and where the watcher stood in it; its
// log lines stay, without their mailbox.
func (q *Queries) DeleteMailbox(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM mailboxes WHERE id = $1`, id)
	return affectOne(res, err, "mailbox", id)
}

// Mailbox returns the mailbox with the id.
func (q *Queries) Mailbox(ctx context.Context, id int64) (*Mailbox, error) {
	m, err := scanMailbox(q.queryRow(ctx, "SELECT "+mailboxColumns+" FROM mailboxes WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "mailbox %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: mailbox %d: %w", id, err)
	}
	return m, nil
}

// Mailboxes lists the mailboxes by id, only the active ones when active.
func (q *Queries) Mailboxes(ctx context.Context, active bool) ([]*Mailbox, error) {
	query := "SELECT " + mailboxColumns + " FROM mailboxes"
	if active {
		query += " WHERE active"
	}
	rows, err := q.query(ctx, query+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: mailboxes: %w", err)
	}
	defer rows.Close()
	var out []*Mailbox
	for rows.Next() {
		m, err := scanMailbox(rows)
		if err != nil {
			return nil, fmt.Errorf("store: mailboxes: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MailboxState returns where the watcher stands in a mailbox; ok is false
// before it first recorded anything there.
func (q *Queries) MailboxState(ctx context.Context, mailbox int64) (uidValidity, lastUID uint32, ok bool, err error) {
	var v, l int64
	err = q.queryRow(ctx, `SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox_id = $1`, mailbox).Scan(&v, &l)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("store: mailbox %d state: %w", mailbox, err)
	}
	return uint32(v), uint32(l), true, nil
}

// AdvanceMailbox records that UIDs up to uid of uidValidity are done in a
// mailbox. The mark never moves back within one uidvalidity (instances
// finishing out of order); a new uidvalidity starts it afresh.
func (q *Queries) AdvanceMailbox(ctx context.Context, mailbox int64, uidValidity, uid uint32) error {
	_, err := q.exec(ctx, `INSERT INTO mailbox_state (mailbox_id, uidvalidity, last_uid) VALUES ($1, $2, $3)
		ON CONFLICT (mailbox_id) DO UPDATE SET uidvalidity = excluded.uidvalidity,
		last_uid = CASE WHEN mailbox_state.uidvalidity = excluded.uidvalidity AND mailbox_state.last_uid > excluded.last_uid
			THEN mailbox_state.last_uid ELSE excluded.last_uid END`, mailbox, int64(uidValidity), int64(uid))
	if err != nil {
		return fmt.Errorf("store: advance mailbox %d: %w", mailbox, err)
	}
	return nil
}

// Inbound outcomes: what became of a received message.
const (
	InboundRequest     = "request"      // it opened a request
	InboundMessage     = "message"      // it became a public message on a request
	InboundRefused     = "refused"      // the sender may not do what it asked; Reason says why
	InboundLoop        = "ignored_loop" // a machine sent it, or the sender is over the rate limit
	InboundBounce      = "bounce"       // a delivery status notification, recorded on the user
	InboundQuarantined = "quarantined"  // it could not be read; kept for operators
	InboundDuplicate   = "duplicate"    // its Message-ID was handled already (another mailbox, a new uidvalidity)
)

// InboundMail is one line of the inbound mail log.
type InboundMail struct {
	ID          int64     `json:"id"`
	MailboxID   int64     `json:"mailbox_id"`
	UIDValidity uint32    `json:"uidvalidity"`
	UID         uint32    `json:"uid"`
	MessageID   string    `json:"message_id"`
	Sender      string    `json:"from"`
	Subject     string    `json:"subject"`
	Outcome     string    `json:"outcome"`
	Reason      string    `json:"reason,omitempty"`
	Answered    bool      `json:"answered"`
	OrgID       int64     `json:"organization_id,omitempty"`
	RequestID   int64     `json:"-"`
	Number      string    `json:"request_number,omitempty"`
	RawSHA256   string    `json:"raw_sha256,omitempty"`
	Size        int64     `json:"size"`
	ReceivedAt  time.Time `json:"received_at"`
}

const inboundColumns = `id, mailbox_id, uidvalidity, uid, message_id, sender, subject, outcome, reason, answered, org_id,
	request_id, raw_sha256, size, received_at`

func scanInbound(row interface{ Scan(...any) error }) (*InboundMail, error) {
	var m InboundMail
	var mb, org, req sql.NullInt64
	var v, u, at int64
	if err := row.Scan(&m.ID, &mb, &v, &u, &m.MessageID, &m.Sender, &m.Subject, &m.Outcome, &m.Reason, &m.Answered,
		&org, &req, &m.RawSHA256, &m.Size, &at); err != nil {
		return nil, err
	}
	m.MailboxID, m.OrgID, m.RequestID = mb.Int64, org.Int64, req.Int64
	m.UIDValidity, m.UID, m.ReceivedAt = uint32(v), uint32(u), fromTS(at)
	if m.RequestID != 0 {
		m.Number = casedesk.RequestNumber(m.RequestID)
	}
	return &m, nil
}

// ClaimInboundMail inserts m's log line, keyed by (mailbox, uidvalidity,
// uid), and sets its ID; it reports false, writing nothing, when the line
// exists: another instance, or this one before a restart, handled the
// message. Call it first in the transaction that handles the message, and
// FinishInboundMail last: on PostgreSQL a second instance's claim waits
// for the first's transaction and then finds the line.
func (q *Queries) ClaimInboundMail(ctx context.Context, m *InboundMail) (bool, error) {
	err := q.queryRow(ctx, `INSERT INTO inbound_mails (mailbox_id, uidvalidity, uid, message_id, sender, subject, raw_sha256,
		size, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (mailbox_id, uidvalidity, uid) DO NOTHING RETURNING id`,
		nullable(m.MailboxID), int64(m.UIDValidity), int64(m.UID), m.MessageID, m.Sender, m.Subject, m.RawSHA256, m.Size,
		ts(m.ReceivedAt)).Scan(&m.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim inbound mail: %w", err)
	}
	return true, nil
}

// FinishInboundMail records what became of a claimed message.
func (q *Queries) FinishInboundMail(ctx context.Context, m *InboundMail) error {
	res, err := q.exec(ctx, `UPDATE inbound_mails SET outcome = $2, reason = $3, answered = $4, org_id = $5, request_id = $6
		WHERE id = $1`, m.ID, m.Outcome, m.Reason, m.Answered, nullable(m.OrgID), nullable(m.RequestID))
	return affectOne(res, err, "inbound mail", m.ID)
}

// InboundFilter selects log lines.
type InboundFilter struct {
	Outcome string
	Before  int64 // lines with a smaller id (paging, newest first)
	Limit   int
}

// InboundMails lists the log lines in scope, newest first. Lines that
// concern no organization (quarantined, unknown senders) are in AllOrgs
// only.
func (q *Queries) InboundMails(ctx context.Context, scope Scope, f InboundFilter) ([]*InboundMail, error) {
	var a args
	where := scope.cond(&a, "org_id")
	if f.Outcome != "" {
		where += " AND outcome = " + a.add(f.Outcome)
	}
	if f.Before > 0 {
		where += " AND id < " + a.add(f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := q.query(ctx, "SELECT "+inboundColumns+" FROM inbound_mails WHERE "+where+" ORDER BY id DESC LIMIT "+a.add(f.Limit), a...)
	if err != nil {
		return nil, fmt.Errorf("store: inbound mails: %w", err)
	}
	defer rows.Close()
	var out []*InboundMail
	for rows.Next() {
		m, err := scanInbound(rows)
		if err != nil {
			return nil, fmt.Errorf("store: inbound mails: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// InboundMail returns the log line with the id, in scope.
func (q *Queries) InboundMail(ctx context.Context, scope Scope, id int64) (*InboundMail, error) {
	a := args{id}
	m, err := scanInbound(q.queryRow(ctx, "SELECT "+inboundColumns+" FROM inbound_mails WHERE id = $1 AND "+scope.cond(&a, "org_id"), a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "inbound mail %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: inbound mail %d: %w", id, err)
	}
	return m, nil
}

// InboundHandled reports whether a message with the Message-ID already
// became a request or a message (from any mailbox), other than line
// except.
func (q *Queries) InboundHandled(ctx context.Context, messageID string, except int64) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM inbound_mails WHERE message_id = $1 AND id <> $2
		AND outcome IN ('request', 'message')`, messageID, except).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: inbound by message id: %w", err)
	}
	return n > 0, nil
}

// InboundAnswers counts, since an instant, the requests a sender's mail
// opened and the replies casedesk queued to them: the per-sender rate
// limit on what a mail may cause, shared by every instance.
func (q *Queries) InboundAnswers(ctx context.Context, sender string, since time.Time) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM inbound_mails WHERE sender = $1 AND received_at >= $2
		AND (outcome = 'request' OR answered)`, sender, ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: inbound answers: %w", err)
	}
	return n, nil
}

// MailBounce is a bounce of mail to a user.
type MailBounce struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	OrgID      int64     `json:"organization_id"`
	Address    string    `json:"address"`
	Status     string    `json:"status"`
	Diagnostic string    `json:"diagnostic"`
	MessageID  string    `json:"message_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// RecordBounce stores a bounce of mail to a user of an organization in
// scope.
func (q *Queries) RecordBounce(ctx context.Context, scope Scope, b *MailBounce) error {
	if !scope.Has(b.OrgID) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", b.UserID)
	}
	err := q.queryRow(ctx, `INSERT INTO mail_bounces (user_id, org_id, address, status, diagnostic, message_id, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1 AND org_id = $2) RETURNING id`,
		b.UserID, b.OrgID, b.Address, b.Status, b.Diagnostic, b.MessageID, ts(b.CreatedAt)).Scan(&b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", b.UserID)
	}
	if err != nil {
		return fmt.Errorf("store: record bounce: %w", err)
	}
	return nil
}

// LastBounces returns the latest bounce of each of the users (in scope)
// that has one since an instant.
func (q *Queries) LastBounces(ctx context.Context, scope Scope, users []int64, since time.Time) (map[int64]*MailBounce, error) {
	out := map[int64]*MailBounce{}
	if len(users) == 0 {
		return out, nil
	}
	var a args
	rows, err := q.query(ctx, `SELECT id, user_id, org_id, address, status, diagnostic, message_id, created_at FROM mail_bounces
		WHERE user_id IN (`+a.list(users)+`) AND created_at >= `+a.add(ts(since))+` AND `+scope.cond(&a, "org_id")+` ORDER BY id`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: bounces: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b MailBounce
		var at int64
		if err := rows.Scan(&b.ID, &b.UserID, &b.OrgID, &b.Address, &b.Status, &b.Diagnostic, &b.MessageID, &at); err != nil {
			return nil, fmt.Errorf("store: bounces: %w", err)
		}
		b.CreatedAt = fromTS(at)
		out[b.UserID] = &b
	}
	return out, rows.Err()
}

// RequestByMessageID returns the mail identity of the request in scope that
// the mail with the Message-ID opened; ok is false when there is none.
func (q *Queries) RequestByMessageID(ctx context.Context, scope Scope, messageID string) (m RequestMail, ok bool, err error) {
	if messageID == "" {
		return RequestMail{}, false, nil
	}
	var a args
	err = q.queryRow(ctx, "SELECT request_id, org_id, reply_token, message_id FROM request_mail WHERE message_id = "+
		a.add(messageID)+" AND "+scope.cond(&a, "org_id")+" ORDER BY request_id LIMIT 1", a...).Scan(&m.RequestID, &m.OrgID, &m.ReplyToken, &m.MessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return RequestMail{}, false, nil
	}
	if err != nil {
		return RequestMail{}, false, fmt.Errorf("store: request by message id: %w", err)
	}
	return m, true, nil
}
