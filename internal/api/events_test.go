package api_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/live/livetest"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// startRelay runs d's live relay until the test ends and returns once it
// has caught up: every change committed after that reaches d's subscribers.
func startRelay(t testing.TB, d *desk.Desk) { t.Helper(); livetest.Run(t, d.Relay()) }

type sseEvent struct{ id, kind, data string }

// subscribe opens the live stream as role and returns its events.
func (f *fixture) subscribe(t *testing.T, role string) <-chan sseEvent {
	t.Helper()
	return subscribeAt(t, f.srv.URL, f.tokens[role])
}

// subscribeAt opens the live stream of the server at base with the token
// and returns its events; the channel closes when the stream ends.
func subscribeAt(t *testing.T, base, token string) <-chan sseEvent {
	t.Helper()
	return subscribeFrom(t, base, token, "")
}

// subscribeFrom is subscribeAt resuming after the event id lastID ("": a
// new stream).
func subscribeFrom(t *testing.T, base, token, lastID string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
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
			case strings.HasPrefix(line, "id: "):
				e.id = line[len("id: "):]
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

// TestResumeFromLastEventID: a stream resumed with Last-Event-ID replays
// the stored events after it that the viewer may see, then goes on live:
// the same events, in the same order, as a stream that never broke. Past
// the replay limit it sends "reset" instead, and goes on live.
func TestResumeFromLastEventID(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		startRelay(t, f.desk)
		unbroken := f.subscribe(t, "admin")
		n := f.xRequest()
		first := next(t, unbroken)
		if first.kind != "created" || first.id == "" {
			t.Fatalf("first event: %+v", first)
		}
		if _, err := f.desk.AddMessage(ctx, f.actors["agent"], n, desk.NewMessage{Body: "secret note", Internal: true}); err != nil {
			t.Fatal(err)
		}
		missed, err := f.desk.AddMessage(ctx, f.actors["agent"], n, desk.NewMessage{Body: "missed answer"})
		if err != nil {
			t.Fatal(err)
		}
		if st := f.do("otheradmin", "POST", "/api/v1/requests", map[string]any{"category": "billing", "title": "y", "description": "d"}, nil); st != 201 {
			t.Fatalf("create in Y: %d", st)
		}
		resumed := subscribeFrom(t, f.srv.URL, f.tokens["admin"], first.id)
		live, err := f.desk.AddMessage(ctx, f.actors["agent"], n, desk.NewMessage{Body: "live answer"})
		if err != nil {
			t.Fatal(err)
		}
		isMessage := func(e sseEvent, id int64) bool {
			return e.kind == "message" && strings.Contains(e.data, `"new":"`+strconv.FormatInt(id, 10)+`"`)
		}
		upToLive := func(ch <-chan sseEvent) []sseEvent {
			var es []sseEvent
			for {
				e := next(t, ch)
				es = append(es, e)
				if isMessage(e, live.ID) {
					return es
				}
			}
		}
		want, got := upToLive(unbroken), upToLive(resumed)
		if len(got) != len(want) {
			t.Fatalf("resumed stream %v, unbroken %v", got, want)
		}
		sawMissed := false
		for i := range want {
			if got[i].id != want[i].id || got[i].kind != want[i].kind {
				t.Errorf("event %d: resumed %s %s, unbroken %s %s", i, got[i].id, got[i].kind, want[i].id, want[i].kind)
			}
			if got[i].kind == "note" || strings.Contains(got[i].data, `"internal":true`) {
				t.Errorf("an internal event was replayed to the customer: %+v", got[i])
			}
			sawMissed = sawMissed || isMessage(got[i], missed.ID)
		}
		if !sawMissed {
			t.Errorf("the missed answer was not replayed: %v", got)
		}

		small := api.New(f.desk, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{ReplayLimit: 1})
		srv := httptest.NewServer(small.Handler())
		t.Cleanup(srv.Close) // after the stream's cancel, which cleans up first
		reset := subscribeFrom(t, srv.URL, f.tokens["admin"], "0")
		if e := next(t, reset); e.kind != "reset" || e.id == "" {
			t.Fatalf("past the replay limit: %+v, want reset", e)
		}
		after, err := f.desk.AddMessage(ctx, f.actors["agent"], n, desk.NewMessage{Body: "after reset"})
		if err != nil {
			t.Fatal(err)
		}
		for e := next(t, reset); !isMessage(e, after.ID); e = next(t, reset) {
		}
	})
}
