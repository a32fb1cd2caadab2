package sse_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/sse"
)

// recorder is a ResponseWriter whose output a test reads while the
// handler still writes.
type recorder struct {
	mu      sync.Mutex
	header  http.Header
	status  int
	body    strings.Builder
	flushed string // the body as of the last Flush
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	r.mu.Lock()
	r.status = code
	r.mu.Unlock()
}
func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.body.Write(b)
}
func (r *recorder) Flush() {
	r.mu.Lock()
	r.flushed = r.body.String()
	r.mu.Unlock()
}

// sent returns what has been flushed to the client since the last call.
func (r *recorder) sent(from *int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.flushed[*from:]
	*from = len(r.flushed)
	return s
}

// serve runs sse.Serve in the bubble until the returned cancel.
func serve(t *testing.T, b *live.Broker, s sse.Stream) (*recorder, <-chan error, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	w := &recorder{header: http.Header{}}
	r := httptest.NewRequest("GET", "/events", nil).WithContext(ctx)
	done := make(chan error, 1)
	go func() { done <- sse.Serve(w, r, b, s) }()
	synctest.Wait() // subscribed and blocked on its select
	return w, done, cancel
}

func TestServe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := live.NewBroker()
		w, done, cancel := serve(t, b, sse.Stream{Messages: func(e casedesk.Event) []sse.Message {
			if e.Internal {
				return nil
			}
			return []sse.Message{{ID: "7", Event: string(e.Kind), Data: e.Number}, {Event: "also", Data: "x"}}
		}})
		var at int
		if got := w.sent(&at); got != ": casedesk live events\n\n" || w.status != http.StatusOK || w.header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("opening: %d %q %v", w.status, got, w.header)
		}
		// Once the opening is flushed, no event is missed.
		b.Publish(casedesk.Event{Kind: "note", Number: "R-1", Internal: true})
		b.Publish(casedesk.Event{Kind: "created", Number: "R-2"})
		synctest.Wait()
		if got := w.sent(&at); got != "id: 7\nevent: created\ndata: R-2\n\nevent: also\ndata: x\n\n" {
			t.Fatalf("messages: %q", got)
		}
		// An idle stream gets a comment every KeepAlive, and nothing before.
		time.Sleep(sse.KeepAlive - time.Nanosecond)
		synctest.Wait()
		if got := w.sent(&at); got != "" {
			t.Fatalf("before the keep-alive: %q", got)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if got := w.sent(&at); got != ": keep-alive\n\n" {
			t.Fatalf("keep-alive: %q", got)
		}
		// It ends when the client goes away.
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func TestServeFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		w, done, cancel := serve(t, live.NewBroker(), sse.Stream{Retry: 3 * time.Second, For: 110 * time.Second,
			Messages: func(casedesk.Event) []sse.Message { return nil }})
		defer cancel()
		var at int
		if got := w.sent(&at); got != "retry: 3000\n\n" {
			t.Fatalf("opening: %q", got)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 110*time.Second {
			t.Fatalf("ended after %s, want 1m50s", d)
		}
		if got := w.sent(&at); got != strings.Repeat(": keep-alive\n\n", 5) {
			t.Fatalf("keep-alives in 1m50s: %q", got)
		}
	})
}

// TestServeNeedsAFlusher: a writer that cannot stream gets an error, and
// nothing is written.
func TestServeNeedsAFlusher(t *testing.T) {
	rec := httptest.NewRecorder()
	w := struct{ http.ResponseWriter }{rec} // hides Flush
	err := sse.Serve(w, httptest.NewRequest("GET", "/", nil), live.NewBroker(), sse.Stream{})
	if casedesk.ErrorCode(err) != casedesk.EINTERNAL || rec.Body.Len() != 0 {
		t.Fatalf("%v, wrote %q", err, rec.Body.String())
	}
}

// unwrapper wraps a writer without flushing itself, as api's status
// recorder does.
type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

func TestServeUnwraps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		rec := &recorder{header: http.Header{}}
		done := make(chan error, 1)
		go func() {
			done <- sse.Serve(unwrapper{rec}, httptest.NewRequest("GET", "/", nil).WithContext(ctx), live.NewBroker(), sse.Stream{})
		}()
		synctest.Wait()
		var at int
		if got := rec.sent(&at); got != ": casedesk live events\n\n" {
			t.Fatalf("through Unwrap: %q", got)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// access is a viewer whose right to watch the test decides.
type access struct {
	changed chan struct{}
	mu      sync.Mutex
	err     error
	checks  int
}

func (a *access) Changed() <-chan struct{} { return a.changed }
func (a *access) Check(context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checks++
	return a.err
}
func (a *access) set(err error) {
	a.mu.Lock()
	a.err = err
	a.mu.Unlock()
}

// TestServeAccess: the viewer's access is checked before each event's
// messages — an event that arrives after access ended is not written — and
// when it changes, which ends a stream that has no event to show.
func TestServeAccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := live.NewBroker()
		a := &access{changed: make(chan struct{}, 1)}
		w, done, cancel := serve(t, b, sse.Stream{Access: a, Messages: func(e casedesk.Event) []sse.Message {
			return []sse.Message{{Event: string(e.Kind), Data: e.Number}}
		}})
		defer cancel()
		var at int
		w.sent(&at)
		b.Publish(casedesk.Event{Kind: "created", Number: "R-1"})
		synctest.Wait()
		if got := w.sent(&at); got != "event: created\ndata: R-1\n\n" || a.checks != 1 {
			t.Fatalf("sent %q after %d checks", got, a.checks)
		}
		// A change that leaves access as it was: the stream goes on.
		a.changed <- struct{}{}
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("the stream ended on a change that kept access: %v", err)
		default:
		}
		// Access ends: the next event is not shown, and the stream ends.
		a.set(casedesk.Errorf(casedesk.EUNAUTHORIZED, "revoked"))
		b.Publish(casedesk.Event{Kind: "status", Number: "R-1"})
		synctest.Wait()
		if got := w.sent(&at); got != "" {
			t.Fatalf("sent %q after access ended", got)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestServeAccessChange: an access change that ends the viewer's access
// ends the stream at once, with no event to carry it.
func TestServeAccessChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := &access{changed: make(chan struct{}, 1)}
		_, done, cancel := serve(t, live.NewBroker(), sse.Stream{Access: a, Messages: func(casedesk.Event) []sse.Message { return nil }})
		defer cancel()
		a.set(casedesk.Errorf(casedesk.EUNAUTHORIZED, "signed out"))
		a.changed <- struct{}{}
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("the stream goes on after access ended")
		}
	})
}
