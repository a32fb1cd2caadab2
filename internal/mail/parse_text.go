package mail

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// policy sanitizes mail HTML: what user-generated content may hold, with
// inline images by cid:.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	return p
}()

func sanitizeHTML(s string) string { return strings.TrimSpace(policy.Sanitize(s)) }

// blockTags end a line of text.
var blockTags = map[string]bool{"p": true, "div": true, "br": true, "tr": true, "li": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "table": true, "ul": true, "ol": true, "pre": true, "hr": true,
	"blockquote": true, "section": true, "article": true, "header": true, "footer": true}

// htmlText turns an HTML body into plain text: block elements end lines,
// scripts and styles vanish, a blockquote's lines are quoted with "> " (so
// StripQuoted treats them as the quoted history they are), and Gmail's and
// Outlook's quote containers start with their attribution line intact.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	quote, skip := 0, 0
	atLineStart := true
	newline := func() {
		b.WriteString("\n")
		atLineStart = true
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title":
				skip++
			case "blockquote":
				quote++
			}
			if blockTags[tag] && !atLineStart {
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title":
				if skip > 0 {
					skip--
				}
			case "blockquote":
				if quote > 0 {
					quote--
				}
			}
			if blockTags[tag] && !atLineStart {
				newline()
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			text = strings.Join(strings.Fields(text), " ")
			if text == "" {
				continue
			}
			if atLineStart {
				b.WriteString(strings.Repeat("> ", quote))
			} else {
				b.WriteString(" ")
			}
			b.WriteString(text)
			atLineStart = false
		}
	}
}

// tidyLines trims lines and keeps at most one empty line in a row.
func tidyLines(s string) string {
	var out []string
	empty := 0
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			empty++
			if empty > 1 {
				continue
			}
		} else {
			empty = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// The lines where quoted history or a signature begins.
var (
	// "On Mon, 3 Jun 2024 at 10:00, Ann <ann@example.com> wrote:" (Gmail,
	// Apple Mail, Thunderbird), also when the client wrapped it in two.
	onWrote = regexp.MustCompile(`(?i)^(on|am|le|el|il|op)\s.+(wrote|schrieb|a écrit|escribió|ha scritto|schreef)\s*:\s*$`)
	wrote   = regexp.MustCompile(`(?i)^.*(wrote|schrieb|a écrit|escribió)\s*:\s*$`)
	// "在 2024年6月3日 10:00，Ann <ann@example.com> 写道：" (and 于 …).
	zhWrote = regexp.MustCompile(`^(在|于).*(写道|寫道)\s*[:：]?\s*$`)
	// Outlook's separators and header blocks.
	original = regexp.MustCompile(`(?i)^-{2,}\s*(original message|原始邮件|原始郵件|forwarded message|转发的邮件)\s*-{2,}`)
	outlook  = regexp.MustCompile(`^_{10,}\s*$`)
	fromLine = regexp.MustCompile(`(?i)^\*?(from|发件人|寄件者|von|de)\s*\*?\s*[:：]`)
	sentLine = regexp.MustCompile(`(?i)^\*?(sent|date|to|subject|发送时间|时间|日期|收件人|主题|寄件日期|主旨|gesendet|envoyé)\s*\*?\s*[:：]`)
	// Phone clients' signatures.
	sentFrom = regexp.MustCompile(`(?i)^(sent from my |get outlook for |从我的.*发送|发自我的)`)
)

// StripQuoted returns what the sender wrote in a reply: text without the
// quoted history that follows it ("On … wrote:", "-----Original
// Message-----", an Outlook "From:/Sent:" block, "在…写道：", "发件人:"),
// without lines quoted with ">", and without the signature after "-- ".
// When cutting would leave nothing, the text is returned whole.
func StripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var kept []string
cut:
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case l == "-- " || l == "--" || t == "-- ":
			break cut
		case onWrote.MatchString(t), zhWrote.MatchString(t), original.MatchString(t), outlook.MatchString(t):
			break cut
		case strings.HasPrefix(t, "On ") && i+1 < len(lines) && wrote.MatchString(strings.TrimSpace(lines[i+1])):
			break cut
		case fromLine.MatchString(t) && headerBlock(lines[i+1:]):
			break cut
		case sentFrom.MatchString(t):
			break cut
		case strings.HasPrefix(t, ">"):
			continue
		}
		kept = append(kept, l)
	}
	out := strings.TrimSpace(tidyLines(strings.Join(kept, "\n")))
	if out == "" {
		return strings.TrimSpace(text)
	}
	return out
}

// headerBlock reports whether the lines after a "From:" line look like the
// rest of a quoted mail header (Sent:, To:, Subject: within a few lines).
func headerBlock(rest []string) bool {
	n := 0
	for _, l := range rest {
		if n >= 4 {
			break
		}
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if sentLine.MatchString(t) {
			return true
		}
		n++
	}
	return false
}
