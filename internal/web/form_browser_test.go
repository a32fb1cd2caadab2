package web_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// failedFormCheck is the page's own account of a failed form: what is
// wrong with its error summary and invalid fields, and the texts of the
// summary and of the field messages.
const failedFormCheck = `((form, ids, prefix) => {
	const bad = [], s = document.getElementById("error-summary");
	if (!s) return {bad: ["no error summary"], texts: []};
	if (!s.closest(form)) bad.push("the summary is not in " + form);
	if (s.getAttribute("tabindex") !== "-1") bad.push("the summary's tabindex is " + s.getAttribute("tabindex"));
	if (document.activeElement !== s) bad.push("focus is on " + (document.activeElement && document.activeElement.outerHTML.slice(0, 80)));
	const links = [...s.querySelectorAll("a")].map(a => a.getAttribute("href"));
	const invalid = [...document.querySelectorAll(form + " [aria-invalid=true]")].map(el => el.id);
	for (const id of ids) if (!invalid.includes(id)) bad.push(id + " has no aria-invalid");
	for (const id of invalid) {
		if (!links.includes("#" + id)) bad.push("the summary does not link to " + id);
		const el = document.getElementById(id);
		const msgs = (el.getAttribute("aria-describedby") || "").split(/\s+/).map(x => document.getElementById(x))
			.filter(m => m && m.classList.contains("field-error") && m.textContent.trim());
		if (msgs.length !== 1) bad.push(id + " is described by " + msgs.length + " messages");
	}
	for (const href of links) if (!document.getElementById(href.slice(1))) bad.push("the summary links to no element: " + href);
	if (!document.title.startsWith(prefix)) bad.push("the title is " + JSON.stringify(document.title));
	const texts = [...s.querySelectorAll("li"), ...document.querySelectorAll(form + " .field-error")].map(e => e.textContent.trim());
	return {bad, texts};
})`

// englishSentence is three ASCII words in a row: desk's English, which a
// Chinese page must not show.
var englishSentence = regexp.MustCompile(`[A-Za-z]+[ ,]+[A-Za-z]+[ ,]+[A-Za-z]+`)

// failedForm submits a form that fails and checks the house pattern: an
// error summary at the top of the form that has focus and links to every
// invalid field, the title's error prefix, and each invalid field marked
// aria-invalid and described by its message. In Chinese no English
// sentence (desk's messages) may show.
func (b *browserRun) failedForm(form, submit string, ids []string, prefix string, zh bool) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(submit)), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.activeElement === document.getElementById("error-summary")`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.t.Errorf("the error summary never got focus: %v", err)
	}
	idsJSON, _ := json.Marshal(ids)
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[struct {
		Bad   []string `json:"bad"`
		Texts []string `json:"texts"`
	}](failedFormCheck+"("+jsString(form)+", "+string(idsJSON)+", "+jsString(prefix)+")"))
	if err != nil {
		b.t.Fatal(err)
	}
	for _, s := range res.Bad {
		b.t.Errorf("%s: %s", form, s)
	}
	if len(res.Texts) < 2*len(ids) {
		b.t.Errorf("%s: messages %q, want one in the summary and one at the field for each of %v", form, res.Texts, ids)
	}
	if zh {
		for _, s := range res.Texts {
			if englishSentence.MatchString(s) || strings.Contains(s, "required") || strings.Contains(s, "must be") {
				b.t.Errorf("%s: an English sentence on a Chinese page: %q", form, s)
			}
		}
	}
}

// TestFailedFormsBrowser: the new-request, sign-in and invite forms after a
// failed submit, in English and in Chinese.
func TestFailedFormsBrowser(t *testing.T) {
	bctx := browser(t)
	dir := artifacts(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	run := func(name string, f func(b *browserRun)) {
		t.Run(name, func(t *testing.T) { f(&browserRun{t: t, ctx: tab(t, bctx), e: e, dir: dir}) })
	}
	for _, c := range []struct {
		lang, user, prefix string
		zh                 bool
	}{{"en", "anna", "Error: ", false}, {"zh-CN", "wei", "错误：", true}} {
		run("sign-in "+c.lang, func(b *browserRun) {
			b.do(chromedp.Navigate(e.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#email")))
			if c.zh {
				b.do(chromedp.SetValue(chromedp.CSS("#lang-switch"), "zh-CN"), chromedp.Submit(chromedp.CSS("#lang-switch")))
				b.waitURL("/signin")
				b.do(chromedp.WaitReady(chromedp.CSS(`html[lang="zh-CN"]`)))
			}
			b.failedForm("form[action='/signin']", "#signin", []string{"email", "password"}, c.prefix, c.zh)
			b.shot("failed-signin-" + c.lang)
		})
		run("new request "+c.lang, func(b *browserRun) {
			b.signIn(c.user)
			b.do(chromedp.Navigate(e.srv.URL+"/requests/new"), chromedp.WaitVisible(chromedp.CSS("#title")),
				chromedp.Click(chromedp.CSS("#category-billing")))
			b.failedForm("#new-request", "#submit-request", []string{"title", "description"}, c.prefix, c.zh)
			b.shot("failed-new-request-" + c.lang)
			// The summary's link takes the keyboard to the field.
			b.do(chromedp.Click(chromedp.CSS(`#error-summary a[href="#description"]`)))
			if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.activeElement.id === "description"`,
				chromedp.WithPollingTimeout(10*time.Second))); err != nil {
				b.t.Errorf("the summary's link did not focus the description: %v", err)
			}
		})
		run("invite "+c.lang, func(b *browserRun) {
			b.signIn(c.user)
			b.do(chromedp.Navigate(e.srv.URL+"/organization"), chromedp.WaitVisible(chromedp.CSS("#invite-submit")))
			b.failedForm("#invite", "#invite-submit", []string{"inv-email", "inv-name"}, c.prefix, c.zh)
			b.shot("failed-invite-" + c.lang)
		})
	}
}
