// Package mail reads the mail casedesk receives: Parse turns a raw RFC 5322
// message into the facts desk's inbound rules need (who sent it, what it
// replies to, its text without the quoted history, its attachments, whether
// a machine sent it, whether it is a bounce). It does no I/O.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// The charsets Chinese and Japanese mail arrives in, registered with
// go-message (whose CharsetReader the charset package sets) once at start:
// GB2312 and GBK mail is decoded as GB18030, their superset, because senders
// label GBK text GB2312 all the time.
func init() {
	for _, n := range []string{"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "csgb2312", "hz-gb-2312"} {
		if n == "hz-gb-2312" {
			charset.RegisterEncoding(n, simplifiedchinese.HZGB2312)
			continue
		}
		charset.RegisterEncoding(n, simplifiedchinese.GB18030)
	}
	for _, n := range []string{"big5", "big5-hkscs", "x-big5", "cn-big5"} {
		charset.RegisterEncoding(n, traditionalchinese.Big5)
	}
	for _, n := range []string{"iso-2022-jp", "csiso2022jp"} {
		charset.RegisterEncoding(n, japanese.ISO2022JP)
	}
	for _, n := range []string{"shift_jis", "x-sjis", "cp932", "windows-31j"} {
		charset.RegisterEncoding(n, japanese.ShiftJIS)
	}
	charset.RegisterEncoding("euc-jp", japanese.EUCJP)
}

// Limits on what Parse walks, so a hostile message cannot make it work
// without end.
const (
	maxParts = 500
	maxDepth = 20
)

// Address is a mailbox: a display name and an address in lower case.
type Address struct {
	Name  string
	Email string
}

// Attachment is a file a message carries. Inline is true for a part the
// HTML shows in place (a cid: image).
type Attachment struct {
	Name        string
	ContentType string
	ContentID   string // without angle brackets
	Inline      bool
	Data        []byte
}

// Size is the attachment's length in bytes.
func (a Attachment) Size() int64 { return int64(len(a.Data)) }

// Bounce is what a delivery status notification (RFC 3464) reports of one
// recipient.
type Bounce struct {
	Recipient  string // the address that failed, lower case
	Action     string // failed, delayed, delivered, relayed, expanded
	Status     string // the enhanced status code, e.g. 5.1.1
	Diagnostic string // the remote server's words
	// MessageID is the Message-ID of the mail that bounced, when the report
	// quotes its header.
	MessageID string
}

// Permanent reports whether the bounce says the address will not take mail
// (an action "failed" or a 5.x.x status), as opposed to a delay.
func (b Bounce) Permanent() bool {
	return strings.EqualFold(b.Action, "failed") || strings.HasPrefix(b.Status, "5")
}

// Message is a parsed mail.
type Message struct {
	// MessageID is the Message-ID without angle brackets; when the mail has
	// none, it is made from a hash of the raw message (Synthesized), so a
	// mail fetched twice gets the same one.
	MessageID   string
	Synthesized bool
	InReplyTo   []string // without angle brackets
	References  []string // without angle brackets
	From        Address
	ReplyTo     []Address
	To, Cc      []Address
	// DeliveredTo holds the Delivered-To and X-Original-To addresses: the
	// address the mail was delivered to, plus-part included.
	DeliveredTo []string
	Subject     string
	Date        time.Time
	// Text is the message's text: its text/plain part, or its HTML part
	// sanitized and turned to text when it has no text part.
	Text string
	// HTML is the HTML part, sanitized; "" when there is none.
	HTML string
	// Reply is Text without the quoted history and the signature: what the
	// sender wrote now. It equals Text when nothing was cut (and when
	// cutting would leave nothing).
	Reply       string
	Attachments []Attachment
	// Auto, when not "", says why the mail was sent by a machine and must
	// never be answered (Auto-Submitted, Precedence, auto-reply headers,
	// a mailing list, a delivery report).
	Auto string
	// Bounces holds the recipients a delivery status notification reports.
	Bounces []Bounce
	Size    int
	// Header gives access to any other field (raw, undecoded).
	Header textproto.Header
}

