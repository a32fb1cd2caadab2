package desk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/mail"
	"github.com/casedesk/casedesk/internal/store"
)

// Inbound mail (issue 13, SPEC "Service requests": a request may be opened
// by email from a verified admin address). The watcher (internal/mailbox)
// hands each message it fetches to ReceiveMail, which decides in one
// transaction what it becomes and records that in the inbound mail log:
//
//   - a mail casedesk itself sent, an automatic reply, a list or bulk mail:
//     nothing, and never an answer (loops);
//   - a delivery report: a bounce recorded on the user it was meant for;
//   - from an active admin of a customer organization, or a partner's admin
//     working a customer under a live grant: a public message on the
//     request it replies to (by reply token, then In-Reply-To/References,
//     then a [#number] subject tag; the sender must be able to act on that
//     request as in the portal), or else a new request;
//   - from a customer's other users: a polite answer naming their admins;
//   - from an unknown sender: to a pre-sales mailbox, a pre-sales request;
//     elsewhere, an answer pointing to sign-in and the pre-sales form;
//   - a mail that cannot be read: quarantined, kept for operators.
//
// Each log line is claimed by its (mailbox, uidvalidity, uid) in the
// transaction that creates what the mail becomes, so a message is handled
// once however many instances fetch it and however often they restart.

// Mailbox roles.
const (
	MailboxSupport  = "support"
	MailboxPresales = "presales"
)

// Why a mail was refused, as the refusal's Notice.Note says to the sender
// (the mail renderer words each in the recipient's language).
const (
	RefusedNotAdmin      = "not_admin"      // a customer's user who is not an admin
	RefusedUnknownSender = "unknown_sender" // nobody we know, to the support mailbox
	RefusedPartnerOrg    = "partner_org"    // a partner's new request names no single customer
)

// ReceiveMail handles one message fetched from mailbox mb (its uidValidity
// and uid) and returns its log line. claimed is false when the message was
// recorded already (another instance or an earlier run took it): nothing
// was done. An error means nothing was recorded and the watcher should
// try the message again later (the database was unavailable); a message
// that cannot be read is not an error but quarantined.
func (d *Desk) ReceiveMail(ctx context.Context, mb *store.Mailbox, uidValidity, uid uint32, raw []byte) (line *store.InboundMail, claimed bool, err error) {
	now := d.now()
	line = &store.InboundMail{MailboxID: mb.ID, UIDValidity: uidValidity, UID: uid, Size: int64(len(raw)), ReceivedAt: now}
	var msg *mail.Message
	var parseErr error
	if limit := d.policy.MailLimit; limit > 0 && int64(len(raw)) > limit {
		parseErr = fmt.Errorf("the mail is %.1f MiB, larger than the limit of %d MiB", float64(len(raw))/(1<<20), limit>>20)
		line.Outcome = store.InboundRefused
		d.describeHeader(line, raw)
	} else {
		info, err := d.blobs.Put(bytes.NewReader(raw), max(d.policy.MailLimit, int64(len(raw))))
		if err != nil {
			return nil, false, fmt.Errorf("desk: keep raw mail: %w", err)
		}
		line.RawSHA256 = info.SHA256
		msg, parseErr = mail.Parse(raw)
		if parseErr != nil {
			line.Outcome = store.InboundQuarantined
			d.describeHeader(line, raw)
		}
	}
	if parseErr != nil {
		line.Reason = parseErr.Error()
		err := d.write(ctx, func(tx *store.Tx) error {
			if claimed, err = tx.ClaimInboundMail(ctx, line); err != nil || !claimed {
				return err
			}
			if err := tx.FinishInboundMail(ctx, line); err != nil {
				return err
			}
			return tx.AdvanceMailbox(ctx, mb.ID, uidValidity, uid)
		})
		return line, claimed, err
	}
	line.MessageID, line.Sender, line.Subject = msg.MessageID, msg.From.Email, clip(msg.Subject, 500)
	files := d.keepAttachments(msg)
	err = d.write(ctx, func(tx *store.Tx) error {
		if claimed, err = tx.ClaimInboundMail(ctx, line); err != nil || !claimed {
			return err
		}
		if err := d.applyMail(ctx, tx, mb, msg, files, line, now); err != nil {
			return err
		}
		if err := tx.FinishInboundMail(ctx, line); err != nil {
			return err
		}
		return tx.AdvanceMailbox(ctx, mb.ID, uidValidity, uid)
	})
	var refusal *casedesk.Error
	if errors.As(err, &refusal) && refusal.Code != casedesk.EUNAVAILABLE {
		// The verb refused (a closed request, the organization's request
		// limit, an invalid field): nothing it wrote is kept, but the
		// refusal is recorded, once.
		line.Outcome, line.Reason, line.OrgID, line.RequestID, line.Answered = store.InboundRefused, refusal.Message, 0, 0, false
		err = d.write(ctx, func(tx *store.Tx) error {
			if claimed, err = tx.ClaimInboundMail(ctx, line); err != nil || !claimed {
				return err
			}
			if err := tx.FinishInboundMail(ctx, line); err != nil {
				return err
			}
			return tx.AdvanceMailbox(ctx, mb.ID, uidValidity, uid)
		})
	}
	if err != nil {
		return nil, false, err
	}
	if line.RequestID != 0 {
		line.Number = casedesk.RequestNumber(line.RequestID)
	}
	return line, claimed, nil
}

