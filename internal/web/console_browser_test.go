package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestConsoleBrowser drives the agent console in headless Chromium: the
// life of a request from triage to resolution, a note the customer never
// sees, a live update reaching another agent's open queue, and a phone call
// logged for an admin.
func TestConsoleBrowser(t *testing.T) {
	bctx := browser(t)
	dir := filepath.Join(filepath.Dir(artifacts(t)), "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	run := func(name string, f func(b *browserRun)) {
		t.Run(name, func(t *testing.T) { f(&browserRun{t: t, ctx: tab(t, bctx), e: e, dir: dir}) })
	}

	r, _, err := e.desk.OpenRequest(ctx, e.actor("anna"), desk.NewRequest{Category: casedesk.CategoryTechnical, Product: "mail",
		Title: "No external mail since 09:00", Description: "Nobody in sales receives external mail.",
		Impact: casedesk.Impact{ServiceUnreachable: true, UsersAffected: "many"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	const note = "Checked the connector: certificate expired yesterday."

	run("triage, automatic assignment, reply, waiting, resolve", func(b *browserRun) {
		b.signIn("sam") // a supervisor's triage dispatches; an agent's would keep the request
		b.do(chromedp.Click(chromedp.CSS("#nav-console")), chromedp.WaitVisible(chromedp.CSS("#view-triage")),
			chromedp.Click(chromedp.CSS("#view-triage")), chromedp.WaitVisible(chromedp.CSS("#queue")))
		b.contains("#queue", r.Number)
		b.contains("#queue", "Fabrikam GmbH")
		b.contains("#queue", "Business plans")
		// Held to the strictest target (1 hour) until triage. The time left
		// counts down in the browser, so the due instant is what is checked.
		if due := r.CreatedAt.Add(time.Hour).UTC().Format(time.RFC3339); !b.has(`#queue time.left[data-due="` + due + `"]`) {
			b.t.Errorf("the triage queue does not show the request due at %s", due)
		}
		b.shot("triage-queue")
		// j selects the first row, Enter opens it.
		b.do(chromedp.KeyEvent("j"))
		if !b.has("#queue tr.sel") {
			b.t.Fatal("j selects no row")
		}
		b.do(chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("#sevdefs")))
		b.contains("#impact", "Service unreachable: Yes")
		b.contains("#sevdefs", "unreachable or unusable")
		b.contains("#triage", "The answers point to")
		b.shot("triage")
		b.do(chromedp.SetValue(chromedp.CSS("#set-severity"), "A"), chromedp.Click(chromedp.CSS("#set-severity-submit")),
			chromedp.WaitVisible(chromedp.CSS(".notice")))
		b.contains("#severity", "A – critical")
		b.contains("#assignee", "Lena Fischer") // routed: speaks English, on shift in Berlin
		b.contains("#clock", "running")
		b.contains("#history", "assigned it to Lena Fischer")
		// r writes a public reply; it stops the initial-response clock.
		b.do(chromedp.KeyEvent("r"), chromedp.KeyEvent("We are on it: the inbound connector's certificate expired."))
		if v, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("document.getElementById('kind-reply').checked")); !v {
			b.t.Fatal("r does not choose a public reply")
		}
		b.do(chromedp.Click(chromedp.CSS("#send")))
		b.waitURL("notice=reply")
		b.waitText(".notice", "Reply sent")
		b.contains("#clock", "met")
		b.contains("#status", "Open")
		if c := b.text("#conversation"); strings.Contains(c, "rWe are") || !strings.Contains(c, "We are on it") {
			b.t.Fatalf("the reply as sent: %q", c)
		}
		// n writes an internal note, shown apart from the replies.
		b.do(chromedp.KeyEvent("n"), chromedp.KeyEvent(note), chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS(".msg-note")))
		b.contains(".msg-note", "Internal note")
		b.do(chromedp.Click(chromedp.CSS("#status-waiting")))
		b.waitText("#status", "Waiting on customer")
		b.contains("#clock", "met")
		b.shot("work-waiting")
		b.do(chromedp.Click(chromedp.CSS("#status-resolved")))
		b.waitText("#status", "Resolved")
		b.contains("#history", "changed the status from Waiting on customer to Resolved")
		b.shot("work-resolved")
	})

	run("the customer never sees the note", func(b *browserRun) {
		b.signIn("anna")
		b.do(chromedp.Navigate(e.srv.URL+"/requests/"+r.Number), chromedp.WaitVisible(chromedp.CSS("#conversation")))
		b.contains("#conversation", "certificate expired.")
		if strings.Contains(b.text("main"), "Checked the connector") {
			b.t.Fatal("the portal shows the internal note")
		}
		if !b.has("#send-survey") {
			b.t.Fatal("the resolved request does not invite the customer to the survey")
		}
		b.do(chromedp.Navigate(e.srv.URL+"/console"), chromedp.WaitVisible(chromedp.CSS("h1")))
		b.contains("main", "only the provider's staff")
	})

	run("a live update reaches another agent's open queue", func(b *browserRun) {
		b.signIn("lena")
		b.do(chromedp.Navigate(e.srv.URL+"/console?view=triage"), chromedp.WaitVisible(chromedp.CSS("#live-status")))
		// A mark on the window proves that the page is never reloaded.
		b.do(chromedp.Evaluate[chromedp.Void]("window.__stay = 1"))
		// The script marks the status once the stream is open.
		b.do(chromedp.WaitReady(chromedp.CSS(`#live-status[data-live="on"]`)))
		// The customer's admin, in a browser session of her own, files a request.
		other := &browserRun{t: b.t, ctx: tab(b.t, bctx), e: e, dir: dir}
		other.signIn("markus")
		other.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")),
			chromedp.SendKeys(chromedp.CSS("#title"), "Live: SharePoint site locked"),
			chromedp.SendKeys(chromedp.CSS("#description"), "The site is read-only since this morning."),
			chromedp.Click(chromedp.CSS("#submit-request")), chromedp.WaitVisible(chromedp.CSS("#conversation")))
		b.waitText("#queue-box", "Live: SharePoint site locked")
		if v, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int]("window.__stay || 0")); v != 1 {
			b.t.Fatal("the queue page was reloaded")
		}
		b.shot("live-queue")
	})

	run("log a call on behalf of an admin", func(b *browserRun) {
		b.signIn("agent")
		b.do(chromedp.Navigate(e.srv.URL+"/console"), chromedp.WaitVisible(chromedp.CSS("#nav-phone")),
			chromedp.Click(chromedp.CSS("#nav-phone")), chromedp.WaitVisible(chromedp.CSS("#q")),
			chromedp.SendKeys(chromedp.CSS("#q"), "Fabri"), chromedp.Click(chromedp.CSS("#search-org")),
			chromedp.WaitVisible(chromedp.CSS("#log-call")))
		b.contains("#h-call", "Fabrikam GmbH")
		b.contains("main", "Local time: Mon 10:00 (Europe/Berlin)")
		b.do(chromedp.Click(chromedp.CSS("#admin-"+itoa(e.users["anna"].ID))),
			chromedp.SetValue(chromedp.CSS("#category"), "billing"), chromedp.SetValue(chromedp.CSS("#severity"), "C"),
			chromedp.SendKeys(chromedp.CSS("#title"), "Renewal date on the invoice"),
			chromedp.SendKeys(chromedp.CSS("#description"), "Anna asks why the renewal moved to December."),
			chromedp.SendKeys(chromedp.CSS("#notes"), "Explained proration; she will check with finance."))
		b.do(chromedp.Click(chromedp.CSS("#log-call-submit")), chromedp.WaitVisible(chromedp.CSS("#log-call .field-error")))
		b.contains("#log-call", "Tick what you verified")
		b.do(chromedp.Click(chromedp.CSS("#verified-name")), chromedp.Click(chromedp.CSS("#verified-org")))
		b.shot("log-call")
		b.do(chromedp.Click(chromedp.CSS("#log-call-submit")), chromedp.WaitVisible(chromedp.CSS(".notice")))
		b.contains(".notice", "on the admin's behalf")
		b.contains("#facts", "Phone")
		b.contains("#facts", "Anna Schmidt · entered by Emily Carter")
		b.contains("#clock", "stopped") // the call was the first response (C on Business plans: no target)
		b.contains("#conversation", "Phone call. Verified: name, org.")

		b.contains("#conversation", "Explained proration")
		b.shot("call-logged")
		// Anna sees the request as hers, with the call.
		n := &browserRun{t: b.t, ctx: tab(b.t, bctx), e: e, dir: dir}
		n.signIn("anna")
		n.do(chromedp.Navigate(e.srv.URL+"/requests"), chromedp.WaitVisible(chromedp.CSS("#requests")))
		n.contains("#requests", "Renewal date on the invoice")
	})

	run("every console field has a label", func(b *browserRun) {
		b.signIn("sam")
		const unlabelled = `Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
			.filter(el => el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
			.map(el => el.name || el.id)`
		for _, path := range []string{"/console", "/console/requests/" + r.Number, "/console/phone?q=Fabrikam", "/console/callbacks",
			"/console/organizations/" + itoa(e.fabrikam.ID), "/console/supervisor", "/console/canned"} {
			b.do(chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
			names, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](unlabelled))
			if err != nil {
				b.t.Fatal(err)
			}
			if len(names) > 0 {
				b.t.Errorf("%s: fields without a label: %v", path, names)
			}
		}
		b.shot("supervisor")
	})

	run("queues without JavaScript", func(b *browserRun) {
		if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			b.t.Fatal(err)
		}
		b.noAxe = true
		b.signIn("lena")
		b.do(chromedp.Navigate(e.srv.URL+"/console?view=triage"), chromedp.WaitVisible(chromedp.CSS("#queue")))
		b.contains("#queue", "Live: SharePoint site locked")
		b.do(chromedp.Click(chromedp.CSS("#queue a.open")), chromedp.WaitVisible(chromedp.CSS("#compose")))
		b.shot("work-nojs")
	})
}
