package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func must(t *testing.T, cond bool, format string, args ...any) {
	t.Helper()
	if !cond {
		t.Fatalf(format, args...)
	}
}

var numberRE = regexp.MustCompile(`/requests/(\d{7,})`)

// TestPortalFlows walks the core flows over HTTP on both engines: the pages
// answer, requests are filed, answered, closed and reopened, and desk's
// refusals come back as the right pages.
func TestPortalFlows(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()

		anon := e.client()
		st, body := anon.get("/")
		must(t, st == 200 && strings.Contains(body, `id="signin"`), "anonymous home goes to sign-in: %d", st)
		for _, p := range []string{"/help", "/help/mail-flow", "/presales", "/forgot"} {
			st, _ := anon.get(p)
			must(t, st == 200, "GET %s anonymously: %d", p, st)
		}

		c := e.client()
		st, body = c.post("/signin", "/signin", url.Values{"email": {"anna@example.test"}, "password": {"wrong password"}})
		must(t, st == http.StatusUnauthorized && strings.Contains(body, "the email or password is wrong"), "bad password: %d", st)
		c.signIn("anna")
		st, body = c.get("/")
		must(t, st == 200 && strings.Contains(body, "Fabrikam GmbH") && strings.Contains(body, `id="support-table"`), "home: %d\n%s", st, body)
		must(t, strings.Contains(body, "&#43;49 800 555 0199"), "home shows the German support line")
		must(t, strings.Contains(body, "No commitment") && strings.Contains(body, "Business hours"), "home shows the business family's table")

		// File a request with a callback.
		st, body = c.post("/requests/new", "/requests", url.Values{"category": {"technical"}, "product": {"mail"}, "topic": {"setup"},
			"title": {"Mail stuck in the outbox"}, "description": {"Since **Monday** mail stays in the outbox."},
			"unreachable": {"no"}, "users": {"several"}, "workaround": {"no"}, "language": {"en"}, "contact_method": {"email"},
			"callback": {"yes"}, "callback_phone": {"+49 89 5555 0142"}, "callback_time": {"mornings"}, "idem": {"k1"}})
		must(t, st == 200 && strings.Contains(body, "Your request has been submitted"), "create: %d\n%s", st, body)
		m := numberRE.FindStringSubmatch(body)
		must(t, m != nil, "no request number on the detail page")
		number := m[1]
		must(t, strings.Contains(body, "<strong>Monday</strong>"), "the description is rendered as Markdown")
		must(t, strings.Contains(body, "&#43;49 89 5555 0142"), "the callback is shown")
		r, err := e.desk.Request(ctx, e.actor("anna"), number)
		must(t, err == nil && r.Severity == "" && r.Impact.UsersAffected == "several" && r.Channel == casedesk.ChannelWeb, "stored request: %+v %v", r, err)

		// A double submit of the same form opens one request.
		st, body = c.post("/requests/new", "/requests", url.Values{"category": {"technical"}, "product": {"mail"}, "topic": {"setup"},
			"title": {"Mail stuck in the outbox"}, "description": {"Since **Monday** mail stays in the outbox."},
			"unreachable": {"no"}, "users": {"several"}, "workaround": {"no"}, "language": {"en"}, "contact_method": {"email"},
			"callback": {"yes"}, "callback_phone": {"+49 89 5555 0142"}, "callback_time": {"mornings"}, "idem": {"k1"}})
		must(t, st == 200 && strings.Contains(body, "/requests/"+number), "double submit: %d", st)
		cbs, _ := e.desk.Callbacks(ctx, e.actor("anna"), number)
		must(t, len(cbs) == 1, "a double submit asks for one call back, not %d", len(cbs))

		// The same form changed and sent again (back button) is not a replay.
		st, body = c.post("/requests/new", "/requests", url.Values{"category": {"billing"}, "title": {"Another question"},
			"description": {"Changed after sending."}, "idem": {"k1"}})
		must(t, st == http.StatusConflict && strings.Contains(body, "already sent") && !strings.Contains(body, `value="k1"`), "changed resend: %d", st)

		// Severity cannot be chosen without elevated support; the form does not offer it.
		_, body = c.get("/requests/new")
		must(t, !strings.Contains(body, `id="severity"`) && strings.Contains(body, "Support confirms the severity"), "no severity choice for Fabrikam")

		// Out of scope: guidance, nothing filed.
		st, body = c.post("/requests/new", "/requests", url.Values{"category": {"technical"}, "topic": {"script"}, "title": {"My script"}, "description": {"x"}})
		must(t, st == 200 && strings.Contains(body, `id="guidance"`) && strings.Contains(body, "custom scripts"), "out-of-scope guidance: %d", st)
		rs, _, _ := e.desk.ListRequests(ctx, e.actor("anna"), desk.ListFilter{})
		must(t, len(rs) == 1, "guidance files nothing: %d requests", len(rs))

		// Field errors come back next to the field.
		st, body = c.post("/requests/new", "/requests", url.Values{"category": {"billing"}, "title": {""}, "description": {"x"}, "idem": {"k2"}})
		must(t, st == 400 && strings.Contains(body, `id="err-title"`), "missing title: %d", st)

		// The list and the detail; reply; close; reopen.
		st, body = c.get("/requests")
		must(t, st == 200 && strings.Contains(body, "Mail stuck in the outbox") && strings.Contains(body, "Anna Schmidt"), "list: %d", st)
		st, body = c.post("/requests/"+number, "/requests/"+number+"/reply", url.Values{"body": {"More details: `code`"}})
		must(t, st == 200 && strings.Contains(body, "<code>code</code>"), "reply: %d", st)
		st, body = c.post("/requests/"+number, "/requests/"+number+"/close", url.Values{})
		must(t, st == 200 && strings.Contains(body, `id="reopen"`) && strings.Contains(body, `id="send-survey"`), "close: %d", st)
		st, body = c.post("/requests/"+number, "/requests/"+number+"/survey", url.Values{"rating": {"5"}, "comment": {"quick"}})
		must(t, st == 200 && strings.Contains(body, "You rated this request 5 of 5"), "survey: %d", st)
		st, _ = c.postRaw("/requests/"+number+"/survey", url.Values{"rating": {"4"}, "csrf_token": {csrfOf(t, c, "/requests/"+number)}})
		must(t, st == 400, "a second survey answer is refused: %d", st)
		e.clock.Add(15 * 24 * time.Hour)
		c.signIn("anna") // sessions last 7 days
		st, body = c.get("/requests/" + number)
		must(t, st == 200 && !strings.Contains(body, `id="reopen"`) && strings.Contains(body, `id="linked-new"`), "after 14 days: no reopen")
		st, body = c.postRaw("/requests/"+number+"/reopen", url.Values{"csrf_token": {csrfOf(t, c, "/requests/"+number)}})
		must(t, st == http.StatusConflict && strings.Contains(body, "can no longer be reopened"), "late reopen refused: %d", st)
		st, body = c.get("/requests/new?linked=" + number)
		must(t, st == 200 && strings.Contains(body, `name="linked_number" value="`+number+`"`), "linked new request form")
		_, body = c.get("/requests")
		must(t, strings.Contains(body, "Mail stuck"), "closed 15 days ago is listed by default")
		e.clock.Add(16 * 24 * time.Hour)
		c.signIn("anna")
		_, body = c.get("/requests")
		must(t, !strings.Contains(body, "Mail stuck"), "closed 31 days ago is not listed by default")
		_, body = c.get("/requests?all=1")
		must(t, strings.Contains(body, "Mail stuck"), "older requests on request")

		// Organization admin.
		st, body = c.post("/organization", "/organization/users", url.Values{"email": {"new.user@example.test"}, "name": {"New User"}, "role": {"user"}, "language": {"en"}})
		must(t, st == 200 && strings.Contains(body, `id="onetime-password"`), "invite: %d", st)
		st, body = c.get("/organization/history")
		must(t, st == 200 && strings.Contains(body, number), "history: %d", st)

		// Sign out: the session is gone.
		st, body = c.post("/", "/signout", url.Values{})
		must(t, st == 200 && strings.Contains(body, "You are signed out"), "sign out: %d", st)
		_, body = c.get("/requests")
		must(t, strings.Contains(body, `id="signin"`), "after sign-out the requests need sign-in")

		// A plain user sees their admins, not requests.
		u := e.client()
		u.signIn("thomas")
		st, body = u.get("/")
		must(t, st == 200 && strings.Contains(body, `id="admins"`) && strings.Contains(body, "Anna Schmidt") && !strings.Contains(body, `id="h-open"`), "user home: %d", st)
		st, body = u.get("/requests")
		must(t, st == http.StatusForbidden && strings.Contains(body, "Only your organization&#39;s administrators"), "user requests: %d", st)

		// The provider's staff can use the pages too (their console is elsewhere).
		s := e.client()
		s.signIn("agent")
		for _, p := range []string{"/", "/requests", "/requests/" + number, "/organization", "/organization/history", "/account"} {
			st, _ := s.get(p)
			must(t, st < 500, "agent GET %s: %d", p, st)
		}
	})
}

