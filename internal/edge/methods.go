package edge

import (
	"net/http"
	"strings"
)

// methods are those a route may be registered for.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// Allowed returns the methods mux has a route for at r's path, other than
// through the pattern fallback (the surface's catch-all, which answers
// every method), joined for an Allow header; "" when the path has none.
// A surface's catch-all calls it to tell 405 (the path exists, the method
// does not) from 404, which a catch-all otherwise hides from ServeMux.
func Allowed(mux *http.ServeMux, r *http.Request, fallback string) string {
	var allow []string
	for _, m := range methods {
		probe := *r
		probe.Method = m
		if _, pat := mux.Handler(&probe); pat != "" && pat != fallback {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		allow = append(allow, http.MethodOptions)
	}
	return strings.Join(allow, ", ")
}
