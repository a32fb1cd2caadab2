// Package sse serves casedesk's live events as server-sent events: the one
// loop behind the API's event stream and the pages' live updates. Each
// transport says which messages an event becomes for its viewer.
package sse

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
)

// KeepAlive is how often an idle stream gets a comment, so that proxies
// do not close it.
const KeepAlive = 20 * time.Second

// Source publishes events to subscribers (live.Broker).
type Source interface {
	Subscribe(buffer int) (<-chan casedesk.Event, func())
}

// Access is what a stream knows of its viewer's right to watch (desk.Viewer).
type Access interface {
	// Changed is ready when the viewer's access may have changed.
	Changed() <-chan struct{}
	// Check reports whether the viewer may still watch; an error ends the
	// stream.
	Check(ctx context.Context) error
}

type shutdownKey struct{}

// WithShutdown returns ctx carrying done, for a server's base context: a
// stream served under it ends as soon as done is closed (the server is
// shutting down; its client reconnects elsewhere or later), while other
// requests carry on to their end. Closing done does not cancel ctx.
func WithShutdown(ctx context.Context, done <-chan struct{}) context.Context {
	return context.WithValue(ctx, shutdownKey{}, done)
}

// Message is one server-sent event. ID may be empty; Data is one line.
type Message struct {
	ID, Event, Data string
}

// Stream describes one stream.
type Stream struct {
	// Retry, if positive, opens the stream as the browser's reconnection
	// delay; otherwise a comment opens it.
	Retry time.Duration
	// For, if positive, ends the stream after that long (a browser
	// reconnects), so that a stream never holds a shutdown for long.
	For time.Duration
	// Messages returns the messages an event becomes: none for an event
	// the viewer may not see.
	Messages func(casedesk.Event) []Message
	// Access, if not nil, is checked before each event's messages and each
	// time it changes; the stream ends when the viewer may no longer watch.
	Access Access
	// Backlog, if not nil, returns the messages of what was published
	// before the stream opened and its client has not seen (a client
	// resuming from Last-Event-ID), and the id of the newest event they
	// cover. It runs once the subscription is in place, so each event is in
	// the backlog or arrives live: live events up to that id are skipped.
	// An error is answered before anything is written.
	Backlog func(ctx context.Context) (ms []Message, last int64, err error)
}

// Serve subscribes to src and writes s's messages for each event until the
// client goes away, src closes the subscription, s.For has passed, the
// server shuts down (WithShutdown) or s.Access refuses. The
// subscription is in place before the opening line is written, so a client
// that has read that line misses no later event. It answers EINTERNAL,
// before writing anything, if w cannot stream.
func Serve(w http.ResponseWriter, r *http.Request, src Source, s Stream) error {
	fl, ok := flusher(w)
	if !ok {
		return casedesk.Errorf(casedesk.EINTERNAL, "streaming is not supported here")
	}
	events, stop := src.Subscribe(256)
	defer stop()
	var backlog []Message
	var seen int64
	if s.Backlog != nil {
		var err error
		if backlog, seen, err = s.Backlog(r.Context()); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if s.Retry > 0 {
		io.WriteString(w, "retry: "+strconv.FormatInt(s.Retry.Milliseconds(), 10)+"\n\n")
	} else {
		io.WriteString(w, ": casedesk live events\n\n")
	}
	writeMessages(w, backlog)
	fl.Flush()
	var end <-chan time.Time
	if s.For > 0 {
		t := time.NewTimer(s.For)
		defer t.Stop()
		end = t.C
	}
	tick := time.NewTicker(KeepAlive)
	defer tick.Stop()
	var changed <-chan struct{}
	if s.Access != nil {
		changed = s.Access.Changed()
	}
	shutdown, _ := r.Context().Value(shutdownKey{}).(<-chan struct{})
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-shutdown:
			return nil
		case <-end:
			return nil
		case <-changed:
			if s.Access.Check(r.Context()) != nil {
				return nil
			}
		case <-tick.C:
			io.WriteString(w, ": keep-alive\n\n")
			fl.Flush()
		case e, ok := <-events:
			if !ok {
				return nil
			}
			if s.Backlog != nil && e.ID <= seen {
				continue
			}
			if s.Access != nil && s.Access.Check(r.Context()) != nil {
				return nil
			}
			ms := s.Messages(e)
			writeMessages(w, ms)
			if len(ms) > 0 {
				fl.Flush()
			}
		}
	}
}

func writeMessages(w io.Writer, ms []Message) {
	for _, m := range ms {
		if m.ID != "" {
			io.WriteString(w, "id: "+m.ID+"\n")
		}
		io.WriteString(w, "event: "+m.Event+"\ndata: "+m.Data+"\n\n")
	}
}

// flusher finds the http.Flusher under w's wrappers (Unwrap, as
// http.ResponseController does).
func flusher(w http.ResponseWriter) (http.Flusher, bool) {
	for {
		if f, ok := w.(http.Flusher); ok {
			return f, true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil, false
		}
		w = u.Unwrap()
	}
}
