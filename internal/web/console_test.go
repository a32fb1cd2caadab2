package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// withConsoleStaff adds the provider's console people to an env: Lena
// (English and German, on the German calendar, technical), Wang (Chinese,
// on the Chinese calendar) and Sam, a supervisor. The env's clock stands on
// Monday 09:00 UTC: 10:00 in Berlin (on shift), 17:00 in Shanghai (off).
func withConsoleStaff(t testing.TB, e *env) {
	t.Helper()
	ctx := context.Background()
	tok, _, err := e.desk.Login(ctx, "operator@contoso.test", password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	op, err := e.desk.Authenticate(ctx, tok, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		key, name string
		role      casedesk.Role
		langs     []string
		region    string
	}{
		{"lena", "Lena Fischer", casedesk.RoleAgent, []string{"en", "de"}, "DE"},
		{"wang", "王芳", casedesk.RoleAgent, []string{"zh-CN"}, "CN"},
		{"sam", "Sam Supervisor", casedesk.RoleSupervisor, []string{"en"}, ""},
	} {
		in := desk.NewUser{Email: u.key + "@example.test", Name: u.name, Role: u.role, Password: password, Language: "en",
			TimeZone: "Europe/Berlin", Languages: u.langs}
		if u.region != "" {
			in.Regions = []string{u.region}
		}
		nu, _, err := e.desk.CreateUser(ctx, op, op.User.OrgID, in)
		if err != nil {
			t.Fatal(err)
		}
		e.users[u.key] = nu
	}
	// Sam supervises and takes no requests of his own: a full load keeps
	// routing away from him, and Emily's profile stays as the portal
	// tests made it (no languages: only a fallback).
}

// apiGet calls the REST API as the user with a fresh bearer token.
func apiGet(t *testing.T, e *env, h http.Handler, as, path string) (int, string) {
	t.Helper()
	tok, _, err := e.desk.Login(context.Background(), e.users[as].Email, password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

// consoleEnv is one console flow's own world: a fresh database with the
// env's people and the console staff, the event relay listening (on
// PostgreSQL, events come back through it), the REST API beside the pages,
// and Lena signed in to the console.
func consoleEnv(t *testing.T, engine store.Engine) (*env, *client, http.Handler) {
	t.Helper()
	e := newEnv(t, storetest.Open(t, engine))
	withConsoleStaff(t, e)
	startRelay(t, e.desk)
	agent := e.client()
	agent.signIn("lena")
	return e, agent, api.New(e.desk, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{}).Handler()
}

// triaged opens a request of Anna's and has Lena set its severity to A in
// the console, which routes it to her.
func triaged(t *testing.T, e *env, agent *client, title string) *casedesk.Request {
	t.Helper()
	r := e.openRequest("anna", e.fabrikam.ID, title)
	if st, _ := agent.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/severity", url.Values{"severity": {"A"}}); st != http.StatusOK {
		t.Fatalf("triage %s: %d", r.Number, st)
	}
	return r
}

// TestConsoleFlows walks the console's flows, each a subtest on a world of
// its own: none depends on another's changes, so any may run alone.
func TestConsoleFlows(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) { consoleFlows(t, engine) })
	}
}

