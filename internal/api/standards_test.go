package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// problemDoc reads a problem document answer, failing when it is not one.
func problemDoc(t *testing.T, res *http.Response) api.Problem {
	t.Helper()
	defer res.Body.Close()
	var p api.Problem
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%d answered as %q, not a problem document: %s", res.StatusCode, ct, b)
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMethodNotAllowed: a path that has routes for other methods answers
// 405 with Allow, a problem document; OPTIONS lists them; a path without
// routes is 404.
func TestMethodNotAllowed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, tc := range []struct{ method, path, allow string }{
			{"DELETE", "/api/v1/requests", "GET, HEAD, POST, OPTIONS"},
			{"PUT", "/api/v1/requests/R-1", "GET, HEAD, PATCH, OPTIONS"},
			{"POST", "/healthz", "GET, HEAD, OPTIONS"},
		} {
			res := f.raw("admin", tc.method, tc.path, nil, nil)
			if p := problemDoc(t, res); res.StatusCode != 405 || res.Header.Get("Allow") != tc.allow || p.Code != api.CodeMethodNotAllowed {
				t.Errorf("%s %s: %d Allow %q %+v", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), p)
			}
			res = f.raw("", "OPTIONS", tc.path, nil, nil)
			res.Body.Close()
			if res.StatusCode != 204 || res.Header.Get("Allow") != tc.allow {
				t.Errorf("OPTIONS %s: %d Allow %q", tc.path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
		res := f.raw("admin", "DELETE", "/api/v1/nothing", nil, nil)
		if p := problemDoc(t, res); res.StatusCode != 404 || res.Header.Get("Allow") != "" || p.Status != 404 {
			t.Errorf("unknown path: %d %+v", res.StatusCode, p)
		}
	})
}

// TestRangeNotSatisfiable: a Range past the end of an attachment is 416, a
// problem document with Content-Range: bytes */size.
func TestRangeNotSatisfiable(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		n := f.xRequest()
		res := f.raw("admin", "POST", "/api/v1/requests/"+n+"/attachments?name=a.txt", []byte("0123456789"), map[string]string{"Content-Type": "application/octet-stream"})
		var att struct{ ID int64 }
		json.NewDecoder(res.Body).Decode(&att)
		res.Body.Close()
		url := fmt.Sprintf("/api/v1/requests/%s/attachments/%d", n, att.ID)
		res = f.raw("admin", "GET", url, nil, map[string]string{"Range": "bytes=100-"})
		p := problemDoc(t, res)
		if res.StatusCode != 416 || res.Header.Get("Content-Range") != "bytes */10" || p.Status != 416 || p.Code != api.CodeRangeNotSatisfiable {
			t.Fatalf("416: %d Content-Range %q %+v", res.StatusCode, res.Header.Get("Content-Range"), p)
		}
		res = f.raw("admin", "GET", url, nil, map[string]string{"Range": "bytes=2-4"})
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 206 || string(b) != "234" {
			t.Fatalf("206: %d %q", res.StatusCode, b)
		}
	})
}

// TestCORS: closed by default; with allowed origins, their preflights and
// requests are answered with CORS headers, never with credentials, and
// other origins get none.
func TestCORS(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		preflight := func(base, origin string) *http.Response {
			req, _ := http.NewRequest("OPTIONS", base+"/api/v1/requests", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := preflight(f.srv.URL, "https://app.example.com"); res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("closed by default, yet: %v", res.Header)
		}
		for _, tc := range []struct {
			origins      []string
			origin, want string
		}{
			{[]string{"https://app.example.com"}, "https://app.example.com", "https://app.example.com"},
			{[]string{"https://app.example.com"}, "https://evil.example.com", ""},
			{[]string{"*"}, "https://any.example.com", "*"},
		} {
			srv := httptest.NewServer(api.New(f.desk, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{CORSOrigins: tc.origins}).Handler())
			res := preflight(srv.URL, tc.origin)
			h := res.Header
			if h.Get("Access-Control-Allow-Origin") != tc.want || h.Get("Access-Control-Allow-Credentials") != "" || !strings.Contains(h.Get("Vary"), "Origin") {
				t.Errorf("%v preflight from %s: %v", tc.origins, tc.origin, h)
			}
			if tc.want != "" && (res.StatusCode != 204 || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization")) {
				t.Errorf("%v preflight from %s: %d %v", tc.origins, tc.origin, res.StatusCode, h)
			}
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != tc.want {
				t.Errorf("%v GET from %s: %d %v", tc.origins, tc.origin, res.StatusCode, res.Header)
			}
			srv.Close()
		}
	})
}
