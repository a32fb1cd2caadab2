package web_test

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// zhAllowed are the Latin words a Simplified Chinese page may show: names
// (of the product, organizations, people, plans and products from the
// catalogue) and codes that are identifiers (severities, currencies, time
// zones, formats). Everything else in Latin script on a zh-CN page is English
// that escaped the catalogue — unless it is customer text in another
// language, which the page marks with its lang attribute (and this test skips).
var zhAllowed = []string{
	// The provider, the customers, the partner and the people of the test world.
	"Contoso Cloud", "Fabrikam GmbH", "Proseware Solutions", "Olga Operator", "Emily Carter", "Anna Schmidt",
	"Markus Weber", "Thomas Müller", "Priya Patel", "Lena Fischer", "Sam Supervisor",
	// Plans and products of the catalogue: product names.
	"Microsoft 365", "Business Premium", "Business Standard", "Business Basic", "Office 365", "Enterprise",
	"Exchange Online", "SharePoint Online", "OneDrive", "Microsoft Teams", "Teams", "Outlook", "Windows",
	"Entra ID", "Intune", "Azure", "Defender", "Power BI", "Dynamics 365", "Copilot", "Frontline", "Elevated",
	"MiB", "KiB", "OpenAPI", "REST", "casedesk",
	// Identifiers and units people type or read as they are.
	// Customer text in the title element, which cannot mark a part with lang.
	"Mail is not arriving", "Calendar sharing fails", "Teams meeting recordings",
	"SLA", "Webhook", "CSV", "Markdown", "IANA", "ISO", "UTC", "API", "URL", "DNS", "MX", "SPF", "DKIM", "DMARC", "TXT",
	"CNAME", "IP", "VPN", "PDF", "ICS", "iCalendar", "ID", "MFA", "SSO", "PowerShell", "Wi-Fi", "GmbH",
}

