package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// payloads try to break out of text, attributes and URLs.
var payloads = []string{
	`<script>alert("xss")</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)//<svg onload=alert(2)>`,
}

// raw reports whether a payload's active part came back unescaped.
func raw(body string) string {
	for _, bad := range []string{`<script>alert`, `<img src=x`, `<svg onload`, `href="javascript:`, `src="javascript:`} {
		if strings.Contains(body, bad) {
			i := strings.Index(body, bad)
			return body[max(0, i-200):min(len(body), i+200)]
		}
	}
	return ""
}

// TestEscaping puts script payloads into every text field a person can
// fill in, then reads every page that shows them: nothing comes back
// active, and each value is shown (escaped), so the test proves the field
// was rendered.
func TestEscaping(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		escapingRound(t, newEnv(t, db), payloads[0])
	})
	// The other payloads on SQLite only, to keep the run short.
	for _, p := range payloads[1:] {
		e := newEnv(t, storetest.Open(t, store.SQLite))
		escapingRound(t, e, p)
	}
}

func escapingRound(t *testing.T, e *env, p string) {
	t.Helper()
	ctx := context.Background()
	op := e.operator()
	// Names others typed: organizations and people.
	name := "Org " + p
	if _, err := e.desk.UpdateOrganization(ctx, op, e.fabrikam.ID, desk.OrgPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	pname := "Partner " + p
	if _, err := e.desk.UpdateOrganization(ctx, op, e.partner.ID, desk.OrgPatch{Name: &pname}); err != nil {
		t.Fatal(err)
	}

	c := e.client()
	c.signIn("anna")
	st, _ := c.post("/account", "/account", url.Values{"name": {"Anna " + p}, "language": {"en"}, "time_zone": {"Europe/Berlin"}, "phone": {"+49 " + p[:10]}})
	must(t, st == 200, "account: %d", st)

	// A request with every text field filled, and a file with a hostile name.
	token := csrfOf(t, c, "/requests/new")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"csrf_token": token, "category": "technical", "product": "mail", "topic": "setup",
		"title": "Title " + p, "description": "Description " + p + "\n\n[link](javascript:alert(1))", "unreachable": "yes",
		"users": "one", "workaround": "no", "deadline": "Deadline " + p, "language": "en", "contact_method": "phone",
		"phone": "+1 " + p[:20], "callback": "yes", "callback_phone": "+1 " + p[:20], "callback_time": "Time " + p, "idem": "esc-" + p[:5]} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("files", "file "+p+".txt")
	fw.Write([]byte("hello"))
	mw.Close()
	req, _ := http.NewRequest("POST", c.url+"/requests", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	must(t, resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/requests/"), "create with payloads: %d %s", resp.StatusCode, loc)
	number := strings.TrimPrefix(loc[:strings.IndexByte(loc, '?')], "/requests/")

	// Replies, a survey comment and history lines.
	st, _ = c.post("/requests/"+number, "/requests/"+number+"/reply", url.Values{"body": {"Reply " + p}})
	must(t, st == 200, "reply: %d", st)
	if _, err := e.desk.AddMessage(ctx, e.actor("agent"), number, desk.NewMessage{Body: "Agent " + p}); err != nil {
		t.Fatal(err)
	}
	resolved := casedesk.StatusResolved
	if _, err := e.desk.UpdateRequest(ctx, e.actor("agent"), number, desk.RequestPatch{Status: &resolved}); err != nil {
		t.Fatal(err)
	}
	st, _ = c.post("/requests/"+number, "/requests/"+number+"/survey", url.Values{"rating": {"4"}, "comment": {"Comment " + p}})
	must(t, st == 200, "survey: %d", st)
	// An invited user's name, shown on the organization page.
	st, _ = c.post("/organization", "/organization/users", url.Values{"email": {"esc" + number + "@example.test"}, "name": {"Invited " + p}, "role": {"user"}})
	must(t, st == 200, "invite: %d", st)

	pages := []string{"/", "/requests", "/requests?all=1&sort=severity", "/requests/" + number, "/organization", "/organization/history",
		"/account", "/requests/new?title=" + url.QueryEscape(p) + "&linked=" + url.QueryEscape(p), "/help?q=" + url.QueryEscape(p),
		"/requests/" + url.PathEscape(p), "/signin?next=" + url.QueryEscape(p)}
	seen := ""
	for _, path := range pages {
		st, body := c.get(path)
		must(t, st < 500, "GET %s: %d", path, st)
		if r := raw(body); r != "" {
			t.Fatalf("GET %s: payload came back active:\n%s", path, r)
		}
		must(t, !strings.Contains(body, "%!"), "GET %s: a catalogue entry got the wrong arguments", path)
		seen += body
	}
	escaped := strings.NewReplacer("<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(p)
	for _, want := range []string{"Org " + escaped, "Anna " + escaped, "Title " + escaped, "Time " + escaped, "Reply ", "Agent ",
		"Comment " + escaped, "Invited " + escaped, "file "} {
		must(t, strings.Contains(seen, want), "%q is not shown anywhere (the field was not rendered)", want)
	}

	// The partner sees the customer's name in the switch, escaped.
	pc := e.client()
	pc.signIn("priya")
	for _, path := range []string{"/", "/requests", "/requests/" + number, "/organization"} {
		st, body := pc.get(path)
		must(t, st < 500, "partner GET %s: %d", path, st)
		if r := raw(body); r != "" {
			t.Fatalf("partner GET %s: payload came back active:\n%s", path, r)
		}
	}

	// Anonymous forms echo what was typed when they are sent back.
	a := e.client()
	st, body := a.post("/presales", "/presales", url.Values{"name": {"Name " + p}, "company": {"Co " + p}, "email": {"not an email " + p},
		"country": {"DE"}, "question": {"Question " + p}, "plan_interest": {"Plan " + p}})
	must(t, st == 400, "presales with a bad email: %d", st)
	must(t, raw(body) == "", "presales echo: %s", raw(body))
	must(t, strings.Contains(body, "Name "+escaped) && strings.Contains(body, "Question "+escaped), "presales echoes the fields escaped")
	_, body = a.post("/signin", "/signin", url.Values{"email": {p}, "password": {"x"}, "next": {p}})
	must(t, raw(body) == "", "sign-in echo: %s", raw(body))
	_, body = a.post("/forgot", "/forgot", url.Values{"email": {p}})
	must(t, raw(body) == "", "forgot echo: %s", raw(body))
	_, body = a.get("/reset?token=" + url.QueryEscape(p))
	must(t, raw(body) == "", "reset echo: %s", raw(body))
	_, body = a.get("/presales/sent?number=" + url.QueryEscape(p))
	must(t, raw(body) == "", "presales sent echo: %s", raw(body))
}

// operator returns the operator's actor.
func (e *env) operator() *casedesk.Actor {
	e.t.Helper()
	ctx := context.Background()
	tok, _, err := e.desk.Login(ctx, "operator@contoso.test", password, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.desk.Authenticate(ctx, tok, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}
