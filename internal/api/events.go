package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
)

// streamEvents serves the live history of the requests the caller may see
// as server-sent events: "event: <kind>", "id: <event id>", JSON data. It
// ends when the client goes away; a comment every 20 s keeps proxies from
// closing an idle stream.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	allow, err := s.desk.EventFilter(a)
	if err != nil {
		return err
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		if u, ok2 := w.(interface{ Unwrap() http.ResponseWriter }); ok2 {
			fl, ok = u.Unwrap().(http.Flusher)
		}
	}
	if !ok {
		return casedesk.Errorf(casedesk.EINTERNAL, "streaming is not supported here")
	}
	events, stop := s.desk.Events().Subscribe(256)
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(": casedesk live events\n\n"))
	fl.Flush()
	tick := time.NewTicker(20 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
			w.Write([]byte(": keep-alive\n\n"))
			fl.Flush()
		case e, ok := <-events:
			if !ok {
				return nil
			}
			if !allow(e) {
				continue
			}
			b, _ := json.Marshal(e)
			w.Write([]byte("id: " + strconv.FormatInt(e.ID, 10) + "\nevent: " + string(e.Kind) + "\ndata: "))
			w.Write(b)
			w.Write([]byte("\n\n"))
			fl.Flush()
		}
	}
}
