package mail

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configure an SMTP sender.
type SMTPOptions struct {
	// URL names the server: smtp://[user:pass@]host[:port] uses STARTTLS
	// when the server offers it (?tls=required refuses to go on without
	// it); smtps://… speaks TLS from the start. Without credentials plain
	// smtp:// suits a local relay. ?insecure=1 skips the certificate's
	// verification, for test servers with self-signed certificates only.
	URL string
	// InsecureSkipVerify does what ?insecure=1 does.
	InsecureSkipVerify bool
	// Idle bounds the connections kept open between sends (default 8, the
	// outbox's default concurrency).
	Idle int
	// Timeout bounds the dial and each command (default 30 s).
	Timeout time.Duration
}

// SMTPServer is a parsed SMTP URL.
type SMTPServer struct {
	Addr     string // host:port
	Host     string
	Implicit bool // smtps: TLS from the first byte
	Required bool // ?tls=required: STARTTLS or fail
	Insecure bool // ?insecure=1
	User     string
	Password string
}

// ParseSMTPURL reads an SMTP URL (see SMTPOptions.URL). Its errors never
// repeat the URL, which may hold a password.
func ParseSMTPURL(s string) (SMTPServer, error) {
	u, err := url.Parse(s)
	if err != nil {
		return SMTPServer{}, errors.New("the SMTP URL is malformed; write smtp://user:pass@host:port or smtps://…")
	}
	var srv SMTPServer
	port := "25"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		srv.Implicit, port = true, "465"
	default:
		return SMTPServer{}, errors.New("the SMTP URL must start with smtp:// or smtps://")
	}
	srv.Host = u.Hostname()
	if srv.Host == "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return SMTPServer{}, errors.New("the SMTP URL must name a host (and port), nothing more: smtp://user:pass@host:port")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return SMTPServer{}, errors.New("the SMTP URL's port must be a number from 1 to 65535")
		}
		port = p
	}
	srv.Addr = net.JoinHostPort(srv.Host, port)
	if u.User != nil {
		srv.User = u.User.Username()
		srv.Password, _ = u.User.Password()
	}
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		switch k {
		case "tls":
			if v != "required" {
				return SMTPServer{}, errors.New("the SMTP URL's tls parameter can only be tls=required")
			}
			if srv.Implicit {
				return SMTPServer{}, errors.New("tls=required is for smtp:// (STARTTLS); smtps:// always uses TLS")
			}
			srv.Required = true
		case "insecure":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return SMTPServer{}, errors.New("the SMTP URL's insecure parameter must be 1 or 0")
			}
			srv.Insecure = b
		default:
			return SMTPServer{}, fmt.Errorf("the SMTP URL has an unknown parameter %q (known: tls=required, insecure=1)", k)
		}
	}
	return srv, nil
}

// SMTP sends mail deliveries through one SMTP server (worker.Sender). It
// keeps a few connections open between sends, dials more when the outbox
// sends in parallel, and redials when a kept connection has gone stale. Safe
// for concurrent use.
type SMTP struct {
	srv      SMTPServer
	composer *Composer
	tls      *tls.Config
	timeout  time.Duration
	idle     chan *smtpConn
	// startTLS remembers that the server offered STARTTLS, so later dials
	// ask for it at once instead of looking first.
	startTLS atomic.Bool
	// dials counts connections opened (tests, benchmarks).
	dials  atomic.Int64
	closed atomic.Bool
	mu     sync.Mutex
}

type smtpConn struct {
	c    *smtp.Client
	conn net.Conn
	used time.Time
}

// maxIdleAge is how long a kept connection is trusted: servers end idle
// sessions (postfix after 300 s; some relays sooner), and a connection
// older than this is closed rather than tried.
const maxIdleAge = 60 * time.Second

