package mail_test

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/mail"
	gomail "github.com/emersion/go-message/mail"
)

// parsed is a composed message read back with go-message, as a mail client
// would.
type parsed struct {
	header gomail.Header
	text   string
	html   string
}

func mustParse(t *testing.T, raw []byte) parsed {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("message has a bare LF line end")
	}
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	out := parsed{header: r.Header}
	if mt, _, _ := r.Header.ContentType(); mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", mt)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part: %v", err)
		}
		h, ok := p.Header.(*gomail.InlineHeader)
		if !ok {
			t.Fatalf("part %T is not inline", p.Header)
		}
		mt, params, _ := h.ContentType()
		if params["charset"] != "utf-8" {
			t.Errorf("%s charset %q", mt, params["charset"])
		}
		b, _ := io.ReadAll(p.Body)
		switch mt {
		case "text/plain":
			out.text = string(b)
		case "text/html":
			out.html = string(b)
		default:
			t.Fatalf("unexpected part %s", mt)
		}
	}
	if out.text == "" || out.html == "" {
		t.Fatalf("want a text and an HTML part, got text %d bytes, HTML %d bytes", len(out.text), len(out.html))
	}
	return out
}

func (p parsed) get(key string) string { return p.header.Get(key) }

func (p parsed) subject(t *testing.T) string {
	t.Helper()
	s, err := p.header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newComposer(t *testing.T) *mail.Composer {
	t.Helper()
	c, err := mail.NewComposer(mail.Options{From: "support@desk.test", FromName: "Acme Support",
		ReplyTo: "help@desk.test", PublicURL: "https://desk.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var created = time.Date(2026, 12, 8, 9, 30, 0, 0, time.UTC)

func request() *casedesk.NoticeRequest {
	return &casedesk.NoticeRequest{ID: 42, Number: "1000042", Title: "Database\nfailover stuck", Org: "Northwind",
		Severity: casedesk.SeverityA, Status: casedesk.StatusOpen}
}

var links = regexp.MustCompile(`https?://[^\s"<>)]+|href="[^"]*"`)

// assertLinks checks that every link of the text and HTML is absolute on the
// public URL.
func assertLinks(t *testing.T, p parsed) {
	t.Helper()
	for _, body := range []string{p.text, p.html} {
		for _, l := range links.FindAllString(body, -1) {
			l = strings.TrimSuffix(strings.TrimPrefix(l, `href="`), `"`)
			if !strings.HasPrefix(l, "https://desk.example.com/") {
				t.Errorf("link %q is not absolute on the public URL", l)
			}
		}
	}
}

func TestComposeReply(t *testing.T) {
	c := newComposer(t)
	due := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang, zone, subject, intro, hint, files string
	}{
		{"en", "Europe/Berlin", "[#1000042] Reply: Database failover stuck", "Ada Agent replied to your request #1000042:",
			"You can answer by replying to this mail.", "Attachments:"},
		{"zh-CN", "Asia/Shanghai", "[#1000042] 回复：Database failover stuck", "Ada Agent 回复了您的请求 #1000042：",
			"您可以直接回复此邮件进行答复。", "附件："},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := &casedesk.Notice{Topic: casedesk.TopicReplied, To: "admin@customer.test", Name: "Bo Admin",
				Language: tc.lang, TimeZone: tc.zone, Request: request(), Actor: "Ada Agent",
				Text:        "Please **restart** the replica.\n\n<script>alert(1)</script>\n\n[docs](https://docs.example.com/x)",
				Attachments: []casedesk.NoticeFile{{Name: "log.txt", Size: 2048, Link: "/requests/1000042/attachments/7"}},
				Link:        "/requests/1000042", Due: &due, Thread: []string{"opening@customer.test"}, ReplyToken: "abc234",
				Organization: "Northwind"}
			d := &casedesk.Delivery{ID: 77, Recipient: n.To, CreatedAt: created}
			raw, err := c.Compose(d, n)
			if err != nil {
				t.Fatal(err)
			}
			p := mustParse(t, raw)
			if got := p.subject(t); got != tc.subject {
				t.Errorf("Subject %q, want %q", got, tc.subject)
			}
			from, _ := p.header.AddressList("From")
			if len(from) != 1 || from[0].Address != "support@desk.test" || from[0].Name != "Acme Support" {
				t.Errorf("From %v", from)
			}
			to, _ := p.header.AddressList("To")
			if len(to) != 1 || to[0].Address != "admin@customer.test" || to[0].Name != "Bo Admin" {
				t.Errorf("To %v", to)
			}
			rt, _ := p.header.AddressList("Reply-To")
			if len(rt) != 1 || rt[0].Address != "help+abc234@desk.test" {
				t.Errorf("Reply-To %v, want help+abc234@desk.test", rt)
			}
			id, _ := p.header.MessageID()
			if id != mail.MessageID(d, "desk.test") || !strings.HasPrefix(id, "d77.") {
				t.Errorf("Message-ID %q", id)
			}
			refs, _ := p.header.MsgIDList("References")
			if strings.Join(refs, " ") != "opening@customer.test r42@desk.test" {
				t.Errorf("References %v", refs)
			}
			irt, _ := p.header.MsgIDList("In-Reply-To")
			if strings.Join(irt, " ") != "opening@customer.test" {
				t.Errorf("In-Reply-To %v", irt)
			}
			if date, _ := p.header.Date(); !date.Equal(created) {
				t.Errorf("Date %v, want %v", date, created)
			}
			if p.get("Auto-Submitted") != "auto-generated" || p.get("X-Auto-Response-Suppress") != "All" {
				t.Errorf("Auto-Submitted %q, X-Auto-Response-Suppress %q", p.get("Auto-Submitted"), p.get("X-Auto-Response-Suppress"))
			}
			for _, want := range []string{tc.intro, "Please **restart** the replica.", tc.hint, tc.files,
				"log.txt (2 KB): https://desk.example.com/requests/1000042/attachments/7",
				"https://desk.example.com/requests/1000042", "https://desk.example.com/account#notifications"} {
				if !strings.Contains(p.text, want) {
					t.Errorf("text lacks %q:\n%s", want, p.text)
				}
			}
			for _, want := range []string{"<strong>restart</strong>", `href="https://desk.example.com/requests/1000042/attachments/7"`,
				`lang="` + tc.lang + `"`, "Ada Agent"} {
				if !strings.Contains(p.html, want) {
					t.Errorf("HTML lacks %q:\n%s", want, p.html)
				}
			}
			if strings.Contains(p.html, "<script") {
				t.Errorf("HTML kept a script:\n%s", p.html)
			}
			// The Markdown's own link points elsewhere: it is kept, made
			// harmless (nofollow), and is the only non-public link.
			p.html = strings.ReplaceAll(p.html, `href="https://docs.example.com/x"`, "")
			p.text = strings.ReplaceAll(p.text, "https://docs.example.com/x", "")
			assertLinks(t, p)
		})
	}
}

func TestComposeReceivedCommitment(t *testing.T) {
	c := newComposer(t)
	due := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ lang, zone, want string }{
		{"en", "America/New_York", "We will answer by Tue 8 Dec 2026, 05:00 (America/New_York) (your time)."},
		{"zh-CN", "Asia/Shanghai", "我们将在 2026年12月8日 星期二 18:00（Asia/Shanghai）（您的当地时间）之前答复您。"},
		{"fr", "", "We will answer by Tue 8 Dec 2026, 10:00 (UTC) (your time)."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := &casedesk.Notice{Topic: casedesk.TopicReceived, To: "admin@customer.test", Language: tc.lang,
				TimeZone: tc.zone, Request: request(), Due: &due, Metric: casedesk.MetricInitialResponse, Link: "/requests/1000042"}
			p := mustParse(t, must(t, c, n))
			if !strings.Contains(p.text, tc.want) || !strings.Contains(p.text, "1000042") {
				t.Errorf("text lacks %q:\n%s", tc.want, p.text)
			}
			// No reply token: no Reply-To, and the References still thread.
			if p.get("Reply-To") != "" {
				t.Errorf("Reply-To %q without a token", p.get("Reply-To"))
			}
			if refs, _ := p.header.MsgIDList("References"); strings.Join(refs, " ") != "r42@desk.test" {
				t.Errorf("References %v", refs)
			}
			assertLinks(t, p)
		})
	}
}

