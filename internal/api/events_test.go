package api_test

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// startRelay runs a live.Relay for d until the test ends and returns once it
// listens: every change committed after that reaches d's subscribers.
func startRelay(t testing.TB, d *desk.Desk) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		relay := &live.Relay{DB: d.DB(), Broker: d.Events(), Moves: desk.MoveEvents}
		if err := relay.Run(ctx, func() { close(ready) }); err != nil {
			t.Errorf("event relay: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-done: // on SQLite it returns at once, after calling ready
		select {
		case <-ready:
		default:
			t.Fatal("the event relay ended before it listened")
		}
	}
}

type sseEvent struct{ kind, data string }

// subscribe opens the live stream as role and returns its events.
func (f *fixture) subscribe(t *testing.T, role string) <-chan sseEvent {
	t.Helper()
	return subscribeAt(t, f.srv.URL, f.tokens[role])
}

// subscribeAt opens the live stream of the server at base with the token
// and returns its events; the channel closes when the stream ends.
func subscribeAt(t *testing.T, base, token string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 100)
	sc := bufio.NewScanner(res.Body)
	if !sc.Scan() { // the opening comment: the subscription is in place
		t.Fatal("stream closed")
	}
	go func() {
		defer close(out)
		defer res.Body.Close()
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				e.kind = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				e.data = line[len("data: "):]
			case line == "" && e.kind != "":
				out <- e
				e = sseEvent{}
			}
		}
	}()
	return out
}

func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("the stream ended")
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event arrived")
		return sseEvent{}
	}
}

// TestLiveEvents: a customer admin's stream shows their organization's
// public changes only; staff see everything, notes included.
func TestLiveEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		startRelay(t, f.desk) // PostgreSQL: events reach subscribers through the relay
		admin, other, agent := f.subscribe(t, "admin"), f.subscribe(t, "otheradmin"), f.subscribe(t, "agent")
		n := f.xRequest() // created by the agent in X
		if _, err := f.desk.AddMessage(ctx, f.actors["agent"], n, desk.NewMessage{Body: "secret note", Internal: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.desk.AddMessage(ctx, f.actors["agent"], n, desk.NewMessage{Body: "public answer"}); err != nil {
			t.Fatal(err)
		}
		// Y's admin opens a request in Y: the first thing Y's stream shows.
		if st := f.do("otheradmin", "POST", "/api/v1/requests", map[string]any{"category": "billing", "title": "y", "description": "d"}, nil); st != 201 {
			t.Fatalf("create in Y: %d", st)
		}
		var kinds []string
		for {
			e := next(t, admin)
			if strings.Contains(e.data, `"internal":true`) || e.kind == "note" {
				t.Fatalf("an internal event reached the customer: %+v", e)
			}
			kinds = append(kinds, e.kind)
			if e.kind == "message" {
				break
			}
		}
		if kinds[0] != "created" {
			t.Fatalf("admin's stream: %v", kinds)
		}
		if e := next(t, other); e.kind != "created" || !strings.Contains(e.data, `"organization_id":`+strconv.FormatInt(f.y.ID, 10)) {
			t.Fatalf("Y's stream showed %+v before Y's own event", e)
		}
		sawNote := false
		for !sawNote {
			sawNote = next(t, agent).kind == "note"
		}
	})
}