// NewSMTP returns a sender that writes mails with c and sends them as o
// says.
func NewSMTP(c *Composer, o SMTPOptions) (*SMTP, error) {
	srv, err := ParseSMTPURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	if o.InsecureSkipVerify {
		srv.Insecure = true
	}
	if o.Idle <= 0 {
		o.Idle = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return &SMTP{srv: srv, composer: c, timeout: o.Timeout, idle: make(chan *smtpConn, o.Idle),
		tls: &tls.Config{ServerName: srv.Host, InsecureSkipVerify: srv.Insecure, MinVersion: tls.VersionTLS12}}, nil
}

// Dials reports how many connections s has opened.
func (s *SMTP) Dials() int64 { return s.dials.Load() }

// Send composes d's mail and hands it to the server. It returns nil once
// the server accepted it; casedesk.Refused when the server refused the
// recipient or the message for good (a 5xx reply to RCPT or DATA) or the
// delivery cannot be written; any other error (a 4xx reply, the network,
// the server's or our configuration) to be tried again.
func (s *SMTP) Send(ctx context.Context, d *casedesk.Delivery) error {
	var n casedesk.Notice
	if err := json.Unmarshal(d.Payload, &n); err != nil {
		return casedesk.Refused(fmt.Errorf("mail: delivery %d: payload is no notice: %w", d.ID, err))
	}
	raw, err := s.composer.Compose(d, &n)
	if err != nil {
		return err
	}
	return s.send(ctx, s.composer.From(), d.Recipient, raw)
}

// send hands raw to the server for rcpt. A kept connection that fails
// before the message was given is replaced once by a fresh one.
func (s *SMTP) send(ctx context.Context, from, rcpt string, raw []byte) error {
	for attempt := 0; ; attempt++ {
		sc, reused, err := s.get(ctx)
		if err != nil {
			return err
		}
		stage, err := s.transact(ctx, sc, from, rcpt, raw)
		if err == nil {
			s.put(sc)
			return nil
		}
		sc.c.Close()
		if reused && stage == "MAIL" && attempt == 0 && ctx.Err() == nil {
			continue // a stale connection: try again on a fresh one
		}
		return classify(stage, rcpt, err)
	}
}

// transact runs one mail transaction on sc, returning the stage that
// failed.
func (s *SMTP) transact(ctx context.Context, sc *smtpConn, from, rcpt string, raw []byte) (string, error) {
	// go-smtp takes no context: ending ctx ends the connection's wait.
	stop := context.AfterFunc(ctx, func() { sc.conn.SetDeadline(time.Now()) })
	defer stop()
	if err := sc.c.Mail(from, nil); err != nil {
		return "MAIL", err
	}
	if err := sc.c.Rcpt(rcpt, nil); err != nil {
		return "RCPT", err
	}
	w, err := sc.c.Data()
	if err != nil {
		return "DATA", err
	}
	if _, err := w.Write(raw); err != nil {
		w.Close()
		return "DATA", err
	}
	if err := w.Close(); err != nil {
		return "DATA", err
	}
	return "", nil
}

// classify makes a failed transaction's error: final for a permanent
// refusal of the recipient or the message.
func classify(stage, rcpt string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		err = fmt.Errorf("smtp %s: %d %s", stage, se.Code, se.Message)
		if se.Code >= 500 && (stage == "RCPT" || stage == "DATA") {
			// The recipient or the message is refused for good. A 5xx to
			// MAIL FROM speaks of our sender or account, which an operator
			// fixes: those deliveries wait and are tried again.
			return casedesk.Refused(fmt.Errorf("%w (to %s)", err, rcpt))
		}
		return err
	}
	return fmt.Errorf("smtp %s: %w", stage, err)
}

// get takes a kept connection, or dials one.
func (s *SMTP) get(ctx context.Context) (*smtpConn, bool, error) {
	for {
		select {
		case sc := <-s.idle:
			if time.Since(sc.used) > maxIdleAge {
				sc.c.Close()
				continue
			}
			return sc, true, nil
		default:
			sc, err := s.dial(ctx)
			return sc, false, err
		}
	}
}