func csrfOf(t *testing.T, c *client, path string) string {
	t.Helper()
	_, body := c.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token on %s", path)
	}
	return m[1]
}

// TestPartnerDelegation: a partner's user switches between the customers
// that delegated to them, acts on their behalf, and loses access when a
// customer revokes the delegation.
func TestPartnerDelegation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		g, err := e.desk.GrantPartner(ctx, e.actor("wei"), e.yunfan.ID, desk.NewGrant{PartnerID: e.partner.ID})
		must(t, err == nil, "grant: %v", err)
		fr := e.openRequest("anna", e.fabrikam.ID, "Fabrikam's own")
		yr := e.openRequest("wei", e.yunfan.ID, "Yunfan's own")

		p := e.client()
		p.signIn("priya")
		_, body := p.get("/requests")
		must(t, strings.Contains(body, "Fabrikam&#39;s own") && !strings.Contains(body, "Yunfan&#39;s own"), "first customer's list")
		st, body := p.post("/", "/customer", url.Values{"customer_id": {itoa(e.yunfan.ID)}, "next": {"/requests"}})
		must(t, st == 200 && strings.Contains(body, "Yunfan&#39;s own") && !strings.Contains(body, "Fabrikam&#39;s own"), "after the switch: %d", st)
		must(t, strings.Contains(body, "on behalf of 云帆科技"), "the banner names the customer")
		st, _ = p.post("/", "/customer", url.Values{"customer_id": {itoa(e.users["anna"].OrgID + 1000)}})
		must(t, st == http.StatusNotFound, "switch to an organization that did not delegate: %d", st)

		// A reply on behalf shows who it was for.
		st, body = p.post("/requests/"+yr.Number, "/requests/"+yr.Number+"/reply", url.Values{"body": {"Partner here."}})
		must(t, st == 200 && strings.Contains(body, "Priya Patel (Proseware Solutions) on behalf of 云帆科技") &&
			!strings.Contains(body, "on behalf of Proseware"), "reply on behalf names the customer: %d\n%s", st, body)
		// The customer's admin sees it in their language, on the request and in the history.
		w := e.client()
		w.signIn("wei")
		_, body = w.get("/requests/" + yr.Number)
		must(t, strings.Contains(body, "Priya Patel（Proseware Solutions）代表 云帆科技"), "zh reply on behalf:\n%s", body)
		_, body = w.get("/organization")
		must(t, strings.Contains(body, "Priya Patel（Proseware Solutions）代表 云帆科技") && !strings.Contains(body, "代表 Proseware"), "zh history on behalf:\n%s", body)

		// A request the partner opens for Fabrikam: opened by the partner's
		// user, on behalf of the customer, in the list, on the page and in history.
		st, _ = p.post("/", "/customer", url.Values{"customer_id": {itoa(e.fabrikam.ID)}, "next": {"/requests"}})
		must(t, st == 200, "switch back: %d", st)
		pr := e.openRequest("priya", e.fabrikam.ID, "Opened by the partner")
		_, body = p.get("/requests")
		must(t, strings.Contains(body, "Priya Patel (Proseware Solutions)") && strings.Contains(body, "Fabrikam GmbH</td>"), "list on behalf:\n%s", body)
		an := e.client()
		an.signIn("anna")
		_, body = an.get("/requests/" + pr.Number)
		must(t, strings.Contains(body, "Priya Patel (Proseware Solutions) on behalf of Fabrikam GmbH") && !strings.Contains(body, "on behalf of Proseware"), "detail on behalf:\n%s", body)
		_, body = an.get("/organization")
		must(t, strings.Contains(body, "Priya Patel (Proseware Solutions) on behalf of Fabrikam GmbH"), "history on behalf:\n%s", body)

		// Yunfan revokes: the partner no longer sees its requests.
		a := e.client()
		a.signIn("wei")
		st, body = a.post("/organization", "/organization/partners/"+itoa(g.ID)+"/revoke", url.Values{})
		must(t, st == 200 && strings.Contains(body, "委派已撤销"), "revoke: %d", st)
		st, _ = p.get("/requests/" + yr.Number)
		must(t, st == http.StatusNotFound, "after revocation: %d", st)
		_, body = p.get("/requests")
		must(t, strings.Contains(body, "Fabrikam&#39;s own"), "back on the remaining customer")
		st, _ = p.get("/requests/" + fr.Number)
		must(t, st == 200, "the other delegation stays: %d", st)

		// Granting again by partner ID, through the form.
		st, body = a.post("/organization", "/organization/partners", url.Values{"partner_id": {itoa(e.partner.ID)}})
		must(t, st == 200 && strings.Contains(body, "已向该合作伙伴委派管理权限"), "grant by partner ID: %d", st)
		st, body = a.post("/organization", "/organization/partners", url.Values{"partner_id": {"abc"}})
		must(t, st == 400 && strings.Contains(body, `id="err-partner"`), "bad partner ID: %d", st)
	})
}

