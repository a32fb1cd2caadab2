package desk_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// mailDesk returns another desk on w's database with mail on.
func (w *world) mailDesk() *desk.Desk {
	blobs, _ := blob.Open(w.blobsDir)
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	return desk.New(w.db, blobs, desk.Options{Mail: true, Clock: w.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// accountMails returns the pending mails of a topic, with their notices.
func (w *world) accountMails(topic casedesk.Topic) ([]*casedesk.Delivery, []*casedesk.Notice) {
	w.t.Helper()
	ds, _, err := w.d.Deliveries(context.Background(), w.op, store.DeliveryFilter{Route: casedesk.RouteMail, Limit: 200}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	var out []*casedesk.Delivery
	var ns []*casedesk.Notice
	for _, d := range ds {
		if d.Topic != topic {
			continue
		}
		var n casedesk.Notice
		if err := json.Unmarshal(d.Payload, &n); err != nil {
			w.t.Fatal(err)
		}
		out, ns = append(out, d), append(ns, &n)
	}
	return out, ns
}

// tokenOf returns the secret of a /reset?token=… link.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path != "/reset" || u.Query().Get("token") == "" {
		t.Fatalf("link %q is no set-password link", link)
	}
	return u.Query().Get("token")
}

// TestAccountMails: with mail on, a password-reset link, an invitation and
// the answer to a prospect go to the outbox in the transaction that makes
// them; the links work; with mail off none is queued and an invitation
// shows a one-time password as before.
func TestAccountMails(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		md := w.mailDesk()

		// Mail off: the one-time password, nothing queued.
		off, temp, err := w.d.CreateUser(ctx, w.admins["business"], w.orgs["business"].ID,
			desk.NewUser{Email: "off@business.test", Name: "Off", Role: casedesk.RoleSupportAdmin})
		if err != nil || temp == "" || !off.MustChangePass {
			t.Fatalf("mail off: %v, one-time password %q", err, temp)
		}
		if secret, _, err := w.d.RequestPasswordReset(ctx, "off@business.test", "192.0.2.1"); err != nil || secret == "" {
			t.Fatalf("reset with mail off: %q, %v", secret, err)
		}
		if ds, _ := w.accountMails(casedesk.TopicPasswordReset); len(ds) != 0 {
			t.Fatalf("mail off queued %d reset mails", len(ds))
		}

		// Mail on: an invitation instead of a one-time password.
		u, temp, err := md.CreateUser(ctx, w.admins["business"], w.orgs["business"].ID,
			desk.NewUser{Email: "new@business.test", Name: "Nina New", Role: casedesk.RoleSupportAdmin, Language: "zh-CN", TimeZone: "Asia/Shanghai"})
		if err != nil || temp != "" || u.MustChangePass {
			t.Fatalf("mail on: %v, one-time password %q, must change %v", err, temp, u.MustChangePass)
		}
		ds, ns := w.accountMails(casedesk.TopicInvitation)
		if len(ds) != 1 || ds[0].Recipient != "new@business.test" || ns[0].Language != "zh-CN" || ns[0].TimeZone != "Asia/Shanghai" ||
			!ns[0].Secret || ns[0].Organization != "business" || ns[0].Actor != "Admin" {
			t.Fatalf("invitation mails %+v %+v", ds, ns)
		}
		if err := md.ResetPasswordWithLink(ctx, tokenOf(t, ns[0].Link), "a-new-password-1"); err != nil {
			t.Fatalf("the invitation's link: %v", err)
		}
		if _, _, err := md.Login(ctx, "new@business.test", "a-new-password-1", "192.0.2.1"); err != nil {
			t.Fatalf("sign in with the password the invitation set: %v", err)
		}
		// An address taken in another organization: answered alike, no mail.
		if _, temp, err := md.CreateUser(ctx, w.admins["business"], w.orgs["business"].ID,
			desk.NewUser{Email: "admin@elevated.test", Name: "X", Role: casedesk.RoleSupportAdmin}); err != nil || temp != "" {
			t.Fatalf("taken elsewhere: %q, %v", temp, err)
		}
		if ds, _ := w.accountMails(casedesk.TopicInvitation); len(ds) != 1 {
			t.Fatalf("an address of another organization got an invitation: %d mails", len(ds))
		}

		// A reset link by mail.
		secret, _, err := md.RequestPasswordReset(ctx, "admin@business.test", "192.0.2.1")
		if err != nil || secret == "" {
			t.Fatal(secret, err)
		}
		ds, ns = w.accountMails(casedesk.TopicPasswordReset)
		if len(ds) != 1 || ds[0].Recipient != "admin@business.test" || tokenOf(t, ns[0].Link) != secret || !ns[0].Secret {
			t.Fatalf("reset mails %+v %+v", ds, ns)
		}
		// Once sent, the stored payload forgets the link.
		claimed, err := md.ClaimDeliveries(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range claimed {
			if c.ID == ds[0].ID {
				if err := md.DeliveryDone(ctx, c, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		all, _, _ := w.d.Deliveries(ctx, w.op, store.DeliveryFilter{Limit: 200}, "")
		for _, d := range all {
			if d.ID == ds[0].ID && (d.Status != casedesk.DeliverySent || strings.Contains(string(d.Payload), secret)) {
				t.Fatalf("sent reset mail: status %s, payload %s", d.Status, d.Payload)
			}
		}

		// A prospect's question, answered in public by an agent: the
		// answer is mailed to the prospect; an internal note is not.
		r, err := md.SubmitPresales(ctx, &casedesk.Actor{ClientIP: "192.0.2.9"}, desk.Prospect{Name: "Pat Prospect",
			Email: "pat@prospect.test", Question: "Do you support SSO?", Language: "zh-CN"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := md.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "internal: ask sales", Internal: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := md.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "Yes, **SAML** and OIDC."}); err != nil {
			t.Fatal(err)
		}
		ds, ns = w.accountMails(casedesk.TopicPresales)
		if len(ds) != 1 || ds[0].Recipient != "pat@prospect.test" || ns[0].Text != "Yes, **SAML** and OIDC." ||
			ns[0].Language != "zh-CN" || ns[0].Link != "" || ns[0].Request == nil || ns[0].Request.Number != r.Number {
			t.Fatalf("presales mails %+v %+v", ds, ns)
		}

		// The demo's operator mails existing accounts their invitations.
		if err := md.MailInvitations(ctx, w.admins["business"], []string{u.Email}); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("a customer mailed invitations: %v", err)
		}
		if err := w.d.MailInvitations(ctx, w.op, []string{u.Email}); casedesk.ErrorCode(err) != casedesk.EINVALID {
			t.Fatalf("invitations with mail off: %v", err)
		}
		if err := md.MailInvitations(ctx, w.op, []string{u.Email, w.ag.User.Email}); err != nil {
			t.Fatal(err)
		}
		if ds, _ := w.accountMails(casedesk.TopicInvitation); len(ds) != 3 {
			t.Fatalf("%d invitations after mailing two more", len(ds))
		}
	})
}
