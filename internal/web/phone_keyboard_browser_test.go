package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/web"
)

// TestPhoneAndKeyboardBrowser checks in headless Chromium what a phone and
// a keyboard meet: no page of any role scrolls sideways at 320 px, the
// focused control's outline is at least 2 px in a colour at 3:1 against
// what lies behind it, and each row of the console's queue is one tab stop.
func TestPhoneAndKeyboardBrowser(t *testing.T) {
	bctx := browser(t)
	dir := filepath.Join(filepath.Dir(artifacts(t)), "phone")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	run := func(name string, f func(b *browserRun)) {
		t.Run(name, func(t *testing.T) {
			b := &browserRun{t: t, ctx: tab(t, bctx), e: e, dir: dir}
			b.do(chromedp.EmulateViewport(320, 720))
			f(b)
		})
	}

	// Enough rows for the queue to be a list, some with long words, one
	// in Chinese, one answered with a long link and code.
	var first *casedesk.Request
	for i := range 6 {
		r := e.openRequest("anna", e.fabrikam.ID, fmt.Sprintf("Mailbox migration %d: Exchange-Online-Verbindungsfehler-bei-der-Postfachmigration", i))
		if first == nil {
			first = r
		}
	}
	if _, err := e.desk.AddMessage(ctx, e.actor("agent"), first.Number, desk.NewMessage{
		Body: "See https://learn.example.test/troubleshoot/exchange/mailbox-migration/cannot-connect-to-the-remote-server-during-migration\n\n```\nGet-MigrationUserStatistics -Identity anna@example.test -IncludeReport | Format-List Status,Error,Report\n```"}); err != nil {
		t.Fatal(err)
	}
	e.openRequest("wei", e.yunfan.ID, "邮件无法发送，所有用户都受到影响")

	// Every page of every role: nothing wider than the screen.
	pages := []struct {
		as    string
		paths []string
	}{
		{"", []string{"/signin", "/forgot", "/presales", "/help", "/help?q=domain"}},
		{"anna", []string{"/", "/requests", "/requests/" + first.Number, "/requests/new", "/organization", "/organization/history",
			"/account", "/password"}},
		{"thomas", []string{"/"}},
		{"priya", []string{"/", "/requests", "/requests/new"}},
		{"wei", []string{"/", "/requests", "/organization"}},
		{"sam", []string{"/console", "/console?view=all", "/console/requests/" + first.Number, "/console/supervisor",
			"/console/phone?q=Fabrikam", "/console/callbacks", "/console/organizations/" + itoa(e.fabrikam.ID),
			"/console/organizations/" + itoa(e.yunfan.ID), "/console/canned"}},
		{"agent", []string{"/console?view=all", "/console/notifications"}},
	}
	shots := map[string]string{"/organization": "org-users-320", "/console?view=all": "console-queue-320", "/console/supervisor": "supervisor-320",
		"/requests": "requests-320", "/": "home-320"}
	for _, p := range pages {
		name := p.as
		if name == "" {
			name = "anonymous"
		}
		run("no sideways scrolling at 320 px: "+name, func(b *browserRun) {
			if p.as != "" {
				b.signIn(p.as)
			}
			for _, path := range p.paths {
				b.do(chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("footer")))
				b.noSidewaysScroll(path)
				if shots[path] != "" {
					b.shot(shots[path] + "-" + name)
				}
			}
		})
	}

	run("the focus is visible on every background", func(b *browserRun) {
		b.signIn("anna")
		for _, path := range []string{"/", "/requests", "/requests/" + first.Number, "/requests/new", "/organization"} {
			b.do(chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("footer")))
			b.focusWalk(path, 30)
		}
		b.signIn("priya")
		b.do(chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitReady(chromedp.CSS("footer")))
		b.focusWalk("/ (partner)", 12)
		b.signIn("sam")
		for _, path := range []string{"/console?view=all", "/console/requests/" + first.Number, "/console/supervisor",
			"/console/organizations/" + itoa(e.yunfan.ID)} {
			b.do(chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("footer")))
			b.focusWalk(path, 30)
		}
		// The selected row of the queue, moved to with j.
		b.do(chromedp.Navigate(e.srv.URL+"/console?view=all"), chromedp.WaitVisible(chromedp.CSS("#queue")), chromedp.KeyEvent("j"),
			chromedp.WaitReady(chromedp.CSS("#queue tr.sel a.open:focus")))
		b.checkFocus("/console?view=all, selected row")
		b.shot("queue-selected-320")
	})

	run("one tab stop per queue row", func(b *browserRun) {
		b.do(chromedp.EmulateViewport(1280, 900))
		b.signIn("sam")
		b.do(chromedp.Navigate(e.srv.URL+"/console?view=all"), chromedp.WaitVisible(chromedp.CSS("#queue")))
		stops, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](`Array.from(document.querySelectorAll("#queue tbody tr")).map(tr =>
			Array.from(tr.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")).filter(n => n.tabIndex >= 0 && !n.disabled).length)`))
		if err != nil {
			b.t.Fatal(err)
		}
		if len(stops) < 7 {
			b.t.Fatalf("the queue shows %d rows, want at least 7", len(stops))
		}
		for i, n := range stops {
			if n != 1 {
				b.t.Errorf("row %d has %d tab stops, want 1", i+1, n)
			}
		}
		// Tab from one row's link lands on the next row's.
		next, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelectorAll("#queue tbody tr")[1].getAttribute("data-number")`))
		if err != nil {
			b.t.Fatal(err)
		}
		b.do(chromedp.Focus(chromedp.CSS("#queue tbody tr a.open")), chromedp.KeyEvent("\t"))
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.activeElement.closest("tr") || {getAttribute: () => ""}).getAttribute("data-number")`))
		if err != nil || got != next {
			b.t.Fatalf("Tab from the first row went to row %q, want %q (%v)", got, next, err)
		}
		// The organization stays one click away for the mouse, and on the request's page for the keyboard.
		b.do(chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("#facts")))
		if !b.has(`#facts a[href^="/console/organizations/"]`) {
			b.t.Fatal("the request's page does not link its organization")
		}
	})
}

