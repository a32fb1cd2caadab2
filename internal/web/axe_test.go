package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// axeSource is axe-core 4.14.1's built file (testdata/axe-core/README.md),
// injected into every page the browser tests visit.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeRun checks the document once it has loaded (styles included, for
// contrast) against WCAG 2.0, 2.1 and 2.2 A and AA, and answers the
// violations as JSON. It marks the document checked first, so a page is
// checked once however many steps run on it.
const axeRun = `(async () => {
	window.__axeChecked = true;
	if (document.readyState !== "complete") await new Promise(r => addEventListener("load", r, {once: true}));
	const res = await axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
		resultTypes: ["violations"],
	});
	return JSON.stringify({
		page: location.pathname.replace(/\/\d+(?=\/|$)/g, "/{n}"),
		lang: document.documentElement.lang,
		violations: res.violations.map(v => ({id: v.id, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + "  " + n.html.slice(0, 200))})),
	});
})()`

// axeAllowed are the violations another change fixes, by rule and page
// ("*": every page), each with its reason. The lead removes each entry
// once that change is merged; a new page never joins this list.
var axeAllowed = map[string][]string{}

// axeViolation is one rule a page breaks.
type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

// axe runs axe-core over the page the tab shows, unless it has already
// checked this document, and reports every violation not on axeAllowed as
// an error of the test (the flow goes on). A navigation that replaces the
// page meanwhile ends the check: the next page is checked in its turn.
// Pages shown with JavaScript disabled are not checked (axe is a script).
func (b *browserRun) axe() {
	b.t.Helper()
	if b.noAxe {
		return
	}
	// A tab's empty first document (about:blank, before the flow's first
	// navigation) is no page of casedesk's.
	state, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.protocol.startsWith("http") ? (window.__axeChecked ? "checked" : typeof axe === "undefined" ? "" : "loaded") : "checked"`))
	if err != nil {
		b.axeFailed(err)
		return
	}
	if state == "checked" {
		return
	}
	if state == "" {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			b.axeFailed(err)
			return
		}
	}
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		b.axeFailed(err)
		return
	}
	var res struct {
		Page, Lang string
		Violations []axeViolation
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		b.t.Fatalf("axe: %v in %s", err, out)
	}
	for _, v := range res.Violations {
		if allowedViolation(v.ID, res.Page) {
			continue
		}
		b.t.Errorf("axe: %s on %s [%s]: %s\n\t%s", v.ID, res.Page, res.Lang, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

func allowedViolation(rule, page string) bool {
	for _, p := range axeAllowed[rule] {
		if p == "*" || p == page {
			return true
		}
	}
	return false
}

// axeFailed fails the test unless the page went away under the check.
func (b *browserRun) axeFailed(err error) {
	b.t.Helper()
	if b.ctx.Err() == nil && navigatedAway(err) {
		return
	}
	b.t.Fatalf("axe: %v", err)
}

// TestAccessibilityBrowser runs axe-core over every page, in both
// languages, as every role that can reach it (and as the roles refused it,
// for the error pages), on top of the pages the other browser tests visit.
func TestAccessibilityBrowser(t *testing.T) {
	bctx := browser(t)
	dir := artifacts(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	en := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
	zh, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryTechnical,
		Title: "邮件无法发送", Description: "所有用户都无法发送邮件。", Language: "zh-CN"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ number, body string }{{en.Number, "Please send a **message trace**."}, {zh.Number, "We are looking into it."}} {
		if _, err := e.desk.AddMessage(ctx, e.actor("agent"), m.number, desk.NewMessage{Body: m.body}); err != nil {
			t.Fatal(err)
		}
	}
	canned, err := e.desk.CreateCanned(ctx, e.actor("sam"), "Greeting", "zh-CN", "您好，我们正在处理。")
	if err != nil {
		t.Fatal(err)
	}
	queueOutbox(t, e) // a dead, a sent and a pending delivery for the outbox page
	request := func(n string) string { return "/requests/" + n }
	work := func(n string) string { return "/console/requests/" + n }
	customer := []string{"/", "/requests", "/requests/new", request(en.Number), "/organization", "/organization/history", "/account",
		"/password", "/help", "/requests/9999999", "/console"}
	staff := []string{"/", "/console", "/console?view=triage", "/console?view=all", "/console?view=tier2", work(en.Number), work(zh.Number),
		"/console/phone", "/console/phone?q=Fabrikam", "/console/callbacks", "/console/organizations/" + itoa(e.yunfan.ID),
		"/console/canned", "/console/notifications", "/console/settings", "/console/supervisor", "/console/requests/9999999", "/requests"}
	roles := []struct {
		key   string
		paths []string
	}{
		{"", []string{"/signin", "/forgot", "/reset", "/presales", "/presales/sent?number=1000001", "/help", "/help/add-domain", "/nope", "/signin?next=/requests"}},
		{"anna", customer},   // global admin
		{"markus", customer}, // support admin
		{"thomas", []string{"/", "/requests", "/account", "/password", "/organization"}}, // user: refused requests
		{"priya", customer}, // partner admin, on behalf of Fabrikam
		{"wei", append([]string{request(zh.Number)}, customer[:3]...)}, // elevated support
		{"operator", []string{"/", "/console/outbox"}},
		{"agent", staff},
		{"sam", append([]string{"/console/canned/" + itoa(canned.ID), "/console?view=breached", "/console/outbox", "/console/outbox?status=dead"}, staff...)},
		{"operator", []string{"/", "/account", "/help", "/organization", "/requests"}}, // administration; refused requests
	}
	for _, r := range roles {
		name := r.key
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			tctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
			tctx, cancelT := context.WithTimeout(tctx, 3*time.Minute)
			t.Cleanup(func() { cancelT(); cancel() })
			b := &browserRun{t: t, ctx: tctx, e: e, dir: dir}
			if r.key != "" {
				b.signIn(r.key)
			}
			for _, lang := range []string{"en", "zh-CN"} {
				b.language(lang)
				for _, p := range r.paths {
					b.do(chromedp.Navigate(e.srv.URL+p), chromedp.WaitReady(chromedp.CSS("main")))
				}
			}
		})
	}
}

// language switches the tab's pages to lang with the switch in the header,
// which saves a signed-in user's setting.
func (b *browserRun) language(lang string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.e.srv.URL+"/help"), chromedp.WaitVisible(chromedp.CSS("#lang-switch")))
	if b.has(`html[lang="` + lang + `"]`) {
		return
	}
	b.do(chromedp.SetValue(chromedp.CSS("#lang-switch"), lang), chromedp.Submit(chromedp.CSS("#lang-switch")),
		chromedp.WaitReady(chromedp.CSS(`html[lang="`+lang+`"]`)))
}
