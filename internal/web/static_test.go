package web

import (
	"net/http/httptest"
	"testing"
)

// TestStaticCaching: only an asset asked for with its own content hash is
// cacheable for a year; a wrong or missing hash is cached briefly.
func TestStaticCaching(t *testing.T) {
	h := staticHandler()
	for _, tc := range []struct {
		url, want string
	}{
		{staticPath("app.css"), "public, max-age=31536000, immutable"},
		{"/static/app.css?v=000000000000", "public, max-age=300"},
		{"/static/app.css?v=", "public, max-age=300"},
		{"/static/app.css", "public, max-age=300"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", tc.url, nil))
		if w.Code != 200 || w.Header().Get("Cache-Control") != tc.want {
			t.Errorf("%s: %d Cache-Control %q, want %q", tc.url, w.Code, w.Header().Get("Cache-Control"), tc.want)
		}
	}
}
