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
// ends when the client goes away; a comment every 20 s (sse.KeepAlive)
// keeps proxies from closing an idle stream.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	allow, err := s.desk.EventFilter(a)
	if err != nil {
		return err
	}
	return sse.Serve(w, r, s.desk.Events(), sse.Stream{Messages: func(e casedesk.Event) []sse.Message {
		if !allow(e) {
			return nil
		}
		b, _ := json.Marshal(e)
		return []sse.Message{{ID: strconv.FormatInt(e.ID, 10), Event: string(e.Kind), Data: string(b)}}
	}})
}