// Recipients returns how many addresses the To and Cc fields name.
func (m *Message) Recipients() int { return len(m.To) + len(m.Cc) }

// IsBounce reports whether the message is a delivery status notification.
func (m *Message) IsBounce() bool { return len(m.Bounces) > 0 }

// ErrMalformed wraps the reason a message cannot be read.
var ErrMalformed = errors.New("malformed message")

// Parse reads a raw RFC 5322 message. A message whose header or MIME
// structure cannot be read returns an error wrapping ErrMalformed with the
// reason; an unknown charset or transfer encoding in a part is not fatal
// (the part is kept as it came).
func Parse(raw []byte) (m *Message, err error) {
	defer func() {
		// go-message is a large parser fed by strangers: a panic in it is
		// a malformed message, not a crash of the caller.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: parser failed: %v", ErrMalformed, r)
		}
	}()
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty message", ErrMalformed)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if e.Header.Len() == 0 {
		return nil, fmt.Errorf("%w: no header fields", ErrMalformed)
	}
	h := e.Header.Header
	m = &Message{Size: len(raw), Header: h}
	if m.From, err = fromAddress(h); err != nil {
		return nil, err
	}
	m.ReplyTo = addressList(h, "Reply-To")
	m.To = addressList(h, "To")
	m.Cc = addressList(h, "Cc")
	for _, k := range []string{"Delivered-To", "X-Original-To"} {
		for _, v := range h.Values(k) {
			if a, err := mail.ParseAddress(strings.TrimSpace(v)); err == nil {
				m.DeliveredTo = append(m.DeliveredTo, strings.ToLower(a.Address))
			} else if v = strings.Trim(strings.TrimSpace(v), "<>"); strings.Contains(v, "@") {
				m.DeliveredTo = append(m.DeliveredTo, strings.ToLower(v))
			}
		}
	}
	m.Subject = strings.TrimSpace(headerText(h, "Subject"))
	if d, err := mail.ParseDate(h.Get("Date")); err == nil {
		m.Date = d.UTC()
	}
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	} else {
		sum := sha256.Sum256(raw)
		m.MessageID = "h" + hex.EncodeToString(sum[:16]) + "@synthesized.casedesk.invalid"
		m.Synthesized = true
	}
	m.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	m.Auto = automatic(h)

	w := walker{m: m}
	if err := w.walk(e, 0); err != nil {
		return nil, err
	}
	switch {
	case w.text != "":
		m.Text = w.text
	case w.html != "":
		m.Text = htmlText(w.html)
	}
	if w.html != "" {
		m.HTML = sanitizeHTML(w.html)
	}
	m.Text = strings.TrimSpace(strings.ReplaceAll(m.Text, "\r\n", "\n"))
	m.Reply = StripQuoted(m.Text)
	for i := range m.Bounces {
		m.Bounces[i].MessageID = w.returned
	}
	if len(m.Bounces) > 0 && m.Auto == "" {
		m.Auto = "delivery status notification"
	}
	return m, nil
}

// walker collects a message's parts.
type walker struct {
	m          *Message
	text, html string
	parts      int
	returned   string // the Message-ID of the mail a report returns
}

