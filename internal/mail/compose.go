// Package mail writes the mails casedesk sends: a notification's Notice
// composed as a multipart text and HTML message in the recipient's language
// and time zone (compose*.go), and sent through an SMTP server (smtp*.go).
// MIME is go-message's, SMTP go-smtp's; nothing here reads the database or
// serves HTTP.
package mail

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/casedesk/casedesk"
	gomail "github.com/emersion/go-message/mail"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

//go:embed templates
var templateFiles embed.FS

var (
	textTemplate = texttemplate.Must(texttemplate.ParseFS(templateFiles, "templates/notice.txt"))
	htmlTemplate = htmltemplate.Must(htmltemplate.ParseFS(templateFiles, "templates/notice.html"))
)

// Options configure a Composer.
type Options struct {
	// From is the sender's address (support@desk.example.com) and FromName
	// its display name.
	From     string
	FromName string
	// ReplyTo is the support address customers answer: a customer's mail
	// about a request replies to it plus-addressed with the request's token
	// (support+token@…). Empty means From.
	ReplyTo string
	// PublicURL is the base of every link (https://desk.example.com).
	PublicURL string
}

// A Composer turns notices into mail messages. It is safe for concurrent
// use.
type Composer struct {
	from      *mail.Address
	replyTo   string
	domain    string
	publicURL string
	md        goldmark.Markdown
	policy    *bluemonday.Policy
	zones     sync.Map // time-zone name → *time.Location, loaded once each
}

// NewComposer checks o and returns a Composer.
func NewComposer(o Options) (*Composer, error) {
	from, err := bareAddress("from", o.From)
	if err != nil {
		return nil, err
	}
	replyTo := from
	if o.ReplyTo != "" {
		if replyTo, err = bareAddress("reply-to", o.ReplyTo); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(o.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("mail: the public URL must be an absolute http or https URL; links in mails are absolute")
	}
	_, domain, _ := strings.Cut(from, "@")
	// Messages are goldmark without raw HTML, then bluemonday's policy for
	// user content, as on the pages: whatever gets through is harmless.
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return &Composer{
		from:      &mail.Address{Name: o.FromName, Address: from},
		replyTo:   replyTo,
		domain:    domain,
		publicURL: strings.TrimRight(u.Scheme+"://"+u.Host, "/"),
		md:        goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithHardWraps())),
		policy:    p,
	}, nil
}

func bareAddress(what, s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s, "@") {
		return "", fmt.Errorf("mail: the %s address %q must be a bare address such as support@desk.example.com", what, s)
	}
	return a.Address, nil
}

// From is the sender's address, the SMTP envelope's sender.
func (c *Composer) From() string { return c.from.Address }

// MessageID returns the Message-ID of a delivery's mail, without angle
// brackets: d{id}.{hash}@{domain}. It is the same at every try, so a mail
// sent twice (a crash between sending and recording it) is one message to
// mail clients; the hash of the delivery's recipient and creation keeps
// ids of two databases sharing a domain apart.
func MessageID(d *casedesk.Delivery, domain string) string {
	h := sha256.Sum256([]byte(strconv.FormatInt(d.ID, 10) + "\x00" + d.Recipient + "\x00" + strconv.FormatInt(d.CreatedAt.Unix(), 10)))
	return "d" + strconv.FormatInt(d.ID, 10) + "." + hex.EncodeToString(h[:5]) + "@" + domain
}

// RootID returns the id every mail about a request refers to (References),
// so that mail clients thread them together even when the first of them
// was not kept: r{request id}@{domain}, without angle brackets.
func RootID(requestID int64, domain string) string {
	return "r" + strconv.FormatInt(requestID, 10) + "@" + domain
}

