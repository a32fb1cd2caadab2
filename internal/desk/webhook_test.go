package desk_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/webhook"
	"github.com/casedesk/casedesk/internal/worker"
)

// receiver is a real HTTP webhook receiver on 127.0.0.1: it verifies each
// call's signature with webhook.Verify against the secrets it was given,
// records what it got, and answers with the status its path's next answer
// says (200 when none is queued).
type receiver struct {
	t       *testing.T
	srv     *httptest.Server
	clock   casedesk.Clock
	mu      sync.Mutex
	secrets map[string]string // path → secret
	answers map[string][]int  // path → statuses still to answer, in order
	always  map[string]int    // path → status once answers run out
	calls   []call
}

type call struct {
	path, id string
	body     []byte
	verified error
}

func newReceiver(t *testing.T, clock casedesk.Clock) *receiver {
	r := &receiver{t: t, clock: clock, secrets: map[string]string{}, answers: map[string][]int{}, always: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		c := call{path: req.URL.Path, id: req.Header.Get(webhook.HeaderID), body: body}
		c.verified = webhook.Verify(r.secrets[req.URL.Path], req.Header, body, r.clock.Now(), 0)
		r.calls = append(r.calls, c)
		status := http.StatusOK
		if s, ok := r.always[req.URL.Path]; ok {
			status = s
		}
		if q := r.answers[req.URL.Path]; len(q) > 0 {
			status, r.answers[req.URL.Path] = q[0], q[1:]
		}
		w.WriteHeader(status)
		io.WriteString(w, "answer from "+req.URL.Path)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) allow() webhook.Allow {
	return webhook.Allow{Hosts: []string{r.srv.Listener.Addr().String()}}
}

func (r *receiver) got(path string) []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []call
	for _, c := range r.calls {
		if c.path == path {
			out = append(out, c)
		}
	}
	return out
}

