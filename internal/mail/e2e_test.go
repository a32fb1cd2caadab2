package mail_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/mail"
	"github.com/casedesk/casedesk/internal/mailtest"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/worker"
)

const publicURL = "https://desk.example.com"

// outboxFixture is casedesk with mail on, as `casedesk serve --smtp-url`
// runs it: a desk that queues mails, and the real worker.Outbox sending
// them through the SMTP sender to the test postfix.
type outboxFixture struct {
	t      testing.TB
	db     *store.DB
	d      *desk.Desk
	smtp   *mail.SMTP
	op     *casedesk.Actor
	org    *casedesk.Organization
	staff  *casedesk.Organization
	outbox *worker.Outbox
	stop   context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	failed []string // deliveries that did not go out, with why
	// handoff, when set, is told of each mail the SMTP server accepted, as
	// soon as it did (benchmarks).
	handoff func(d *casedesk.Delivery, at time.Time)
}

// handoffSender is the SMTP sender, telling the fixture when the server
// took each mail.
type handoffSender struct{ f *outboxFixture }

func (h handoffSender) Send(ctx context.Context, d *casedesk.Delivery) error {
	err := h.f.smtp.Send(ctx, d)
	if err == nil && h.f.handoff != nil {
		h.f.handoff(d, time.Now())
	}
	return err
}

// start runs the outbox worker until the test ends.
func (f *outboxFixture) start() {
	run, stop := context.WithCancel(context.Background())
	f.stop = stop
	f.wg.Go(func() { f.outbox.Run(run) })
}

// newOutboxFixture builds the fixture; start says whether the outbox worker
// runs from the start.
func newOutboxFixture(t testing.TB, db *store.DB, concurrency int, start bool) *outboxFixture {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	pol.RequestLimit = 0
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &outboxFixture{t: t, db: db, d: desk.New(db, blobs, desk.Options{Mail: true, Policy: &pol, Logger: log})}
	c, err := mail.NewComposer(mail.Options{From: "support@desk.test", FromName: "Contoso Support", PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	if f.smtp, err = mail.NewSMTP(c, mail.SMTPOptions{URL: "smtp://" + mailtest.SMTPAddr(t) + "?insecure=1", Idle: concurrency}); err != nil {
		t.Fatal(err)
	}
	op, err := f.d.Bootstrap(ctx, "Contoso", mailtest.NewAddress(t, "operator", "desk.test"), "Olga Operator", "operator-password")
	if err != nil {
		t.Fatal(err)
	}
	f.op = &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	f.staff, _ = db.ProviderOrganization(ctx)
	f.org = &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "Northwind", Country: "CN"}
	if err := f.d.CreateOrganization(ctx, f.op, f.org); err != nil {
		t.Fatal(err)
	}
	if err := f.d.AddSubscription(ctx, f.op, f.org.ID, &casedesk.Subscription{PlanCode: "e3", Seats: 10}); err != nil {
		t.Fatal(err)
	}
	f.outbox = &worker.Outbox{Deliveries: f.d, Senders: map[casedesk.Route]worker.Sender{casedesk.RouteMail: handoffSender{f}},
		Clock: casedesk.SystemClock{}, Log: log, Concurrency: concurrency, Done: func(d *casedesk.Delivery, err error) {
			if err != nil {
				f.mu.Lock()
				f.failed = append(f.failed, d.Recipient+": "+err.Error())
				f.mu.Unlock()
			}
		}}
	t.Cleanup(func() {
		if f.stop != nil {
			f.stop()
			f.wg.Wait()
		}
		f.smtp.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.failed) > 0 {
			t.Errorf("deliveries failed: %v", f.failed)
		}
	})
	if start {
		f.start()
	}
	return f
}

// user adds a user of org with a fresh test mailbox.
func (f *outboxFixture) user(org *casedesk.Organization, role casedesk.Role, local, lang, tz string) *casedesk.Actor {
	f.t.Helper()
	domain := "customer.test"
	if org.Kind == casedesk.OrgProvider {
		domain = "desk.test"
	}
	u, _, err := f.d.CreateUser(context.Background(), f.op, org.ID, desk.NewUser{Email: mailtest.NewAddress(f.t, local, domain),
		Name: local, Role: role, Password: "a-password-1", Language: lang, TimeZone: tz})
	if err != nil {
		f.t.Fatal(err)
	}
	return &casedesk.Actor{User: u, OrgKind: org.Kind}
}