// describeHeader fills the log line of a mail that was not parsed with what
// its header says, as far as it can be read.
func (d *Desk) describeHeader(line *store.InboundMail, raw []byte) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = min(len(raw), 64<<10)
	}
	for _, l := range strings.Split(string(raw[:end]), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok {
			continue
		}
		v = clip(strings.ToValidUTF8(strings.TrimSpace(v), "?"), 500)
		switch strings.ToLower(k) {
		case "from":
			if line.Sender == "" {
				line.Sender = strings.ToLower(v)
			}
		case "subject":
			if line.Subject == "" {
				line.Subject = v
			}
		case "message-id":
			if line.MessageID == "" {
				line.MessageID = strings.Trim(v, "<>")
			}
		}
	}
}

// keptFile is an attachment of a mail, stored in the blob store already.
type keptFile struct {
	name string
	info blob.Info
}

// keepAttachments stores a mail's attachments (inline images included)
// like uploads: each within the attachment limit, at most 20; the others
// are named in the text instead.
func (d *Desk) keepAttachments(msg *mail.Message) []keptFile {
	var out []keptFile
	var dropped []string
	for _, a := range msg.Attachments {
		name := cleanName(a.Name)
		if name == "" || len(a.Data) == 0 {
			continue
		}
		if len(out) == 20 || a.Size() > d.policy.AttachmentLimit {
			dropped = append(dropped, name)
			continue
		}
		info, err := d.blobs.Put(bytes.NewReader(a.Data), d.policy.AttachmentLimit)
		if err != nil {
			dropped = append(dropped, name)
			continue
		}
		out = append(out, keptFile{name: clip(name, 200), info: info})
	}
	if len(dropped) > 0 {
		note := fmt.Sprintf("\n\n(Not kept: %s — over %d attachments or %d MiB.)", strings.Join(dropped, ", "), 20, d.policy.AttachmentLimit>>20)
		msg.Text += note
		msg.Reply += note
	}
	return out
}