// sendDue plays one round of the outbox worker at the world's clock: it
// claims what is due, sends it and records each outcome.
func sendDue(t *testing.T, d *desk.Desk, s worker.Sender) map[int64]error {
	t.Helper()
	ctx := context.Background()
	ds, err := d.ClaimDeliveries(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]error{}
	for _, del := range ds {
		err := s.Send(ctx, del)
		out[del.ID] = err
		if err := d.DeliveryDone(ctx, del, err); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func webhookDeliveries(t *testing.T, d *desk.Desk, a *casedesk.Actor, status casedesk.DeliveryStatus) []*casedesk.Delivery {
	t.Helper()
	ds, _, err := d.Deliveries(context.Background(), a, store.DeliveryFilter{Route: casedesk.RouteWebhook, Status: status, Limit: 200}, "")
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestWebhookEndpointManagement(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		e, err := w.d.CreateWebhookEndpoint(ctx, w.op, desk.WebhookInput{URL: " https://hooks.example.com/casedesk?x=1 ",
			Description: "CRM", Events: []casedesk.EventKind{casedesk.EventCreated, casedesk.EventMessage, casedesk.EventCreated}})
		if err != nil {
			t.Fatal(err)
		}
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(e.Secret, "whsec_"))
		if !strings.HasPrefix(e.Secret, "whsec_") || err != nil || len(key) < 24 {
			t.Fatalf("secret %q: want whsec_ and base64 of at least 24 bytes", e.Secret)
		}
		if e.URL != "https://hooks.example.com/casedesk?x=1" || !e.Active || len(e.Events) != 2 {
			t.Fatalf("created %+v", e)
		}
		if b, _ := json.Marshal(e); strings.Contains(string(b), e.Secret) {
			t.Fatal("the endpoint's JSON shows its secret")
		}
		list, err := w.d.WebhookEndpoints(ctx, w.op)
		if err != nil || len(list) != 1 || list[0].Secret != e.Secret || list[0].Description != "CRM" {
			t.Fatalf("list: %v %+v", err, list)
		}

		for _, c := range []struct {
			in    desk.WebhookInput
			field string
		}{
			{desk.WebhookInput{URL: "ftp://hooks.example.com/"}, "url"},
			{desk.WebhookInput{URL: "https://user:pass@hooks.example.com/"}, "url"},
			{desk.WebhookInput{URL: "https:///nohost"}, "url"},
			{desk.WebhookInput{URL: ""}, "url"},
			{desk.WebhookInput{URL: "hooks.example.com/x"}, "url"},
			{desk.WebhookInput{URL: "https://hooks.example.com/", Events: []casedesk.EventKind{"created", "exploded"}}, "events[1]"},
			{desk.WebhookInput{URL: "https://hooks.example.com/", Description: strings.Repeat("x", 501)}, "description"},
		} {
			_, err := w.d.CreateWebhookEndpoint(ctx, w.op, c.in)
			var ce *casedesk.Error
			if casedesk.ErrorCode(err) != casedesk.EINVALID || !asError(err, &ce) || ce.Field != c.field {
				t.Errorf("%+v: %v, want EINVALID on %s", c.in, err, c.field)
			}
		}

		off := false
		kinds := []casedesk.EventKind{}
		u, err := w.d.UpdateWebhookEndpoint(ctx, w.op, e.ID, desk.WebhookPatch{Active: &off, Events: &kinds})
		if err != nil || u.Active || len(u.Events) != 0 || u.Secret != e.Secret {
			t.Fatalf("update: %v %+v", err, u)
		}
		bad := "javascript:alert(1)"
		if _, err := w.d.UpdateWebhookEndpoint(ctx, w.op, e.ID, desk.WebhookPatch{URL: &bad}); casedesk.ErrorCode(err) != casedesk.EINVALID {
			t.Errorf("update to %q: %v", bad, err)
		}
		r, err := w.d.RotateWebhookSecret(ctx, w.op, e.ID)
		if err != nil || r.Secret == e.Secret || !strings.HasPrefix(r.Secret, "whsec_") {
			t.Fatalf("rotate: %v", err)
		}
		if got, _ := w.d.WebhookTarget(ctx, e.ID); got.Secret != r.Secret {
			t.Fatal("the rotated secret was not stored")
		}
		if _, err := w.d.PingWebhook(ctx, w.op, e.ID); casedesk.ErrorCode(err) != casedesk.EINVALID {
			t.Errorf("ping of a disabled endpoint: %v", err)
		}

		// Only operators manage webhooks.
		for name, a := range map[string]*casedesk.Actor{"agent": w.ag, "customer admin": w.admins["business"]} {
			if _, err := w.d.WebhookEndpoints(ctx, a); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s lists: %v", name, err)
			}
			if _, err := w.d.CreateWebhookEndpoint(ctx, a, desk.WebhookInput{URL: "https://x.example/"}); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s creates: %v", name, err)
			}
			if _, err := w.d.RotateWebhookSecret(ctx, a, e.ID); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s rotates: %v", name, err)
			}
			if err := w.d.DeleteWebhookEndpoint(ctx, a, e.ID); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s deletes: %v", name, err)
			}
			if _, _, err := w.d.WebhookAttempts(ctx, a, e.ID, "", 0); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Errorf("%s reads attempts: %v", name, err)
			}
		}

		if err := w.d.DeleteWebhookEndpoint(ctx, w.op, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.WebhookEndpoint(ctx, w.op, e.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Errorf("after delete: %v", err)
		}
		if err := w.d.DeleteWebhookEndpoint(ctx, w.op, e.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Errorf("second delete: %v", err)
		}
	})
}

func asError(err error, target **casedesk.Error) bool {
	e, ok := err.(*casedesk.Error)
	*target = e
	return ok
}

