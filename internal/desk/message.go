package desk

import (
	"context"
	"errors"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/store"
)

// NewMessage is a reply, an internal note or a logged phone call.
type NewMessage struct {
	Body          string               `json:"body"`
	Internal      bool                 `json:"internal"`
	Kind          casedesk.MessageKind `json:"kind,omitempty"` // MessageText (the default) or MessagePhone
	AttachmentIDs []int64              `json:"attachment_ids,omitempty"`
}

// AddMessage adds to a request's conversation. Internal notes and phone logs
// are for the provider's staff. A customer's reply to a request waiting on
// them sets it back to open; a staff reply to a new one opens it. Uploaded
// attachments named in AttachmentIDs are tied to the message.
func (d *Desk) AddMessage(ctx context.Context, a *casedesk.Actor, number string, in NewMessage) (*casedesk.Message, error) {
	m, _, err := d.AddMessageWithKey(ctx, a, number, in, "")
	return m, err
}

// AddMessageWithKey is AddMessage with an idempotency key (none when empty):
// a retry with the key and the same message on the same request returns the
// message the first call added (created false) instead of adding another;
// the key with another message or request is EINVALID on Idempotency-Key.
func (d *Desk) AddMessageWithKey(ctx context.Context, a *casedesk.Actor, number string, in NewMessage, idemKey string) (*casedesk.Message, bool, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, false, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, false, err
	}
	if err := checkKey(idemKey); err != nil {
		return nil, false, err
	}
	m := &casedesk.Message{AuthorID: a.User.ID, AuthorName: a.User.Name, Body: in.Body, Internal: in.Internal, Kind: in.Kind}
	if err := m.Validate(); err != nil {
		return nil, false, err
	}
	if (m.Internal || m.Kind == casedesk.MessagePhone) && !a.IsStaff() {
		return nil, false, &casedesk.Error{Code: casedesk.EFORBIDDEN, Field: "internal", Message: "internal notes and phone logs are for the provider's staff"}
	}
	if len(in.AttachmentIDs) > 20 {
		return nil, false, casedesk.Invalid("attachment_ids", "at most 20 attachments per message")
	}
	fp := fingerprint(in, strconv.FormatInt(id, 10))
	var created bool
	err = d.write(ctx, func(tx *store.Tx) error {
		created = false
		r, err := tx.Request(ctx, scope, id)
		if err != nil {
			return err
		}
		if idemKey != "" {
			mid, got, err := tx.IdempotencyKey(ctx, a.User.ID, store.IdemMessage, idemKey)
			if err != nil {
				return err
			}
			if mid != 0 {
				return replayMessage(ctx, tx.Queries, scope, a, r.ID, mid, got, fp, m)
			}
		}
		if err := d.addMessage(ctx, tx, a, scope, r, m, in.AttachmentIDs, func() error {
			if idemKey != "" {
				return tx.SaveIdempotencyKey(ctx, a.User.ID, store.IdemMessage, idemKey, fp, m.ID, m.CreatedAt)
			}
			return nil
		}); err != nil {
			return err
		}
		created = true
		return nil
	})
	if errors.Is(err, store.ErrKeyTaken) {
		// Another instance committed the same key first (PostgreSQL): answer
		// with what it added.
		mid, got, err := d.db.IdempotencyKey(ctx, a.User.ID, store.IdemMessage, idemKey)
		if err != nil {
			return nil, false, err
		}
		if err := replayMessage(ctx, d.db.Queries, scope, a, id, mid, got, fp, m); err != nil {
			return nil, false, err
		}
		return m, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return m, created, nil
}