// noSidewaysScroll fails when the page is wider than the viewport, naming
// the elements that stick out.
func (b *browserRun) noSidewaysScroll(path string) {
	b.t.Helper()
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return [];
		const out = Array.from(document.querySelectorAll("body *")).filter(el => {
			if (el.closest(".sr, .skip, .hp")) return false;
			const r = el.getBoundingClientRect();
			return r.width > 0 && r.right > w + 0.5 && !Array.from(el.children).some(c => c.getBoundingClientRect().right > w + 0.5);
		}).slice(0, 8).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") +
			" right=" + Math.round(el.getBoundingClientRect().right));
		return ["scrollWidth " + document.documentElement.scrollWidth + " > " + w].concat(out);
	})()`))
	if err != nil {
		b.t.Fatal(err)
	}
	if len(wide) > 0 {
		b.shot("wide-" + strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(path))
		b.t.Errorf("%s scrolls sideways at 320 px: %s", path, strings.Join(wide, "; "))
	}
}

// focused is what the page says about its focused element and its outline.
type focused struct {
	What   string  `json:"what"`
	Style  string  `json:"style"`
	Width  float64 `json:"width"`
	Color  []int   `json:"color"`
	Behind []struct {
		Color []int  `json:"c"`
		At    string `json:"at"`
	} `json:"behind"`
}

// focusScript describes the focused element: its outline and the
// background colours at the four points just outside its box where the
// outline is drawn (or its own background for an outline drawn inside).
const focusScript = `(() => {
	const el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement) return null;
	const parse = s => { const m = /rgba?\(([^)]+)\)/.exec(s); if (!m) return null; const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return p.length > 3 && p[3] === 0 ? null : p.slice(0, 3).map(Math.round); };
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className ? "." + el.className.trim().replace(/\s+/g, ".") : "");
	const bg = n => { for (; n && n.nodeType === 1; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c) return {c, at: name(n)}; } return {c: [255, 255, 255], at: "canvas"}; };
	const cs = getComputedStyle(el), w = parseFloat(cs.outlineWidth) || 0, off = parseFloat(cs.outlineOffset) || 0;
	const r = el.getBoundingClientRect(), d = off + w / 2, behind = [];
	if (off + w <= 0) behind.push(bg(el));
	else for (const [x, y] of [[r.left + r.width / 2, r.top - d], [r.left + r.width / 2, r.bottom + d], [r.left - d, r.top + r.height / 2], [r.right + d, r.top + r.height / 2]]) {
		if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
		const hit = document.elementsFromPoint(x, y).find(n => n !== el && !el.contains(n));
		if (hit) behind.push(bg(hit));
	}
	if (!behind.length) behind.push(bg(el.parentElement));
	return {what: name(el) + " " + JSON.stringify((el.textContent || el.value || "").trim().slice(0, 30)), style: cs.outlineStyle, width: w, color: parse(cs.outlineColor) || [0, 0, 0], behind};
})()`

// checkFocus fails unless the focused element's outline is at least 2 px
// and contrasts 3:1 with every background it is drawn on.
func (b *browserRun) checkFocus(where string) {
	b.t.Helper()
	f, err := chromedp.Run(b.ctx, chromedp.Evaluate[*focused](focusScript))
	if err != nil {
		b.t.Fatal(err)
	}
	if f == nil {
		return
	}
	if f.Style == "none" || f.Width < 2 {
		b.t.Errorf("%s: %s has a focus outline of %v px (%s), want at least 2 px", where, f.What, f.Width, f.Style)
		return
	}
	for _, bg := range f.Behind {
		if c := web.ContrastRGB(f.Color, bg.Color); c < 3 {
			b.t.Errorf("%s: %s: focus outline rgb%v on rgb%v (%s) is %.2f:1, want at least 3:1", where, f.What, f.Color, bg.Color, bg.At, c)
		}
	}
}

// focusWalk tabs through up to n stops of the page from its start and
// checks the outline of each.
func (b *browserRun) focusWalk(path string, n int) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void]("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)"))
	for range n {
		b.do(chromedp.KeyEvent("\t"))
		b.checkFocus(path)
	}
}
