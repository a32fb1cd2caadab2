package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// chromium returns the browser to drive. Without one the browser tests
// skip on a developer machine and fail in CI (CI=true), where .ci/run
// installs Debian's chromium.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CASEDESK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium found: the browser tests must run in CI (install Debian's chromium package)")
	}
	t.Skip("no chromium found; install it to run the browser tests")
	return ""
}

// browser starts one headless Chromium for all subtests of t.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return bctx
}

// tab opens a tab in a fresh browser context (its own cookies), limited in time.
func tab(t *testing.T, bctx context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	tctx, cancelT := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	return tctx
}

// artifacts is the git-ignored folder at the repository root for screenshots.
func artifacts(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "artifacts", "portal")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

type browserRun struct {
	t   *testing.T
	ctx context.Context
	e   *env
	dir string
	// noAxe is set when the tab runs no script: axe-core cannot check it.
	noAxe bool
}

func (b *browserRun) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		html, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		b.t.Fatalf("at %s: %v\n%s", loc, err, html)
	}
	b.axe()
}

func (b *browserRun) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browserRun) has(sel string) bool {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.querySelectorAll("+jsString(sel)+").length"))
	if err != nil {
		b.t.Fatal(err)
	}
	return n > 0
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

func (b *browserRun) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// waitURL waits until the tab's address contains part.
func (b *browserRun) waitURL(part string) {
	b.t.Helper()
	b.waitAddress(part, func(loc string) bool { return strings.Contains(loc, part) })
}

// waitAddress waits until the tab's address satisfies ok, driven by the
// main frame's navigation events rather than by asking in a loop: it
// listens first, then looks at the address the tab has now, so that a
// navigation that ended before the call is not missed.
func (b *browserRun) waitAddress(what string, ok func(string) bool) {
	b.t.Helper()
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	arrived := make(chan struct{}, 1)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, isNav := ev.(*page.EventFrameNavigated); isNav && e.Frame.ParentID == "" && ok(e.Frame.URL) {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		b.t.Fatal(err)
	}
	// Asked in the middle of a navigation, Location fails; the event follows.
	if loc, err := chromedp.Run(b.ctx, chromedp.Location()); err == nil && ok(loc) {
		b.axe()
		return
	}
	select {
	case <-arrived:
		b.axe()
	case <-b.ctx.Done():
		loc, _ := chromedp.Run(b.afterTimeout(), chromedp.Location())
		b.t.Fatalf("waiting for an address with %q (at %s): %v", what, loc, b.ctx.Err())
	}
}

// navigatedAway reports whether err says that the page a script ran in went
// away: Chrome words it several ways depending on when it noticed.
func navigatedAway(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "context was destroyed") || strings.Contains(msg, "navigated or closed") ||
		strings.Contains(msg, "Cannot find context")
}

// afterTimeout is the tab's context with a short time of its own, to look
// at the page for the failure message once the tab's time is up.
func (b *browserRun) afterTimeout() context.Context {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 2*time.Second)
	b.t.Cleanup(cancel)
	return ctx
}

// waitText waits until the element's text contains want. The check runs in
// the page on every DOM mutation (chromedp.WithPollingMutation), not on a
// timer; a navigation ends it in the old page, so it starts again in the
// new one.
func (b *browserRun) waitText(sel, want string) {
	b.t.Helper()
	expr := "((document.querySelector(" + jsString(sel) + ") || {}).textContent || '').includes(" + jsString(want) + ")"
	for {
		_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(10*time.Second)))
		if err == nil {
			b.axe()
			return
		}
		if b.ctx.Err() == nil && navigatedAway(err) {
			continue
		}
		got, _ := chromedp.Run(b.afterTimeout(), chromedp.Evaluate[string]("(document.querySelector("+jsString(sel)+") || {}).textContent || ''"))
		b.t.Fatalf("%s: %q never contained %q: %v", sel, got, want, err)
	}
}

// signIn signs in as the user key in a browser that holds no session: the
// cookies of an earlier flow are cleared first, or #signout (shown to anyone
// signed in) could be seen on the old page before the new sign-in lands.
func (b *browserRun) signIn(key string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.Navigate(b.e.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), b.e.users[key].Email), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#signout")))
}

func (b *browserRun) contains(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Fatalf("%s: %q does not contain %q", sel, got, want)
	}
}