// addMessage adds m to r's conversation in tx, for AddMessage and for mail
// (inbound.go): uploads tied to it, the status and clocks it moves, its
// history lines. saved runs right after the insert (the idempotency key's
// record).
func (d *Desk) addMessage(ctx context.Context, tx *store.Tx, a *casedesk.Actor, scope store.Scope, r *casedesk.Request, m *casedesk.Message, attachmentIDs []int64, saved func() error) error {
	if r.Status == casedesk.StatusClosed {
		return casedesk.Errorf(casedesk.ECONFLICT, "request %s is closed; reopen it to continue the conversation", r.Number)
	}
	oldStatus := r.Status
	now := d.now()
	m.RequestID, m.CreatedAt, m.OnBehalfOf = r.ID, now, onBehalfOf(a, r.OrgID)
	if err := tx.CreateMessage(ctx, scope, m); err != nil {
		return err
	}
	if err := saved(); err != nil {
		return err
	}
	m.Attachments = []casedesk.Attachment{}
	for i, aid := range attachmentIDs {
		att, err := tx.Attachment(ctx, scope, r.ID, aid)
		if err != nil || att.MessageID != nil || att.Internal != m.Internal || att.UploaderID != a.User.ID {
			return casedesk.Invalid("attachment_ids", "attachment_ids[%d]: no unsent upload %d of yours on this request", i, aid)
		}
		if err := tx.SetAttachmentMessage(ctx, scope, r.ID, aid, m.ID); err != nil {
			return err
		}
		att.MessageID = &m.ID
		m.Attachments = append(m.Attachments, *att)
	}
	kind := casedesk.EventMessage
	if m.Internal {
		kind = casedesk.EventNote
	} else if m.Kind == casedesk.MessagePhone {
		kind = casedesk.EventPhone
	}
	ch := changes{d: d, a: a, r: r, now: now}
	ch.note(kind, "", "", strconv.FormatInt(m.ID, 10))
	ch.events[0].Internal = m.Internal
	switch {
	case !a.IsStaff() && (r.Status == casedesk.StatusWaiting || r.Status == casedesk.StatusResolved):
		ch.note(casedesk.EventStatusChanged, "status", string(r.Status), string(casedesk.StatusOpen))
		r.Status, r.ResolvedAt = casedesk.StatusOpen, nil
	case a.IsStaff() && !m.Internal && r.Status == casedesk.StatusNew:
		ch.note(casedesk.EventStatusChanged, "status", string(r.Status), string(casedesk.StatusOpen))
		r.Status = casedesk.StatusOpen
	}
	r.UpdatedAt = now
	if err := tx.UpdateRequest(ctx, scope, r); err != nil {
		return err
	}
	if err := ch.record(ctx, tx); err != nil {
		return err
	}
	switch {
	case a.IsStaff() && !m.Internal:
		// A public reply or a logged call is the provider's response.
		for _, metric := range []casedesk.Metric{casedesk.MetricInitialResponse, casedesk.MetricNextReply} {
			if err := d.stopClocks(ctx, tx, r, metric, now, &a.User.ID); err != nil {
				return err
			}
		}
		// The agent who answered keeps the request (routing.go).
		if _, err := d.keepWork(ctx, tx, a, r, now); err != nil {
			return err
		}
	case !a.IsStaff():
		if err := d.startNextReply(ctx, tx, r, now, &a.User.ID); err != nil {
			return err
		}
	}
	return d.clocksAfterUpdate(ctx, tx, r, r.Severity, oldStatus, now, &a.User.ID)
}

// replayMessage loads the message an idempotency key added to the request
// into m, if the fingerprint is the one recorded.
func replayMessage(ctx context.Context, q store.Queries, scope store.Scope, a *casedesk.Actor, requestID, id int64, fp, want string, m *casedesk.Message) error {
	if fp != want {
		return keyReused()
	}
	ms, err := q.Messages(ctx, scope, requestID, a.IsStaff())
	if err != nil {
		return err
	}
	for _, got := range ms {
		if got.ID == id {
			*m = *got
			return nil
		}
	}
	return casedesk.Errorf(casedesk.ENOTFOUND, "message %d not found", id)
}

// Messages returns a request's conversation; internal notes only for staff.
func (d *Desk) Messages(ctx context.Context, a *casedesk.Actor, number string) ([]*casedesk.Message, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.Messages(ctx, scopeOf(r), r.ID, a.IsStaff())
}

// AddAttachment stores an upload on a request, at most the policy's limit,
// with its type sniffed from the content. It is sent with the next message
// that names it; internal uploads are for staff notes only.
func (d *Desk) AddAttachment(ctx context.Context, a *casedesk.Actor, number, name string, internal bool, content io.Reader) (*casedesk.Attachment, error) {
	att, _, err := d.AddAttachmentWithKey(ctx, a, number, name, internal, content, "")
	return att, err
}

