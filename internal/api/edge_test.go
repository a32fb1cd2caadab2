package api_test

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/edge"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func problemOf(t *testing.T, res *http.Response) api.Problem {
	t.Helper()
	defer res.Body.Close()
	var p api.Problem
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatalf("status %d: not a problem document: %v", res.StatusCode, err)
	}
	return p
}

// TestDuplicateFields: a JSON body naming a field twice in one object, at
// any depth and however the name is escaped, is a 400 problem naming it,
// for struct decoding and for raw documents alike; nothing is created.
func TestDuplicateFields(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	before := f.snapshot()
	for _, tt := range []struct {
		name, method, path, body, field string
	}{
		{"top level", "POST", "/api/v1/requests", `{"organization_id":1,"title":"a","title":"b","category":"billing","description":"d"}`, "title"},
		{"escaped name", "POST", "/api/v1/requests", `{"organization_id":1,"title":"a","\u0074itle":"b","category":"billing","description":"d"}`, "title"},
		{"after the last", "PATCH", "/api/v1/requests/1", `{"preferred_language":"fr","status":"open","preferred_language":"de"}`, "preferred_language"},
		{"nested in a raw document", "POST", "/api/v1/sla/preview", `{"calendar":{"time_zone":"UTC","time_zone":"Asia/Shanghai"},"opened_at":"2026-11-02T09:00:00Z"}`, "calendar.time_zone"},
		{"inside an array", "POST", "/api/v1/sla/preview", `{"pauses":[{"from":"a"},{"from":"b","from":"c"}]}`, "pauses[1].from"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := f.raw("admin", tt.method, tt.path, []byte(tt.body), nil)
			p := problemOf(t, res)
			if res.StatusCode != http.StatusBadRequest || p.Code != api.CodeMalformed || p.Field != tt.field ||
				!strings.Contains(p.Detail, "more than once") {
				t.Fatalf("status %d, problem %+v; want 400 malformed naming %q", res.StatusCode, p, tt.field)
			}
		})
	}
	if f.snapshot() != before {
		t.Error("a refused body changed data")
	}
	// The same names in different objects are no duplicate.
	res := f.raw("admin", "POST", "/api/v1/requests", []byte(`{"organization_id":`+jsonInt(f.x.ID)+
		`,"title":"a","category":"billing","description":"d","phone":{"title":1}}`), nil)
	if p := problemOf(t, res); p.Field == "title" {
		t.Fatalf("a name repeated in a nested object was taken for a duplicate: %+v", p)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestMetricsAccess: /metrics is closed on the main handler unless a token
// is configured, then open to it alone; MetricsHandler serves it on a
// listener of its own, with the token when there is one.
func TestMetricsAccess(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	const token = "metrics-token-0123456789"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	get := func(h http.Handler, auth string) (int, string) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	closed := api.New(f.desk, log, api.Options{}).Handler()
	withToken := api.New(f.desk, log, api.Options{MetricsToken: token})
	for _, tt := range []struct {
		name string
		h    http.Handler
		auth string
		want int
	}{
		{"closed by default", closed, "", 404},
		{"closed to a user's token", closed, "Bearer " + f.tokens["operator"], 404},
		{"closed to a guessed token", closed, "Bearer " + token, 404},
		{"token configured, none sent", withToken.Handler(), "", 401},
		{"token configured, a user's sent", withToken.Handler(), "Bearer " + f.tokens["operator"], 401},
		{"token configured, a wrong one", withToken.Handler(), "Bearer " + token + "x", 401},
		{"token configured, another scheme", withToken.Handler(), "Basic " + token, 401},
		{"token configured and sent", withToken.Handler(), "Bearer " + token, 200},
		{"own listener, no token configured", api.New(f.desk, log, api.Options{}).MetricsHandler(), "", 200},
		{"own listener, token configured, none sent", withToken.MetricsHandler(), "", 401},
		{"own listener, token configured and sent", withToken.MetricsHandler(), "Bearer " + token, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, body := get(tt.h, tt.auth)
			if st != tt.want {
				t.Fatalf("status %d, want %d: %s", st, tt.want, body)
			}
			if st == 200 && !strings.Contains(body, "go_goroutines") {
				t.Errorf("no metrics in the answer: %.200s", body)
			}
			if st != 200 && strings.Contains(body, "go_goroutines") {
				t.Errorf("a refusal carries metrics")
			}
		})
	}
}

// TestClientAddressBehindProxies: the pre-sales limit counts per client
// address; behind a trusted proxy that is the forwarded address, from an
// untrusted peer the forwarding headers are ignored.
func TestClientAddressBehindProxies(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		trusted := httptest.NewServer(api.New(f.desk, log, api.Options{Proxies: edge.Proxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}).Handler())
		defer trusted.Close()
		untrusted := httptest.NewServer(api.New(f.desk, log, api.Options{}).Handler())
		defer untrusted.Close()
		presales := func(base, forwardedFor string) int {
			body := `{"name":"Pat","email":"pat@example.com","question":"Which plan fits 40 users?","country":"FR"}`
			req, _ := http.NewRequest("POST", base+"/api/v1/presales", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", forwardedFor)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		for i := range 10 {
			if st := presales(trusted.URL, "1.1.1.1, 198.51.100.1"); st != 201 {
				t.Fatalf("pre-sales %d from 198.51.100.1: %d", i, st)
			}
		}
		if st := presales(trusted.URL, "198.51.100.1"); st != 429 {
			t.Fatalf("the 11th from 198.51.100.1 in an hour: %d, want 429", st)
		}
		if st := presales(trusted.URL, "198.51.100.1, 198.51.100.2"); st != 201 {
			t.Fatalf("198.51.100.2 behind the proxy is another client: %d, want 201", st)
		}
		// Spoofing the header from an untrusted peer gets no fresh allowance:
		// all ten count against the peer, 127.0.0.1.
		for i := range 10 {
			if st := presales(untrusted.URL, "203.0.113."+jsonInt(int64(i))); st != 201 {
				t.Fatalf("untrusted %d: %d", i, st)
			}
		}
		if st := presales(untrusted.URL, "203.0.113.99"); st != 429 {
			t.Fatalf("an untrusted peer's X-Forwarded-For was believed: %d, want 429", st)
		}
	})
}

// pipeListener serves in-memory connections, for tests in a synctest bubble.
type pipeListener struct {
	conns     chan net.Conn
	closeOnce sync.Once
	closed    chan struct{}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}
func (l *pipeListener) Close() error   { l.closeOnce.Do(func() { close(l.closed) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{} }

// TestSlowBody: a JSON body that stops arriving is answered 408 with a
// problem document once its time is up; the client simply stops sending.
func TestSlowBody(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	h := edge.Pace{Grace: 3 * time.Second, MinRate: 1 << 10}.Handler(f.api.Handler())
	synctest.Test(t, func(t *testing.T) {
		ln := &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
		done := make(chan struct{})
		go func() { srv.Serve(ln); close(done) }()
		defer func() { srv.Close(); <-done }()
		c, s := net.Pipe()
		defer c.Close()
		ln.conns <- s
		start := time.Now()
		io.WriteString(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{\"email\":")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		p := problemOf(t, res)
		if res.StatusCode != http.StatusRequestTimeout || p.Code != api.CodeTimeout {
			t.Fatalf("status %d, problem %+v; want 408 timeout", res.StatusCode, p)
		}
		if d := time.Since(start); d < 3*time.Second || d > 4*time.Second {
			t.Errorf("cut off after %s, want just over the 3 s grace", d)
		}
	})
}