// applyMail decides what msg becomes, writes it in tx and fills line.
func (d *Desk) applyMail(ctx context.Context, tx *store.Tx, mb *store.Mailbox, msg *mail.Message, files []keptFile, line *store.InboundMail, now time.Time) error {
	domain := domainOf(mb.Address)
	if dup, err := tx.InboundHandled(ctx, msg.MessageID, line.ID); err != nil || dup {
		line.Outcome, line.Reason = store.InboundDuplicate, "a mail with this Message-ID was handled already"
		return err
	}
	if _, ours := mail.OwnID(msg.MessageID, domain); ours || strings.EqualFold(msg.From.Email, mb.Address) {
		line.Outcome, line.Reason = store.InboundLoop, "our own mail"
		return nil
	}
	if msg.IsBounce() {
		return d.recordBounces(ctx, tx, msg, line, now)
	}
	if msg.Auto != "" {
		line.Outcome, line.Reason = store.InboundLoop, "sent automatically ("+clip(msg.Auto, 200)+")"
		return nil
	}
	if n, limit := msg.Recipients(), d.policy.MailRecipients; limit > 0 && n > limit {
		line.Outcome, line.Reason = store.InboundRefused, fmt.Sprintf("addressed to %d recipients, more than the %d allowed", n, limit)
		return nil
	}
	if n, err := tx.InboundAnswers(ctx, msg.From.Email, now.Add(-time.Hour)); err != nil {
		return err
	} else if d.policy.MailPerHour > 0 && n >= d.policy.MailPerHour {
		line.Outcome, line.Reason = store.InboundLoop, fmt.Sprintf("rate limit: %d requests and answers for this sender in the last hour", n)
		return nil
	}
	u, _, err := tx.UserByEmail(ctx, casedesk.NormalizeEmail(msg.From.Email))
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		return d.mailFromStranger(ctx, tx, mb, msg, files, line, now)
	}
	if err != nil {
		return err
	}
	line.OrgID = u.OrgID
	org, err := tx.Organization(ctx, store.OrgScope(u.OrgID), u.OrgID)
	if err != nil {
		return err
	}
	if !u.Active {
		line.Outcome, line.Reason = store.InboundRefused, "the sender's account is deactivated"
		return nil
	}
	a := &casedesk.Actor{User: u, OrgKind: org.Kind}
	if org.Kind == casedesk.OrgPartner {
		if a.Delegated, err = tx.DelegatedCustomers(ctx, store.OrgScope(u.OrgID), now); err != nil {
			return err
		}
	}
	scope, err := requestScope(a)
	if err != nil {
		if org.Kind == casedesk.OrgCustomer {
			// A customer's user who is not an admin: tell them who is.
			line.Outcome, line.Reason = store.InboundRefused, "the sender is not an admin of "+org.Name
			return d.answerNotAdmin(ctx, tx, u, org, line)
		}
		line.Outcome, line.Reason = store.InboundRefused, "the sender may not work requests: "+casedesk.ErrorMessage(err)
		return nil
	}
	if a.IsStaff() {
		line.OrgID = 0
		line.Outcome, line.Reason = store.InboundRefused, "the provider's staff answer in the console, not by mail"
		return nil
	}
	r, why, err := d.threadOf(ctx, tx, mb, msg, scope)
	if err != nil {
		return err
	}
	if why != "" {
		line.Outcome, line.Reason = store.InboundRefused, why
		return nil
	}
	if r != nil {
		return d.mailMessage(ctx, tx, a, scope, r, msg, files, line, now)
	}
	return d.mailRequest(ctx, tx, a, scope, org, msg, files, line, now)
}

// threadOf finds the request a mail replies to: by the reply token of the
// address it was sent to, then by the Message-IDs it answers (the mail that
// opened a request, or one casedesk sent about it), then by a [#number]
// subject tag. It returns why the mail is refused when what it names is
// not a request the sender may act on (a forged or stale token, another
// organization's request): nil and "" for a mail that names none.
func (d *Desk) threadOf(ctx context.Context, tx *store.Tx, mb *store.Mailbox, msg *mail.Message, scope store.Scope) (*casedesk.Request, string, error) {
	if tok := msg.Token(mb.Address); tok != "" {
		rm, ok, err := tx.RequestByReplyToken(ctx, store.AllOrgs, tok)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			return nil, "unknown reply address token (forged, mistyped or from another system)", nil
		}
		return d.mayAct(ctx, tx, scope, rm.RequestID, rm.OrgID, "the reply address")
	}
	domain := domainOf(mb.Address)
	ids := append(append([]string(nil), msg.InReplyTo...), msg.References...)
	for i := len(ids) - 1; i >= 0; i-- { // the nearest reference first
		id := ids[i]
		if req, ours := mail.OwnID(id, domain); ours {
			if req == 0 {
				del, ok := mail.OwnDelivery(id, domain)
				if !ok {
					continue
				}
				dl, err := tx.Delivery(ctx, store.AllOrgs, del)
				if casedesk.ErrorCode(err) == casedesk.ENOTFOUND || (err == nil && dl.RequestID == 0) {
					continue
				}
				if err != nil {
					return nil, "", err
				}
				return d.mayAct(ctx, tx, scope, dl.RequestID, dl.OrgID, "In-Reply-To/References")
			}
			r, err := tx.Request(ctx, store.AllOrgs, req)
			if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, "", err
			}
			return d.mayAct(ctx, tx, scope, r.ID, r.OrgID, "In-Reply-To/References")
		}
		rm, ok, err := tx.RequestByMessageID(ctx, store.AllOrgs, id)
		if err != nil {
			return nil, "", err
		}
		if ok {
			return d.mayAct(ctx, tx, scope, rm.RequestID, rm.OrgID, "In-Reply-To/References")
		}
	}
	if n := mail.SubjectNumber(msg.Subject); n != "" {
		id, ok := casedesk.ParseRequestNumber(n)
		if !ok {
			return nil, "", nil
		}
		r, err := tx.Request(ctx, scope, id)
		if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
			return nil, "the subject names request " + n + ", which the sender may not act on or which does not exist", nil
		}
		return r, "", err
	}
	return nil, "", nil
}

