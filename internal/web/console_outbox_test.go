package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// operatorActor signs the bootstrap operator in through desk.
func operatorActor(t testing.TB, e *env) *casedesk.Actor {
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
	return op
}

// queueOutbox leaves one dead, one sent and one pending webhook delivery,
// and their endpoint disabled (it answered 410 Gone); the operator can sign
// in as "operator".
func queueOutbox(t testing.TB, e *env) (dead, sent, pending int64) {
	t.Helper()
	ctx := context.Background()
	op := operatorActor(t, e)
	e.users["operator"] = op.User
	ep, err := e.desk.CreateWebhookEndpoint(ctx, op, desk.WebhookInput{URL: "https://hooks.example.com/casedesk"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for range 3 {
		d, err := e.desk.PingWebhook(ctx, op, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	ds, err := e.desk.ClaimDeliveries(ctx, 2)
	if err != nil || len(ds) != 2 {
		t.Fatalf("claim: %v %d", err, len(ds))
	}
	for _, d := range ds {
		var err error
		if d.ID == ids[0] {
			err = casedesk.Refused(errors.New("the endpoint answered 410 Gone"))
		}
		if err := e.desk.DeliveryDone(ctx, d, err); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.desk.WebhookAttempted(ctx, &casedesk.WebhookAttempt{DeliveryID: ids[0], EndpointID: ep.ID,
		At: e.clock.Now(), Status: http.StatusGone, Error: "the endpoint answered 410 Gone"}); err != nil {
		t.Fatal(err)
	}
	return ids[0], ids[1], ids[2]
}

// TestConsoleOutbox: supervisors and operators see the outbox with each
// delivery's status, attempts and last error, and retry one with the form
// (CSRF-checked); agents and customers do not.
func TestConsoleOutbox(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	dead, sent, pending := queueOutbox(t, e)

	sam := e.client()
	sam.signIn("sam")
	st, body := sam.get("/console/outbox")
	if st != http.StatusOK || !strings.Contains(body, `id="nav-outbox"`) {
		t.Fatalf("outbox: %d\n%s", st, body)
	}
	for _, want := range []string{`id="delivery-` + itoa(dead) + `" class="delivery-dead"`, "410 Gone", `id="retry-` + itoa(dead) + `"`,
		`id="delivery-` + itoa(sent) + `" class="delivery-sent"`, `id="retry-` + itoa(pending) + `"`, "https://hooks.example.com/casedesk"} {
		if !strings.Contains(body, want) {
			t.Errorf("the outbox lacks %q", want)
		}
	}
	if strings.Contains(body, `id="retry-`+itoa(sent)+`"`) {
		t.Error("a sent delivery offers a retry")
	}
	_, body = sam.get("/console/outbox?status=dead")
	if !strings.Contains(body, `id="delivery-`+itoa(dead)+`"`) || strings.Contains(body, `id="delivery-`+itoa(pending)+`"`) {
		t.Errorf("the dead tab:\n%s", body)
	}

	// Without the form's token the retry is refused; with it the delivery
	// is due again.
	if st, _ := sam.postRaw("/console/outbox/"+itoa(dead)+"/retry", url.Values{}); st != http.StatusForbidden {
		t.Errorf("retry without a token: %d", st)
	}
	st, body = sam.post("/console/outbox?status=dead", "/console/outbox/"+itoa(dead)+"/retry", url.Values{"status": {"dead"}})
	if st != http.StatusOK || !strings.Contains(body, "tried again now") {
		t.Fatalf("retry: %d\n%s", st, body)
	}
	if d, err := e.db.Delivery(context.Background(), store.AllOrgs, dead); err != nil || d.Status != casedesk.DeliveryPending {
		t.Fatalf("after retry: %v %+v", err, d)
	}

	// In Chinese.
	sam.post("/console/outbox", "/language", url.Values{"lang": {"zh-CN"}, "next": {"/console/outbox"}})
	if _, body := sam.get("/console/outbox"); !strings.Contains(body, "发件箱") || !strings.Contains(body, "立即重试") {
		t.Errorf("the Chinese outbox:\n%s", body)
	}

	// An operator sees it too, with the endpoints casedesk disabled and why.
	oc := e.client()
	oc.signIn("operator")
	if st, body := oc.get("/console/outbox"); st != http.StatusOK || !strings.Contains(body, `id="webhooks-disabled"`) ||
		!strings.Contains(body, "answered 410 Gone") {
		t.Errorf("the operator's outbox: %d\n%s", st, body)
	}
	if _, body := sam.get("/console/outbox"); strings.Contains(body, `id="webhooks-disabled"`) {
		t.Error("a supervisor is shown the endpoints, which only operators manage")
	}

	for _, key := range []string{"agent", "anna"} {
		c := e.client()
		c.signIn(key)
		if st, body := c.get("/console/outbox"); st != http.StatusForbidden || strings.Contains(body, "hooks.example.com") {
			t.Errorf("%s opens the outbox: %d", key, st)
		}
		if _, body := c.get("/"); strings.Contains(body, `id="nav-outbox"`) {
			t.Errorf("%s is shown the outbox link", key)
		}
	}
}