// TestWebhookDeliveries: each event of a transaction queues one delivery per
// active endpoint that wants its kind, in that transaction; the receiver
// gets the event's JSON as the API streams it, signed; a repeat (a crash
// before the outcome was recorded) carries the same webhook-id; a 500 is
// tried again after the backoff; a 410 is final and disables the endpoint.
func TestWebhookDeliveries(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		rc := newReceiver(t, w.clock)
		sender := webhook.NewSender(w.d, rc.allow(), w.clock, nil)
		mk := func(path string, kinds ...casedesk.EventKind) *casedesk.WebhookEndpoint {
			e, err := w.d.CreateWebhookEndpoint(ctx, w.op, desk.WebhookInput{URL: rc.srv.URL + path, Events: kinds})
			if err != nil {
				t.Fatal(err)
			}
			rc.secrets[path] = e.Secret
			return e
		}
		all := mk("/all")
		msgs := mk("/messages", casedesk.EventMessage)
		off := mk("/off")
		no := false
		if _, err := w.d.UpdateWebhookEndpoint(ctx, w.op, off.ID, desk.WebhookPatch{Active: &no}); err != nil {
			t.Fatal(err)
		}

		r := w.open("elevated", casedesk.SeverityB)
		hist, err := w.d.History(ctx, w.ag, r.Number)
		if err != nil {
			t.Fatal(err)
		}
		pending := webhookDeliveries(t, w.d, w.op, casedesk.DeliveryPending)
		if len(pending) != len(hist) {
			t.Fatalf("%d webhook deliveries for %d history lines, want one each to /all", len(pending), len(hist))
		}
		for _, d := range pending {
			if d.EndpointID != all.ID || d.Route != casedesk.RouteWebhook || d.OrgID != r.OrgID {
				t.Fatalf("delivery %+v", d)
			}
		}
		// An internal note goes to webhooks too (they are the provider's).
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "internal", Internal: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "public reply"}); err != nil {
			t.Fatal(err)
		}

		rc.answers["/messages"] = []int{500}
		out := sendDue(t, w.d, sender)
		for id, err := range out {
			if err != nil && !strings.Contains(err.Error(), "500") {
				t.Errorf("delivery %d: %v", id, err)
			}
		}
		allCalls, msgCalls := rc.got("/all"), rc.got("/messages")
		if len(rc.got("/off")) != 0 || len(msgCalls) != 1 || len(allCalls) != len(out)-1 {
			t.Fatalf("calls: /all %d, /messages %d, /off %d of %d deliveries", len(allCalls), len(msgCalls), len(rc.got("/off")), len(out))
		}
		kinds := map[string]bool{}
		for _, c := range append(allCalls, msgCalls...) {
			if c.verified != nil {
				t.Errorf("%s %s: %v", c.path, c.id, c.verified)
			}
			var e casedesk.Event
			if err := json.Unmarshal(c.body, &e); err != nil || e.Number != r.Number || e.ID == 0 {
				t.Errorf("payload %s: %v", c.body, err)
			}
			b, _ := json.Marshal(e)
			if string(b) != string(c.body) {
				t.Errorf("payload %s is not the event's JSON %s", c.body, b)
			}
			kinds[string(e.Kind)] = true
		}
		if !kinds["created"] || !kinds["note"] || !kinds["message"] {
			t.Errorf("kinds delivered: %v", kinds)
		}

		// The 500: pending again after its backoff (15–30 s for a first
		// failure), not before.
		failed := webhookDeliveries(t, w.d, w.op, casedesk.DeliveryPending)
		if len(failed) != 1 || failed[0].EndpointID != msgs.ID || !strings.Contains(failed[0].LastError, "500") {
			t.Fatalf("pending after the round: %+v", failed)
		}
		if wait := failed[0].NextAt.Sub(w.clock.Now()); wait < 15*time.Second || wait > 30*time.Second {
			t.Fatalf("retry in %v, want the first backoff (15–30 s)", wait)
		}
		w.clock.Add(14 * time.Second)
		if out := sendDue(t, w.d, sender); len(out) != 0 {
			t.Fatalf("tried again after 14 s: %v", out)
		}
		w.clock.Add(17 * time.Second)
		if out := sendDue(t, w.d, sender); len(out) != 1 || out[failed[0].ID] != nil {
			t.Fatalf("second try: %v", out)
		}
		msgCalls = rc.got("/messages")
		if len(msgCalls) != 2 || msgCalls[0].id != msgCalls[1].id || msgCalls[1].id != webhook.MessageID(failed[0].ID) {
			t.Fatalf("the retry's webhook-id: %+v", msgCalls)
		}
		attempts, _, err := w.d.WebhookAttempts(ctx, w.op, msgs.ID, "", 0)
		if err != nil || len(attempts) != 2 || attempts[0].Status != 200 || attempts[1].Status != 500 ||
			attempts[1].Response != "answer from /messages" || attempts[1].DeliveryID != failed[0].ID {
			t.Fatalf("attempts: %v %+v", err, attempts)
		}
		if e, _ := w.d.WebhookEndpoint(ctx, w.op, msgs.ID); e.FailingSince != nil {
			t.Errorf("a success left the failure streak: %v", e.FailingSince)
		}

		// A crash between the call and its record: the lease ends, the
		// delivery is tried again, with the same webhook-id.
		ping, err := w.d.PingWebhook(ctx, w.op, all.ID)
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := w.d.ClaimDeliveries(ctx, 10)
		if err != nil || len(claimed) != 1 || claimed[0].ID != ping.ID {
			t.Fatalf("claim the ping: %v %+v", err, claimed)
		}
		if err := sender.Send(ctx, claimed[0]); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(w.d.Policy().DeliveryLease)
		if out := sendDue(t, w.d, sender); len(out) != 1 || out[ping.ID] != nil {
			t.Fatalf("after the lease: %v", out)
		}
		allCalls = rc.got("/all")
		a, b := allCalls[len(allCalls)-2], allCalls[len(allCalls)-1]
		if a.id != b.id || string(a.body) != string(b.body) || !strings.Contains(string(a.body), `"kind":"ping"`) {
			t.Fatalf("the repeat: %s %s / %s %s", a.id, a.body, b.id, b.body)
		}

		// 410 Gone: dead at once, the endpoint disabled with the reason;
		// its next deliveries are refused without a call.
		rc.always["/all"] = http.StatusGone
		w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusWaiting)})
		before := len(rc.got("/all"))
		out = sendDue(t, w.d, sender)
		if len(out) == 0 {
			t.Fatal("nothing queued for the status change")
		}
		for _, err := range out {
			if !casedesk.IsRefused(err) {
				t.Errorf("after 410: %v, want refused", err)
			}
		}
		if n := len(rc.got("/all")) - before; n != 1 {
			t.Errorf("%d calls after the 410, want 1", n)
		}
		e, _ := w.d.WebhookEndpoint(ctx, w.op, all.ID)
		if e.Active || !strings.Contains(e.DisabledReason, "410") {
			t.Errorf("after 410: %+v", e)
		}
		if dead := webhookDeliveries(t, w.d, w.op, casedesk.DeliveryDead); len(dead) != len(out) {
			t.Errorf("%d dead, want %d", len(dead), len(out))
		}
		// A disabled endpoint gets no new deliveries.
		before = len(webhookDeliveries(t, w.d, w.op, ""))
		w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusOpen)})
		if after := len(webhookDeliveries(t, w.d, w.op, "")); after != before {
			t.Errorf("%d deliveries queued for disabled endpoints", after-before)
		}
	})
}