// mayAct returns the request a mail threads to when the sender's request
// scope holds it, and why the mail is refused otherwise.
func (d *Desk) mayAct(ctx context.Context, tx *store.Tx, scope store.Scope, id, org int64, by string) (*casedesk.Request, string, error) {
	if !scope.Has(org) {
		return nil, "the sender may not act on request " + casedesk.RequestNumber(id) + " (named by " + by + ")", nil
	}
	r, err := tx.Request(ctx, scope, id)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		return nil, "request " + casedesk.RequestNumber(id) + " not found", nil
	}
	return r, "", err
}

// mailMessage adds the mail's new text as a public message of the sender
// on r, with its attachments.
func (d *Desk) mailMessage(ctx context.Context, tx *store.Tx, a *casedesk.Actor, scope store.Scope, r *casedesk.Request, msg *mail.Message, files []keptFile, line *store.InboundMail, now time.Time) error {
	body := mailText(msg.Reply, 50000)
	if body == "" {
		body = "(no text)"
	}
	ids, err := d.attach(ctx, tx, a, scope, r, files, now)
	if err != nil {
		return err
	}
	m := &casedesk.Message{AuthorID: a.User.ID, AuthorName: a.User.Name, Body: body, Kind: casedesk.MessageText}
	if err := d.addMessage(ctx, tx, a, scope, r, m, ids, func() error { return nil }); err != nil {
		return err
	}
	line.Outcome, line.OrgID, line.RequestID = store.InboundMessage, r.OrgID, r.ID
	return nil
}

