package api

import (
	_ "embed"
	"net/http"

	"github.com/casedesk/casedesk"
)

// openapiDoc is written by hand and kept true by TestOpenAPIMatchesRoutes.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request, _ *casedesk.Actor) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiDoc)
	return nil
}
