package mail_test

import (
	"context"
	"encoding/json"

	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/mail"
	"github.com/casedesk/casedesk/internal/mailtest"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func delivery(t testing.TB, id int64, to string) *casedesk.Delivery {
	t.Helper()
	n := &casedesk.Notice{Topic: casedesk.TopicReceived, To: to, Language: "en", Request: request(), Link: "/requests/1000042"}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return &casedesk.Delivery{ID: id, Route: casedesk.RouteMail, Topic: n.Topic, Recipient: to, Payload: b, CreatedAt: created}
}

func newSMTP(t testing.TB, url string) *mail.SMTP {
	t.Helper()
	c, err := mail.NewComposer(mail.Options{From: "support@desk.test", FromName: "Support", PublicURL: "https://desk.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSMTP(c, mail.SMTPOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestSMTPToPostfix sends through the real postfix on each of its ports
// and reads the mail back from dovecot.
func TestSMTPToPostfix(t *testing.T) {
	addr, saddr := mailtest.SMTPAddr(t), mailtest.SMTPSAddr(t)
	for name, url := range map[string]string{
		"STARTTLS when offered": "smtp://" + addr + "?insecure=1",
		"STARTTLS required":     "smtp://" + addr + "?tls=required&insecure=1",
		"implicit TLS":          "smtps://" + saddr + "?insecure=1",
	} {
		t.Run(name, func(t *testing.T) {
			s := newSMTP(t, url)
			to := mailtest.NewAddress(t, "admin", "customer.test")
			box := mailtest.Open(t, to)
			ds := []*casedesk.Delivery{delivery(t, 1, to), delivery(t, 2, to), delivery(t, 3, to)}
			for _, d := range ds {
				if err := s.Send(t.Context(), d); err != nil {
					t.Fatal(err)
				}
			}
			msgs := box.Wait(t.Context(), 3)
			want := map[string]bool{}
			for _, d := range ds {
				want[mail.MessageID(d, "desk.test")] = true
			}
			for i, m := range msgs {
				if !want[m.MessageID] {
					t.Errorf("message %d: Message-ID %q, want one of %v", i, m.MessageID, want)
				}
				delete(want, m.MessageID)
				// Postfix writes ESMTPS into its Received line for a
				// session under TLS.
				if rcv := strings.Join(m.Header["Received"], "\n"); !strings.Contains(rcv, "ESMTPS") {
					t.Errorf("message %d was not sent under TLS:\n%s", i, rcv)
				}
			}
			// One session carried the three mails (STARTTLS adds the
			// first look at what the server offers).
			if want := map[bool]int64{true: 1, false: 2}[strings.HasPrefix(url, "smtps")]; s.Dials() != want {
				t.Errorf("%d connections for 3 mails, want %d", s.Dials(), want)
			}
		})
	}
}

func TestSMTPPostfixRefusals(t *testing.T) {
	addr := mailtest.SMTPAddr(t)
	t.Run("unknown domain is final", func(t *testing.T) {
		s := newSMTP(t, "smtp://"+addr+"?insecure=1")
		err := s.Send(t.Context(), delivery(t, 1, "someone@elsewhere.example"))
		if !casedesk.IsRefused(err) {
			t.Fatalf("err %v, want a refusal", err)
		}
	})
	t.Run("unverified certificate is retried", func(t *testing.T) {
		s := newSMTP(t, "smtp://"+addr)
		err := s.Send(t.Context(), delivery(t, 1, mailtest.NewAddress(t, "x", "customer.test")))
		if err == nil || casedesk.IsRefused(err) || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("err %v, want a certificate error to retry", err)
		}
	})
}

// fakeServer is an in-process SMTP server for what postfix will not do:
// drop sessions, answer 4xx, ask for credentials.
type fakeServer struct {
	addr     string
	srv      *smtp.Server
	sessions atomic.Int64
	mu       sync.Mutex
	got      []string // recipients of accepted mails
	rcptErr  error
	auth     string // "user:pass" the server wants; "" for none
}

func startFake(t *testing.T, addr string) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		f.sessions.Add(1)
		return &fakeSession{f: f}, nil
	}))
	f.srv.Domain = "fake.test"
	f.srv.AllowInsecureAuth = true
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	go f.srv.Serve(ln)
	t.Cleanup(func() { f.srv.Close() })
	return f
}

type fakeSession struct {
	f      *fakeServer
	authed bool
}

