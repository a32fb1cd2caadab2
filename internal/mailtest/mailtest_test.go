package mailtest_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/casedesk/casedesk/internal/mailtest"
)

// message is an RFC 5322 message with CRLF line ends.
func message(from, to, subject, id, body string) []byte {
	return []byte(strings.Join([]string{
		"From: " + from,
		"To: " + to,
		"Subject: " + subject,
		"Message-ID: <" + id + ">",
		"Date: Mon, 07 Dec 2026 09:30:00 +0000",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"X-Casedesk-Test: kept",
		"",
		body,
	}, "\r\n"))
}

func TestSendReachesMailbox(t *testing.T) {
	t.Parallel()
	from := mailtest.NewAddress(t, "agent", "desk.test")
	to := mailtest.NewAddress(t, "admin", "customer.test")
	box := mailtest.Open(t, to)
	// "Printer broken 打印机坏了" as an RFC 2047 encoded word.
	subject := "=?UTF-8?B?UHJpbnRlciBicm9rZW4g5omT5Y2w5py65Z2P5LqG?="
	mailtest.Send(t, from, []string{to}, message(from, to, subject, "one@desk.test", "First line.\r\n"))

	msgs := box.Wait(t.Context(), 1)
	if len(msgs) != 1 {
		t.Fatalf("INBOX has %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	for _, c := range []struct{ field, got, want string }{
		{"Subject", m.Subject, "Printer broken 打印机坏了"},
		{"Message-ID", m.MessageID, "one@desk.test"},
		{"From", m.Header.Get("From"), from},
		{"To", m.Header.Get("To"), to},
		{"X-Casedesk-Test", m.Header.Get("X-Casedesk-Test"), "kept"},
		{"Delivered-To", m.Header.Get("Delivered-To"), to},
		{"Return-Path", m.Header.Get("Return-Path"), "<" + from + ">"},
		{"body", string(m.Body), "First line.\r\n"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if m.UID == 0 {
		t.Error("UID is 0")
	}
}

func TestAddressesDoNotShareMail(t *testing.T) {
	t.Parallel()
	from := mailtest.NewAddress(t, "agent", "desk.test")
	a := mailtest.NewAddress(t, "same", "customer.test")
	b := mailtest.NewAddress(t, "same", "customer.test")
	boxA, boxB := mailtest.Open(t, a), mailtest.Open(t, b)

	// b's mail is stored before a's is sent, so it would be in a's INBOX
	// by the time a's arrives if the mailboxes were shared.
	mailtest.Send(t, from, []string{b}, message(from, b, "for b", "b@desk.test", "b"))
	boxB.Wait(t.Context(), 1)
	mailtest.Send(t, from, []string{a}, message(from, a, "for a", "a@desk.test", "a"))
	gotA := boxA.Wait(t.Context(), 1)

	if len(gotA) != 1 || gotA[0].Subject != "for a" {
		t.Errorf("a's INBOX = %v, want only \"for a\"", subjects(gotA))
	}
	if gotB := boxB.All(); len(gotB) != 1 || gotB[0].Subject != "for b" {
		t.Errorf("b's INBOX = %v, want only \"for b\"", subjects(gotB))
	}
}

func TestPlusAddressReachesBaseMailbox(t *testing.T) {
	t.Parallel()
	from := mailtest.NewAddress(t, "someone", "partner.test")
	base := mailtest.NewAddress(t, "support", "desk.test")
	local, domain, _ := strings.Cut(base, "@")
	one, two := local+"+tok1@"+domain, local+"+tok2@"+domain
	box := mailtest.Open(t, one)
	if box.Address() != base {
		t.Fatalf("Open(%s) opened %s, want %s", one, box.Address(), base)
	}

	// One transaction, two recipients: postfix hands dovecot one recipient
	// per LMTP transaction, so each copy names its own in Delivered-To.
	mailtest.Send(t, from, []string{one, two}, message(from, one+", "+two, "plus", "plus@partner.test", "x"))

	msgs := box.Wait(t.Context(), 2)
	got := map[string]bool{}
	for _, m := range msgs {
		got[m.Header.Get("Delivered-To")] = true
	}
	if len(msgs) != 2 || !got[one] || !got[two] {
		var dt []string
		for _, m := range msgs {
			dt = append(dt, m.Header.Get("Delivered-To"))
		}
		t.Errorf("Delivered-To of %d messages = %q, want %q and %q", len(msgs), dt, one, two)
	}
}

func TestAppendStoresWithoutSMTP(t *testing.T) {
	t.Parallel()
	addr := mailtest.NewAddress(t, "support", "desk.test")
	box := mailtest.Open(t, addr)
	if msgs := box.All(); len(msgs) != 0 {
		t.Fatalf("a new mailbox holds %v", subjects(msgs))
	}
	box.Append(message("customer@customer.test", addr, "appended", "app@customer.test", "hello"))
	msgs := box.All()
	if len(msgs) != 1 || msgs[0].Subject != "appended" || msgs[0].MessageID != "app@customer.test" {
		t.Fatalf("INBOX = %v, want the appended message", subjects(msgs))
	}
	if len(box.Wait(t.Context(), 1)) != 1 {
		t.Error("Wait for a message already there did not return it")
	}
}

func TestOtherDomainsAreRefused(t *testing.T) {
	t.Parallel()
	c, err := smtp.Dial(mailtest.SMTPAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail(mailtest.NewAddress(t, "agent", "desk.test"), nil); err != nil {
		t.Fatal(err)
	}
	err = c.Rcpt("someone@example.com", nil)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 554 {
		t.Fatalf("RCPT TO someone@example.com: %v, want a 554 refusal", err)
	}
}

func TestImplicitTLSPort(t *testing.T) {
	t.Parallel()
	from := mailtest.NewAddress(t, "agent", "desk.test")
	to := mailtest.NewAddress(t, "admin", "example.test")
	box := mailtest.Open(t, to)
	// The server's certificate is Debian's self-signed snakeoil one.
	c, err := smtp.DialTLS(mailtest.SMTPSAddr(t), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(from, []string{to}, strings.NewReader(string(message(from, to, "tls", "tls@desk.test", "x")))); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if msgs := box.Wait(t.Context(), 1); msgs[0].Subject != "tls" {
		t.Errorf("got %v, want \"tls\"", subjects(msgs))
	}
}

func TestParseDecodesChineseCharsets(t *testing.T) {
	for _, c := range []struct{ name, subject string }{
		{"GB2312", "=?GB2312?B?tPLTobv6u7XByw==?="},
		{"GB18030", "=?gb18030?B?tPLTobv6u7XByw==?="},
		{"UTF-8 Q", "=?utf-8?Q?=E6=89=93=E5=8D=B0=E6=9C=BA=E5=9D=8F=E4=BA=86?="},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := mailtest.Parse([]byte("Subject: " + c.subject + "\r\nMessage-ID:  <x@y> \r\n\r\nbody"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != "打印机坏了" || m.MessageID != "x@y" || string(m.Body) != "body" {
				t.Errorf("Parse = subject %q, id %q, body %q", m.Subject, m.MessageID, m.Body)
			}
		})
	}
}

func subjects(msgs []mailtest.Message) []string {
	var s []string
	for _, m := range msgs {
		s = append(s, m.Subject)
	}
	return s
}
