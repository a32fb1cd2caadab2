package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// mailWorld is a portalWorld whose desk sends mail, with a support and a
// pre-sales mailbox.
type mailWorld struct {
	*portalWorld
	t                 *testing.T
	db                *store.DB
	d                 *desk.Desk
	support, presales *store.Mailbox
	uid               uint32
}

func newMailWorld(t *testing.T, db *store.DB, pol func(*desk.Policy)) *mailWorld {
	t.Helper()
	pw := newPortalWorld(t, db)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := desk.DefaultPolicy()
	p.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	if pol != nil {
		pol(&p)
	}
	w := &mailWorld{portalWorld: pw, t: t, db: db,
		d: desk.New(db, blobs, desk.Options{Mail: true, Clock: pw.clock, Policy: &p, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})}
	ctx := context.Background()
	mk := func(name, role, addr string) *store.Mailbox {
		m := &store.Mailbox{Name: name, Host: "imap.test", Port: 993, TLS: "implicit", Username: addr, Password: "pw", Folder: "INBOX",
			Role: role, Address: addr, Active: true, CreatedAt: pw.clock.T, UpdatedAt: pw.clock.T}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateMailbox(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	w.support = mk("support", desk.MailboxSupport, "support@desk.test")
	w.presales = mk("presales", desk.MailboxPresales, "sales@desk.test")
	return w
}

// raw builds a mail; extra holds more header lines.
func raw(from, to, subject, id, body string, extra ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\n", from, to, subject)
	if id != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", id)
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n")
	return []byte(b.String())
}

// receive hands the mail to the desk as the next UID of mb.
func (w *mailWorld) receive(mb *store.Mailbox, mail []byte) *store.InboundMail {
	w.t.Helper()
	w.uid++
	line, claimed, err := w.d.ReceiveMail(context.Background(), mb, 7, w.uid, mail)
	if err != nil || !claimed {
		w.t.Fatalf("ReceiveMail: claimed %v, %v", claimed, err)
	}
	return line
}

func (w *mailWorld) want(line *store.InboundMail, outcome, reason string) {
	w.t.Helper()
	if line.Outcome != outcome || !strings.Contains(line.Reason, reason) {
		w.t.Fatalf("outcome %q (%s), want %q with reason containing %q", line.Outcome, line.Reason, outcome, reason)
	}
}

func (w *mailWorld) messages(r int64) []*casedesk.Message {
	w.t.Helper()
	ms, err := w.d.Messages(context.Background(), w.actors["agent"], casedesk.RequestNumber(r))
	if err != nil {
		w.t.Fatal(err)
	}
	return ms
}

// refusals returns the refusal mails queued to an address.
func (w *mailWorld) refusals(to string) []casedesk.Notice {
	w.t.Helper()
	ds, err := w.db.Deliveries(context.Background(), store.AllOrgs, store.DeliveryFilter{Limit: 500})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []casedesk.Notice
	for _, d := range ds {
		if d.Topic == casedesk.TopicMailRefused && d.Recipient == to {
			var n casedesk.Notice
			if err := json.Unmarshal(d.Payload, &n); err != nil {
				w.t.Fatal(err)
			}
			out = append(out, n)
		}
	}
	return out
}

const xadmin, xuser, yadmin, partner = "xadmin@test.example", "xuser@test.example", "yadmin@test.example", "partner@test.example"

func TestReceiveMailThreads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newMailWorld(t, db, nil)
		ctx := context.Background()
		// An admin's mail opens a request, in their language, with its attachment.
		open := []byte("From: X Admin <XAdmin@Test.Example>\r\nTo: support@desk.test\r\nSubject: Mail flow broken\r\n" +
			"Message-ID: <open1@mail.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nNobody receives mail since 9:00.\r\n" +
			"--b\r\nContent-Type: text/plain; name=log.txt\r\nContent-Disposition: attachment; filename=log.txt\r\n\r\n550 denied\r\n--b--\r\n")
		line := w.receive(w.support, open)
		w.want(line, store.InboundRequest, "")
		r, err := w.d.Request(ctx, w.actors["xadmin"], line.Number)
		if err != nil {
			t.Fatal(err)
		}
		if r.Channel != casedesk.ChannelEmail || r.Title != "Mail flow broken" || r.OrgID != w.x.ID ||
			r.RequesterID != w.actors["xadmin"].User.ID || r.Language != w.actors["xadmin"].User.Language {
			t.Fatalf("request = %+v", r)
		}
		atts, _ := w.d.Attachments(ctx, w.actors["xadmin"], r.Number)
		if len(atts) != 1 || atts[0].Name != "log.txt" || atts[0].Size != int64(len("550 denied")) {
			t.Fatalf("attachments = %+v", atts)
		}
		rm, ok, err := db.RequestMail(ctx, store.AllOrgs, r.ID)
		if err != nil || !ok || rm.MessageID != "open1@mail.test" || rm.ReplyToken == "" {
			t.Fatalf("request mail = %+v %v %v", rm, ok, err)
		}

		// Replies thread by In-Reply-To, by the reply token, by the subject tag;
		// the quoted history is cut.
		for i, m := range [][]byte{
			raw(xadmin, "support@desk.test", "Re: Mail flow broken", "re1@mail.test", "Restarted.\n\nOn Mon, 2 Nov 2026, Support wrote:\n> try a restart",
				"In-Reply-To: <open1@mail.test>"),
			raw(xadmin, "support+"+rm.ReplyToken+"@desk.test", "Re: whatever", "re2@mail.test", "Still broken.\n\n-- \nX Admin"),
			raw(xadmin, "support@desk.test", "Re: ["+"#"+r.Number+"] Mail flow broken", "re3@mail.test", "Logs attached."),
			raw(xadmin, "support@desk.test", "Re: our mail", "re4@mail.test", "By our thread root.", "References: <r"+fmt.Sprint(r.ID)+"@desk.test>"),
		} {
			line := w.receive(w.support, m)
			w.want(line, store.InboundMessage, "")
			if line.RequestID != r.ID {
				t.Fatalf("reply %d threaded to %d, want %d", i, line.RequestID, r.ID)
			}
		}
		ms := w.messages(r.ID)
		var bodies []string
		for _, m := range ms {
			bodies = append(bodies, m.Body)
		}
		if got := strings.Join(bodies, "|"); got != "Restarted.|Still broken.|Logs attached.|By our thread root." {
			t.Fatalf("messages = %q", got)
		}

		// A forged token, another organization's admin with X's token or
		// X's number: refused, and nothing reaches X's request.
		w.want(w.receive(w.support, raw(xadmin, "support+forgedtoken123@desk.test", "Re: x", "f1@mail.test", "hi")),
			store.InboundRefused, "unknown reply address token")
		w.want(w.receive(w.support, raw(yadmin, "support+"+rm.ReplyToken+"@desk.test", "Re: x", "f2@mail.test", "hi")),
			store.InboundRefused, "may not act on request "+r.Number)
		w.want(w.receive(w.support, raw(yadmin, "support@desk.test", "Re: x", "f3@mail.test", "hi", "In-Reply-To: <open1@mail.test>")),
			store.InboundRefused, "may not act on request "+r.Number)
		w.want(w.receive(w.support, raw(yadmin, "support@desk.test", "Re: [#"+r.Number+"]", "f4@mail.test", "hi")),
			store.InboundRefused, "names request "+r.Number)
		if n := len(w.messages(r.ID)); n != 4 {
			t.Fatalf("X's request has %d messages after the refused mails, want 4", n)
		}
		ys, _, _ := w.d.ListRequests(ctx, w.actors["yadmin"], desk.ListFilter{})
		if len(ys) != 0 {
			t.Fatalf("Y got %d requests", len(ys))
		}

		// The same Message-ID again (another mailbox, a new uidvalidity): a duplicate.
		w.want(w.receive(w.presales, open), store.InboundDuplicate, "")

		// A second instance fetching a UID already recorded does nothing.
		other := w.portalWorld.d
		if _, claimed, err := other.ReceiveMail(ctx, w.support, 7, 1, open); err != nil || claimed {
			t.Fatalf("second instance: claimed %v, %v", claimed, err)
		}
		v, last, _, _ := db.MailboxState(ctx, w.support.ID)
		if v != 7 || last != w.uid-1 { // the duplicate went to the pre-sales mailbox
			t.Fatalf("mailbox state %d/%d, want 7/%d", v, last, w.uid-1)
		}
	})
}

