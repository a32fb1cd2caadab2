package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestConsoleRoutingBrowser triages Japanese requests in the console, in
// headless Chromium, under the injected clock: two engineers speak
// Japanese, Aiko on the Japanese working calendar (Asia/Tokyo) and Kenji on
// the American one. On 3 November, a Japanese holiday, neither is on shift
// and the request goes to the on-shift pool flagged "translator needed"; on
// the next morning in Tokyo it goes to Aiko. The test reads what the
// console shows: the assignee and the history.
func TestConsoleRoutingBrowser(t *testing.T) {
	bctx := browser(t)
	dir := filepath.Join(filepath.Dir(artifacts(t)), "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	op := e.actorByEmail("operator@contoso.test")
	for _, u := range []struct{ key, name, region string }{{"aiko", "Aiko Tanaka", "JP"}, {"kenji", "Kenji Sato", "US"}} {
		nu, _, err := e.desk.CreateUser(ctx, op, op.User.OrgID, desk.NewUser{Email: u.key + "@example.test", Name: u.name,
			Role: casedesk.RoleAgent, Password: password, Language: "en", TimeZone: "Asia/Tokyo", Languages: []string{"ja"}, Regions: []string{u.region}})
		if err != nil {
			t.Fatal(err)
		}
		e.users[u.key] = nu
	}
	b := &browserRun{t: t, ctx: tab(t, bctx), e: e, dir: dir}

	// triage opens a Japanese request as Anna and sets its severity in the
	// console as Sam (signed in below), then returns the work page's assignee and history.
	triage := func(title string) (assignee, history string) {
		t.Helper()
		r, _, err := e.desk.OpenRequest(ctx, e.actor("anna"), desk.NewRequest{Category: casedesk.CategoryTechnical,
			Title: title, Description: "メールが届きません。", Language: "ja"}, "")
		if err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.Navigate(e.srv.URL+"/console?view=triage"), chromedp.WaitVisible(chromedp.CSS("#queue")))
		b.contains("#queue", title)
		b.do(chromedp.Click(chromedp.CSS(`#queue tr[data-number="`+r.Number+`"] a.open`)), chromedp.WaitVisible(chromedp.CSS("#sevdefs")))
		b.contains("#facts", "Japanese") // the request's language, named
		b.do(chromedp.SetValue(chromedp.CSS("#set-severity"), "B"), chromedp.Click(chromedp.CSS("#set-severity-submit")))
		b.waitURL("notice=severity")
		b.waitText(".notice", "Severity saved")
		return b.text("#assignee"), b.text("#history")
	}

	// Tuesday 3 November 02:00 UTC: 11:00 in Tokyo, but Culture Day; the
	// evening before in New York.
	e.clock.Add(17 * time.Hour)
	b.signIn("sam")
	assignee, history := triage("祝日のメール障害")
	if strings.Contains(assignee, "Aiko") || strings.Contains(assignee, "Kenji") || assignee == "Unassigned" {
		t.Fatalf("on a Japanese holiday the request went to %q, want someone on shift who needs a translator", assignee)
	}
	if !strings.Contains(history, "assigned it to "+assignee+" — translator needed") {
		t.Fatalf("no translator flag in the history:\n%s", history)
	}
	b.shot("routing-holiday-translator")

	// Wednesday 4 November 02:00 UTC: 11:00 on a working day in Tokyo.
	e.clock.Add(24 * time.Hour)
	assignee, history = triage("平日のメール障害")
	if assignee != "Aiko Tanaka" {
		t.Fatalf("in Tokyo's working hours the request went to %q, want Aiko Tanaka (on shift, speaks Japanese)", assignee)
	}
	if !strings.Contains(history, "assigned it to Aiko Tanaka") || strings.Contains(history, "translator needed") {
		t.Fatalf("history:\n%s", history)
	}
	b.shot("routing-tokyo-on-shift")
}

// actorByEmail signs a user who is not among e.users in through desk.
func (e *env) actorByEmail(email string) *casedesk.Actor {
	e.t.Helper()
	ctx := context.Background()
	tok, _, err := e.desk.Login(ctx, email, password, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.desk.Authenticate(ctx, tok, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}
