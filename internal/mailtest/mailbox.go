package mailtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"golang.org/x/text/encoding/htmlindex"
)

// Message is one message of a mailbox, as stored.
type Message struct {
	UID uint32
	// Raw is the message exactly as dovecot stores it: the sender's message
	// behind the headers the servers added on delivery (Return-Path,
	// Delivered-To, Received).
	Raw []byte
	// Header is Raw's header, Body what follows it, undecoded.
	Header mail.Header
	Body   []byte
	// MessageID is the Message-ID header without its angle brackets.
	MessageID string
	// Subject is the Subject header with its encoded words (RFC 2047)
	// decoded, in any charset golang.org/x/text knows.
	Subject string
}

// Mailbox is an IMAP session on one test mailbox's INBOX. Its methods fail
// the test that opened it on any error; they are not safe for concurrent use.
type Mailbox struct {
	tb      testing.TB
	address string
	c       *client.Client
	// changed receives a token whenever the server reports a change of the
	// mailbox (EXISTS, RECENT): it is what Wait's IDLE waits for.
	changed chan struct{}
}

// Open logs in to the test IMAP server as address with the password "test"
// and selects its INBOX, creating the mailbox on first use. A plus address
// (support+token@desk.test) opens the mailbox postfix delivers it to
// (support@desk.test). The session ends with tb.
func Open(tb testing.TB, address string) *Mailbox {
	tb.Helper()
	user := MailboxAddress(address)
	c, err := client.Dial(IMAPAddr(tb))
	if err != nil {
		tb.Fatalf("mailtest: imap: %v", err)
	}
	m := &Mailbox{tb: tb, address: user, c: c, changed: make(chan struct{}, 1)}
	updates := make(chan client.Update, 16)
	quit := make(chan struct{})
	c.Updates = updates
	go func() {
		for {
			select {
			case u := <-updates:
				if _, ok := u.(*client.MailboxUpdate); ok {
					select {
					case m.changed <- struct{}{}:
					default: // a token is pending already
					}
				}
			case <-quit:
				return
			}
		}
	}()
	tb.Cleanup(func() {
		c.Logout()
		close(quit)
	})
	if err := c.Login(user, Password); err != nil {
		tb.Fatalf("mailtest: imap login %s: %v", user, err)
	}
	if _, err := c.Select("INBOX", false); err != nil {
		tb.Fatalf("mailtest: imap select %s INBOX: %v", user, err)
	}
	return m
}

// MailboxAddress returns the address of the mailbox mail to address lands in: address
// without its +detail, in lower case.
func MailboxAddress(address string) string {
	local, domain, _ := strings.Cut(strings.ToLower(address), "@")
	local, _, _ = strings.Cut(local, "+")
	return local + "@" + domain
}

// Address is the mailbox's address (without a +detail).
func (m *Mailbox) Address() string { return m.address }

// count asks the server for news (NOOP) and returns how many messages the
// INBOX holds.
func (m *Mailbox) count() uint32 {
	m.tb.Helper()
	if err := m.c.Noop(); err != nil {
		m.tb.Fatalf("mailtest: imap %s: noop: %v", m.address, err)
	}
	// The client updated the status while the NOOP ran; nothing else runs
	// on the connection until the next command.
	return m.c.Mailbox().Messages
}

// Wait blocks until the INBOX holds at least n messages and returns all of
// them, oldest first. It sleeps in IMAP IDLE and wakes when dovecot reports
// new mail, so it returns as soon as delivery is done. It fails the test
// when ctx ends first; a ctx without deadline is bounded at 30 seconds so
// that lost mail fails the test with this message instead of hanging.
func (m *Mailbox) Wait(ctx context.Context, n int) []Message {
	m.tb.Helper()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	for {
		if have := m.count(); int(have) >= n {
			return m.fetch(have)
		}
		// Dovecot reports at the start of IDLE what arrived since the NOOP,
		// so mail delivered in between is not missed.
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- m.c.Idle(stop, nil) }()
		select {
		case <-m.changed:
			close(stop)
			if err := <-done; err != nil {
				m.tb.Fatalf("mailtest: imap %s: idle: %v", m.address, err)
			}
		case err := <-done:
			m.tb.Fatalf("mailtest: imap %s: idle ended: %v", m.address, err)
		case <-ctx.Done():
			close(stop)
			<-done
			m.tb.Fatalf("mailtest: %s: waited for %d messages, INBOX has %d: %v",
				m.address, n, m.count(), context.Cause(ctx))
		}
	}
}

// All returns the messages the INBOX holds now, oldest first.
func (m *Mailbox) All() []Message {
	m.tb.Helper()
	return m.fetch(m.count())
}

// Append stores raw, an RFC 5322 message, in the INBOX directly, as if it
// had been delivered: for inbound tests that need no SMTP.
func (m *Mailbox) Append(raw []byte) {
	m.tb.Helper()
	if err := m.c.Append("INBOX", nil, time.Now(), bytes.NewBuffer(raw)); err != nil {
		m.tb.Fatalf("mailtest: imap %s: append: %v", m.address, err)
	}
}

func (m *Mailbox) fetch(count uint32) []Message {
	m.tb.Helper()
	if count == 0 {
		return nil
	}
	seq := new(imap.SeqSet)
	seq.AddRange(1, count)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, count)
	err := m.c.Fetch(seq, []imap.FetchItem{imap.FetchUid, section.FetchItem()}, ch)
	if err != nil {
		m.tb.Fatalf("mailtest: imap %s: fetch: %v", m.address, err)
	}
	var msgs []Message
	for im := range ch {
		body := im.GetBody(section)
		if body == nil {
			m.tb.Fatalf("mailtest: imap %s: message %d has no body", m.address, im.SeqNum)
		}
		raw, err := io.ReadAll(body)
		if err != nil {
			m.tb.Fatalf("mailtest: imap %s: read message %d: %v", m.address, im.SeqNum, err)
		}
		msg, err := Parse(raw)
		if err != nil {
			m.tb.Fatalf("mailtest: %s: message %d: %v", m.address, im.SeqNum, err)
		}
		msg.UID = im.Uid
		msgs = append(msgs, msg)
	}
	return msgs
}

// Parse splits raw into a Message's header fields and body and decodes its
// Message-ID and Subject.
func Parse(raw []byte) (Message, error) {
	pm, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return Message{}, fmt.Errorf("parse: %w", err)
	}
	body, err := io.ReadAll(pm.Body)
	if err != nil {
		return Message{}, fmt.Errorf("parse body: %w", err)
	}
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	subject, err := dec.DecodeHeader(pm.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("parse subject: %w", err)
	}
	return Message{
		Raw:       raw,
		Header:    pm.Header,
		Body:      body,
		MessageID: strings.Trim(strings.TrimSpace(pm.Header.Get("Message-ID")), "<>"),
		Subject:   subject,
	}, nil
}

// charsetReader decodes the charsets of the WHATWG encoding standard
// (GB18030, GBK, Big5, Shift_JIS, ISO-8859-x, windows-125x …), which covers
// what mail clients write.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(input), nil
}
