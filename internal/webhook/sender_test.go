package webhook_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/webhook"
)

// endpoints is an in-memory Endpoints.
type endpoints struct {
	mu       sync.Mutex
	eps      map[int64]*casedesk.WebhookEndpoint
	attempts []casedesk.WebhookAttempt
}

func (e *endpoints) WebhookTarget(_ context.Context, id int64) (*casedesk.WebhookEndpoint, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep, ok := e.eps[id]
	if !ok {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "webhook endpoint %d not found", id)
	}
	c := *ep
	return &c, nil
}

func (e *endpoints) WebhookAttempted(_ context.Context, a *casedesk.WebhookAttempt) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.attempts = append(e.attempts, *a)
	return nil
}

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func newEndpoints(urls ...string) *endpoints {
	e := &endpoints{eps: map[int64]*casedesk.WebhookEndpoint{}}
	for i, u := range urls {
		e.eps[int64(i+1)] = &casedesk.WebhookEndpoint{ID: int64(i + 1), URL: u, Secret: testSecret, Active: true}
	}
	return e
}

// TestGuardRefusesInternalAddresses: a URL whose host is, or resolves to, a
// loopback, private, link-local (metadata) address is refused when the
// connection would open, with the reason recorded, and the refusal is
// final; the allow-list opens exactly what it names.
func TestGuardRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	urls := []string{
		srv.URL,                              // 127.0.0.1
		"http://localhost:" + port + "/hook", // a DNS name resolving to loopback
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/hook",
		"http://[::1]:" + port + "/hook",
		"http://[::ffff:127.0.0.1]:" + port + "/hook",
		"http://100.64.0.1/hook",
		"http://0.0.0.0:" + port + "/hook",
	}
	eps := newEndpoints(urls...)
	s := webhook.NewSender(eps, webhook.Allow{}, nil, nil)
	for i, u := range urls {
		err := s.Send(context.Background(), &casedesk.Delivery{ID: int64(100 + i), Route: casedesk.RouteWebhook,
			EndpointID: int64(i + 1), Payload: []byte(`{}`)})
		if err == nil || !casedesk.IsRefused(err) || !strings.Contains(err.Error(), "refused to connect") ||
			!strings.Contains(err.Error(), "--webhook-allow") {
			t.Errorf("%s: Send = %v, want a final refusal naming --webhook-allow", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the receiver was reached %d times", n)
	}
	if len(eps.attempts) != len(urls) {
		t.Fatalf("%d attempts recorded, want %d", len(eps.attempts), len(urls))
	}
	for _, a := range eps.attempts {
		if a.Status != 0 || !strings.Contains(a.Error, "refused to connect") {
			t.Errorf("attempt %+v: want no status and the refusal recorded", a)
		}
	}
	if e := eps.attempts[2].Error; !strings.Contains(e, "169.254.169.254") || !strings.Contains(e, "link-local") {
		t.Errorf("metadata refusal reads %q", e)
	}
	if e := eps.attempts[1].Error; !strings.Contains(e, "localhost:"+port) || !strings.Contains(e, "loopback") {
		t.Errorf("localhost refusal reads %q", e)
	}

	// Allowed by host:port, by name, by network.
	for _, allow := range []webhook.Allow{
		{Hosts: []string{srv.Listener.Addr().String()}},
		{Prefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
	} {
		s := webhook.NewSender(eps, allow, nil, nil)
		if err := s.Send(context.Background(), &casedesk.Delivery{ID: 1, EndpointID: 1, Payload: []byte(`{}`)}); err != nil {
			t.Errorf("allowed by %+v: %v", allow, err)
		}
	}
	s = webhook.NewSender(eps, webhook.Allow{Hosts: []string{"localhost:" + port}}, nil, nil)
	if err := s.Send(context.Background(), &casedesk.Delivery{ID: 1, EndpointID: 2, Payload: []byte(`{}`)}); err != nil {
		t.Errorf("localhost allowed by name: %v", err)
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("the receiver was reached %d times, want 3", n)
	}
}

// TestSenderAnswers: what each answer means, the headers sent, and that a
// redirect is not followed.
func TestSenderAnswers(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, string(b))
		mu.Unlock()
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(204)
		case "/gone":
			w.WriteHeader(410)
		case "/down":
			w.WriteHeader(503)
			io.WriteString(w, strings.Repeat("x", 5000))
		case "/redirect":
			http.Redirect(w, r, "/ok", http.StatusFound)
		}
	}))
	defer srv.Close()
	eps := newEndpoints(srv.URL+"/ok", srv.URL+"/gone", srv.URL+"/down", srv.URL+"/redirect")
	eps.eps[5] = &casedesk.WebhookEndpoint{ID: 5, URL: srv.URL + "/ok", Secret: testSecret, Active: false, DisabledReason: "answered 410"}
	clock := &casedesk.FixedClock{T: time.Now().Truncate(time.Second)}
	s := webhook.NewSender(eps, webhook.Allow{Hosts: []string{srv.Listener.Addr().String()}}, clock, nil)
	send := func(ep int64) error {
		return s.Send(context.Background(), &casedesk.Delivery{ID: 40 + ep, EndpointID: ep, Payload: []byte(`{"kind":"created"}`)})
	}
	if err := send(1); err != nil {
		t.Fatalf("204: %v", err)
	}
	if err := send(2); !casedesk.IsRefused(err) {
		t.Errorf("410: %v, want refused", err)
	}
	if err := send(3); err == nil || casedesk.IsRefused(err) || !strings.Contains(err.Error(), "503") {
		t.Errorf("503: %v, want an error to retry", err)
	}
	if err := send(4); err == nil || casedesk.IsRefused(err) || !strings.Contains(err.Error(), "302") {
		t.Errorf("302: %v, want an error to retry (not followed)", err)
	}
	if err := send(5); !casedesk.IsRefused(err) || !strings.Contains(err.Error(), "answered 410") {
		t.Errorf("disabled endpoint: %v, want refused with its reason", err)
	}
	if err := send(9); !casedesk.IsRefused(err) || !strings.Contains(err.Error(), "deleted") {
		t.Errorf("deleted endpoint: %v, want refused", err)
	}
	if len(got) != 4 {
		t.Fatalf("%d calls reached the receiver, want 4 (the redirect not followed)", len(got))
	}
	r := got[0]
	if r.Method != "POST" || r.Header.Get("Content-Type") != "application/json" || bodies[0] != `{"kind":"created"}` {
		t.Errorf("call: %s %s %q", r.Method, r.Header.Get("Content-Type"), bodies[0])
	}
	if id := r.Header.Get(webhook.HeaderID); id != "msg_41" {
		t.Errorf("webhook-id = %q, want msg_41", id)
	}
	if err := webhook.Verify(testSecret, r.Header, []byte(bodies[0]), clock.T, 0); err != nil {
		t.Errorf("the receiver could not verify the call: %v", err)
	}
	if len(eps.attempts) != 4 {
		t.Fatalf("%d attempts logged, want 4", len(eps.attempts))
	}
	down := eps.attempts[2]
	if down.Status != 503 || len(down.Response) != webhook.ExcerptLimit || !strings.Contains(down.Error, "503") || down.DeliveryID != 43 {
		t.Errorf("503 attempt: %+v", down)
	}
	if eps.attempts[0].Status != 204 || eps.attempts[0].Error != "" {
		t.Errorf("204 attempt: %+v", eps.attempts[0])
	}
}