// AddAttachmentWithKey is AddAttachment with an idempotency key (none when
// empty): a retry with the key and the same file (name, content, internal)
// on the same request returns the attachment the first call stored (created
// false) instead of another; the key with another file or request is
// EINVALID on Idempotency-Key.
func (d *Desk) AddAttachmentWithKey(ctx context.Context, a *casedesk.Actor, number, name string, internal bool, content io.Reader, idemKey string) (*casedesk.Attachment, bool, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, false, err
	}
	if err := checkKey(idemKey); err != nil {
		return nil, false, err
	}
	if internal && !a.IsStaff() {
		return nil, false, &casedesk.Error{Code: casedesk.EFORBIDDEN, Field: "internal", Message: "internal attachments are for the provider's staff"}
	}
	name = cleanName(name)
	if err := casedesk.CheckText("name", name, 1, 200); err != nil {
		return nil, false, err
	}
	info, err := d.blobs.Put(content, d.policy.AttachmentLimit)
	if errors.Is(err, blob.ErrTooLarge) {
		return nil, false, casedesk.Errorf(casedesk.ETOOLARGE, "the file is larger than the limit of %d MiB", d.policy.AttachmentLimit>>20)
	}
	if err != nil {
		return nil, false, err
	}
	if info.Size == 0 {
		return nil, false, casedesk.Invalid("file", "the file is empty")
	}
	scope, _ := requestScope(a)
	att := &casedesk.Attachment{RequestID: r.ID, UploaderID: a.User.ID, Name: name, ContentType: info.ContentType,
		Size: info.Size, SHA256: info.SHA256, Internal: internal, CreatedAt: d.now()}
	// The content is stored already (by its hash, so a replay stores nothing
	// new); the fingerprint is of what names it.
	fp := fingerprint(struct {
		Name     string `json:"name"`
		Internal bool   `json:"internal"`
		SHA256   string `json:"sha256"`
	}{name, internal, info.SHA256}, strconv.FormatInt(r.ID, 10))
	var created bool
	err = d.write(ctx, func(tx *store.Tx) error {
		created = false
		if _, err := tx.Request(ctx, scope, r.ID); err != nil {
			return err
		}
		if idemKey != "" {
			id, got, err := tx.IdempotencyKey(ctx, a.User.ID, store.IdemAttachment, idemKey)
			if err != nil {
				return err
			}
			if id != 0 {
				return replayAttachment(ctx, tx.Queries, scope, r.ID, id, got, fp, att)
			}
		}
		if err := tx.CreateAttachment(ctx, scope, att); err != nil {
			return err
		}
		if idemKey != "" {
			if err := tx.SaveIdempotencyKey(ctx, a.User.ID, store.IdemAttachment, idemKey, fp, att.ID, att.CreatedAt); err != nil {
				return err
			}
		}
		created = true
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventAttachment, New: name, Internal: internal, At: att.CreatedAt})
	})
	if errors.Is(err, store.ErrKeyTaken) {
		// Another instance committed the same key first (PostgreSQL).
		id, got, err := d.db.IdempotencyKey(ctx, a.User.ID, store.IdemAttachment, idemKey)
		if err != nil {
			return nil, false, err
		}
		if err := replayAttachment(ctx, d.db.Queries, scope, r.ID, id, got, fp, att); err != nil {
			return nil, false, err
		}
		return att, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return att, created, nil
}

// replayAttachment loads the attachment an idempotency key stored on the
// request into att, if the fingerprint is the one recorded.
func replayAttachment(ctx context.Context, q store.Queries, scope store.Scope, requestID, id int64, fp, want string, att *casedesk.Attachment) error {
	if fp != want {
		return keyReused()
	}
	got, err := q.Attachment(ctx, scope, requestID, id)
	if err != nil {
		return err
	}
	*att = *got
	return nil
}

// cleanName keeps the last element of a client-supplied file name, without
// control characters (C0, DEL, C1) and the invisible marks that reorder text
// (bidirectional embeddings, overrides and isolates, and the directional
// marks), with which "invoice\u202Efdp.exe" shows as "invoiceexe.pdf", and
// without surrounding spaces.
func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r >= 0x7f && r <= 0x9f, // C0, DEL, C1
			r >= 0x202a && r <= 0x202e,            // LRE, RLE, PDF, LRO, RLO
			r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
			r == 0x200e, r == 0x200f, r == 0x061c: // LRM, RLM, ALM
			return -1
		}
		return r
	}, name)
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimSpace(path.Base(name))
	if name == "." || name == "/" || name == ".." || name == "" {
		return ""
	}
	return name
}

// Attachments lists a request's attachments the actor may see.
func (d *Desk) Attachments(ctx context.Context, a *casedesk.Actor, number string) ([]*casedesk.Attachment, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.Attachments(ctx, scopeOf(r), r.ID, a.IsStaff())
}

// OpenAttachment returns an attachment and its content, if the actor may see it.
func (d *Desk) OpenAttachment(ctx context.Context, a *casedesk.Actor, number string, id int64) (*casedesk.Attachment, *os.File, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, nil, err
	}
	att, err := d.db.Attachment(ctx, scopeOf(r), r.ID, id)
	if err != nil {
		return nil, nil, err
	}
	if att.Internal && !a.IsStaff() {
		return nil, nil, casedesk.Errorf(casedesk.ENOTFOUND, "attachment %d not found", id)
	}
	f, err := d.blobs.Open(att.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return att, f, nil
}
