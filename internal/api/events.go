package api

import (
	"context"
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
//
// A client that reconnects with Last-Event-ID gets the stored events after
// it that it may see, then the live ones, with none missed or repeated; when
// it missed more than Options.ReplayLimit, a "reset" event (data {"reason": …}) tells
// it to read afresh what it shows, and the stream goes on live.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	v, err := s.desk.Watch(r.Context(), bearer(r), s.desk.EventFilter)
	if err != nil {
		return err
	}
	defer v.Close()
	message := func(e casedesk.Event) sse.Message {
		b, _ := json.Marshal(e)
		return sse.Message{ID: strconv.FormatInt(e.ID, 10), Event: string(e.Kind), Data: string(b)}
	}
	st := sse.Stream{For: v.Left(), Access: v, Messages: func(e casedesk.Event) []sse.Message {
		if !v.Allow(e) {
			return nil
		}
		return []sse.Message{message(e)}
	}}
	if after, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && after >= 0 {
		st.Backlog = func(ctx context.Context) ([]sse.Message, int64, error) {
			es, last, ok, err := v.Since(ctx, after, s.replayLimit())
			if err != nil {
				return nil, 0, err
			}
			if !ok {
				return []sse.Message{{ID: strconv.FormatInt(last, 10), Event: "reset",
					Data: `{"reason":"too many events were missed to replay; read the requests afresh"}`}}, last, nil
			}
			ms := make([]sse.Message, len(es))
			for i, e := range es {
				ms[i] = message(e)
			}
			return ms, last, nil
		}
	}
	return sse.Serve(w, r, s.desk.Events(), st)
}

func (s *Server) replayLimit() int {
	if s.opts.ReplayLimit > 0 {
		return s.opts.ReplayLimit
	}
	return 500
}