func must(t *testing.T, c *mail.Composer, n *casedesk.Notice) []byte {
	t.Helper()
	raw, err := c.Compose(&casedesk.Delivery{ID: 1, Recipient: n.To, CreatedAt: created}, n)
	if err != nil {
		t.Fatalf("%s/%s: %v", n.Topic, n.Language, err)
	}
	return raw
}

// TestComposeEveryTopic writes every topic in both languages and checks
// that each is worded (no placeholder left, nothing of the other language
// missing), with its action link absolute.
func TestComposeEveryTopic(t *testing.T) {
	c := newComposer(t)
	due := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	topics := append(append(append([]casedesk.Topic(nil), casedesk.CustomerTopics...), casedesk.StaffTopics...),
		casedesk.TopicPasswordReset, casedesk.TopicInvitation, casedesk.TopicPresales, casedesk.TopicMailRefused)
	han := regexp.MustCompile(`\p{Han}`)
	for _, lang := range []string{"en", "zh-CN"} {
		for _, topic := range topics {
			t.Run(lang+"/"+string(topic), func(t *testing.T) {
				n := &casedesk.Notice{Topic: topic, To: "someone@customer.test", Name: "Someone", Language: lang,
					TimeZone: "Europe/Paris", Request: request(), Actor: "Ada Agent", Link: "/requests/1000042",
					Organization: "Northwind", Due: &due, Metric: casedesk.MetricResolution, Text: "The answer.",
					Note: "the sender may not act on this request", ReplyToken: "tok"}
				staff := false
				for _, s := range casedesk.StaffTopics {
					staff = staff || s == topic
				}
				n.Staff = staff
				switch topic {
				case casedesk.TopicPasswordReset:
					n.Request, n.Link, n.Secret, n.ReplyToken = nil, "/reset?token=cdr_secret", true, ""
				case casedesk.TopicInvitation:
					n.Request, n.Link, n.Secret, n.ReplyToken = nil, "/reset?token=cdr_invite&invite=1", true, ""
				case casedesk.TopicMailRefused:
					n.Request, n.Link, n.ReplyToken = nil, "/login", ""
				}
				p := mustParse(t, must(t, c, n))
				subject := p.subject(t)
				for _, s := range []string{subject, p.text, p.html} {
					if strings.Contains(s, "{") && !strings.Contains(s, "{ ") {
						t.Errorf("a placeholder is left in %q", s)
					}
				}
				if n.Request != nil && !strings.HasPrefix(subject, "[#1000042] ") {
					t.Errorf("subject %q lacks the request's tag", subject)
				}
				if got := han.MatchString(subject + p.text); got != (lang == "zh-CN") {
					t.Errorf("%s mail has Chinese: %v:\n%s\n%s", lang, got, subject, p.text)
				}
				if !strings.Contains(p.text, "https://desk.example.com"+n.Link) {
					t.Errorf("text lacks the action link %s:\n%s", n.Link, p.text)
				}
				switch topic {
				case casedesk.TopicMailRefused:
					if !strings.Contains(p.text, n.Note) {
						t.Errorf("text lacks the reason:\n%s", p.text)
					}
				case casedesk.TopicPresales, casedesk.TopicCallback:
					if !strings.Contains(p.text, "The answer.") {
						t.Errorf("text lacks the text:\n%s", p.text)
					}
				case casedesk.TopicSLAWarn, casedesk.TopicSLABreach:
					if !strings.Contains(p.text, "11:00 (Europe/Paris)") && !strings.Contains(p.text, "11:00（Europe/Paris）") {
						t.Errorf("text lacks the due time in the recipient's zone:\n%s", p.text)
					}
				}
				if topic.Switchable() != strings.Contains(p.text, "https://desk.example.com/"+map[bool]string{true: "console/settings", false: "account#notifications"}[staff]) {
					t.Errorf("settings link on a switchable topic only:\n%s", p.text)
				}
				if p.get("Reply-To") != "" && (staff || n.Request == nil) {
					t.Errorf("Reply-To %q on a mail that is no customer's about a request", p.get("Reply-To"))
				}
				assertLinks(t, p)
			})
		}
	}
}

