// Package mailtest connects tests to the real mail servers that
// scripts/mailservers.sh runs on loopback: Debian's postfix, which takes mail
// for the test domains over SMTP, and a dovecot instance that stores it and
// serves it over IMAP. Every address of the test domains is a mailbox whose
// password is "test"; NewAddress gives each test its own, so tests never see
// each other's mail. Only tests import this package.
//
// When a server does not answer, a test using it is skipped, or fails when
// the environment says CI=true (.ci/run sets it), so that CI never passes by
// skipping the mail tests.
package mailtest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Domains are the domains postfix delivers to dovecot; mail to any other
// domain is refused at RCPT TO (554 5.7.1), so no test mail leaves the machine.
var Domains = []string{"desk.test", "customer.test", "partner.test", "example.test"}

// Password is every test mailbox's IMAP password.
const Password = "test"

// SMTPAddr returns the host:port of the test SMTP server (CASEDESK_TEST_SMTP,
// default 127.0.0.1:2525), skipping or failing tb when nothing answers there.
func SMTPAddr(tb testing.TB) string {
	tb.Helper()
	return reachable(tb, "CASEDESK_TEST_SMTP", "127.0.0.1:2525", "SMTP")
}

// IMAPAddr returns the host:port of the test IMAP server (CASEDESK_TEST_IMAP,
// default 127.0.0.1:1143), skipping or failing tb when nothing answers there.
func IMAPAddr(tb testing.TB) string {
	tb.Helper()
	return reachable(tb, "CASEDESK_TEST_IMAP", "127.0.0.1:1143", "IMAP")
}

// SMTPSAddr returns the host:port of the test SMTP server's implicit-TLS
// port (CASEDESK_TEST_SMTPS, default 127.0.0.1:4650; a self-signed
// certificate), skipping or failing tb when nothing answers there.
func SMTPSAddr(tb testing.TB) string {
	tb.Helper()
	return reachable(tb, "CASEDESK_TEST_SMTPS", "127.0.0.1:4650", "SMTPS")
}

func reachable(tb testing.TB, env, def, what string) string {
	tb.Helper()
	addr := os.Getenv(env)
	if addr == "" {
		addr = def
	}
	// A bound on a failure, not a wait for readiness: the servers either run
	// already or the test cannot use them.
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err == nil {
		conn.Close()
		return addr
	}
	msg := "mailtest: no " + what + " server at " + addr + " (" + err.Error() +
		"): run scripts/mailservers.sh as root, or set " + env
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// NewAddress returns an address of domain (one of Domains) that no other
// test uses: local behind a random prefix, such as
// t9f3a07c2-admin@customer.test. Mailboxes outlive the test run, so the
// prefix is long enough that a later run never meets an earlier run's mail.
func NewAddress(tb testing.TB, local, domain string) string {
	tb.Helper()
	if !slices.Contains(Domains, domain) {
		tb.Fatalf("mailtest: %q is not a test domain (%s)", domain, strings.Join(Domains, ", "))
	}
	var b [4]byte
	rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:]) + "-" + strings.ToLower(local) + "@" + domain
}

// Send submits raw, an RFC 5322 message with CRLF line ends, to the test SMTP
// server with envelope sender from and recipients to, failing tb when the
// server refuses it. Delivery to the mailboxes follows asynchronously: wait
// for it with (*Mailbox).Wait.
func Send(tb testing.TB, from string, to []string, raw []byte) {
	tb.Helper()
	c, err := smtp.Dial(SMTPAddr(tb))
	if err != nil {
		tb.Fatalf("mailtest: smtp: %v", err)
	}
	defer c.Close()
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		tb.Fatalf("mailtest: send from %s to %v: %v", from, to, err)
	}
	if err := c.Quit(); err != nil {
		tb.Fatalf("mailtest: smtp quit: %v", err)
	}
}
