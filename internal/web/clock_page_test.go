package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestClockPages: the customer sees the commitment of an untriaged request
// from the first minute, and each cycle after a reopen on a line of its
// own; staff read why a clock is due then in their language and time zone,
// in plain words, a 21 s wait counted to the second; in English and
// Chinese.
func TestClockPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		withConsoleStaff(t, e)
		op, err := e.desk.Authenticate(ctx, mustLogin(t, e, "operator@contoso.test"), "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		zhAgent, _, err := e.desk.CreateUser(ctx, op, op.User.OrgID, desk.NewUser{Email: "li@example.test", Name: "李娜", Role: casedesk.RoleAgent,
			Password: password, Language: "zh-CN", TimeZone: "Asia/Shanghai", Languages: []string{"zh-CN"}})
		if err != nil {
			t.Fatal(err)
		}
		e.users["li"] = zhAgent

		// Opened 09:00 UTC by Anna (Business plans), not triaged: held to
		// severity A, an hour round the clock: due 11:00 in Berlin.
		r := e.openRequest("anna", e.fabrikam.ID, "Mail stuck")
		anna := e.client()
		anna.signIn("anna")
		_, body := anna.get("/requests/" + r.Number)
		line := between(t, body, `id="target"`, "</dd>")
		for _, want := range []string{"1 hour", "24/7", "our fastest target until we assess the severity", "waiting for the first answer", "due by 2 Nov 2026, 11:00"} {
			if !strings.Contains(line, want) {
				t.Errorf("portal line lacks %q: %s", want, line)
			}
		}

		// Waiting on the customer for 21 seconds.
		lena := e.actor("lena")
		e.clock.Add(10 * time.Minute)
		if _, err := e.desk.UpdateRequest(ctx, lena, r.Number, desk.RequestPatch{Status: ptr(casedesk.StatusWaiting)}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(21 * time.Second)
		if _, err := e.desk.AddMessage(ctx, e.actor("anna"), r.Number, desk.NewMessage{Body: "logs attached"}); err != nil {
			t.Fatal(err)
		}
		staff := e.client()
		staff.signIn("lena") // Europe/Berlin, English
		_, body = staff.get("/console/requests/" + r.Number)
		why := between(t, body, `id="why-initial_response-0"`, "</details>")
		for _, want := range []string{"Not triaged yet, so held to the fastest target of Business plans, severity A – critical: 1 hour, counted around the clock.",
			"Opened 2 Nov 2026, 10:00; the clock started counting at once.",
			"Waiting on the customer from 2 Nov 2026, 10:10 to 2 Nov 2026, 10:10: 21 s not counted.",
			"So the target runs out 2 Nov 2026, 11:00.", "Times are in Europe/Berlin."} {
			if !strings.Contains(why, want) {
				t.Errorf("explanation lacks %q:\n%s", want, why)
			}
		}
		if strings.Contains(why, "UTC") || strings.Contains(why, "policy v") {
			t.Errorf("explanation in UTC or jargon:\n%s", why)
		}
		if !strings.Contains(body, "not triaged yet: held to A – critical until the severity is set") {
			t.Errorf("console does not say the clock is held until triage")
		}
		li := e.client()
		li.signIn("li") // Asia/Shanghai, Chinese
		_, body = li.get("/console/requests/" + r.Number)
		why = between(t, body, `id="why-initial_response-0"`, "</details>")
		for _, want := range []string{"尚未分级", "2026年11月2日 17:00 提交", "其中 21 秒 不计", "因此目标在 2026年11月2日 18:00 到期", "Asia/Shanghai"} {
			if !strings.Contains(why, want) {
				t.Errorf("Chinese explanation lacks %q:\n%s", want, why)
			}
		}

		// Triaged to C (no commitment): no explanation of a due time.
		if _, err := e.desk.UpdateRequest(ctx, e.actor("sam"), r.Number, desk.RequestPatch{Severity: ptr(casedesk.SeverityC)}); err != nil {
			t.Fatal(err)
		}
		if _, body = staff.get("/console/requests/" + r.Number); strings.Contains(body, `id="why-initial_response-0"`) {
			t.Error("a clock without a due time is explained")
		}

		// Answered, resolved, reopened: one line per cycle, newest first.
		if _, err := e.desk.UpdateRequest(ctx, e.actor("sam"), r.Number, desk.RequestPatch{Severity: ptr(casedesk.SeverityA)}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(20 * time.Minute)
		if _, err := e.desk.AddMessage(ctx, lena, r.Number, desk.NewMessage{Body: "fixed"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.desk.UpdateRequest(ctx, lena, r.Number, desk.RequestPatch{Status: ptr(casedesk.StatusResolved)}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(24 * time.Hour)
		if st, _ := anna.post("/requests/"+r.Number, "/requests/"+r.Number+"/reopen", url.Values{}); st != http.StatusOK {
			t.Fatalf("reopen: %d", st)
		}
		_, body = anna.get("/requests/" + r.Number)
		line = between(t, body, `id="target"`, "</dd>")
		c2, c1 := between(t, line, `id="cycle-2"`, "</li>"), between(t, line, `id="cycle-1"`, "</li>")
		if !strings.Contains(c2, "Cycle 2 (reopened 3 Nov 2026):") || !strings.Contains(c2, "waiting for the first answer") || !strings.Contains(c2, "due by 3 Nov 2026, 11:30") || strings.Contains(c2, "answered") {
			t.Errorf("cycle 2: %s", c2)
		}
		if !strings.Contains(c1, "Cycle 1:") || !strings.Contains(c1, "answered 2 Nov 2026, 10:30") || !strings.Contains(c1, "target met") || strings.Contains(c1, "due by") {
			t.Errorf("cycle 1: %s", c1)
		}
		if strings.Index(line, `id="cycle-2"`) > strings.Index(line, `id="cycle-1"`) {
			t.Error("cycles not newest first")
		}
		_, body = staff.get("/console/requests/" + r.Number)
		if !strings.Contains(body, "(cycle 2, reopened 3 Nov 2026)") {
			t.Error("console does not name the reopened cycle")
		}
		wei := e.client()
		wei.signIn("wei")
		r2 := e.openRequest("wei", e.yunfan.ID, "邮件无法发送")
		_, body = wei.get("/requests/" + r2.Number)
		if line := between(t, body, `id="target"`, "</dd>"); !strings.Contains(line, "在我们评估严重级别之前") || !strings.Contains(line, "2026年11月3日 18:30") {
			t.Errorf("Chinese portal line: %s", line)
		}
	})
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %s in\n%s", from, s)
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

func ptr[T any](v T) *T { return &v }

func mustLogin(t *testing.T, e *env, email string) string {
	t.Helper()
	tok, _, err := e.desk.Login(context.Background(), email, password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