func (s *fakeSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *fakeSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user+":"+pass != s.f.auth {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *fakeSession) Mail(string, *smtp.MailOptions) error {
	if s.f.auth != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (s *fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if s.f.rcptErr != nil {
		return s.f.rcptErr
	}
	s.f.got = append(s.f.got, to)
	return nil
}

func (s *fakeSession) Data(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }
func (s *fakeSession) Reset()                 {}
func (s *fakeSession) Logout() error          { return nil }

func TestSMTPRedialsAfterTheServerDropped(t *testing.T) {
	f := startFake(t, "")
	s := newSMTP(t, "smtp://"+f.addr)
	if err := s.Send(t.Context(), delivery(t, 1, "a@customer.test")); err != nil {
		t.Fatal(err)
	}
	// The server restarts: the kept connection is dead.
	f.srv.Close()
	f2 := startFake(t, f.addr)
	if err := s.Send(t.Context(), delivery(t, 2, "b@customer.test")); err != nil {
		t.Fatalf("after the server restarted: %v", err)
	}
	if s.Dials() != 2 || len(f2.got) != 1 {
		t.Errorf("%d dials, new server got %v", s.Dials(), f2.got)
	}
}

func TestSMTPReplies(t *testing.T) {
	f := startFake(t, "")
	s := newSMTP(t, "smtp://"+f.addr)
	f.rcptErr = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	if err := s.Send(t.Context(), delivery(t, 1, "a@customer.test")); err == nil || casedesk.IsRefused(err) {
		t.Errorf("4xx: err %v, want one to retry", err)
	}
	f.rcptErr = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	if err := s.Send(t.Context(), delivery(t, 1, "a@customer.test")); !casedesk.IsRefused(err) || !strings.Contains(err.Error(), "550") {
		t.Errorf("5xx: err %v, want a refusal naming the reply", err)
	}
	var bad casedesk.Delivery = *delivery(t, 3, "a@customer.test")
	bad.Payload = []byte("{")
	if err := s.Send(t.Context(), &bad); !casedesk.IsRefused(err) {
		t.Errorf("broken payload: err %v, want a refusal", err)
	}
}

func TestSMTPAuth(t *testing.T) {
	f := startFake(t, "")
	f.auth = "casedesk:s3cret-pass"
	if err := newSMTP(t, "smtp://casedesk:s3cret-pass@"+f.addr).Send(t.Context(), delivery(t, 1, "a@customer.test")); err != nil {
		t.Fatalf("with credentials: %v", err)
	}
	err := newSMTP(t, "smtp://casedesk:wrong-pass@"+f.addr).Send(t.Context(), delivery(t, 1, "a@customer.test"))
	if err == nil || casedesk.IsRefused(err) || strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("wrong credentials: err %v, want one to retry that does not show the password", err)
	}
	// Off loopback, credentials are not sent without TLS.
	ip := outsideIP(t)
	g := startFake(t, net.JoinHostPort(ip, "0"))
	g.auth = f.auth
	c, _ := mail.NewComposer(mail.Options{From: "support@desk.test", PublicURL: "https://desk.example.com"})
	s, err := mail.NewSMTP(c, mail.SMTPOptions{URL: "smtp://casedesk:s3cret-pass@" + g.addr})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Send(t.Context(), delivery(t, 1, "a@customer.test")); err == nil || !strings.Contains(err.Error(), "in the clear") ||
		strings.Contains(err.Error(), "s3cret") {
		t.Errorf("credentials without TLS off loopback: err %v", err)
	}
}

func TestSMTPConcurrentSends(t *testing.T) {
	f := startFake(t, "")
	s := newSMTP(t, "smtp://"+f.addr)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				errs <- s.Send(context.Background(), delivery(t, int64(w*100+i), "a@customer.test"))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(f.got) != 200 || s.Dials() > 8 {
		t.Errorf("%d mails on %d connections, want 200 on at most 8", len(f.got), s.Dials())
	}
}

func TestParseSMTPURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want mail.SMTPServer
		err  string
	}{
		{url: "smtp://relay.local", want: mail.SMTPServer{Addr: "relay.local:25", Host: "relay.local"}},
		{url: "smtp://u:p%40ss@mx.example.com:587?tls=required", want: mail.SMTPServer{Addr: "mx.example.com:587", Host: "mx.example.com", Required: true, User: "u", Password: "p@ss"}},
		{url: "smtps://mx.example.com?insecure=1", want: mail.SMTPServer{Addr: "mx.example.com:465", Host: "mx.example.com", Implicit: true, Insecure: true}},
		{url: "http://mx.example.com", err: "smtp:// or smtps://"},
		{url: "smtp://:25", err: "must name a host"},
		{url: "smtp://mx.example.com:99999", err: "port"},
		{url: "smtp://u:secret@mx.example.com?tls=maybe", err: "tls=required"},
		{url: "smtps://mx.example.com?tls=required", err: "smtps:// always"},
		{url: "smtp://u:secret@mx.example.com?foo=1", err: "unknown parameter"},
		{url: "smtp://u:secret@mx example.com", err: "malformed"},
	} {
		got, err := mail.ParseSMTPURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "secret") {
				t.Errorf("%s: err %v, want one saying %q without the password", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
}

// outsideIP returns an address of this machine that is not loopback.
func outsideIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("no address off loopback on this machine")
	return ""
}
