package api_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestETag: a GET of a resource or a list carries a strong ETag of its
// body; sent back in If-None-Match it is answered 304 without a body until
// the resource changes; any other tag gets the body.
func TestETag(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	req := f.openRequest("admin", f.x.ID, "Mail is slow")
	get := func(path string, hdr map[string]string) (*http.Response, string) {
		t.Helper()
		res := f.raw("admin", "GET", path, nil, hdr)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	one := "/api/v1/requests/" + req.Number
	for _, path := range []string{one, "/api/v1/requests", "/api/v1/organizations/" + strconv.FormatInt(f.x.ID, 10)} {
		t.Run(path, func(t *testing.T) {
			res, body := get(path, nil)
			etag := res.Header.Get("ETag")
			if res.StatusCode != 200 || len(etag) < 3 || etag[0] != '"' || body == "" {
				t.Fatalf("status %d, ETag %q", res.StatusCode, etag)
			}
			for _, tt := range []struct {
				inm    string
				status int
			}{
				{etag, 304},
				{`"other", ` + etag, 304},
				{"W/" + etag, 304}, // If-None-Match compares weakly
				{"*", 304},
				{`"other"`, 200},
				{"", 200},
			} {
				res2, body2 := get(path, map[string]string{"If-None-Match": tt.inm})
				if res2.StatusCode != tt.status || res2.Header.Get("ETag") != etag {
					t.Errorf("If-None-Match %q: %d, ETag %q; want %d, %q", tt.inm, res2.StatusCode, res2.Header.Get("ETag"), tt.status, etag)
				}
				if tt.status == 304 && body2 != "" || tt.status == 200 && body2 != body {
					t.Errorf("If-None-Match %q: body %q", tt.inm, body2)
				}
			}
		})
	}
	res, _ := get(one, nil)
	etag := res.Header.Get("ETag")
	if st := f.do("admin", "PATCH", one, map[string]any{"preferred_language": "fr"}, nil); st != 200 {
		t.Fatalf("PATCH: %d", st)
	}
	if res, _ := get(one, map[string]string{"If-None-Match": etag}); res.StatusCode != 200 || res.Header.Get("ETag") == etag {
		t.Errorf("after a change: %d, ETag %q (was %q)", res.StatusCode, res.Header.Get("ETag"), etag)
	}
	if res, _ := get("/api/v1/requests/99999", map[string]string{"If-None-Match": "*"}); res.StatusCode != 404 || res.Header.Get("ETag") != "" {
		t.Errorf("a failure: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
}
