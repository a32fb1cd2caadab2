// Package web serves casedesk's portal and console: server-rendered pages
// over desk, the same verbs the API uses.
package web

import (
	"log/slog"
	"net/http"

	"github.com/casedesk/casedesk/internal/desk"
)

// Options configure the web surface.
type Options struct{}

// Server serves the pages.
type Server struct {
	desk *desk.Desk
	log  *slog.Logger
}

// New returns the web surface over d.
func New(d *desk.Desk, log *slog.Logger, _ Options) *Server { return &Server{desk: d, log: log} }

// Handler returns the pages' handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("casedesk: the REST API is at /api/v1 (described at /api/v1/openapi.json)\n"))
	})
	return mux
}