func (w *walker) walk(e *message.Entity, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: MIME parts nested deeper than %d", ErrMalformed, maxDepth)
	}
	w.parts++
	if w.parts > maxParts {
		return fmt.Errorf("%w: more than %d MIME parts", ErrMalformed, maxParts)
	}
	ct, params, err := e.Header.ContentType()
	if err != nil {
		// RFC 2045: an unreadable Content-Type is text/plain.
		ct, params = "text/plain", map[string]string{}
	}
	ct = strings.ToLower(ct)
	if strings.HasPrefix(ct, "multipart/") {
		if params["boundary"] == "" {
			return fmt.Errorf("%w: %s part without a boundary", ErrMalformed, ct)
		}
		mr := e.MultipartReader()
		n := 0
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
				if n == 0 {
					return fmt.Errorf("%w: %s with no parts (boundary %q not found)", ErrMalformed, ct, params["boundary"])
				}
				return fmt.Errorf("%w: %s part %d: %v", ErrMalformed, ct, n+1, err)
			}
			n++
			if err := w.walk(p, depth+1); err != nil {
				return err
			}
		}
		if n == 0 {
			return fmt.Errorf("%w: %s with no parts (boundary %q not found)", ErrMalformed, ct, params["boundary"])
		}
		return nil
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		return fmt.Errorf("%w: reading %s part: %v", ErrMalformed, ct, err)
	}
	disp, dparams, _ := e.Header.ContentDisposition()
	disp = strings.ToLower(disp)
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = decodeWords(name)
	cid := strings.Trim(strings.TrimSpace(e.Header.Get("Content-Id")), "<>")
	switch {
	case ct == "message/delivery-status" || ct == "message/global-delivery-status":
		w.m.Bounces = append(w.m.Bounces, deliveryStatus(body)...)
		return nil
	case ct == "text/rfc822-headers" || ct == "message/rfc822-headers" || (ct == "message/rfc822" && len(w.m.Bounces) > 0):
		// The returned mail's header (or whole mail) in a report: which
		// of our mails bounced.
		if w.returned == "" {
			w.returned = returnedID(body)
		}
		if ct != "message/rfc822" {
			return nil
		}
	case disp != "attachment" && name == "" && ct == "text/plain" && w.text == "":
		w.text = toUTF8(body)
		return nil
	case disp != "attachment" && name == "" && ct == "text/html" && w.html == "":
		w.html = toUTF8(body)
		return nil
	case disp != "attachment" && name == "" && strings.HasPrefix(ct, "text/"):
		return nil // an alternative we do not show (text/enriched, a second body)
	}
	if name == "" {
		name = defaultName(ct, len(w.m.Attachments)+1)
	}
	w.m.Attachments = append(w.m.Attachments, Attachment{Name: name, ContentType: ct, ContentID: cid,
		Inline: disp == "inline" || (disp == "" && cid != ""), Data: body})
	return nil
}

// toUTF8 reads b as UTF-8 when it is valid UTF-8, else as GB18030 (the
// 8-bit text Chinese mail programs send without a label). go-message has
// converted the text parts whose charset it knows already; this catches
// unlabelled and mislabelled ones, and raw 8-bit header fields.
func toUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil && utf8.Valid(out) {
		return string(out)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func defaultName(ct string, n int) string {
	ext := ""
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		ext = exts[0]
	}
	if ct == "message/rfc822" {
		ext = ".eml"
	}
	return "attachment-" + strconv.Itoa(n) + ext
}

// headerText decodes a header field's encoded words; a raw 8-bit field is
// read as UTF-8, else GB18030.
func headerText(h textproto.Header, key string) string {
	return decodeWords(h.Get(key))
}

func decodeWords(v string) string {
	if v == "" {
		return ""
	}
	v = toUTF8([]byte(v))
	dec := mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
		return charset.Reader(cs, in)
	}}
	if out, err := dec.DecodeHeader(v); err == nil {
		return out
	}
	return v
}

func fromAddress(h textproto.Header) (Address, error) {
	v := h.Get("From")
	if v == "" {
		return Address{}, fmt.Errorf("%w: no From field", ErrMalformed)
	}
	as := addressList(h, "From")
	if len(as) == 0 {
		return Address{}, fmt.Errorf("%w: From %q holds no address", ErrMalformed, v)
	}
	return as[0], nil
}