// Compose writes the mail of delivery d, whose payload is n, as an RFC 5322
// message with CRLF line ends, dated when d was queued.
func (c *Composer) Compose(d *casedesk.Delivery, n *casedesk.Notice) ([]byte, error) {
	to, err := mail.ParseAddress(n.To)
	if err != nil {
		return nil, casedesk.Refused(fmt.Errorf("mail: the recipient %q is not an address: %w", n.To, err))
	}
	to.Name = n.Name
	v, err := c.view(n)
	if err != nil {
		return nil, err
	}
	var h gomail.Header
	h.SetAddressList("From", []*mail.Address{c.from})
	h.SetAddressList("To", []*mail.Address{to})
	h.SetSubject(v.Subject)
	date := d.CreatedAt
	if date.IsZero() {
		date = time.Now()
	}
	h.SetDate(date)
	h.SetMessageID(MessageID(d, c.domain))
	if n.Request != nil {
		refs := append([]string(nil), n.Thread...)
		refs = append(refs, RootID(n.Request.ID, c.domain))
		h.SetMsgIDList("References", refs)
		// The mail answers the customer's opening mail when there is one,
		// else the request's root.
		h.SetMsgIDList("In-Reply-To", refs[:1])
	}
	if n.ReplyToken != "" && !n.Staff {
		local, domain, _ := strings.Cut(c.replyTo, "@")
		h.SetAddressList("Reply-To", []*mail.Address{{Name: c.from.Name, Address: local + "+" + n.ReplyToken + "@" + domain}})
	}
	// Automatic mail (RFC 3834): autoresponders must not answer it, and
	// Exchange must not send out-of-office replies to it.
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("X-Auto-Response-Suppress", "All")
	h.Set("X-Casedesk-Topic", string(n.Topic))

	var textBuf, htmlBuf bytes.Buffer
	if err := textTemplate.Execute(&textBuf, v); err != nil {
		return nil, fmt.Errorf("mail: text of %s: %w", n.Topic, err)
	}
	if err := htmlTemplate.Execute(&htmlBuf, v); err != nil {
		return nil, fmt.Errorf("mail: HTML of %s: %w", n.Topic, err)
	}
	var out bytes.Buffer
	w, err := gomail.CreateInlineWriter(&out, h)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct {
		typ  string
		body []byte
	}{{"text/plain", crlf(textBuf.Bytes())}, {"text/html", crlf(htmlBuf.Bytes())}} {
		var ph gomail.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := pw.Write(part.body); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// crlf ends every line of b with CRLF, as a mail's text is written.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// view is what the templates show: the same content for the text and the
// HTML part.
type view struct {
	Lang       string
	Subject    string
	Greeting   string
	Paragraphs []string
	// Quote is the reply's or the answer's text as written (Markdown), and
	// QuoteHTML its sanitized rendering.
	Quote      string
	QuoteHTML  htmltemplate.HTML
	FilesTitle string
	Files      []file
	Facts      []fact
	After      []string
	Action     *action
	Hint       string
	Footer     string
	Settings   string
}

type file struct{ Name, Size, URL string }
type fact struct{ Label, Value string }
type action struct{ Label, URL string }

// view words n in its recipient's language and zone.
func (c *Composer) view(n *casedesk.Notice) (*view, error) {
	lang, cat := catalogue(n.Language)
	zone := c.zone(n.TimeZone)
	v := &view{Lang: lang}
	p := func(key string, kv ...string) string { return phrase(cat, key, kv...) }
	if n.Name != "" {
		v.Greeting = p("greeting", "name", n.Name)
	} else {
		v.Greeting = p("greeting.anon")
	}
	actor := n.Actor
	if actor == "" {
		if n.Staff {
			actor = p("actor.system")
		} else {
			actor = p("actor.staff")
		}
	}
	args := []string{"actor", actor, "to", n.To, "org", n.Organization, "note", n.Note}
	if n.Due != nil {
		args = append(args, "time", formatTime(lang, n.Due.In(zone)))
	}
	if n.Metric != "" {
		args = append(args, "metric", metricText(cat, n.Metric))
	}
	r := n.Request
	if r != nil {
		args = append(args, "number", r.Number, "title", oneLine(r.Title), "status", statusText(cat, r.Status))
		if r.Org != "" && n.Organization == "" {
			args = append(args, "org", r.Org)
		}
	}
	link := c.absolute(n.Link)
	requestAction := func() {
		if r != nil && link != "" {
			v.Action = &action{Label: p("action.request", args...), URL: link}
		}
	}
	quote := func(text string) {
		v.Quote = text
		v.QuoteHTML = c.render(text)
	}
	switch n.Topic {
	case casedesk.TopicReceived:
		v.Paragraphs = append(v.Paragraphs, p("body.received", args...))
		if n.Due != nil {
			v.Paragraphs = append(v.Paragraphs, p("body.received.due", args...))
		} else if r != nil && r.Severity == "" {
			v.Paragraphs = append(v.Paragraphs, p("body.received.nodue"))
		}
		requestAction()
	case casedesk.TopicReplied:
		key := "body.replied"
		if n.Staff {
			key = "body.replied.staff"
		}
		v.Paragraphs = append(v.Paragraphs, p(key, args...))
		quote(n.Text)
		for _, f := range n.Attachments {
			v.Files = append(v.Files, file{Name: f.Name, Size: humanBytes(f.Size), URL: c.absolute(f.Link)})
		}
		v.FilesTitle = p("files")
		requestAction()
	case casedesk.TopicWaiting, casedesk.TopicReopened, casedesk.TopicClosed,
		casedesk.TopicAssigned, casedesk.TopicSLAWarn, casedesk.TopicSLABreach, casedesk.TopicAccount:
		v.Paragraphs = append(v.Paragraphs, p("body."+string(n.Topic), args...))
		requestAction()
	case casedesk.TopicResolved:
		v.Paragraphs = append(v.Paragraphs, p("body.resolved", args...))
		if link != "" {
			v.After = append(v.After, p("body.resolved.survey"))
			v.Action = &action{Label: p("action.survey"), URL: link}
		}
	case casedesk.TopicCallback:
		v.Paragraphs = append(v.Paragraphs, p("body.callback", args...))
		quote(n.Text)
		requestAction()
	case casedesk.TopicPasswordReset, casedesk.TopicInvitation:
		v.Paragraphs = append(v.Paragraphs, p("body."+string(n.Topic), args...))
		if link != "" {
			v.Action = &action{Label: p("action." + string(n.Topic)), URL: link}
		} else {
			v.After = append(v.After, p("body.secret.spent"))
		}
	case casedesk.TopicPresales:
		v.Paragraphs = append(v.Paragraphs, p("body.presales", args...))
		quote(n.Text)
		if link != "" {
			v.Action = &action{Label: p("action.presales"), URL: link}
		}
	case casedesk.TopicMailRefused:
		v.Paragraphs = append(v.Paragraphs, p("body.mail_refused", args...))
		if link != "" {
			v.Action = &action{Label: p("action.mail_refused"), URL: link}
		}
	default:
		return nil, casedesk.Refused(fmt.Errorf("mail: no wording for the topic %q", n.Topic))
	}
	switch {
	case n.Topic == casedesk.TopicPresales && r == nil:
		v.Subject = p("subject.presales.plain")
	case r == nil && strings.HasPrefix(english["subject."+string(n.Topic)], "[#"):
		return nil, casedesk.Refused(fmt.Errorf("mail: a %s mail needs its request", n.Topic))
	default:
		v.Subject = p("subject."+string(n.Topic), args...)
	}
	if r != nil && n.Topic != casedesk.TopicPresales {
		v.Facts = append(v.Facts, fact{p("fact.request"), "#" + r.Number + " " + oneLine(r.Title)})
		if n.Staff && r.Org != "" {
			v.Facts = append(v.Facts, fact{p("fact.organization"), r.Org})
		}
		if r.Severity != "" {
			v.Facts = append(v.Facts, fact{p("fact.severity"), severityText(cat, r.Severity)})
		}
		v.Facts = append(v.Facts, fact{p("fact.status"), statusText(cat, r.Status)})
	}
	if n.ReplyToken != "" && !n.Staff && r != nil {
		v.Hint = p("reply.hint")
	}
	if n.Topic.Switchable() {
		v.Footer = p("footer.switchable")
		if n.Staff {
			v.Settings = c.absolute("/console/settings")
		} else {
			v.Settings = c.absolute("/account#notifications")
		}
	} else {
		v.Footer = p("footer.account")
	}
	return v, nil
}

// render returns the sanitized HTML of a Markdown text.
func (c *Composer) render(src string) htmltemplate.HTML {
	if src == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := c.md.Convert([]byte(src), &buf); err != nil {
		return htmltemplate.HTML(htmltemplate.HTMLEscapeString(src))
	}
	return htmltemplate.HTML(c.policy.SanitizeBytes(buf.Bytes())) // #nosec: sanitized above
}

// absolute makes a notice's path a link on the public URL; "" stays "".
func (c *Composer) absolute(path string) string {
	if path == "" {
		return ""
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return c.publicURL + path
}

// zone returns the named zone, loaded once; UTC for an empty or unknown
// name.
func (c *Composer) zone(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if l, ok := c.zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	c.zones.Store(name, l)
	return l
}

// oneLine keeps a title on one line, as a subject must be.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// humanBytes writes a file size for people: 56 B, 12 KB, 3.4 MB.
func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	}
	tenths := (n*10 + 512*1024) / (1024 * 1024)
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " MB"
}
