package mail

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	tests := []struct {
		file        string
		from        string
		fromName    string
		subject     string
		messageID   string
		synthesized bool
		inReplyTo   []string
		references  []string
		reply       string   // exactly what the sender wrote now
		textHas     []string // the full text keeps these
		notInReply  []string
		attachments []string // names
		auto        bool
		token       string // for support@desk.test
		number      string
	}{
		{file: "gmail_reply.eml", from: "ann@customer.test", fromName: "Ann Admin", subject: "Re: [#1000042] Mail flow broken",
			messageID: "CAF=abc@mail.gmail.com", inReplyTo: []string{"d17.9f3a@desk.test"},
			references: []string{"r42@desk.test", "d17.9f3a@desk.test"},
			reply:      "It works again after the restart, thanks.", textHas: []string{"Contoso IT", "> Please restart"},
			token: "abc123tok", number: "1000042"},
		{file: "gb2312.eml", from: "wang@customer.test", fromName: "王经理", subject: "邮件流中断", messageID: "gb1@customer.test",
			reply: "邮件无法发送，请帮忙。", textHas: []string{"写道", "请重启连接器"}},
		{file: "big5.eml", from: "chen@customer.test", subject: "登入問題", messageID: "big5@customer.test",
			reply: "無法登入管理中心。"},
		{file: "iso2022jp.eml", from: "tanaka@customer.test", subject: "メール障害", messageID: "jp@customer.test",
			reply: "メールが届きません。"},
		{file: "8bit_header.eml", from: "wang@customer.test", fromName: "王经理", subject: "邮件问题", messageID: "8bit@customer.test",
			reply: "你好"},
		{file: "8bit_utf8_header.eml", from: "li@customer.test", fromName: "李", subject: "无法登录", messageID: "8bitu@customer.test",
			reply: "你好"},
		{file: "html_inline.eml", from: "bob@customer.test", subject: "Screenshot", synthesized: true,
			reply: "See the error below:", textHas: []string{"> Old text"}, notInReply: []string{"alert", "color:red", "Old text"},
			attachments: []string{"attachment-1.png", "报告.pdf"}},
		{file: "outlook_reply.eml", from: "carol@customer.test", subject: "RE: [#1000007] Licence question",
			messageID: "outlook1@customer.test", reply: "Yes, 25 seats please.", notInReply: []string{"How many seats"}, number: "1000007"},
		{file: "zh_outlook.eml", from: "zhao@customer.test", subject: "回复: [#1000007] 问题", messageID: "zh2@customer.test",
			reply: "好的，谢谢。", notInReply: []string{"请提供日志"}, number: "1000007"},
		{file: "autoreply.eml", from: "ann@customer.test", subject: "Automatic reply: [#1000042] Mail flow broken",
			messageID: "auto1@customer.test", reply: "I am out of office.", auto: true, number: "1000042"},
		{file: "bulk.eml", from: "news@example.test", subject: "Newsletter", messageID: "bulk1@example.test", reply: "News.", auto: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := mustRead(t, tt.file)
			m, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.From.Email != tt.from || (tt.fromName != "" && m.From.Name != tt.fromName) {
				t.Errorf("From = %+v, want %s %s", m.From, tt.fromName, tt.from)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if tt.synthesized {
				if !m.Synthesized || !strings.HasSuffix(m.MessageID, "@synthesized.casedesk.invalid") {
					t.Errorf("MessageID = %q (synthesized %v), want a synthesized one", m.MessageID, m.Synthesized)
				}
				again, _ := Parse(raw)
				if again.MessageID != m.MessageID {
					t.Errorf("synthesized MessageID not stable: %q then %q", m.MessageID, again.MessageID)
				}
			} else if m.MessageID != tt.messageID || m.Synthesized {
				t.Errorf("MessageID = %q, want %q", m.MessageID, tt.messageID)
			}
			if strings.Join(m.InReplyTo, " ") != strings.Join(tt.inReplyTo, " ") {
				t.Errorf("InReplyTo = %v, want %v", m.InReplyTo, tt.inReplyTo)
			}
			if strings.Join(m.References, " ") != strings.Join(tt.references, " ") {
				t.Errorf("References = %v, want %v", m.References, tt.references)
			}
			if m.Reply != tt.reply {
				t.Errorf("Reply = %q, want %q", m.Reply, tt.reply)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.notInReply {
				if strings.Contains(m.Reply, s) {
					t.Errorf("Reply keeps %q:\n%s", s, m.Reply)
				}
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.attachments, ",") {
				t.Errorf("attachments = %v, want %v", names, tt.attachments)
			}
			if (m.Auto != "") != tt.auto {
				t.Errorf("Auto = %q, want automatic %v", m.Auto, tt.auto)
			}
			if got := m.Token("support@desk.test"); got != tt.token {
				t.Errorf("Token = %q, want %q", got, tt.token)
			}
			if got := SubjectNumber(m.Subject); got != tt.number {
				t.Errorf("SubjectNumber = %q, want %q", got, tt.number)
			}
		})
	}
}