// TestPresalesForm files a prospect's question and refuses the honeypot.
func TestPresalesForm(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	c := e.client()
	st, body := c.post("/presales", "/presales", url.Values{"name": {"Ada"}, "email": {"ada@prospect.example"}, "country": {"gb"},
		"question": {"Pricing for 300 seats?"}, "plan_interest": {"Enterprise plans"}})
	must(t, st == 200 && strings.Contains(body, `id="presales-number"`), "presales: %d\n%s", st, body)
	st, _ = c.post("/presales", "/presales", url.Values{"name": {"Bot"}, "email": {"bot@spam.example"}, "question": {"buy now"}, "website": {"http://spam.example"}})
	must(t, st == 400, "the honeypot is refused: %d", st)
	st, body = c.post("/presales", "/presales", url.Values{"name": {""}, "email": {"x@y.example"}, "question": {"q"}})
	must(t, st == 400 && strings.Contains(body, `id="err-name"`), "missing name: %d", st)
	limited := false
	for range 12 {
		st, _ = c.post("/presales", "/presales", url.Values{"name": {"Flood"}, "email": {"flood@spam.example"}, "question": {"again"}})
		if st == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	must(t, limited, "pre-sales submissions are rate limited")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestMethodNotAllowedPages: a page's path with another method is 405 with
// Allow, not 404.
func TestMethodNotAllowedPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for path, allow := range map[string]string{"/help": "GET, HEAD, OPTIONS", "/signin": "GET, HEAD, POST, OPTIONS"} {
			req, _ := http.NewRequest("DELETE", e.srv.URL+path, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 405 || res.Header.Get("Allow") != allow {
				t.Errorf("DELETE %s: %d Allow %q", path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
		if st, _ := e.client().get("/no-such-page"); st != 404 {
			t.Errorf("unknown page: %d", st)
		}
	})
}