// put keeps sc for the next send, or closes it when enough are kept.
func (s *SMTP) put(sc *smtpConn) {
	sc.used = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		sc.c.Quit()
		return
	}
	select {
	case s.idle <- sc:
	default:
		sc.c.Quit()
	}
}

// dial opens a session: TLS from the start for smtps, else STARTTLS when
// offered (always with tls=required), then AUTH when the URL has
// credentials.
func (s *SMTP) dial(ctx context.Context) (*smtpConn, error) {
	if s.closed.Load() {
		return nil, errors.New("smtp: the sender is closed")
	}
	s.dials.Add(1)
	d := net.Dialer{Timeout: s.timeout}
	conn, err := d.DialContext(ctx, "tcp", s.srv.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp: connect: %w", err)
	}
	sc := &smtpConn{conn: conn}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	fail := func(what string, err error) (*smtpConn, error) {
		conn.Close()
		return nil, fmt.Errorf("smtp: %s: %w", what, err)
	}
	hello := s.helloName()
	switch {
	case s.srv.Implicit:
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail("TLS", err)
		}
		sc.conn = tc
		sc.c = s.client(tc)
		if err := sc.c.Hello(hello); err != nil {
			return fail("EHLO", err)
		}
	case s.startTLS.Load():
		c, err := smtp.NewClientStartTLS(conn, s.tls)
		if err != nil {
			return fail("STARTTLS", err)
		}
		sc.c = c
		s.tune(c)
		if err := c.Hello(hello); err != nil {
			return fail("EHLO", err)
		}
	default:
		c := s.client(conn)
		if err := c.Hello(hello); err != nil {
			return fail("EHLO", err)
		}
		if ok, _ := c.Extension("STARTTLS"); ok {
			// Offered: start over asking for it (go-smtp starts TLS only
			// on a fresh session), and from now on ask at once.
			c.Quit()
			s.startTLS.Store(true)
			return s.dial(ctx)
		}
		if s.srv.Required {
			c.Close()
			return nil, errors.New("smtp: the server does not offer STARTTLS, and the URL says tls=required")
		}
		if s.srv.User != "" && !isLoopback(s.srv.Host) {
			c.Close()
			return nil, errors.New("smtp: the server offers no TLS; credentials are not sent in the clear (use a server with STARTTLS, or smtps://)")
		}
		sc.c = c
	}
	if s.srv.User != "" {
		var a sasl.Client
		switch {
		case sc.c.SupportsAuth(sasl.Plain):
			a = sasl.NewPlainClient("", s.srv.User, s.srv.Password)
		case sc.c.SupportsAuth(sasl.Login):
			a = sasl.NewLoginClient(s.srv.User, s.srv.Password)
		default:
			sc.c.Close()
			return nil, errors.New("smtp: the server offers neither AUTH PLAIN nor AUTH LOGIN")
		}
		if err := sc.c.Auth(a); err != nil {
			sc.c.Close()
			var se *smtp.SMTPError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("smtp: AUTH as %s: %d %s", s.srv.User, se.Code, se.Message)
			}
			return nil, fmt.Errorf("smtp: AUTH as %s: %w", s.srv.User, err)
		}
	}
	return sc, nil
}

func (s *SMTP) client(conn net.Conn) *smtp.Client {
	c := smtp.NewClient(conn)
	s.tune(c)
	return c
}

func (s *SMTP) tune(c *smtp.Client) {
	c.CommandTimeout = s.timeout
	c.SubmissionTimeout = 2 * s.timeout
}

// helloName is the name casedesk gives itself in EHLO: its mail domain.
func (s *SMTP) helloName() string {
	_, domain, _ := strings.Cut(s.composer.From(), "@")
	if domain == "" {
		return "localhost"
	}
	return domain
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Close ends the kept connections; sends after it fail.
func (s *SMTP) Close() error {
	s.mu.Lock()
	s.closed.Store(true)
	s.mu.Unlock()
	for {
		select {
		case sc := <-s.idle:
			sc.c.Quit()
		default:
			return nil
		}
	}
}