func TestParseHTMLInline(t *testing.T) {
	m, err := Parse(mustRead(t, "html_inline.eml"))
	if err != nil {
		t.Fatal(err)
	}
	img, pdf := m.Attachments[0], m.Attachments[1]
	if !img.Inline || img.ContentID != "img1@x" || img.ContentType != "image/png" || img.Size() != 48 {
		t.Errorf("inline image = %+v", img)
	}
	if pdf.Inline || pdf.ContentType != "application/pdf" || !strings.HasPrefix(string(pdf.Data), "%PDF-1.4") {
		t.Errorf("attachment = %+v", pdf)
	}
	if strings.Contains(m.HTML, "script") || strings.Contains(m.HTML, "onerror") || !strings.Contains(m.HTML, `src="cid:img1@x"`) {
		t.Errorf("HTML not sanitized as expected: %s", m.HTML)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, tt := range []struct {
		file, reason string
	}{
		{"malformed_noboundary.eml", "without a boundary"},
		{"malformed_noparts.eml", "no parts"},
		{"malformed_nofrom.eml", "no From"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Parse(mustRead(t, tt.file))
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %v, want ErrMalformed saying %q", err, tt.reason)
			}
		})
	}
	for _, raw := range []string{"", "   \r\n", "no header at all", "\x00\x01\x02"} {
		if _, err := Parse([]byte(raw)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) = %v, want ErrMalformed", raw, err)
		}
	}
}

func TestParseBounce(t *testing.T) {
	m, err := Parse(mustRead(t, "bounce.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Bounces) != 1 || m.Auto == "" {
		t.Fatalf("Bounces = %+v, Auto = %q", m.Bounces, m.Auto)
	}
	b := m.Bounces[0]
	if b.Recipient != "gone@customer.test" || b.Status != "5.1.1" || !b.Permanent() || b.MessageID != "d99.abc@desk.test" ||
		!strings.Contains(b.Diagnostic, "User unknown") {
		t.Errorf("bounce = %+v", b)
	}
}

func TestOwnID(t *testing.T) {
	for _, tt := range []struct {
		id      string
		request int64
		ours    bool
	}{
		{"r42@desk.test", 42, true},
		{"d17.9f3a@desk.test", 0, true},
		{"D17.9F3A@Desk.Test", 0, true},
		{"d17.9f3a@other.test", 0, false},
		{"r42@desk.test.evil", 0, false},
		{"CAF=abc@mail.gmail.com", 0, false},
		{"rx@desk.test", 0, false},
	} {
		req, ours := OwnID(tt.id, "desk.test")
		if req != tt.request || ours != tt.ours {
			t.Errorf("OwnID(%q) = %d, %v; want %d, %v", tt.id, req, ours, tt.request, tt.ours)
		}
	}
	if id, ok := OwnDelivery("d17.9f3a@desk.test", "desk.test"); id != 17 || !ok {
		t.Errorf("OwnDelivery = %d, %v", id, ok)
	}
}

func TestStripQuoted(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Thanks\n\nOn Mon, 3 Jun 2024 at 10:00, Ann <a@b.c>\nwrote:\n> x", "Thanks"},
		{"Thanks\n\nOn Mon, 3 Jun 2024 at 10:00, Ann <a@b.c> wrote:\n> x", "Thanks"},
		{"收到\n\n在 2024年6月3日 10:00，Ann 写道：\n> x", "收到"},
		{"ok\n________________________________\nFrom: a\nSent: b", "ok"},
		{"line\n> quoted\nmore", "line\nmore"},
		{"> only quoted", "> only quoted"},
		{"hi\n\nSent from my iPhone", "hi"},
		{"From: the start, I said\nhello", "From: the start, I said\nhello"},
	} {
		if got := StripQuoted(tt.in); got != tt.want {
			t.Errorf("StripQuoted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"gmail_reply.eml", "html_inline.eml", "bounce.eml", "malformed_noparts.eml"} {
		f.Add(mustRead(f, n))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err == nil && m.MessageID == "" {
			t.Fatal("parsed without a Message-ID")
		}
	})
}
