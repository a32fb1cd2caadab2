package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/web"
)

// /metrics carries the business counters (requests opened by channel and
// category), the build, and the portal's and console's pages by route, in
// Prometheus's naming.
func TestMetricsContent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const token = "metrics-token-0123456789"
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		s := api.New(f.desk, log, api.Options{MetricsToken: token})
		pages := httptest.NewServer(web.New(f.desk, log, web.Options{Observe: s.ObservePage}).Handler())
		defer pages.Close()

		f.openRequest("admin", f.x.ID, "Mail flow delayed")
		for _, path := range []string{"/signin", "/signin", "/no-such-page"} {
			res, err := http.Get(pages.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}

		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		s.Handler().ServeHTTP(rec, req)
		body := rec.Body.String()
		for _, want := range []string{
			`casedesk_requests_opened_total{category="technical",channel="api"} 1`,
			`casedesk_build_info{goversion="go`,
			`casedesk_http_requests_total{code="200",method="GET",route="/signin"} 2`,
			`casedesk_http_requests_total{code="404",method="GET",route="/"} 1`,
			`casedesk_http_request_duration_seconds_count{method="GET",route="/signin"} 2`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if t.Failed() {
			t.Log(body)
		}
	})
}