func TestComposeRefusesWhatItCannotWrite(t *testing.T) {
	c := newComposer(t)
	for name, n := range map[string]*casedesk.Notice{
		"bad address":     {Topic: casedesk.TopicClosed, To: "not an address", Request: request()},
		"unknown topic":   {Topic: "gossip", To: "a@customer.test", Request: request()},
		"missing request": {Topic: casedesk.TopicReplied, To: "a@customer.test"},
	} {
		if _, err := c.Compose(&casedesk.Delivery{ID: 1}, n); !casedesk.IsRefused(err) {
			t.Errorf("%s: err %v, want a refusal", name, err)
		}
	}
}

func TestMessageIDStable(t *testing.T) {
	d := &casedesk.Delivery{ID: 9, Recipient: "a@customer.test", CreatedAt: created}
	a, b := mail.MessageID(d, "desk.test"), mail.MessageID(&casedesk.Delivery{ID: 9, Recipient: "a@customer.test", CreatedAt: created.Add(time.Millisecond)}, "desk.test")
	if a != b {
		t.Errorf("Message-ID changed with sub-second precision: %s, %s", a, b)
	}
	if c := mail.MessageID(&casedesk.Delivery{ID: 9, Recipient: "b@customer.test", CreatedAt: created}, "desk.test"); c == a {
		t.Errorf("two deliveries share Message-ID %s", a)
	}
}

func TestNewComposerChecks(t *testing.T) {
	for name, o := range map[string]mail.Options{
		"no from":       {PublicURL: "https://desk.example.com"},
		"named from":    {From: "Support <support@desk.test>", PublicURL: "https://desk.example.com"},
		"no public URL": {From: "support@desk.test"},
		"relative URL":  {From: "support@desk.test", PublicURL: "/desk"},
		"bad reply-to":  {From: "support@desk.test", ReplyTo: "help", PublicURL: "https://desk.example.com"},
	} {
		if _, err := mail.NewComposer(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