// mailRequest opens a request for the mail's sender: for a customer admin,
// their organization; for a partner, the one customer that delegated to
// them (with several, the mail cannot say which, and is answered).
func (d *Desk) mailRequest(ctx context.Context, tx *store.Tx, a *casedesk.Actor, scope store.Scope, org *casedesk.Organization, msg *mail.Message, files []keptFile, line *store.InboundMail, now time.Time) error {
	orgID := a.User.OrgID
	if a.OrgKind == casedesk.OrgPartner {
		if len(a.Delegated) != 1 {
			line.Outcome = store.InboundRefused
			line.Reason = fmt.Sprintf("a partner's new request by mail must concern exactly one customer; %d delegate to %s", len(a.Delegated), org.Name)
			return d.answer(ctx, tx, a.User, org, RefusedPartnerOrg, "/requests/new", "", line)
		}
		orgID = a.Delegated[0]
	}
	if err := d.underRequestLimit(ctx, tx.Queries, scope, orgID, now); err != nil {
		return err
	}
	title := strings.TrimSpace(msg.Subject)
	desc := mailText(msg.Text, 20000)
	if title == "" {
		title = firstLine(desc)
	}
	if desc == "" {
		desc = title
	}
	if title == "" {
		title, desc = "(no subject)", "(no text)"
	}
	r := &casedesk.Request{OrgID: orgID, RequesterID: a.User.ID, OpenedByID: a.User.ID, OnBehalfOfOrgID: onBehalfOf(a, orgID),
		Category: casedesk.CategoryTechnical, Title: clip(mailText(title, 200), 200), Description: desc, Status: casedesk.StatusNew,
		Language: a.User.Language, ContactMethod: "email", Channel: casedesk.ChannelEmail, CreatedAt: now, UpdatedAt: now}
	if !casedesk.IsLanguage(r.Language) {
		r.Language = ""
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := d.createRequest(ctx, tx, a, scope, r, NewRequest{}, func() error { return nil }); err != nil {
		return err
	}
	// Replies to the opening mail thread under it.
	if err := tx.CreateRequestMail(ctx, scopeOf(r), store.RequestMail{RequestID: r.ID, OrgID: r.OrgID,
		ReplyToken: newReplyToken(), MessageID: msg.MessageID}); err != nil {
		return err
	}
	// A new request's files stay on the request, like uploads made while
	// opening it.
	if _, err := d.attach(ctx, tx, a, scope, r, files, now); err != nil {
		return err
	}
	line.Outcome, line.OrgID, line.RequestID = store.InboundRequest, r.OrgID, r.ID
	return nil
}

// attach records the kept files on r as the sender's uploads and returns
// their ids.
func (d *Desk) attach(ctx context.Context, tx *store.Tx, a *casedesk.Actor, scope store.Scope, r *casedesk.Request, files []keptFile, now time.Time) ([]int64, error) {
	var ids []int64
	for _, f := range files {
		att := &casedesk.Attachment{RequestID: r.ID, UploaderID: a.User.ID, Name: f.name, ContentType: f.info.ContentType,
			Size: f.info.Size, SHA256: f.info.SHA256, CreatedAt: now}
		if err := tx.CreateAttachment(ctx, scope, att); err != nil {
			return nil, err
		}
		if err := tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventAttachment, New: f.name, At: now}); err != nil {
			return nil, err
		}
		ids = append(ids, att.ID)
	}
	return ids, nil
}