// TestWebhookEndpointFailingForADayIsDisabled: the streak starts at the
// first failure; a failure a day later disables the endpoint with its
// reason; a retried delivery of a disabled endpoint is refused.
func TestWebhookEndpointFailingForADayIsDisabled(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		rc := newReceiver(t, w.clock)
		rc.always["/down"] = http.StatusServiceUnavailable
		sender := webhook.NewSender(w.d, rc.allow(), w.clock, nil)
		e, err := w.d.CreateWebhookEndpoint(ctx, w.op, desk.WebhookInput{URL: rc.srv.URL + "/down", Events: []casedesk.EventKind{casedesk.EventCreated}})
		if err != nil {
			t.Fatal(err)
		}
		rc.secrets["/down"] = e.Secret
		start := w.clock.Now()
		w.open("elevated", casedesk.SeverityB)
		sendDue(t, w.d, sender)
		got, _ := w.d.WebhookEndpoint(ctx, w.op, e.ID)
		if got.FailingSince == nil || !got.FailingSince.Equal(start) || !got.Active {
			t.Fatalf("after the first failure: %+v", got)
		}
		w.clock.Add(23 * time.Hour)
		w.open("elevated", casedesk.SeverityB)
		sendDue(t, w.d, sender)
		if got, _ := w.d.WebhookEndpoint(ctx, w.op, e.ID); !got.Active {
			t.Fatalf("disabled after 23 h: %+v", got)
		}
		w.clock.Add(time.Hour)
		w.open("elevated", casedesk.SeverityB)
		sendDue(t, w.d, sender)
		got, _ = w.d.WebhookEndpoint(ctx, w.op, e.ID)
		if got.Active || !strings.Contains(got.DisabledReason, "failing since "+start.Format(time.RFC3339)) ||
			!strings.Contains(got.DisabledReason, "503") {
			t.Fatalf("after a day: %+v", got)
		}
		// Whatever is still pending is refused without a call.
		calls := len(rc.got("/down"))
		w.clock.Add(2 * time.Hour)
		for _, err := range sendDue(t, w.d, sender) {
			if !casedesk.IsRefused(err) || !strings.Contains(err.Error(), "disabled") {
				t.Errorf("a delivery to the disabled endpoint: %v", err)
			}
		}
		if len(rc.got("/down")) != calls {
			t.Error("a disabled endpoint was called")
		}
		// Switched on again by an operator: the reason and the streak go.
		on := true
		got, err = w.d.UpdateWebhookEndpoint(ctx, w.op, e.ID, desk.WebhookPatch{Active: &on})
		if err != nil || !got.Active || got.DisabledReason != "" || got.FailingSince != nil {
			t.Fatalf("re-activated: %v %+v", err, got)
		}
	})
}

