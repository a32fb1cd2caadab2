package mailbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/mailbox"
	"github.com/casedesk/casedesk/internal/mailtest"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// env is a desk on a fresh database with one customer admin and a support
// mailbox on the test dovecot.
type env struct {
	db    *store.DB
	blobs string
	d     *desk.Desk
	admin string
	mb    *store.Mailbox
	box   *mailtest.Mailbox
}

func newDesk(db *store.DB, blobDir string) *desk.Desk {
	blobs, _ := blob.Open(blobDir)
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	return desk.New(db, blobs, desk.Options{Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	host, port, _ := net.SplitHostPort(mailtest.IMAPAddr(t))
	e := &env{db: db, blobs: t.TempDir()}
	e.d = newDesk(db, e.blobs)
	op, err := e.d.Bootstrap(ctx, "Provider", "op@provider.test", "Op", "operator-password")
	if err != nil {
		t.Fatal(err)
	}
	opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	org := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: "Contoso", Country: "DE"}
	if err := e.d.CreateOrganization(ctx, opA, org); err != nil {
		t.Fatal(err)
	}
	e.admin = mailtest.NewAddress(t, "admin", "customer.test")
	if _, _, err := e.d.CreateUser(ctx, opA, org.ID, desk.NewUser{Email: e.admin, Name: "Ann", Role: casedesk.RoleGlobalAdmin, Password: "admin-password"}); err != nil {
		t.Fatal(err)
	}
	addr := mailtest.NewAddress(t, "support", "desk.test")
	e.box = mailtest.Open(t, addr) // creates the mailbox on first use
	p, _ := strconv.Atoi(port)
	v, err := e.d.CreateMailbox(ctx, opA, desk.MailboxInput{Name: ptr("support"), Host: &host, Port: &p, TLS: ptr("none"),
		Username: &addr, Password: ptr(mailtest.Password), Address: &addr})
	if err != nil {
		t.Fatal(err)
	}
	if e.mb, err = db.Mailbox(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) mail(n int) []byte {
	return fmt.Appendf(nil, "From: Ann <%s>\r\nTo: %s\r\nSubject: Outage %d\r\nMessage-ID: <m%d.%s>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nNothing works (%d).\r\n", e.admin, e.mb.Address, n, n, e.admin, n)
}

// running is a watcher run whose readiness and results a test reads.
type running struct {
	idle    chan int64
	handled chan *store.InboundMail // claimed lines only
	stop    func()
}

func run(t testing.TB, d *desk.Desk) *running {
	t.Helper()
	r := &running{idle: make(chan int64, 100), handled: make(chan *store.InboundMail, 100)}
	w := &mailbox.Watcher{Desk: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SeenFlag: true,
		Idle: func(id int64) { r.idle <- id },
		Handled: func(l *store.InboundMail, claimed bool) {
			if claimed {
				r.handled <- l
			}
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	r.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() {
		select {
		case <-ctx.Done():
		default:
			r.stop()
		}
	})
	return r
}

// within fails the test when a readiness signal does not come: lost mail
// fails with a message instead of hanging.
func within[T any](t testing.TB, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s within 30 s", what)
		panic("unreachable")
	}
}

func TestWatcherDeliversOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.box.Append(e.mail(1))
		r := run(t, e.d)
		line := within(t, r.handled, "request from the first mail")
		if line.Outcome != store.InboundRequest || line.Sender != e.admin {
			t.Fatalf("line = %+v", line)
		}
		within(t, r.idle, "idle after catching up")
		// Mail arriving while it idles, through postfix.
		mailtest.Send(t, e.admin, []string{e.mb.Address}, e.mail(2))
		line = within(t, r.handled, "request from mail sent while idle")
		if line.Subject != "Outage 2" || line.Outcome != store.InboundRequest {
			t.Fatalf("line = %+v", line)
		}
		within(t, r.idle, "idle again")
		r.stop()
		// A restarted watcher processes nothing twice.
		r2 := run(t, e.d)
		within(t, r2.idle, "the restarted watcher's idle")
		select {
		case l := <-r2.handled:
			t.Fatalf("the restart processed %+v again", l)
		default:
		}
		lines, err := db.InboundMails(ctx, store.AllOrgs, store.InboundFilter{})
		if err != nil || len(lines) != 2 {
			t.Fatalf("log has %d lines, want 2 (%v)", len(lines), err)
		}
	})
}

func TestTwoWatchersOnePostgres(t *testing.T) {
	db := storetest.Open(t, store.Postgres)
	e := newEnv(t, db)
	ctx := context.Background()
	const n = 6
	for i := range n {
		e.box.Append(e.mail(i))
	}
	other := newDesk(db, e.blobs)
	a, b := run(t, e.d), run(t, other)
	var mu sync.Mutex
	seen := map[uint32]int{}
	for range n {
		var l *store.InboundMail
		select {
		case l = <-a.handled:
		case l = <-b.handled:
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d of %d messages recorded", len(seen), n)
		}
		mu.Lock()
		seen[l.UID]++
		mu.Unlock()
	}
	within(t, a.idle, "first watcher idle")
	within(t, b.idle, "second watcher idle")
	a.stop()
	b.stop()
	for uid, c := range seen {
		if c != 1 {
			t.Errorf("uid %d recorded %d times", uid, c)
		}
	}
	lines, err := db.InboundMails(ctx, store.AllOrgs, store.InboundFilter{Outcome: store.InboundRequest})
	if err != nil || len(lines) != n {
		t.Fatalf("%d requests from %d mails (%v)", len(lines), n, err)
	}
}

// BenchmarkInboundLatency measures a mail's way from its delivery to the
// mailbox (IMAP APPEND done) to its request committed, one at a time; it
// reports the p99 (issue 13: within 2 s).
func BenchmarkInboundLatency(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	e := newEnv(b, db)
	r := run(b, e.d)
	within(b, r.idle, "idle")
	lat := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		e.box.Append(e.mail(i))
		within(b, r.handled, "request")
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}
