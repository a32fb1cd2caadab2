package client

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// LiveEvent is one message of the live event stream: a history line as it
// is written. Event is decoded from Data when Data is an Event.
type LiveEvent struct {
	ID    string // the event id, to resume from (Last-Event-ID)
	Kind  string // the SSE event name: the history line's kind
	Data  json.RawMessage
	Event Event
}

// EventStream is an open live event stream. Read Events until it is
// closed, then Err tells why the stream ended.
type EventStream struct {
	// Events delivers the stream's events; it is closed when the stream
	// ends: the server ended it, the context was cancelled or Close was
	// called.
	Events <-chan LiveEvent

	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	err    error
}

// Close ends the stream and waits until Events is closed.
func (s *EventStream) Close() {
	s.cancel()
	<-s.done
}

// Err returns the error that ended the stream, or nil when it ended
// because the server closed it or the stream was closed. It is only
// meaningful once Events is closed.
func (s *EventStream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// StreamEvents opens the live history of the requests the caller may see
// (server-sent events). It returns once the server has answered: every
// change committed after that is delivered. A non-empty lastEventID is sent
// as Last-Event-ID, asking a server that supports it to resume after that
// event. The stream honours ctx: cancelling it ends the stream.
func (c *Client) StreamEvents(ctx context.Context, lastEventID string) (*EventStream, error) {
	ctx, cancel := context.WithCancel(ctx)
	h := http.Header{"Accept": {"text/event-stream"}}
	if lastEventID != "" {
		h.Set("Last-Event-ID", lastEventID)
	}
	resp, err := c.send(ctx, http.MethodGet, APIPrefix+"/events", h, nil, "", true)
	if err != nil {
		cancel()
		return nil, err
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("casedesk client: the event stream answered %q, not text/event-stream", ct)
	}
	ch := make(chan LiveEvent)
	s := &EventStream{Events: ch, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(ch)
		defer resp.Body.Close()
		err := readSSE(ctx, bufio.NewScanner(resp.Body), ch)
		if ctx.Err() != nil {
			err = nil // ended by the caller
		}
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
	}()
	return s, nil
}

// readSSE parses server-sent events (the WHATWG event-stream format) and
// sends each to ch until the stream ends or ctx is done.
func readSSE(ctx context.Context, sc *bufio.Scanner, ch chan<- LiveEvent) error {
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var e LiveEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if data == nil {
				e = LiveEvent{}
				continue
			}
			e.Data = json.RawMessage(strings.Join(data, "\n"))
			if e.Kind == "" {
				e.Kind = "message"
			}
			_ = json.Unmarshal(e.Data, &e.Event) // data that is not an Event is left in Data
			select {
			case ch <- e:
			case <-ctx.Done():
				return ctx.Err()
			}
			e, data = LiveEvent{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // a comment: keep-alive
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			e.Kind = value
		case "id":
			e.ID = value
		case "data":
			data = append(data, value)
		}
	}
	return sc.Err()
}