// TestBrowser drives the portal in headless Chromium: one browser, a fresh
// browser context per flow.
func TestBrowser(t *testing.T) {
	bctx := browser(t)
	dir := artifacts(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	run := func(name string, f func(b *browserRun)) {
		t.Run(name, func(t *testing.T) { f(&browserRun{t: t, ctx: tab(t, bctx), e: e, dir: dir}) })
	}
	upload := filepath.Join(t.TempDir(), "outbox.log")
	if err := os.WriteFile(upload, []byte("2026-11-02 09:00 send failed: 451 4.7.0 temporary error\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	run("sign in and out", func(b *browserRun) {
		b.do(chromedp.Navigate(e.srv.URL + "/"))
		b.do(chromedp.WaitVisible(chromedp.CSS("#signin")))
		b.shot("signin")
		b.do(chromedp.SendKeys(chromedp.CSS("#email"), "anna@example.test"), chromedp.SendKeys(chromedp.CSS("#password"), "not the password"),
			chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#err-email, .alert")))
		b.signIn("anna")
		b.contains("h1", "Fabrikam GmbH")
		b.contains("#support-table", "No commitment")
		b.shot("home")
		b.do(chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin")))
		b.contains("main", "You are signed out")
	})

	var number string
	run("file a request", func(b *browserRun) {
		b.signIn("anna")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")))
		// Out-of-scope topic: guidance at once.
		b.do(chromedp.SetValue(chromedp.CSS("#topic"), "addin"),
			chromedp.Evaluate[chromedp.Void]("document.getElementById('topic').dispatchEvent(new Event('change'))"),
			chromedp.WaitVisible(chromedp.CSS("#scope-live")))
		b.contains("#scope-live", "Third-party services")
		b.do(chromedp.SetValue(chromedp.CSS("#topic"), "setup"),
			chromedp.Evaluate[chromedp.Void]("document.getElementById('topic').dispatchEvent(new Event('change'))"),
			chromedp.WaitNotVisible(chromedp.CSS("#scope-live")))
		// Suggestions while typing, and the severity the answers point to.
		b.do(chromedp.SendKeys(chromedp.CSS("#title"), "Mail is not arriving for the sales team"),
			chromedp.WaitVisible(chromedp.CSS("#suggest li a")))
		b.contains("#suggest", "Mail is not arriving")
		b.do(chromedp.Click(chromedp.CSS("input[name=unreachable][value=yes]")),
			chromedp.SetValue(chromedp.CSS("#users"), "many"),
			chromedp.Evaluate[chromedp.Void]("document.getElementById('users').dispatchEvent(new Event('change'))"))
		b.contains("#suggested-sev", "A")
		b.do(chromedp.SendKeys(chromedp.CSS("#description"), "Since 9:00 no external mail arrives. Trace attached."),
			chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{upload}),
			chromedp.Click(chromedp.CSS("#callback")), chromedp.SendKeys(chromedp.CSS("#callback_phone"), "+49 89 5555 0142"),
			chromedp.SetValue(chromedp.CSS("#callback_time"), "mornings"))
		// A file dropped on the attachments joins the chosen ones.
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(() => {
			const zone = document.querySelector("[data-dropzone]"), dt = new DataTransfer();
			dt.items.add(new File(["dropped"], "dropped.txt", {type: "text/plain"}));
			zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
			return document.getElementById("files").files.length;
		})()`))
		if err != nil || n != 2 {
			b.t.Fatalf("drop: %d files, %v", n, err)
		}
		b.shot("new-request")
		b.do(chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#conversation")))
		b.contains(".notice", "Your request has been submitted")
		b.contains("#conversation", "outbox.log")
		b.contains("#impact", "service unreachable")
		b.contains("#conversation", "dropped.txt")
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		number = loc[strings.LastIndex(loc, "/")+1:]
		if i := strings.IndexByte(number, '?'); i > 0 {
			number = number[:i]
		}
		b.shot("request-detail")
	})

	run("file a request without JavaScript", func(b *browserRun) {
		if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			b.t.Fatal(err)
		}
		b.noAxe = true
		b.signIn("markus")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")))
		if b.has("html.js") {
			b.t.Fatal("the script ran although JavaScript is disabled")
		}
		b.do(chromedp.Click(chromedp.CSS("input[name=category][value=billing]")),
			chromedp.SendKeys(chromedp.CSS("#title"), "Question about invoice 2026-10"),
			chromedp.SendKeys(chromedp.CSS("#description"), "The October invoice lists 60 licenses; we have 50."),
			chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{upload}),
			chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#conversation")))
		b.contains(".notice", "Your request has been submitted")
		b.contains("#facts", "Billing and subscription")
		b.contains("#conversation", "outbox.log")
	})

	run("list and detail with reply", func(b *browserRun) {
		if number == "" {
			b.t.Skip("no request from the earlier flow")
		}
		b.signIn("anna")
		b.do(chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("#requests")))
		b.contains("#requests", "Mail is not arriving for the sales team")
		b.contains("#requests", "Question about invoice 2026-10")
		b.contains("#requests", "Markus Weber")
		b.shot("requests")
		b.do(chromedp.SetValue(chromedp.CSS("#f-category"), "billing"), chromedp.Click(chromedp.CSS(".filters button")))
		b.waitURL("category=billing")
		b.do(chromedp.WaitVisible(chromedp.CSS("#requests")))
		if strings.Contains(b.text("#requests"), "Mail is not arriving") {
			b.t.Fatal("the category filter kept a technical request")
		}
		// An agent answers; the admin replies with a file and sees the conversation.
		sev := casedesk.SeverityA
		if _, err := e.desk.UpdateRequest(context.Background(), e.actor("agent"), number, desk.RequestPatch{Severity: &sev}); err != nil {
			b.t.Fatal(err)
		}
		if _, err := e.desk.AddMessage(context.Background(), e.actor("agent"), number, desk.NewMessage{Body: "We are looking into it. Please send a **message trace**."}); err != nil {
			b.t.Fatal(err)
		}
		b.do(chromedp.Navigate(e.srv.URL+"/requests/"+number), chromedp.WaitVisible(chromedp.CSS("#body")))
		b.contains("#conversation", "message trace")
		// The open page learns of a change as it happens.
		if _, err := e.desk.AddMessage(context.Background(), e.actor("agent"), number, desk.NewMessage{Body: "One more thing."}); err != nil {
			b.t.Fatal(err)
		}
		b.do(chromedp.WaitVisible(chromedp.CSS("#live")))
		b.contains("#target", "1 hour")
		b.contains("#target", "target met")
		b.do(chromedp.SendKeys(chromedp.CSS("#body"), "Trace attached, thanks."),
			chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{upload}),
			chromedp.Click(chromedp.CSS("#send-reply")))
		b.waitURL("notice=replied")
		b.do(chromedp.WaitVisible(chromedp.CSS(".notice")))
		b.contains("#conversation", "Trace attached, thanks.")
		b.shot("request-reply")
	})

	run("user without an admin role", func(b *browserRun) {
		b.signIn("thomas")
		b.contains("#admins", "Anna Schmidt")
		if b.has(`a[href="/requests"]`) {
			b.t.Fatal("a plain user is offered the requests")
		}
		b.shot("home-user")
		b.do(chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("h1")))
		b.contains("main", "Only your organization's administrators")
	})

	run("partner on behalf", func(b *browserRun) {
		b.signIn("priya")
		b.contains(".behalf", "Fabrikam GmbH")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")))
		b.contains("main", "on behalf of Fabrikam GmbH")
		b.do(chromedp.SendKeys(chromedp.CSS("#title"), "Partner: set up SSO"),
			chromedp.SendKeys(chromedp.CSS("#description"), "Opened by Proseware for Fabrikam."),
			chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#facts")))
		b.contains("#facts", "Priya Patel (Proseware Solutions) on behalf of Fabrikam GmbH")
		b.do(chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("#requests")))
		b.contains("#requests", "Proseware Solutions")
		b.shot("partner-requests")
	})

	run("session in Chinese", func(b *browserRun) {
		b.signIn("wei")
		b.contains("h1", "云帆科技")
		b.contains("main", "你的支持服务")
		b.contains("#support-table", "4 小时") // elevated support: C within 4 hours
		b.shot("home-zh")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#severity")))
		b.do(chromedp.SendKeys(chromedp.CSS("#title"), "邮件无法发送"), chromedp.SendKeys(chromedp.CSS("#description"), "所有用户都无法发送邮件。"),
			chromedp.SetValue(chromedp.CSS("#severity"), "A"), chromedp.Click(chromedp.CSS("#submit-request")),
			chromedp.WaitVisible(chromedp.CSS("#facts")))
		b.contains(".notice", "你的请求已提交")
		b.contains("#facts", "A – 严重")
		b.contains("#facts", "新建")
		b.shot("detail-zh")
		// Switch to English and back: the setting is saved.
		b.do(chromedp.SetValue(chromedp.CSS("#lang-switch"), "en"), chromedp.Submit(chromedp.CSS("#lang-switch")))
		b.waitURL("/requests/")
		b.do(chromedp.WaitReady(chromedp.CSS(`html[lang="en"]`)))
		b.contains("#facts", "A – critical")
	})

	run("pre-sales", func(b *browserRun) {
		b.do(chromedp.Navigate(e.srv.URL+"/presales"), chromedp.WaitVisible(chromedp.CSS("#name")))
		if b.has(`#website:not([tabindex="-1"])`) {
			b.t.Fatal("the honeypot must stay out of the tab order")
		}
		b.do(chromedp.SendKeys(chromedp.CSS("#name"), "Ada Prospect"), chromedp.SendKeys(chromedp.CSS("#company"), "Example Ltd"),
			chromedp.SendKeys(chromedp.CSS("#email"), "ada@prospect.example"), chromedp.SendKeys(chromedp.CSS("#country"), "GB"),
			chromedp.SendKeys(chromedp.CSS("#question"), "Can we mix Business and Enterprise plans?"))
		b.shot("presales")
		b.do(chromedp.Click(chromedp.CSS("#presales-submit")), chromedp.WaitVisible(chromedp.CSS("#presales-number")))
		b.contains("#presales-number", "Your question has number")
		b.shot("presales-sent")
		b.do(chromedp.Navigate(e.srv.URL+"/help?q=domain"), chromedp.WaitVisible(chromedp.CSS(".articles")))
		b.contains(".articles", "Add and verify a domain")
		b.shot("help")
		b.do(chromedp.Click(chromedp.CSS(".articles a")), chromedp.WaitVisible(chromedp.CSS("article")))
		b.contains("article", "TXT record")
		b.shot("article")
	})

	run("organization admin and first sign-in", func(b *browserRun) {
		b.signIn("anna")
		b.do(chromedp.Navigate(e.srv.URL+"/organization"), chromedp.WaitVisible(chromedp.CSS("#invite")),
			chromedp.SendKeys(chromedp.CSS("#inv-email"), "lena@example.test"), chromedp.SendKeys(chromedp.CSS("#inv-name"), "Lena Fischer"),
			chromedp.SetValue(chromedp.CSS("#inv-role"), string(casedesk.RoleSupportAdmin)),
			chromedp.Click(chromedp.CSS("#invite-submit")), chromedp.WaitVisible(chromedp.CSS("#onetime-password")))
		temp := b.text("#onetime-password")
		b.contains("#users-table", "Lena Fischer")
		b.contains("#grants", "Proseware Solutions")
		b.shot("organization")
		// The invited admin signs in with the one-time password and must change it.
		n := &browserRun{t: b.t, ctx: tab(b.t, bctx), e: e, dir: dir}
		n.do(chromedp.Navigate(e.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), "lena@example.test"), chromedp.SendKeys(chromedp.CSS("#password"), temp),
			chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#change-password")))
		n.shot("password-first-sign-in")
		n.do(chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("#change-password")))
		n.do(chromedp.SendKeys(chromedp.CSS("#current_password"), temp), chromedp.SendKeys(chromedp.CSS("#new_password"), "lena-own-password"),
			chromedp.SendKeys(chromedp.CSS("#confirm_password"), "lena-own-password"), chromedp.Click(chromedp.CSS("#change-password")),
			chromedp.WaitVisible(chromedp.CSS("#h-open")))
		n.contains(".notice", "Your password has been changed")
		// The admin deactivates her again; her session ends.
		b.do(chromedp.Navigate(e.srv.URL+"/organization"), chromedp.WaitVisible(chromedp.CSS("#users-table")))
		id, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#users-table tr')).filter(r => r.textContent.includes('Lena Fischer')).map(r => r.querySelector('button[id^=deactivate]').id)[0]`))
		if err != nil {
			b.t.Fatal(err)
		}
		b.do(chromedp.Click(chromedp.CSS("#"+id)), chromedp.WaitVisible(chromedp.CSS(".notice")))
		n.do(chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("#signin")))
	})

	run("keyboard and phone width", func(b *browserRun) {
		b.do(chromedp.Navigate(e.srv.URL+"/help"), chromedp.WaitVisible(chromedp.CSS("#q")), chromedp.KeyEvent("\t"))
		if !b.has(".skip:focus") {
			b.t.Fatal("the first Tab does not reach the skip link")
		}
		// Sign in with the keyboard alone.
		b.do(chromedp.Navigate(e.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#email")), chromedp.Focus(chromedp.CSS("#email")), chromedp.KeyEvent("anna@example.test"),
			chromedp.KeyEvent("\t"), chromedp.KeyEvent(password))
		if v, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#password"))); v != password {
			b.t.Fatalf("Tab did not move to the password field (it holds %q)", v)
		}
		b.do(chromedp.KeyEvent("\r"))
		// Enter submits the form; wait for the home page.
		b.waitAddress("the home page", func(loc string) bool { return loc == e.srv.URL+"/" })
		b.do(chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#signout")))
		e.openRequest("anna", e.fabrikam.ID, "A request to show at phone width")
		b.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("#requests")))
		display, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("getComputedStyle(document.querySelector('#requests td')).display"))
		if err != nil || display != "flex" {
			b.t.Fatalf("at phone width the rows stack: display %q, %v", display, err)
		}
		wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
		if err != nil || wide {
			b.t.Fatalf("the page scrolls sideways at phone width (%v)", err)
		}
		b.shot("requests-phone")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")))
		b.shot("new-request-phone")
	})

	run("forgot password", func(b *browserRun) {
		b.do(chromedp.Navigate(e.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.Click(chromedp.CSS(`a[href="/forgot"]`)), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), "thomas@example.test"), chromedp.Submit(chromedp.CSS("#email")))
		b.waitURL("/forgot")
		b.do(chromedp.WaitVisible(chromedp.CSS(".notice")))
		link := e.links.last("thomas@example.test")
		if link == "" {
			b.t.Fatal("no reset link sent")
		}
		b.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#new_password")))
		b.shot("reset-password")
		b.do(chromedp.SendKeys(chromedp.CSS("#new_password"), "thomas-new-pass"), chromedp.SendKeys(chromedp.CSS("#confirm_password"), "thomas-new-pass"),
			chromedp.Submit(chromedp.CSS("#new_password")))
		b.waitURL("notice=reset")
		b.do(chromedp.WaitVisible(chromedp.CSS(".notice")))
		b.contains(".notice", "Your password has been reset")
	})

	run("every field has a label", func(b *browserRun) {
		const unlabelled = `Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
			.filter(el => !el.closest("[aria-hidden=true]") && el.getAttribute("aria-hidden") !== "true")
			.filter(el => el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
			.map(el => el.name || el.id)`
		check := func(path string) {
			b.do(chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
			names, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](unlabelled))
			if err != nil {
				b.t.Fatal(err)
			}
			if len(names) > 0 {
				b.t.Errorf("%s: fields without a label: %v", path, names)
			}
		}
		for _, p := range []string{"/signin", "/forgot", "/presales", "/help"} {
			check(p)
		}
		b.signIn("anna")
		r := e.openRequest("anna", e.fabrikam.ID, "Label check")
		for _, p := range []string{"/", "/requests", "/requests/new", "/requests/" + r.Number, "/organization", "/account", "/password"} {
			check(p)
		}
	})

	// Last, because it moves the shared clock past every session's life.
	run("reopen refused after 14 days", func(b *browserRun) {
		r := e.openRequest("anna", e.fabrikam.ID, "Closed long ago")
		st := casedesk.StatusClosed
		if _, err := e.desk.UpdateRequest(context.Background(), e.actor("agent"), r.Number, desk.RequestPatch{Status: &st}); err != nil {
			b.t.Fatal(err)
		}
		b.signIn("anna")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/"+r.Number), chromedp.WaitVisible(chromedp.CSS("#reopen")))
		e.clock.Add(15 * 24 * time.Hour)
		b.signIn("anna")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/"+r.Number), chromedp.WaitVisible(chromedp.CSS("#linked-new")))
		if b.has("#reopen") {
			b.t.Fatal("reopen offered after 14 days")
		}
		b.contains(".actions-row", "more than 14 days ago")
		b.shot("reopen-refused")
		b.do(chromedp.Click(chromedp.CSS("#linked-new")), chromedp.WaitVisible(chromedp.CSS("#title")))
		b.contains("main", "linked to request "+r.Number)
	})
}