// TestWebhookToInternalAddressIsRefused: without the allow-list, an
// endpoint on 127.0.0.1 (the URL as an operator might register it, or a
// name resolving there) is never called: its delivery is dead at once with
// the reason, recorded as an attempt, and other deliveries go on.
func TestWebhookToInternalAddressIsRefused(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		rc := newReceiver(t, w.clock)
		_, port, _ := strings.Cut(rc.srv.Listener.Addr().String(), ":")
		sender := webhook.NewSender(w.d, webhook.Allow{}, w.clock, nil)
		var eps []*casedesk.WebhookEndpoint
		for _, u := range []string{rc.srv.URL + "/a", "http://localhost:" + port + "/b", "http://169.254.169.254/latest/meta-data/",
			"http://10.0.0.1/c", "http://[::1]:" + port + "/d"} {
			e, err := w.d.CreateWebhookEndpoint(ctx, w.op, desk.WebhookInput{URL: u, Events: []casedesk.EventKind{casedesk.EventCreated}})
			if err != nil {
				t.Fatal(err)
			}
			eps = append(eps, e)
		}
		w.open("elevated", casedesk.SeverityB)
		out := sendDue(t, w.d, sender)
		if len(out) != len(eps) {
			t.Fatalf("%d deliveries tried, want %d", len(out), len(eps))
		}
		if len(rc.got("/a"))+len(rc.got("/b"))+len(rc.got("/d")) != 0 {
			t.Fatal("an internal address was called")
		}
		dead := webhookDeliveries(t, w.d, w.op, casedesk.DeliveryDead)
		if len(dead) != len(eps) {
			t.Fatalf("%d dead, want %d", len(dead), len(eps))
		}
		for _, d := range dead {
			if !strings.Contains(d.LastError, "refused to connect") || !strings.Contains(d.LastError, "--webhook-allow") {
				t.Errorf("delivery to %s: last error %q", d.Recipient, d.LastError)
			}
		}
		for _, e := range eps {
			as, _, err := w.d.WebhookAttempts(ctx, w.op, e.ID, "", 0)
			if err != nil || len(as) != 1 || as[0].Status != 0 || !strings.Contains(as[0].Error, "refused to connect") {
				t.Errorf("%s attempts: %v %+v", e.URL, err, as)
			}
		}
	})
}

// TestOutboxWorkerSendsWebhooks runs the outbox worker as serve does, with
// only the webhook sender (no mail configured): a ping arrives signed.
func TestOutboxWorkerSendsWebhooks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rc := newReceiver(t, casedesk.SystemClock{})
		e, err := w.d.CreateWebhookEndpoint(ctx, w.op, desk.WebhookInput{URL: rc.srv.URL + "/ping"})
		if err != nil {
			t.Fatal(err)
		}
		rc.secrets["/ping"] = e.Secret
		done := make(chan error, 10)
		wk := &worker.Outbox{Deliveries: w.d, Clock: w.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[casedesk.Route]worker.Sender{casedesk.RouteWebhook: webhook.NewSender(w.d, rc.allow(), casedesk.SystemClock{}, nil)},
			Done:    func(_ *casedesk.Delivery, err error) { done <- err }}
		stopped := make(chan struct{})
		go func() { wk.Run(ctx); close(stopped) }()
		if _, err := w.d.PingWebhook(ctx, w.op, e.ID); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		cancel()
		<-stopped
		calls := rc.got("/ping")
		if len(calls) != 1 || calls[0].verified != nil {
			t.Fatalf("calls: %+v", calls)
		}
		if sent := webhookDeliveries(t, w.d, w.op, casedesk.DeliverySent); len(sent) != 1 {
			t.Fatalf("sent: %+v", sent)
		}
	})
}