func consoleFlows(t *testing.T, engine store.Engine) {
	ctx := context.Background()
	{
		t.Run("customers are refused", func(t *testing.T) {
			e, _, _ := consoleEnv(t, engine)
			for _, who := range []string{"anna", "thomas", "priya"} {
				c := e.client()
				c.signIn(who)
				for _, path := range []string{"/console", "/console/live", "/console/phone", "/console/callbacks", "/console/supervisor"} {
					if st, _ := c.get(path); st != http.StatusForbidden {
						t.Errorf("%s GET %s: %d, want 403", who, path, st)
					}
				}
				if st, body := c.get("/"); strings.Contains(body, `href="/console"`) || st != http.StatusOK {
					t.Errorf("%s is offered the console (%d)", who, st)
				}
			}
			if st, _ := e.client().get("/console"); st != http.StatusOK { // redirected to sign in
				t.Errorf("anonymous: %d", st)
			}
		})

		t.Run("triage queue, severity, automatic assignment", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			r := e.openRequest("anna", e.fabrikam.ID, "Mailbox migration stalls at 80%")
			st, body := agent.get("/console?view=triage")
			if st != http.StatusOK || !strings.Contains(body, r.Number) || !strings.Contains(body, "Fabrikam GmbH") {
				t.Fatalf("triage queue: %d\n%s", st, body)
			}
			st, body = agent.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/severity", url.Values{"severity": {"A"}})
			if st != http.StatusOK || !strings.Contains(body, "Severity saved") {
				t.Fatalf("set severity: %d\n%s", st, body)
			}
			got, _ := e.desk.Request(ctx, e.actor("lena"), r.Number)
			if got.AssigneeID == nil || *got.AssigneeID != e.users["lena"].ID {
				t.Fatalf("assigned to %v, want Lena (an agent who triages keeps the request)", got.AssigneeID)
			}
			if !strings.Contains(body, `id="assignee">Lena Fischer`) || !strings.Contains(body, "Why is it due then?") {
				t.Errorf("work page lacks the assignee or the clock's explanation\n%s", body)
			}
			_, body = agent.get("/console?view=mine")
			if !strings.Contains(body, r.Number) || !strings.Contains(body, `class="left left-running"`) {
				t.Errorf("mine queue lacks the request with its time left\n%s", body)
			}
		})

		t.Run("internal note stays with staff", func(t *testing.T) {
			e, agent, apiH := consoleEnv(t, engine)
			r := triaged(t, e, agent, "Mailbox migration stalls at 80%")
			const secret = "Customer's tenant is on the old migration cluster"
			st, body := agent.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/message",
				url.Values{"kind": {"note"}, "body": {secret}})
			if st != http.StatusOK || !strings.Contains(body, "msg-note") {
				t.Fatalf("note: %d", st)
			}
			// A note with a file: the file is internal too.
			var mp bytes.Buffer
			mw := multipart.NewWriter(&mp)
			_, page := agent.get("/console/requests/" + r.Number)
			mw.WriteField("csrf_token", csrfRE.FindStringSubmatch(page)[1])
			mw.WriteField("kind", "note")
			mw.WriteField("body", "Connector log attached.")
			fw, _ := mw.CreateFormFile("files", "connector.log")
			fw.Write([]byte("TLS handshake failed: certificate expired"))
			mw.Close()
			resp, err := agent.c.Post(e.srv.URL+"/console/requests/"+r.Number+"/message", mw.FormDataContentType(), &mp)
			if err != nil || resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("note with a file: %v %v", err, resp.StatusCode)
			}
			resp.Body.Close()
			_, page = agent.get("/console/requests/" + r.Number)
			link := regexp.MustCompile(`href="(/requests/\d+/attachments/\d+)" download>connector.log`).FindStringSubmatch(page)
			if link == nil {
				t.Fatalf("the note's file is not shown to staff")
			}
			for _, who := range []string{"anna", "markus", "priya"} {
				c := e.client()
				c.signIn(who)
				st, page := c.get("/requests/" + r.Number)
				if st != http.StatusOK || strings.Contains(page, "old migration cluster") || strings.Contains(page, "connector.log") {
					t.Errorf("%s's portal page (%d) shows the note", who, st)
				}
				if st, _ := c.get(link[1]); st != http.StatusNotFound {
					t.Errorf("%s downloads the note's file: %d", who, st)
				}
				for _, path := range []string{"/messages", "/history", "/attachments", ""} {
					st, b := apiGet(t, e, apiH, who, "/api/v1/requests/"+r.Number+path)
					if st != http.StatusOK || strings.Contains(b, "old migration cluster") || strings.Contains(b, "connector.log") || strings.Contains(b, `"internal":true`) {
						t.Errorf("%s API %s: %d %s", who, path, st, b)
					}
				}
			}
			st, b := apiGet(t, e, apiH, "lena", "/api/v1/requests/"+r.Number+"/messages")
			if st != http.StatusOK || !strings.Contains(b, "old migration cluster") {
				t.Errorf("staff API lacks the note: %d", st)
			}
		})

		t.Run("elevated support: changing the customer's severity takes a reason", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			yr, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryTechnical,
				Title: "邮件延迟", Description: "邮件延迟两小时。", Severity: casedesk.SeverityB, Language: "zh-CN"}, "")
			if err != nil {
				t.Fatal(err)
			}
			st, body := agent.post("/console/requests/"+yr.Number, "/console/requests/"+yr.Number+"/severity", url.Values{"severity": {"C"}})
			if st != http.StatusBadRequest || !strings.Contains(body, "give a reason") {
				t.Fatalf("without a reason: %d", st)
			}
			st, body = agent.post("/console/requests/"+yr.Number, "/console/requests/"+yr.Number+"/severity",
				url.Values{"severity": {"C"}, "reason": {"Only one user affected, workaround in place"}})
			if st != http.StatusOK || !strings.Contains(body, "gave the reason: Only one user affected") {
				t.Fatalf("with a reason: %d\n%s", st, body)
			}
		})

		t.Run("transfer and reassignment", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			r := triaged(t, e, agent, "Mailbox migration stalls at 80%")
			st, body := agent.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/assign", url.Values{"assignee_id": {itoa(e.users["wang"].ID)}})
			if st != http.StatusBadRequest || !strings.Contains(body, "only supervisors reassign") {
				t.Fatalf("agent reassigns: %d", st)
			}
			sup := e.client()
			sup.signIn("sam")
			st, body = sup.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/assign", url.Values{"assignee_id": {itoa(e.users["agent"].ID)}})
			if st != http.StatusOK || !strings.Contains(body, `id="assignee">Emily Carter`) {
				t.Fatalf("supervisor reassigns: %d", st)
			}
			st, body = agent.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/transfer", url.Values{"category": {"billing"}})
			if st != http.StatusBadRequest || !strings.Contains(body, "Say in a note") {
				t.Fatalf("transfer without a note: %d", st)
			}
			st, body = agent.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/transfer",
				url.Values{"category": {"billing"}, "note": {"Licensing question after all"}})
			if st != http.StatusOK || !strings.Contains(body, "transferred it from Technical to Billing") {
				t.Fatalf("transfer: %d\n%s", st, body)
			}
			st, body = sup.get("/console/supervisor")
			if st != http.StatusOK || !strings.Contains(body, `id="agents"`) || !strings.Contains(body, "Lena Fischer") {
				t.Fatalf("supervisor view: %d", st)
			}
			if st, _ := agent.get("/console/supervisor"); st != http.StatusForbidden {
				t.Errorf("an agent opens the supervisor view: %d", st)
			}
		})

		t.Run("phone call on behalf of an admin; callbacks", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			st, body := agent.get("/console/phone?q=fabri")
			if st != http.StatusOK || !strings.Contains(body, `id="admin-`+itoa(e.users["anna"].ID)+`"`) {
				t.Fatalf("phone search: %d\n%s", st, body)
			}
			form := url.Values{"q": {"fabri"}, "org_id": {itoa(e.fabrikam.ID)}, "requester_id": {itoa(e.users["anna"].ID)},
				"category": {"billing"}, "title": {"Invoice shows 60 licenses"}, "description": {"Anna called: invoice lists 60, they have 50."},
				"notes": {"Promised an answer today."}, "severity": {"C"}}
			st, body = agent.post("/console/phone?q=fabri", "/console/phone", form)
			if st != http.StatusBadRequest || !strings.Contains(body, "Tick what you verified") {
				t.Fatalf("call without verification: %d", st)
			}
			form["verified"] = []string{"name", "email"}
			st, body = agent.post("/console/phone?q=fabri", "/console/phone", form)
			if st != http.StatusOK || !strings.Contains(body, "Phone call. Verified: name, email.") {
				t.Fatalf("log call: %d\n%s", st, body)
			}
			rs, _, _ := e.desk.ListRequests(ctx, e.actor("anna"), desk.ListFilter{Limit: 10})
			if rs[0].Title != "Invoice shows 60 licenses" || rs[0].Channel != casedesk.ChannelPhone || rs[0].RequesterID != e.users["anna"].ID {
				t.Fatalf("the call's request: %+v", rs[0])
			}
			if _, err := e.desk.RequestCallback(ctx, e.actor("anna"), rs[0].Number, "+49 89 5555 0142", "after 14:00"); err != nil {
				t.Fatal(err)
			}
			st, body = agent.get("/console/callbacks")
			if st != http.StatusOK || !strings.Contains(body, "49 89 5555 0142") || !strings.Contains(body, "Mon 10:00 (Europe/Berlin)") {
				t.Fatalf("callbacks: %d\n%s", st, body)
			}
			st, body = agent.get("/console/organizations/" + itoa(e.fabrikam.ID))
			if st != http.StatusOK || !strings.Contains(body, "Invoice shows 60 licenses") || !strings.Contains(body, "Business plans") {
				t.Fatalf("organization panel: %d", st)
			}
		})

		t.Run("canned responses, out of scope, escalate, merge, saved filters", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			// Yunfan has a request, for the accounts queue below.
			if _, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryTechnical,
				Title: "邮件延迟", Description: "邮件延迟两小时。", Severity: casedesk.SeverityB, Language: "zh-CN"}, ""); err != nil {
				t.Fatal(err)
			}
			sup := e.client()
			sup.signIn("sam")
			st, _ := agent.post("/console/canned", "/console/canned", url.Values{"name": {"Ask for a trace"}, "body": {"x"}})
			if st != http.StatusForbidden {
				t.Fatalf("an agent creates a canned response: %d", st)
			}
			st, body := sup.post("/console/canned", "/console/canned", url.Values{"name": {"Ask for a trace"}, "language": {"en"},
				"body": {"Hello {{customer.name}}, about {{request.number}} ({{organization.name}}): please send a message trace. {{agent.name}}"}})
			if st != http.StatusOK || !strings.Contains(body, "Canned response saved") {
				t.Fatalf("create canned: %d", st)
			}
			nr := e.openRequest("anna", e.fabrikam.ID, "Outlook add-in from a vendor crashes")
			_, body = agent.get("/console/requests/" + nr.Number)
			id := regexp.MustCompile(`<option value="(\d+)">Ask for a trace`).FindStringSubmatch(body)
			if id == nil {
				t.Fatalf("no canned response offered\n%s", body)
			}
			_, body = agent.get("/console/requests/" + nr.Number + "?canned=" + id[1])
			if !strings.Contains(body, "Hello Anna Schmidt, about "+nr.Number+" (Fabrikam GmbH): please send a message trace. Lena Fischer") {
				t.Fatalf("placeholders not filled\n%s", body)
			}
			st, body = agent.post("/console/requests/"+nr.Number, "/console/requests/"+nr.Number+"/outofscope", url.Values{"reason": {"addin"}})
			if st != http.StatusOK || !strings.Contains(body, `id="outcome">Out of scope · Third-party service or add-in`) {
				t.Fatalf("out of scope: %d\n%s", st, body)
			}
			anna := e.client()
			anna.signIn("anna")
			if _, page := anna.get("/requests/" + nr.Number); !strings.Contains(page, "supported by their makers") || !strings.Contains(page, "Resolved") {
				t.Errorf("the customer did not get the guidance")
			}

			a := e.openRequest("anna", e.fabrikam.ID, "Sync errors")
			b := e.openRequest("anna", e.fabrikam.ID, "Sync errors again")
			st, body = agent.post("/console/requests/"+a.Number, "/console/requests/"+a.Number+"/escalate", url.Values{"note": {"Tried a full resync; the connector logs show a schema error."}})
			if st != http.StatusOK || !strings.Contains(body, `id="tier">Tier 2`) || !strings.Contains(body, "escalated it to tier 2") {
				t.Fatalf("escalate: %d", st)
			}
			// Nobody here is a tier-2 engineer: it waits in the tier-2 pool, flagged.
			if !strings.Contains(body, `id="tier-pool">waiting in the tier-2 pool`) {
				t.Errorf("the escalated request is not flagged as waiting in the tier-2 pool\n%s", body)
			}
			if _, body := agent.get("/console?view=tier2"); !strings.Contains(body, a.Number) || strings.Contains(body, b.Number) {
				t.Errorf("the tier-2 pool does not hold exactly the escalated request\n%s", body)
			}
			st, body = agent.post("/console/requests/"+b.Number, "/console/requests/"+b.Number+"/link", url.Values{"other": {a.Number}, "merge": {"1"}})
			if st != http.StatusOK || !strings.Contains(body, "merged it into "+a.Number) || !strings.Contains(body, `id="status">Closed`) {
				t.Fatalf("merge: %d\n%s", st, body)
			}
			if _, page := anna.get("/requests/" + b.Number); !strings.Contains(page, "repeats request "+a.Number) {
				t.Errorf("the customer was not told of the merge")
			}
			if _, page := anna.get("/organization/history"); !strings.Contains(page, "merged it into request "+a.Number) ||
				!strings.Contains(page, "answered it with guidance") || strings.Contains(page, "escalated") {
				t.Errorf("the customer's history lines for the console's changes\n%s", page)
			}
			if _, body = agent.get("/console/requests/" + a.Number); !strings.Contains(body, "merged "+b.Number+" into this request") {
				t.Errorf("the kept request's history lacks the merge")
			}
			// Sam makes Lena Yunfan's account manager: she follows its requests.
			st, body = sup.post("/console/organizations/"+itoa(e.yunfan.ID), "/console/organizations/"+itoa(e.yunfan.ID)+"/tam",
				url.Values{"tam_id": {itoa(e.users["lena"].ID)}})
			if st != http.StatusOK || !strings.Contains(body, "Technical account manager: <strong>Lena Fischer</strong>") {
				t.Fatalf("set the account manager: %d", st)
			}
			if st, _ := agent.post("/console/organizations/"+itoa(e.yunfan.ID), "/console/organizations/"+itoa(e.yunfan.ID)+"/tam",
				url.Values{"tam_id": {itoa(e.users["lena"].ID)}}); st != http.StatusForbidden {
				t.Errorf("an agent sets the account manager: %d", st)
			}
			if _, body = agent.get("/console?view=accounts"); !strings.Contains(body, "邮件延迟") || strings.Contains(body, "Sync errors") {
				t.Errorf("the accounts queue does not hold exactly Yunfan's requests\n%s", body)
			}
			if _, body = sup.get("/console/supervisor"); !strings.Contains(body, "Third-party service or add-in: <strong>1</strong>") {
				t.Errorf("the supervisor view does not report the out-of-scope outcome")
			}
			st, body = agent.post("/console?view=breached&category=technical", "/console/filters", url.Values{"name": {"Tech breaches"}, "view": {"breached"}, "category": {"technical"}})
			if st != http.StatusOK || !strings.Contains(body, `href="/console?view=breached&amp;category=technical">Tech breaches`) {
				t.Fatalf("saved filter: %d", st)
			}
		})

		t.Run("edit and delete a canned response", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			if _, err := e.desk.CreateCanned(ctx, e.actor("sam"), "Ask for a trace", "en", "Hello {{customer.name}}, please send a message trace."); err != nil {
				t.Fatal(err)
			}
			sup := e.client()
			sup.signIn("sam")
			_, body := sup.get("/console/canned")
			m := regexp.MustCompile(`href="/console/canned/(\d+)" id="canned-edit-\d+">Edit`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no edit link for the supervisor\n%s", body)
			}
			edit := "/console/canned/" + m[1]
			if _, body := agent.get("/console/canned"); strings.Contains(body, `id="canned-edit-`) {
				t.Errorf("an agent is offered to edit")
			}
			if st, _ := agent.post(edit, edit, url.Values{"name": {"Mine"}, "language": {"en"}, "body": {"x"}}); st != http.StatusForbidden {
				t.Errorf("an agent edits: %d", st)
			}
			st, body := sup.post(edit, edit, url.Values{"name": {"Ask for a trace"}, "language": {"en"}, "body": {""}})
			if st != http.StatusBadRequest || !regexp.MustCompile(`id="canned-body"[^>]*>[^<]*</textarea><p class="field-error" id="err-body">`).MatchString(body) {
				t.Fatalf("empty body: %d, want the message next to the field\n%s", st, body)
			}
			if _, err := e.desk.CreateCanned(ctx, e.actor("sam"), "Closing", "en", "Closing now."); err != nil {
				t.Fatal(err)
			}
			st, body = sup.post(edit, edit, url.Values{"name": {"Closing"}, "language": {"en"}, "body": {"x"}})
			if st != http.StatusBadRequest || !strings.Contains(body, `id="err-name">A canned response “Closing” in en exists already`) {
				t.Fatalf("duplicate name: %d\n%s", st, body)
			}
			st, body = sup.post(edit, edit, url.Values{"name": {"Ask for a trace"}, "language": {"en"}, "body": {"Dear {{customer.name}}, please send a trace of {{request.number}}."}})
			if st != http.StatusOK || !strings.Contains(body, "Canned response saved") || !strings.Contains(body, "please send a trace of {{request.number}}") {
				t.Fatalf("edit: %d\n%s", st, body)
			}
			nr := e.openRequest("anna", e.fabrikam.ID, "Trace needed")
			if _, body := agent.get("/console/requests/" + nr.Number + "?canned=" + m[1]); !strings.Contains(body, "Dear Anna Schmidt, please send a trace of "+nr.Number+".") {
				t.Errorf("the edited text is not what is inserted")
			}
			if st, _ := agent.post(edit, edit+"/delete", url.Values{}); st != http.StatusForbidden {
				t.Errorf("an agent deletes: %d", st)
			}
			st, body = sup.post(edit, edit+"/delete", url.Values{})
			if st != http.StatusOK || !strings.Contains(body, "Canned response deleted") || strings.Contains(body, "Ask for a trace") {
				t.Fatalf("delete: %d\n%s", st, body)
			}
			if st, _ := sup.get(edit); st != http.StatusNotFound {
				t.Errorf("the deleted response's page: %d", st)
			}
		})

		t.Run("notifications for the account manager", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			if err := e.desk.SetTAM(ctx, e.actor("sam"), e.yunfan.ID, e.users["lena"].ID); err != nil {
				t.Fatal(err)
			}
			// Lena is Yunfan's account manager. Her console's live stream hears of its new request.
			req, _ := http.NewRequest("GET", e.srv.URL+"/console/live", nil)
			sctx, cancel := context.WithCancel(ctx)
			defer cancel()
			resp, err := agent.c.Do(req.WithContext(sctx))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			buf := make([]byte, 512)
			resp.Body.Read(buf) // the retry line: subscribed
			yr, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryTechnical,
				Title: "SharePoint 站点只读", Description: "从今天早上开始。", Severity: casedesk.SeverityA, Language: "zh-CN"}, "")
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for !strings.Contains(got, "event: notification\ndata: ") || !strings.Contains(got[strings.Index(got, "event: notification"):], "\n\n") {
				n, err := resp.Body.Read(buf)
				if err != nil {
					t.Fatalf("live: %v after %q", err, got)
				}
				got += string(buf[:n])
			}
			unread, err := e.desk.UnreadNotifications(ctx, e.actor("lena"))
			if err != nil || unread == 0 || !strings.Contains(got, "event: notification\ndata: "+itoa(int64(unread))+" "+yr.Number+"\n") {
				t.Fatalf("live notification (unread %d, %v): %q", unread, err, got)
			}
			st, body := agent.get("/console/notifications?unread=1")
			if st != http.StatusOK || !strings.Contains(body, `id="notif-count" data-count="`+itoa(int64(unread))+`"`) ||
				!strings.Contains(body, `href="/console/requests/`+yr.Number+`" class="notif-request">`+yr.Number+` <span lang="zh">SharePoint 站点只读</span>`) ||
				!strings.Contains(body, "new request from 云帆科技") {
				t.Fatalf("inbox: %d\n%s", st, body)
			}
			id := regexp.MustCompile(`id="open-(\d+)"`).FindStringSubmatch(body)
			if id == nil {
				t.Fatal("no open button on an unread notification")
			}
			// Sam follows no organization: his inbox is empty and his stream silent about it; customers have none.
			sup := e.client()
			sup.signIn("sam")
			if st, body := sup.get("/console/notifications"); st != http.StatusOK || !strings.Contains(body, `id="inbox-empty"`) || strings.Contains(body, yr.Number) {
				t.Errorf("another's inbox shows Lena's notification: %d", st)
			}
			if st, _ := sup.post("/console/notifications", "/console/notifications/read", url.Values{"id": {id[1]}}); st != http.StatusNotFound {
				t.Errorf("Sam marks Lena's notification: %d", st)
			}
			anna := e.client()
			anna.signIn("anna")
			if st, body := anna.get("/console/notifications"); st != http.StatusForbidden || strings.Contains(body, `id="nav-notifications"`) {
				t.Errorf("a customer's inbox: %d", st)
			}
			// Open marks it read and goes to the request; then mark all.
			st, body = agent.post("/console/notifications", "/console/notifications/"+id[1]+"/open", url.Values{"number": {yr.Number}})
			if st != http.StatusOK || !strings.Contains(body, "SharePoint 站点只读") || !strings.Contains(body, `id="sevdefs"`) {
				t.Fatalf("open: %d", st)
			}
			st, body = agent.post("/console/notifications", "/console/notifications/read", url.Values{"all": {"1"}})
			if st != http.StatusOK || !strings.Contains(body, "Marked read.") || !strings.Contains(body, `data-count="0" hidden`) {
				t.Fatalf("mark all: %d\n%s", st, body)
			}
		})

		t.Run("routing by language and shift", func(t *testing.T) {
			e, _, _ := consoleEnv(t, engine)
			// A supervisor's triage dispatches (an agent's would keep the request).
			sup := e.client()
			sup.signIn("sam")
			triage := func(title string) (*casedesk.Request, string) {
				t.Helper()
				r, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryBilling,
					Title: title, Description: "发票有误。", Language: "zh-CN"}, "")
				if err != nil {
					t.Fatal(err)
				}
				st, body := sup.post("/console/requests/"+r.Number, "/console/requests/"+r.Number+"/severity", url.Values{"severity": {"C"}})
				if st != http.StatusOK {
					t.Fatalf("triage: %d", st)
				}
				got, _ := e.desk.Request(ctx, e.actor("lena"), r.Number)
				return got, body
			}
			// Monday 09:00 UTC: 17:00 in Shanghai, Wang's shift is over.
			r, body := triage("发票问题（下班后）")
			if r.AssigneeID == nil || *r.AssigneeID == e.users["wang"].ID || !strings.Contains(body, "translator needed") {
				t.Fatalf("off Wang's shift: assigned to %v\n%s", r.AssigneeID, body)
			}
			e.clock.Add(17 * time.Hour) // Tuesday 02:00 UTC: 10:00 in Shanghai
			r, _ = triage("发票问题（上班时间）")
			if r.AssigneeID == nil || *r.AssigneeID != e.users["wang"].ID {
				t.Fatalf("on Wang's shift: assigned to %v, want Wang", r.AssigneeID)
			}
		})

		t.Run("live stream for staff", func(t *testing.T) {
			e, agent, _ := consoleEnv(t, engine)
			req, _ := http.NewRequest("GET", e.srv.URL+"/console/live", nil)
			ctx2, cancel := context.WithCancel(ctx)
			defer cancel()
			resp, err := agent.c.Do(req.WithContext(ctx2))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("live: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			buf := make([]byte, 64)
			resp.Body.Read(buf) // the retry line
			nr := e.openRequest("anna", e.fabrikam.ID, "Live one")
			got := ""
			for !strings.Contains(got, nr.Number) {
				n, err := resp.Body.Read(buf)
				if err != nil {
					t.Fatalf("live: %v after %q", err, got)
				}
				got += string(buf[:n])
			}
			if !strings.Contains(got, "event: changed\ndata: created "+nr.Number) {
				t.Errorf("live event: %q", got)
			}
		})
	}
}