// mailFromStranger handles mail from an address no user has: a pre-sales
// request on a pre-sales mailbox, else an answer pointing to sign-in and
// the pre-sales form.
func (d *Desk) mailFromStranger(ctx context.Context, tx *store.Tx, mb *store.Mailbox, msg *mail.Message, files []keptFile, line *store.InboundMail, now time.Time) error {
	lang := guessLanguage(msg.Subject + " " + msg.Reply)
	if mb.Role != MailboxPresales {
		line.Outcome, line.Reason = store.InboundRefused, "unknown sender, to the support mailbox"
		stranger := &casedesk.User{Email: msg.From.Email, Name: msg.From.Name, Language: lang}
		return d.answer(ctx, tx, stranger, nil, RefusedUnknownSender, "/presales", "", line)
	}
	q := mailText(msg.Text, 5000)
	if q == "" {
		q = mailText(msg.Subject, 5000)
	}
	if q == "" {
		q = "(no text)"
	}
	title := clip(mailText(msg.Subject, 120), 120)
	if title == "" {
		title = firstLine(q)
	}
	r := &casedesk.Request{Category: casedesk.CategoryPresales, Title: title, Description: q, Status: casedesk.StatusNew,
		Language: lang, ContactMethod: "email", Channel: casedesk.ChannelEmail, ProspectName: clip(mailText(msg.From.Name, 200), 200),
		ProspectEmail: msg.From.Email, CreatedAt: now, UpdatedAt: now}
	if r.ProspectName == "" {
		r.ProspectName = msg.From.Email
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := d.createPresales(ctx, tx, r); err != nil {
		return err
	}
	if err := tx.CreateRequestMail(ctx, scopeOf(r), store.RequestMail{RequestID: r.ID, OrgID: r.OrgID,
		ReplyToken: newReplyToken(), MessageID: msg.MessageID}); err != nil {
		return err
	}
	for _, f := range files {
		att := &casedesk.Attachment{RequestID: r.ID, Name: f.name, ContentType: f.info.ContentType, Size: f.info.Size,
			SHA256: f.info.SHA256, CreatedAt: now}
		if err := tx.CreateAttachment(ctx, scopeOf(r), att); err != nil {
			return err
		}
	}
	line.Outcome, line.OrgID, line.RequestID = store.InboundRequest, r.OrgID, r.ID
	return nil
}

// answerNotAdmin answers a customer's user who is not an admin, in their
// language, naming their organization's admins, as the portal does.
func (d *Desk) answerNotAdmin(ctx context.Context, tx *store.Tx, u *casedesk.User, org *casedesk.Organization, line *store.InboundMail) error {
	admins, err := tx.Users(ctx, store.OrgScope(org.ID), store.UserFilter{Admins: true, Limit: 50})
	if err != nil {
		return err
	}
	var names []string
	for _, a := range admins {
		if a.Active {
			names = append(names, a.Name+" <"+a.Email+">")
		}
	}
	return d.answer(ctx, tx, u, org, RefusedNotAdmin, "/help", strings.Join(names, "\n"), line)
}

// answer queues the refusal mail to the sender of a refused mail: Note is
// the reason's code, Text the detail (the admins to ask), Link where to go.
func (d *Desk) answer(ctx context.Context, tx *store.Tx, to *casedesk.User, org *casedesk.Organization, reason, link, text string, line *store.InboundMail) error {
	if to.Email == "" {
		return nil
	}
	nt := &casedesk.Notice{Topic: casedesk.TopicMailRefused, To: to.Email, Name: to.Name, Language: to.Language,
		TimeZone: to.TimeZone, Link: link, Note: reason, Text: text}
	if nt.Language == "" {
		nt.Language = "en"
	}
	if nt.TimeZone == "" {
		nt.TimeZone = "UTC"
	}
	if line.MessageID != "" {
		nt.Thread = []string{line.MessageID}
	}
	var orgID int64
	if org != nil {
		nt.Organization, orgID = org.Name, org.ID
	}
	line.Answered = true
	if !d.mail {
		return nil // no outbound mail configured: the refusal stays in the log
	}
	return d.queueMail(ctx, tx, orgID, 0, 0, to.ID, nt)
}

// recordBounces records each permanent failure a delivery report names on
// the user with that address.
func (d *Desk) recordBounces(ctx context.Context, tx *store.Tx, msg *mail.Message, line *store.InboundMail, now time.Time) error {
	line.Outcome = store.InboundBounce
	var recorded []string
	for _, b := range msg.Bounces {
		if !b.Permanent() {
			continue
		}
		u, _, err := tx.UserByEmail(ctx, b.Recipient)
		if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		if err := tx.RecordBounce(ctx, store.OrgScope(u.OrgID), &store.MailBounce{UserID: u.ID, OrgID: u.OrgID,
			Address: b.Recipient, Status: clip(b.Status, 20), Diagnostic: clip(b.Diagnostic, 500), MessageID: b.MessageID,
			CreatedAt: now}); err != nil {
			return err
		}
		line.OrgID = u.OrgID
		recorded = append(recorded, b.Recipient+" "+b.Status)
	}
	if len(recorded) == 0 {
		line.Reason = "no permanent failure of a known user's address"
	} else {
		line.Reason = "bounced: " + strings.Join(recorded, ", ")
	}
	return nil
}

// MailBounces returns the latest bounce in the last 30 days of mail to
// each of the users the actor may see (agents: on a request's page).
func (d *Desk) MailBounces(ctx context.Context, a *casedesk.Actor, users []int64) (map[int64]*store.MailBounce, error) {
	if err := needStaff(a); err != nil {
		return nil, err
	}
	return d.db.LastBounces(ctx, store.AllOrgs, users, d.now().Add(-30*24*time.Hour))
}

func domainOf(addr string) string {
	_, dom, _ := strings.Cut(addr, "@")
	return strings.ToLower(dom)
}

// mailText makes mail text fit a text field: valid UTF-8 without control
// characters but line breaks and tabs, at most n characters.
func mailText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return clip(strings.TrimSpace(s), n)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// guessLanguage returns zh-CN for text with Chinese characters, else en:
// the languages the pages and mails are written in.
func guessLanguage(s string) string {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return "zh-CN"
		}
	}
	return "en"
}