func TestReceiveMailSenders(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newMailWorld(t, db, nil)
		ctx := context.Background()
		// A plain user: no request; a polite answer naming X's admins.
		line := w.receive(w.support, raw(xuser, "support@desk.test", "Help", "u1@mail.test", "Please help"))
		w.want(line, store.InboundRefused, "not an admin")
		if !line.Answered {
			t.Fatal("the user was not answered")
		}
		ns := w.refusals(xuser)
		if len(ns) != 1 || ns[0].Note != desk.RefusedNotAdmin || !strings.Contains(ns[0].Text, "Name xadmin <xadmin@test.example>") ||
			ns[0].Organization != "X" || ns[0].Language != w.actors["xuser"].User.Language {
			t.Fatalf("refusal = %+v", ns)
		}
		// A stranger to support: an answer pointing to sign-in and the pre-sales form.
		w.want(w.receive(w.support, raw("who@else.test", "support@desk.test", "价格", "s1@mail.test", "多少钱？")), store.InboundRefused, "unknown sender")
		if ns := w.refusals("who@else.test"); len(ns) != 1 || ns[0].Note != desk.RefusedUnknownSender || ns[0].Link != "/presales" || ns[0].Language != "zh-CN" {
			t.Fatalf("stranger's refusal = %+v", ns)
		}
		// A stranger to the pre-sales mailbox: a pre-sales request.
		line = w.receive(w.presales, raw("Pat Prospect <pat@else.test>", "sales@desk.test", "Pricing for 500 seats", "s2@mail.test", "What would it cost?"))
		w.want(line, store.InboundRequest, "")
		r, err := w.d.Request(ctx, w.actors["agent"], line.Number)
		if err != nil || r.Category != casedesk.CategoryPresales || r.ProspectEmail != "pat@else.test" || r.ProspectName != "Pat Prospect" {
			t.Fatalf("pre-sales request = %+v, %v", r, err)
		}
		// A partner with a live grant opens for X on X's behalf; without, refused.
		line = w.receive(w.support, raw(partner, "support@desk.test", "For X", "p1@mail.test", "X's mail is down"))
		w.want(line, store.InboundRequest, "")
		r, _ = w.d.Request(ctx, w.actors["agent"], line.Number)
		if r.OrgID != w.x.ID || r.OnBehalfOfOrgID == nil || *r.OnBehalfOfOrgID != w.p.ID {
			t.Fatalf("partner's request = %+v", r)
		}
		grants, _ := w.d.Grants(ctx, w.actors["xadmin"], w.x.ID)
		if err := w.d.RevokeGrant(ctx, w.actors["xadmin"], w.x.ID, grants[0].ID); err != nil {
			t.Fatal(err)
		}
		rm, _, _ := db.RequestMail(ctx, store.AllOrgs, r.ID)
		w.want(w.receive(w.support, raw(partner, "support+"+rm.ReplyToken+"@desk.test", "Re: For X", "p2@mail.test", "more")),
			store.InboundRefused, "may not act on request")
		w.want(w.receive(w.support, raw(partner, "support@desk.test", "For X again", "p3@mail.test", "new")),
			store.InboundRefused, "exactly one customer")
		// Staff do not work by mail.
		w.want(w.receive(w.support, raw("agent@test.example", "support@desk.test", "x", "a1@mail.test", "x")), store.InboundRefused, "console")
	})
}