// TestMailEndToEnd: a customer admin opens a request and their mailbox gets
// the "received" mail with the number and the commitment; an agent replies
// and the reply arrives threaded on the request's root, with a Reply-To
// that carries the request's token, links absolute on the public URL, in
// Chinese for the Chinese admin. Through the real outbox, SMTP sender,
// postfix and dovecot, on both engines.
func TestMailEndToEnd(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newOutboxFixture(t, db, 4, true)
		admin := f.user(f.org, casedesk.RoleGlobalAdmin, "Ada", "en", "Europe/Berlin")
		wei := f.user(f.org, casedesk.RoleSupportAdmin, "Wei", "zh-CN", "Asia/Shanghai")
		agent := f.user(f.staff, casedesk.RoleAgent, "Sam", "en", "UTC")
		adminBox, weiBox := mailtest.Open(t, admin.User.Email), mailtest.Open(t, wei.User.Email)

		r, _, err := f.d.OpenRequest(ctx, admin, desk.NewRequest{Category: casedesk.CategoryTechnical, Title: "Mail flow stopped",
			Description: "No mail since 9:00."}, "")
		if err != nil {
			t.Fatal(err)
		}
		root := "r" + itoa(r.ID) + "@desk.test"
		received := adminBox.Wait(ctx, 1)[0]
		p := mustParse(t, received.Raw)
		if want := "[#" + r.Number + "] Received: Mail flow stopped"; received.Subject != want {
			t.Errorf("Subject %q, want %q", received.Subject, want)
		}
		for _, want := range []string{"We have received your request #" + r.Number, "We will answer by", "(Europe/Berlin)",
			publicURL + "/requests/" + r.Number} {
			if !strings.Contains(p.text, want) {
				t.Errorf("received mail lacks %q:\n%s", want, p.text)
			}
		}
		rm, ok, err := db.RequestMail(ctx, store.OrgScope(f.org.ID), r.ID)
		if err != nil || !ok {
			t.Fatalf("request mail: %v %v", ok, err)
		}

		if _, err := f.d.AddMessage(ctx, agent, r.Number, desk.NewMessage{Body: "Restart the **transport** service, please."}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			box      *mailtest.Mailbox
			subject  string
			intro    string
			received string
		}{
			{adminBox, "[#" + r.Number + "] Reply: Mail flow stopped", "Sam replied to your request #" + r.Number, ""},
			{weiBox, "[#" + r.Number + "] 回复：Mail flow stopped", "Sam 回复了您的请求 #" + r.Number, "[#" + r.Number + "] 已收到：Mail flow stopped"},
		} {
			msgs := c.box.Wait(ctx, 2)
			var reply *mailtest.Message
			for i := range msgs {
				switch msgs[i].Subject {
				case c.subject:
					reply = &msgs[i]
				case c.received:
				default:
					if c.received != "" || !strings.Contains(msgs[i].Subject, "Received") {
						t.Errorf("%s: unexpected mail %q", c.box.Address(), msgs[i].Subject)
					}
				}
			}
			if reply == nil {
				t.Fatalf("%s: no mail with subject %q among %d", c.box.Address(), c.subject, len(msgs))
			}
			p := mustParse(t, reply.Raw)
			refs, _ := p.header.MsgIDList("References")
			if !contains(refs, root) {
				t.Errorf("References %v lack the request's root %s", refs, root)
			}
			rt, _ := p.header.AddressList("Reply-To")
			if len(rt) != 1 || rt[0].Address != "support+"+rm.ReplyToken+"@desk.test" {
				t.Errorf("Reply-To %v, want support+%s@desk.test", rt, rm.ReplyToken)
			}
			for _, want := range []string{c.intro, "Restart the **transport** service, please.", publicURL + "/requests/" + r.Number} {
				if !strings.Contains(p.text, want) {
					t.Errorf("%s: reply lacks %q:\n%s", c.box.Address(), want, p.text)
				}
			}
			if !strings.Contains(p.html, "<strong>transport</strong>") {
				t.Errorf("%s: the HTML part does not render the Markdown:\n%s", c.box.Address(), p.html)
			}
			assertLinks(t, p)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
