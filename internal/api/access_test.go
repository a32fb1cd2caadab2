package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/edge"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// logged serves the fixture's API with a JSON logger writing to a buffer,
// trusting proxies in 192.0.2.0/24 (httptest's peer is 192.0.2.1), and
// answers one request in process, so the log line is written when it
// returns.
func (f *fixture) logged(trust bool) (serve func(*http.Request) *httptest.ResponseRecorder, lines func() []map[string]any) {
	var buf bytes.Buffer
	var o api.Options
	if trust {
		o.Proxies = edge.Proxies{netip.MustParsePrefix("192.0.2.0/24")}
	}
	h := api.New(f.desk, slog.New(edge.LogHandler(slog.NewJSONHandler(&buf, nil))), o).Handler()
	serve = func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	lines = func() []map[string]any {
		var out []map[string]any
		for l := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				f.t.Fatalf("log line %q: %v", l, err)
			}
			out = append(out, m)
		}
		buf.Reset()
		return out
	}
	return serve, lines
}

// TestAccessLog: one Info line per request with its method, route, path,
// status, bytes, duration, client and request id (the one in the answer's
// header), and no query string, token or cookie.
func TestAccessLog(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	serve, lines := f.logged(false)
	r := httptest.NewRequest("GET", "/api/v1/me?token=querysecret", nil)
	r.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
	r.Header.Set("Cookie", "session=cookiesecret")
	w := serve(r)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	ls := lines()
	if len(ls) != 1 {
		t.Fatalf("%d log lines, want 1: %v", len(ls), ls)
	}
	l := ls[0]
	id := w.Header().Get("X-Request-Id")
	for k, want := range map[string]any{"level": "INFO", "msg": "request", "method": "GET", "route": "GET /api/v1/me",
		"path": "/api/v1/me", "status": float64(200), "bytes": float64(w.Body.Len()), "client": "192.0.2.1", "request_id": id} {
		if l[k] != want {
			t.Errorf("%s = %v, want %v", k, l[k], want)
		}
	}
	if _, ok := l["duration"]; !ok {
		t.Error("no duration")
	}
	line, _ := json.Marshal(l)
	for _, secret := range []string{"querysecret", "cookiesecret", f.tokens["admin"], "Bearer"} {
		if bytes.Contains(line, []byte(secret)) {
			t.Errorf("the log line holds %q: %s", secret, line)
		}
	}
}

// TestRequestID: every answer names its request id, which a problem
// document repeats; an id passed on by a trusted proxy is kept, one from
// anyone else (or not well formed) replaced by a random one.
func TestRequestID(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	trusted, _ := f.logged(true)
	untrusted, _ := f.logged(false)
	get := func(serve func(*http.Request) *httptest.ResponseRecorder, peer, path, id string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = peer
		if id != "" {
			r.Header.Set("X-Request-Id", id)
		}
		return serve(r)
	}
	for _, tt := range []struct {
		name     string
		serve    func(*http.Request) *httptest.ResponseRecorder
		peer, in string
		kept     bool
	}{
		{"none sent", trusted, "192.0.2.1:1234", "", false},
		{"from a trusted proxy", trusted, "192.0.2.1:1234", "lb-7f3a.91:x_Y", true},
		{"from an untrusted peer of a trusting server", trusted, "203.0.113.5:1234", "forged-id", false},
		{"from a server that trusts no proxy", untrusted, "192.0.2.1:1234", "forged-id", false},
		{"not well formed", trusted, "192.0.2.1:1234", "two words", false},
		{"too long", trusted, "192.0.2.1:1234", strings.Repeat("a", 129), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/me", "/api/v1/nowhere", "/healthz"} {
				w := get(tt.serve, tt.peer, path, tt.in)
				id := w.Header().Get("X-Request-Id")
				if tt.kept && id != tt.in || !tt.kept && (id == tt.in || len(id) < 16) {
					t.Fatalf("%s: X-Request-Id %q (sent %q)", path, id, tt.in)
				}
				if w.Code >= 400 {
					var p api.Problem
					if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.RequestID != id {
						t.Fatalf("%s: problem %+v (%v), want request_id %q", path, p, err, id)
					}
				}
			}
		})
	}
	a, b := get(untrusted, "192.0.2.1:1234", "/healthz", ""), get(untrusted, "192.0.2.1:1234", "/healthz", "")
	if a.Header().Get("X-Request-Id") == b.Header().Get("X-Request-Id") {
		t.Error("two requests share an id")
	}
}