var looseAddr = regexp.MustCompile(`[A-Za-z0-9._%+\-=!#$&'*/?^{|}~]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// addressList parses an address field, falling back to picking the
// addresses out of a field that does not parse (a stray 8-bit name).
func addressList(h textproto.Header, key string) []Address {
	v := h.Get(key)
	if v == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}
	if as, err := p.ParseList(toUTF8([]byte(v))); err == nil {
		out := make([]Address, 0, len(as))
		for _, a := range as {
			out = append(out, Address{Name: a.Name, Email: strings.ToLower(a.Address)})
		}
		return out
	}
	var out []Address
	for _, s := range looseAddr.FindAllString(v, -1) {
		out = append(out, Address{Email: strings.ToLower(s)})
	}
	return out
}

var msgIDPattern = regexp.MustCompile(`<([^<>\s]+)>`)

// msgIDs returns the message identifiers in a field, without angle
// brackets; a bare identifier without them is taken as it is.
func msgIDs(v string) []string {
	var out []string
	for _, s := range msgIDPattern.FindAllStringSubmatch(v, -1) {
		out = append(out, s[1])
	}
	if len(out) == 0 {
		if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>") && strings.Contains(v, "@") {
			out = append(out, v)
		}
	}
	return out
}

// automatic returns why the header says a machine sent the mail, "" when it
// does not: RFC 3834's Auto-Submitted, the Precedence of lists and bulk
// mail, the auto-reply markers of common programs, a mailing list.
func automatic(h textproto.Header) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "list", "junk", "auto_reply":
		return "Precedence: " + v
	}
	for _, k := range []string{"X-Auto-Response-Suppress", "X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply-From"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			if k == "X-Auto-Response-Suppress" && strings.EqualFold(v, "none") {
				continue
			}
			return k + ": " + v
		}
	}
	if v := strings.TrimSpace(h.Get("List-Id")); v != "" {
		return "List-Id: " + v
	}
	if v := strings.TrimSpace(h.Get("List-Unsubscribe")); v != "" {
		return "List-Unsubscribe"
	}
	if v := strings.ToLower(h.Get("Return-Path")); strings.TrimSpace(v) == "<>" {
		return "null Return-Path"
	}
	return ""
}

// Token returns the plus-address token of the mail's recipient address on
// mailbox (support+TOKEN@example.com for mailbox support@example.com):
// from Delivered-To or X-Original-To first, where the server wrote the
// address it delivered to, then from To and Cc. "" when there is none.
func (m *Message) Token(mailbox string) string {
	local, domain, ok := strings.Cut(strings.ToLower(mailbox), "@")
	if !ok {
		return ""
	}
	cands := append([]string(nil), m.DeliveredTo...)
	for _, a := range append(append([]Address(nil), m.To...), m.Cc...) {
		cands = append(cands, a.Email)
	}
	for _, c := range cands {
		l, d, ok := strings.Cut(c, "@")
		if !ok || d != domain {
			continue
		}
		base, tok, ok := strings.Cut(l, "+")
		if ok && base == local && tok != "" {
			return tok
		}
	}
	return ""
}

var subjectTag = regexp.MustCompile(`\[#(\d{1,19})\]`)

// SubjectNumber returns the request number a subject's [#1000042] tag
// names, "" when there is none.
func SubjectNumber(subject string) string {
	if s := subjectTag.FindStringSubmatch(subject); s != nil {
		return s[1]
	}
	return ""
}

var ownID = regexp.MustCompile(`^(?:d(\d+)\.[^@]+|r(\d+))@(.+)$`)

// OwnID reads a Message-ID (without angle brackets) casedesk made on
// domain: d{delivery}.{hash}@domain for a mail it sent, r{request}@domain
// for the thread root of a request. It returns the request id of a
// r-form id (0 for a d-form one) and whether the id is casedesk's.
func OwnID(id, domain string) (request int64, ours bool) {
	s := ownID.FindStringSubmatch(strings.ToLower(id))
	if s == nil || s[3] != strings.ToLower(domain) {
		return 0, false
	}
	if s[2] != "" {
		n, _ := strconv.ParseInt(s[2], 10, 64)
		return n, true
	}
	return 0, true
}

// OwnDelivery returns the delivery id of a d-form Message-ID of domain.
func OwnDelivery(id, domain string) (int64, bool) {
	s := ownID.FindStringSubmatch(strings.ToLower(id))
	if s == nil || s[3] != strings.ToLower(domain) || s[1] == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s[1], 10, 64)
	return n, err == nil
}