func TestReceiveMailLoopsAndBadInput(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newMailWorld(t, db, func(p *desk.Policy) { p.MailPerHour = 3; p.MailLimit = 1 << 20 })
		ctx := context.Background()
		for _, h := range []string{"Auto-Submitted: auto-replied", "Precedence: bulk", "Precedence: list", "X-Autoreply: yes",
			"X-Auto-Response-Suppress: All", "List-Id: <l.test>", "Return-Path: <>"} {
			w.want(w.receive(w.support, raw(xadmin, "support@desk.test", "Out of office", "", "away", h)), store.InboundLoop, "automatically")
		}
		w.want(w.receive(w.support, raw(xadmin, "support@desk.test", "x", "d5.abc@desk.test", "x")), store.InboundLoop, "our own")
		w.want(w.receive(w.support, raw("support@desk.test", "support@desk.test", "x", "z@mail.test", "x")), store.InboundLoop, "our own")
		if ns := w.refusals(xadmin); len(ns) != 0 {
			t.Fatalf("answered automatic mail: %+v", ns)
		}
		// The rate limit: three answers an hour to one stranger, then silence.
		for i := range 4 {
			line := w.receive(w.support, raw("loop@else.test", "support@desk.test", "x", fmt.Sprintf("rl%d@mail.test", i), "x"))
			if i < 3 {
				w.want(line, store.InboundRefused, "unknown sender")
			} else {
				w.want(line, store.InboundLoop, "rate limit")
			}
		}
		if n := len(w.refusals("loop@else.test")); n != 3 {
			t.Fatalf("%d answers to a looping stranger, want 3", n)
		}
		// A bounce is recorded on the user and shown to agents.
		dsn := "From: MAILER-DAEMON@desk.test\r\nTo: support@desk.test\r\nSubject: Undelivered\r\nMessage-ID: <b1@desk.test>\r\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n" +
			"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; xuser@test.example\r\n" +
			"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 no such user\r\n--B--\r\n"
		w.want(w.receive(w.support, []byte(dsn)), store.InboundBounce, "xuser@test.example 5.1.1")
		uid := w.actors["xuser"].User.ID
		bs, err := w.d.MailBounces(ctx, w.actors["agent"], []int64{uid})
		if err != nil || bs[uid] == nil || bs[uid].Status != "5.1.1" || !strings.Contains(bs[uid].Diagnostic, "no such user") {
			t.Fatalf("bounces = %+v, %v", bs, err)
		}
		if _, err := w.d.MailBounces(ctx, w.actors["xadmin"], []int64{uid}); code(err) != casedesk.EFORBIDDEN {
			t.Fatalf("a customer read bounces: %v", err)
		}
		// Malformed MIME is quarantined with its raw message kept for operators.
		bad := []byte("From: xadmin@test.example\r\nTo: support@desk.test\r\nSubject: broken\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nhi\r\n")
		line := w.receive(w.support, bad)
		w.want(line, store.InboundQuarantined, "without a boundary")
		if line.Sender != xadmin || line.Subject != "broken" {
			t.Fatalf("quarantined line = %+v", line)
		}
		ops := &casedesk.Actor{User: mustUser(t, db, "op@provider.test"), OrgKind: casedesk.OrgProvider}
		q, err := w.d.InboundMails(ctx, ops, store.InboundFilter{Outcome: store.InboundQuarantined})
		if err != nil || len(q) != 1 || q[0].ID != line.ID {
			t.Fatalf("quarantine list = %+v, %v", q, err)
		}
		_, f, err := w.d.InboundRaw(ctx, ops, line.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != string(bad) {
			t.Fatalf("raw = %q", got)
		}
		if _, err := w.d.InboundMails(ctx, w.actors["agent"], store.InboundFilter{}); code(err) != casedesk.EFORBIDDEN {
			t.Fatalf("an agent read the inbound log: %v", err)
		}
		// A mail over the size limit is refused unread; one to 1,000 recipients is refused.
		big := raw(xadmin, "support@desk.test", "huge", "big@mail.test", strings.Repeat("x", 2<<20))
		w.want(w.receive(w.support, big), store.InboundRefused, "larger than the limit")
		var to []string
		for i := range 1000 {
			to = append(to, fmt.Sprintf("r%d@else.test", i))
		}
		w.want(w.receive(w.support, raw(xadmin, strings.Join(to, ", "), "spam", "many@mail.test", "x")), store.InboundRefused, "1000 recipients")
		// Nothing of all this opened a request.
		xs, _, _ := w.d.ListRequests(ctx, w.actors["xadmin"], desk.ListFilter{})
		if len(xs) != 0 {
			t.Fatalf("X has %d requests", len(xs))
		}
		// A verb's refusal (a closed request) is recorded, once.
		r := w.open(t, "xadmin", w.x.ID)
		closed := casedesk.StatusClosed
		if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		w.want(w.receive(w.support, raw(xadmin, "support@desk.test", "Re: [#"+r.Number+"]", "late@mail.test", "again")), store.InboundRefused, "closed")
	})
}

func mustUser(tb testing.TB, db *store.DB, email string) *casedesk.User {
	tb.Helper()
	u, _, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
