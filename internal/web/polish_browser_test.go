package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestOutOfScopeGuidanceOnceBrowser: choosing an out-of-scope topic shows
// its guidance at once beside the field; sending the form anyway shows it
// at the top of the page — and then only there, not twice.
func TestOutOfScopeGuidanceOnceBrowser(t *testing.T) {
	bctx := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	b := &browserRun{t: t, ctx: tab(t, bctx), e: e, dir: artifacts(t)}
	b.signIn("anna")
	const shown = `[...document.querySelectorAll("#guidance, #scope-live")]
		.filter(el => !el.hidden && el.textContent.includes("Problems that start in your own network")).length`
	count := func() int {
		t.Helper()
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](shown))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.Click(chromedp.CSS("#category-technical")))
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById("topic");
		s.value = "network"; s.dispatchEvent(new Event("change")); return true })()`)); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("#scope-live")))
	if n := count(); n != 1 {
		t.Errorf("after choosing the topic the guidance shows %d times, want 1", n)
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#title"), "The proxy blocks sign-in"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Users behind our proxy cannot sign in."),
		chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#guidance")))
	if n := count(); n != 1 {
		t.Errorf("after sending the form the guidance shows %d times, want 1", n)
	}
	b.shot("out-of-scope-guidance")
}

// TestStaffHeaderAndHeadersBrowser: at 1280 px the staff header (every
// link a supervisor has, the language switch, the name, sign-out) fits on
// one line in both languages, and the console's Chinese column headings do
// not break between their characters.
func TestStaffHeaderAndHeadersBrowser(t *testing.T) {
	bctx := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
	b := &browserRun{t: t, ctx: tab(t, bctx), e: e, dir: artifacts(t)}
	b.signIn("sam")
	const headerRows = `(() => { const tops = new Set([...document.querySelectorAll(".bar > *, .nav li, .tools > *")]
		.map(el => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2)));
		return [...tops].sort((a, b) => a - b) })()`
	// A heading broken into lines is taller than one line of its text.
	const brokenHeadings = `[...document.querySelectorAll("th")].filter(th => {
		const r = document.createRange(); r.selectNodeContents(th);
		const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
		return th.textContent.trim().length > 1 && lines.size > 1 }).map(th => th.textContent.trim())`
	for _, lang := range []string{"en", "zh-CN"} {
		b.language(lang)
		b.do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.srv.URL+"/console?view=all"), chromedp.WaitVisible(chromedp.CSS("#queue-box")))
		rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](headerRows))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Errorf("%s: at 1280 px the staff header has items centred on %d lines (%v), want 1", lang, len(rows), rows)
		}
		b.shot("staff-header-1280-" + lang)
		if lang != "zh-CN" {
			continue // English headings may wrap between words
		}
		for _, p := range []string{"/console?view=all", "/console/supervisor", "/console/callbacks", "/organization"} {
			for _, w := range []int64{1280, 1024, 900, 800} {
				b.do(chromedp.EmulateViewport(w, 900), chromedp.Navigate(e.srv.URL+p), chromedp.WaitVisible(chromedp.CSS("main")))
				broken, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](brokenHeadings))
				if err != nil {
					t.Fatal(err)
				}
				if len(broken) > 0 {
					t.Errorf("%s %s at %d px: column headings broken over lines: %q", lang, p, w, broken)
				}
			}
		}
	}
}