var (
	latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]`)
	// Latin text that is data, not prose: e-mail addresses, time zones
	// (Europe/Berlin), plan tiers (E3, K1), file names.
	zhData = regexp.MustCompile(`\b[A-Z][0-9]\b|[\w.+-]+@[\w.-]+|\b[A-Z][a-z]+/[A-Za-z_-]+(/[A-Za-z_-]+)?\b|\b[\w-]+\.(txt|png|pdf|log|csv|ics)\b`)
)

// TestChineseComplete renders every page in Simplified Chinese — portal and
// console, as every role that sees different pages, error pages included —
// and fails on Latin words outside the allow-list of names and codes and
// outside customer text marked with its own language.
func TestChineseComplete(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	chk := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// A world with a bit of everything: requests in both languages, replies,
	// notes, a call, a callback, a link, an escalation, an outcome, a survey,
	// a technical account manager and their notifications.
	chk(e.desk.SetTAM(ctx, e.actor("sam"), e.fabrikam.ID, e.users["lena"].ID))
	en := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
	other := e.openRequest("anna", e.fabrikam.ID, "Calendar sharing fails")
	closed := e.openRequest("markus", e.fabrikam.ID, "Teams meeting recordings")
	zh, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryTechnical,
		Title: "邮件无法发送", Description: "所有用户都无法发送邮件。", Language: "zh-CN", Product: "mail"}, "")
	chk(err)
	sevB := casedesk.SeverityB
	_, err = e.desk.UpdateRequest(ctx, e.actor("lena"), en.Number, desk.RequestPatch{Severity: &sevB})
	chk(err)
	_, err = e.desk.AddMessage(ctx, e.actor("lena"), en.Number, desk.NewMessage{Body: "Please send a **message trace**."})
	chk(err)
	_, err = e.desk.AddMessage(ctx, e.actor("lena"), en.Number, desk.NewMessage{Body: "Checked the MX records.", Internal: true})
	chk(err)
	_, err = e.desk.AddMessage(ctx, e.actor("wang"), zh.Number, desk.NewMessage{Body: "我们正在处理。"})
	chk(err)
	_, err = e.desk.RequestCallback(ctx, e.actor("anna"), en.Number, "+49 30 1234567", "")
	chk(err)
	_, err = e.desk.Link(ctx, e.actor("lena"), en.Number, other.Number)
	chk(err)
	_, err = e.desk.Escalate(ctx, e.actor("lena"), other.Number, "Needs tier 2.")
	chk(err)
	_, err = e.desk.OutOfScope(ctx, e.actor("lena"), closed.Number, "network", "Your network provider can help with the router.")
	chk(err)
	canned, err := e.desk.CreateCanned(ctx, e.actor("sam"), "问候", "zh-CN", "您好，我们正在处理。")
	chk(err)

	request := func(n string) string { return "/requests/" + n }
	work := func(n string) string { return "/console/requests/" + n }
	customer := []string{"/", "/requests", "/requests?status=closed", "/requests/new", request(en.Number), request(other.Number),
		request(closed.Number), "/organization", "/organization/history", "/account", "/password", "/help", "/requests/9999999", "/console"}
	staff := []string{"/", "/console", "/console?view=triage", "/console?view=all", "/console?view=tier2", "/console?view=mine",
		"/console?view=breached", "/console?view=at_risk", "/console?view=unassigned", work(en.Number), work(other.Number),
		work(closed.Number), work(zh.Number), "/console/phone", "/console/phone?q=Fabrikam", "/console/callbacks",
		"/console/organizations/" + itoa(e.fabrikam.ID), "/console/organizations/" + itoa(e.yunfan.ID), "/console/canned",
		"/console/notifications", "/console/supervisor", "/console/requests/9999999", "/requests", "/account", "/help",
		"/console/settings"}
	roles := []struct {
		key   string
		paths []string
	}{
		{"", []string{"/signin", "/forgot", "/reset", "/presales", "/presales/sent?number=1000001", "/help", "/help/add-domain",
			"/nope"}},
		{"anna", customer},   // global admin
		{"markus", customer}, // support admin
		{"thomas", []string{"/", "/requests", "/account", "/password", "/organization", "/console"}}, // user: refused requests
		{"priya", customer}, // partner admin, on behalf of Fabrikam
		{"wei", append([]string{request(zh.Number)}, customer...)},
		{"lena", staff}, // agent and Fabrikam's technical account manager
		{"sam", append([]string{"/console/canned/" + itoa(canned.ID), "/console/outbox", "/console/outbox?status=dead"}, staff...)},
		{"operator", []string{"/", "/console", "/console/supervisor", "/console/outbox", "/account", "/organization", "/requests"}},
	}
	leaks := map[string][]string{} // word → where
	for _, r := range roles {
		c := e.client()
		if r.key != "" {
			c.signIn(r.key)
		}
		c.post("/help", "/language", url.Values{"lang": {"zh-CN"}, "next": {"/help"}})
		who := r.key
		if who == "" {
			who = "anonymous"
		}
		for _, p := range r.paths {
			_, page := c.get(p)
			if !strings.Contains(page, `<html lang="zh-CN"`) {
				t.Errorf("%s %s: the page is not in zh-CN", who, p)
				continue
			}
			for _, w := range untranslated(t, page) {
				leaks[w] = append(leaks[w], who+" "+p)
			}
		}
	}
	words := make([]string, 0, len(leaks))
	for w := range leaks {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		where := slices.Compact(leaks[w])
		if len(where) > 3 {
			where = append(where[:3], "…")
		}
		t.Errorf("untranslated in zh-CN: %q (%s)", w, strings.Join(where, "; "))
	}
}

// untranslated returns the Latin words of a page's text and its
// human-readable attributes, skipping scripts, styles and text marked with
// a language other than Chinese, after removing allowed names, codes and data.
func untranslated(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style":
				return
			case "code", "kbd":
				return // identifiers and keys: placeholders such as {{request.title}}, j/k
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "lang":
					if n.Data != "html" && !strings.HasPrefix(a.Val, "zh") {
						return // customer text in its own language
					}
				case "title", "placeholder", "aria-label", "alt":
					texts = append(texts, a.Val)
				case "value": // shown on an input button only
					if typ := attr(n, "type"); n.Data == "input" && (typ == "submit" || typ == "button") {
						texts = append(texts, a.Val)
					}
				}
			}
			if n.Data == "meta" && attr(n, "name") == "description" {
				texts = append(texts, attr(n, "content"))
			}
		}
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	allowed := slices.Clone(zhAllowed) // the longest first: "Teams meeting recordings" before "Teams"
	slices.SortFunc(allowed, func(a, b string) int { return len(b) - len(a) })
	var out []string
	for _, s := range texts {
		s = zhData.ReplaceAllString(s, " ")
		for _, name := range allowed {
			s = strings.ReplaceAll(s, name, " ")
		}
		for _, w := range latinWord.FindAllString(s, -1) {
			if len(w) == 1 && strings.ContainsAny(w, "ABCabc") {
				continue // a severity (A, B, C)
			}
			out = append(out, w+" in «"+strings.Join(strings.Fields(s), " ")+"»")
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
