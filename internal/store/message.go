package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/casedesk/casedesk"
)

// CreateMessage inserts m on its request and sets its ID. The request must
// lie in scope; otherwise ENOTFOUND, and nothing is written.
func (q *Queries) CreateMessage(ctx context.Context, scope Scope, m *casedesk.Message) error {
	a := args{m.RequestID, optID(m.AuthorID), idArg(m.OnBehalfOf), m.Body, m.Internal, m.Kind, ts(m.CreatedAt)}
	err := q.queryRow(ctx, `INSERT INTO messages (request_id, author_id, on_behalf_of_org_id, body, internal, kind, created_at)
		SELECT r.id, $2, $3, $4, $5, $6, $7 FROM requests r WHERE r.id = $1 AND `+scope.cond(&a, "r.org_id")+` RETURNING id`,
		a...).Scan(&m.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return errRequestNotFound(m.RequestID)
	}
	if err != nil {
		return fmt.Errorf("store: create message: %w", err)
	}
	return nil
}

// Messages lists the conversation of a request in scope, oldest first, with
// attachments; a request outside the scope has none. With internal false,
// internal notes and their attachments are left out.
func (q *Queries) Messages(ctx context.Context, scope Scope, requestID int64, internal bool) ([]*casedesk.Message, error) {
	a := args{requestID}
	cond := " AND " + scope.cond(&a, "r.org_id")
	if !internal {
		cond += " AND NOT m.internal"
	}
	rows, err := q.query(ctx, `SELECT m.id, m.request_id, m.author_id, COALESCE(u.name, ''), m.on_behalf_of_org_id,
		m.body, m.internal, m.kind, m.created_at FROM messages m JOIN requests r ON r.id = m.request_id
		LEFT JOIN users u ON u.id = m.author_id
		WHERE m.request_id = $1`+cond+` ORDER BY m.id`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Message{}
	byID := map[int64]*casedesk.Message{}
	for rows.Next() {
		var m casedesk.Message
		var author, onBehalf sql.NullInt64
		var created int64
		if err := rows.Scan(&m.ID, &m.RequestID, &author, &m.AuthorName, &onBehalf, &m.Body, &m.Internal, &m.Kind, &created); err != nil {
			return nil, fmt.Errorf("store: messages: %w", err)
		}
		m.AuthorID, m.OnBehalfOf, m.CreatedAt = author.Int64, nullID(onBehalf), fromTS(created)
		m.Attachments = []casedesk.Attachment{}
		out = append(out, &m)
		byID[m.ID] = &m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	atts, err := q.Attachments(ctx, scope, requestID, internal)
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		if a.MessageID != nil && byID[*a.MessageID] != nil {
			m := byID[*a.MessageID]
			m.Attachments = append(m.Attachments, *a)
		}
	}
	return out, nil
}

// CreateAttachment records an attachment whose content is already stored.
// Its request must lie in scope; otherwise ENOTFOUND, and nothing is written.
func (q *Queries) CreateAttachment(ctx context.Context, scope Scope, a *casedesk.Attachment) error {
	v := args{a.RequestID, idArg(a.MessageID), a.UploaderID, a.Name, a.ContentType, a.Size, a.SHA256, a.Internal, ts(a.CreatedAt)}
	err := q.queryRow(ctx, `INSERT INTO attachments (request_id, message_id, uploader_id, name, content_type, size, sha256, internal, created_at)
		SELECT r.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM requests r WHERE r.id = $1 AND `+scope.cond(&v, "r.org_id")+` RETURNING id`,
		v...).Scan(&a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return errRequestNotFound(a.RequestID)
	}
	if err != nil {
		return fmt.Errorf("store: create attachment: %w", err)
	}
	return nil
}

// SetAttachmentMessage ties an unattached upload of a request in scope to a
// message.
func (q *Queries) SetAttachmentMessage(ctx context.Context, scope Scope, requestID, attachmentID, messageID int64) error {
	a := args{requestID, attachmentID, messageID}
	res, err := q.exec(ctx, `UPDATE attachments SET message_id = $3 WHERE request_id = $1 AND id = $2 AND message_id IS NULL
		AND request_id IN (SELECT r.id FROM requests r WHERE r.id = $1 AND `+scope.cond(&a, "r.org_id")+`)`, a...)
	return affectOne(res, err, "attachment", attachmentID)
}

const attColumns = "t.id, t.request_id, t.message_id, t.uploader_id, t.name, t.content_type, t.size, t.sha256, t.internal, t.created_at"

// attFrom reads attachments with their request, to scope them by its organization.
const attFrom = " FROM attachments t JOIN requests r ON r.id = t.request_id "

func scanAttachment(row interface{ Scan(...any) error }) (*casedesk.Attachment, error) {
	var a casedesk.Attachment
	var msg, uploader sql.NullInt64
	var created int64
	if err := row.Scan(&a.ID, &a.RequestID, &msg, &uploader, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Internal, &created); err != nil {
		return nil, err
	}
	a.MessageID, a.UploaderID, a.CreatedAt = nullID(msg), uploader.Int64, fromTS(created)
	return &a, nil
}

// Attachments lists the attachments of a request in scope; internal ones
// only when asked. A request outside the scope has none.
func (q *Queries) Attachments(ctx context.Context, scope Scope, requestID int64, internal bool) ([]*casedesk.Attachment, error) {
	a := args{requestID}
	cond := " AND " + scope.cond(&a, "r.org_id")
	if !internal {
		cond += " AND NOT t.internal"
	}
	rows, err := q.query(ctx, "SELECT "+attColumns+attFrom+"WHERE t.request_id = $1"+cond+" ORDER BY t.id", a...)
	if err != nil {
		return nil, fmt.Errorf("store: attachments: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment returns one attachment of a request in scope; ENOTFOUND when
// the request lies outside it.
func (q *Queries) Attachment(ctx context.Context, scope Scope, requestID, id int64) (*casedesk.Attachment, error) {
	v := args{requestID, id}
	a, err := scanAttachment(q.queryRow(ctx, "SELECT "+attColumns+attFrom+"WHERE t.request_id = $1 AND t.id = $2 AND "+
		scope.cond(&v, "r.org_id"), v...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "attachment %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: attachment %d: %w", id, err)
	}
	return a, nil
}

// CreateEvent appends to the history of a request of organization e.OrgID;
// ENOTFOUND when that organization lies outside the scope. The caller read
// the request within the scope (see Scope.admit).
func (q *Queries) CreateEvent(ctx context.Context, scope Scope, e *casedesk.Event) error {
	var actor any
	if e.ActorID != nil && *e.ActorID != 0 {
		actor = *e.ActorID
	}
	if err := scope.admit(e.OrgID, e.RequestID); err != nil {
		return err
	}
	err := q.queryRow(ctx, `INSERT INTO events (request_id, org_id, actor_id, on_behalf_of_org_id, kind, field, old_value, new_value, internal, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.RequestID, e.OrgID, actor, idArg(e.OnBehalfOf), e.Kind, e.Field, e.Old, e.New, e.Internal, ts(e.At)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create event: %w", err)
	}
	q.noteCreated(e)
	return nil
}

func (q *Queries) noteCreated(e *casedesk.Event) {
	if q.created != nil {
		ev := *e
		ev.Number = casedesk.RequestNumber(e.RequestID)
		*q.created = append(*q.created, ev)
	}
}

// EventsAfter returns up to limit history lines in scope with ids above
// after, oldest first: how instances sharing a database catch up on each
// other's events (with AllOrgs).
func (q *Queries) EventsAfter(ctx context.Context, scope Scope, after int64, limit int) ([]*casedesk.Event, error) {
	a := args{after, limit}
	rows, err := q.query(ctx, `SELECT id, request_id, org_id, actor_id, on_behalf_of_org_id, kind, field, old_value, new_value, internal, at
		FROM events WHERE id > $1 AND `+scope.cond(&a, "org_id")+` ORDER BY id LIMIT $2`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: events after: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Event{}
	for rows.Next() {
		var e casedesk.Event
		var actor, onBehalf sql.NullInt64
		var at int64
		if err := rows.Scan(&e.ID, &e.RequestID, &e.OrgID, &actor, &onBehalf, &e.Kind, &e.Field, &e.Old, &e.New, &e.Internal, &at); err != nil {
			return nil, err
		}
		e.ActorID, e.OnBehalfOf, e.At = nullID(actor), nullID(onBehalf), fromTS(at)
		e.Number = casedesk.RequestNumber(e.RequestID)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// LastEventID returns the highest event id, 0 when there is none.
func (q *Queries) LastEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := q.queryRow(ctx, "SELECT MAX(id) FROM events").Scan(&id); err != nil {
		return 0, fmt.Errorf("store: last event: %w", err)
	}
	return id.Int64, nil
}

// EventFilter selects history lines.
type EventFilter struct {
	RequestID int64
	Internal  bool // include staff-only lines
	Before    int64
	Limit     int
}

// Events lists the history of the requests in scope, newest first. The due
// times bulk recomputes moved are not among them (RequestMoves).
func (q *Queries) Events(ctx context.Context, scope Scope, f EventFilter) ([]*casedesk.Event, error) {
	var a args
	where := scope.cond(&a, "org_id")
	if f.RequestID != 0 {
		where += " AND request_id = " + a.add(f.RequestID)
	}
	if !f.Internal {
		where += " AND NOT internal"
	}
	if f.Before > 0 {
		where += " AND id < " + a.add(f.Before)
	}
	rows, err := q.query(ctx, `SELECT id, request_id, org_id, actor_id, on_behalf_of_org_id, kind, field, old_value, new_value, internal, at
		FROM events WHERE `+where+" ORDER BY id DESC LIMIT "+a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Event{}
	for rows.Next() {
		var e casedesk.Event
		var actor, onBehalf sql.NullInt64
		var at int64
		if err := rows.Scan(&e.ID, &e.RequestID, &e.OrgID, &actor, &onBehalf, &e.Kind, &e.Field, &e.Old, &e.New, &e.Internal, &at); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		e.ActorID, e.OnBehalfOf, e.At = nullID(actor), nullID(onBehalf), fromTS(at)
		e.Number = casedesk.RequestNumber(e.RequestID)
		out = append(out, &e)
	}
	return out, rows.Err()
}

func errRequestNotFound(id int64) error {
	return casedesk.Errorf(casedesk.ENOTFOUND, "request %s not found", casedesk.RequestNumber(id))
}
