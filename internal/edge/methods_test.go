package edge_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/casedesk/casedesk/internal/edge"
)

func TestAllowed(t *testing.T) {
	mux := http.NewServeMux()
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	mux.Handle("GET /things/{id}", ok)
	mux.Handle("PATCH /things/{id}", ok)
	mux.Handle("POST /things", ok)
	mux.Handle("/", ok)
	for path, want := range map[string]string{
		"/things/7": "GET, HEAD, PATCH, OPTIONS",
		"/things":   "POST, OPTIONS",
		"/nothing":  "",
	} {
		if got := edge.Allowed(mux, httptest.NewRequest("DELETE", path, nil), "/"); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}
