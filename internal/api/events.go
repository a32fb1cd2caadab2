package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/sse"
)

// streamEvents serves the live history of the requests the caller may see
// as server-sent events: "event: <kind>", "id: <event id>", JSON data. It
// ends when the client goes away, when the caller's access ends (the token
// revoked or expired, the user deactivated or demoted: desk.Viewer, on
// every instance); a comment every 20 s (sse.KeepAlive) keeps proxies from
// closing an idle stream. What each event shows follows the caller's access
// at that moment (a revoked delegation's events stop).
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	v, err := s.desk.Watch(r.Context(), bearer(r), s.desk.EventFilter)
	if err != nil {
		return err
	}
	defer v.Close()
	return sse.Serve(w, r, s.desk.Events(), sse.Stream{For: v.Left(), Access: v, Messages: func(e casedesk.Event) []sse.Message {
		if !v.Allow(e) {
			return nil
		}
		b, _ := json.Marshal(e)
		return []sse.Message{{ID: strconv.FormatInt(e.ID, 10), Event: string(e.Kind), Data: string(b)}}
	}})
}
