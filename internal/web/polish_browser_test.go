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
