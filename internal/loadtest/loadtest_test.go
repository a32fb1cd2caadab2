package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk/client"
)

func ms_(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentile(t *testing.T) {
	// 1ms..100ms in random order.
	samples := make([]time.Duration, 100)
	for i := range samples {
		samples[i] = ms_(i + 1)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(samples), func(i, j int) { samples[i], samples[j] = samples[j], samples[i] })

	got := Summarize(samples)
	want := Latency{Samples: 100, Min: ms_(1), Mean: 50500 * time.Microsecond, P50: ms_(50), P90: ms_(90), P99: ms_(99), Max: ms_(100)}
	if got != want {
		t.Errorf("Summarize = %+v\nwant        %+v", got, want)
	}

	for _, tc := range []struct {
		samples []int
		p       float64
		want    int
	}{
		{[]int{7}, 50, 7},
		{[]int{7}, 99, 7},
		{[]int{1, 2}, 50, 1},
		{[]int{1, 2}, 90, 2},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 100, 10},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 1},
	} {
		s := make([]time.Duration, len(tc.samples))
		for i, v := range tc.samples {
			s[i] = ms_(v)
		}
		if got := Percentile(s, tc.p); got != ms_(tc.want) {
			t.Errorf("Percentile(%v, %v) = %v, want %vms", tc.samples, tc.p, got, tc.want)
		}
	}
	if Percentile(nil, 50) != 0 || Summarize(nil) != (Latency{}) {
		t.Error("empty samples")
	}

	// A long tail: 1000 samples, 985 at 1ms and 15 at 1s.
	tail := make([]time.Duration, 1000)
	for i := range tail {
		tail[i] = ms_(1)
		if i%66 == 0 && i/66 < 15 {
			tail[i] = time.Second
		}
	}
	l := Summarize(tail)
	if l.P50 != ms_(1) || l.P90 != ms_(1) || l.P99 != time.Second || l.Max != time.Second {
		t.Errorf("tail = %+v", l)
	}
}

func TestBuildReport(t *testing.T) {
	w1, w2 := newWorkerStats(), newWorkerStats()
	for i := 1; i <= 60; i++ {
		w1.record(OpCreate, ms_(i), nil)
	}
	for i := 61; i <= 100; i++ {
		w2.record(OpCreate, ms_(i), nil)
	}
	for i := 1; i <= 10; i++ {
		w2.record(OpList, ms_(10*i), nil)
	}
	problem500 := &client.Problem{Status: 500, Title: "Internal Server Error"}
	w1.record(OpCreate, ms_(1000), problem500)
	w2.record(OpCreate, ms_(1000), problem500)
	w2.record(OpList, ms_(1000), &client.Problem{Status: 429, Title: "Too Many Requests"})
	w1.record(OpList, ms_(1000), context.DeadlineExceeded)
	w1.record(OpList, ms_(1000), &net.OpError{Op: "dial", Err: io.ErrUnexpectedEOF})

	cfg := Config{URL: "http://x", Clients: 2, Duration: 2 * time.Second, ListShare: 0.2}
	r := buildReport(cfg, 2*time.Second, []*workerStats{w1, w2})

	if r.TotalOps != 115 || r.Errors != 5 || r.OpsPerSec != 57.5 {
		t.Errorf("total %d, errors %d, ops/s %v", r.TotalOps, r.Errors, r.OpsPerSec)
	}
	c := r.Op(OpCreate)
	wantLat := Latency{Samples: 100, Min: ms_(1), Mean: 50500 * time.Microsecond, P50: ms_(50), P90: ms_(90), P99: ms_(99), Max: ms_(100)}
	if c.Count != 102 || c.Errors != 2 || c.OpsPerSec != 51 || c.Latency != wantLat {
		t.Errorf("create = %+v", c)
	}
	if !reflect.DeepEqual(c.ErrorsByStatus, map[string]int64{"500": 2}) {
		t.Errorf("create errors = %v", c.ErrorsByStatus)
	}
	l := r.Op(OpList)
	if l.Count != 13 || l.Errors != 3 || l.Latency.P50 != ms_(50) || l.Latency.P90 != ms_(90) || l.Latency.Max != ms_(100) {
		t.Errorf("list = %+v", l)
	}
	wantErrs := map[string]int64{"500": 2, "429": 1, ErrTimeout: 1, ErrNetwork: 1}
	if !reflect.DeepEqual(r.ErrorsByStatus, wantErrs) {
		t.Errorf("errors = %v, want %v", r.ErrorsByStatus, wantErrs)
	}
	if !strings.Contains(r.FirstErrors["429"], "Too Many Requests") || len(r.FirstErrors) != 4 {
		t.Errorf("first errors = %v", r.FirstErrors)
	}

	var out bytes.Buffer
	if err := r.Print(&out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"http://x: 2 clients, 2s", "create", "list", "total", "51.0", "57.5", "50ms", "99ms", "errors: 429=1 500=2 network=1 timeout=1"} {
		if !strings.Contains(s, want) {
			t.Errorf("Print output lacks %q:\n%s", want, s)
		}
	}

	// JSON: documented keys, and a round trip.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	if m["total_ops"] != 115.0 || m["ops_per_sec"] != 57.5 || m["elapsed_s"] != 2.0 {
		t.Errorf("JSON = %s", b)
	}
	ops := m["ops"].([]any)
	lat := ops[0].(map[string]any)["latency"].(map[string]any)
	if ops[0].(map[string]any)["kind"] != "create" || lat["p50_ms"] != 50.0 || lat["p99_ms"] != 99.0 || lat["max_ms"] != 100.0 || lat["mean_ms"] != 50.5 {
		t.Errorf("JSON ops = %v", ops[0])
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", back, r)
	}
}

// countingServer fakes the two routes the load test uses.
type countingServer struct {
	*httptest.Server

	mu         sync.Mutex
	creates    int
	lists      int
	failed     int // lists answered with 500
	openConns  int // connections open now
	maxConns   int // the most open at once
	keys       map[string]bool
	badRequest []string
	onCall     func(total int) // called with the number of calls so far
}

func newCountingServer(t *testing.T, token string) *countingServer {
	s := &countingServer{keys: map[string]bool{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		bad := func(msg string) { s.badRequest = append(s.badRequest, r.Method+" "+r.URL.String()+": "+msg) }
		if r.Header.Get("Authorization") != "Bearer "+token {
			bad("Authorization " + r.Header.Get("Authorization"))
		}
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/v1/requests":
			s.creates++
			key := r.Header.Get("Idempotency-Key")
			if key == "" || s.keys[key] {
				bad("Idempotency-Key " + key)
			}
			s.keys[key] = true
			var req client.NewRequest
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				bad(err.Error())
			}
			if req.OrganizationID != 5 || req.Title == "" || req.Description == "" || req.Product == "" || req.Impact == nil {
				bad("body " + req.Title)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			io.WriteString(w, `{"number":"CD-1","status":"new"}`)
		case r.Method == "GET" && r.URL.Path == "/api/v1/requests":
			s.lists++
			if q := r.URL.Query(); q.Get("status") != "active" || q.Get("limit") != "50" {
				bad("query")
			}
			if s.lists%7 == 0 {
				s.failed++
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(500)
				io.WriteString(w, `{"title":"Internal Server Error","status":500,"detail":"boom"}`)
				break
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"items":[],"next_cursor":""}`)
		default:
			bad("unexpected route")
			w.WriteHeader(404)
		}
		if s.onCall != nil {
			s.onCall(s.creates + s.lists)
		}
	}))
	// A client may replace a connection the server or a cancelled request
	// closed; what the load tool must never do is hold more connections at
	// once than it has clients.
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch st {
		case http.StateNew:
			s.openConns++
			s.maxConns = max(s.maxConns, s.openConns)
		case http.StateClosed, http.StateHijacked:
			s.openConns--
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func TestRunCountsMatchServer(t *testing.T) {
	srv := newCountingServer(t, "tok")
	var out bytes.Buffer
	rep, err := Run(context.Background(), Config{
		URL: srv.URL, Token: "tok", Clients: 4, Duration: 150 * time.Millisecond,
		ListShare: 0.5, OrganizationID: 5, Out: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, b := range srv.badRequest {
		t.Error(b)
	}
	c, l := rep.Op(OpCreate), rep.Op(OpList)
	if c.Count != int64(srv.creates) || l.Count != int64(srv.lists) {
		t.Errorf("report counts create=%d list=%d, server got create=%d list=%d", c.Count, l.Count, srv.creates, srv.lists)
	}
	if rep.TotalOps != int64(srv.creates+srv.lists) || rep.TotalOps == 0 {
		t.Errorf("total = %d", rep.TotalOps)
	}
	if c.Errors != 0 || l.Errors != int64(srv.failed) || rep.Errors != int64(srv.failed) {
		t.Errorf("errors create=%d list=%d total=%d, server failed %d", c.Errors, l.Errors, rep.Errors, srv.failed)
	}
	if srv.failed > 0 && (rep.ErrorsByStatus["500"] != int64(srv.failed) || len(rep.ErrorsByStatus) != 1) {
		t.Errorf("errors by status = %v", rep.ErrorsByStatus)
	}
	if c.Latency.Samples != srv.creates || l.Latency.Samples != srv.lists-srv.failed {
		t.Errorf("samples create=%d list=%d", c.Latency.Samples, l.Latency.Samples)
	}
	if c.Latency.P50 <= 0 || c.Latency.P50 > c.Latency.P99 || c.Latency.P99 > c.Latency.Max {
		t.Errorf("create latency not ordered: %+v", c.Latency)
	}
	if srv.maxConns > 4 {
		t.Errorf("%d connections open at once for 4 clients", srv.maxConns)
	}
	if rep.Interrupted || rep.Clients != 4 || rep.Elapsed < rep.Duration {
		t.Errorf("report = %+v", rep)
	}
	if s := out.String(); !strings.Contains(s, "4 clients") || !strings.Contains(s, "total") {
		t.Errorf("output:\n%s", s)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	srv := newCountingServer(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv.onCall = func(n int) {
		if n == 40 {
			cancel()
		}
	}
	rep, err := Run(ctx, Config{URL: srv.URL, Clients: 3, Duration: time.Hour, ListShare: -1, OrganizationID: 5})
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if !rep.Interrupted {
		t.Error("not marked interrupted")
	}
	if rep.TotalOps > int64(srv.creates) || rep.Errors != 0 || srv.lists != 0 {
		t.Errorf("report %d ops (%d errors), server got %d creates %d lists", rep.TotalOps, rep.Errors, srv.creates, srv.lists)
	}
}

func TestRunErrorsByKind(t *testing.T) {
	t.Run("problem", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(401)
			io.WriteString(w, `{"title":"Unauthorized","status":401,"detail":"invalid token"}`)
		}))
		defer srv.Close()
		rep, err := Run(context.Background(), Config{URL: srv.URL, Clients: 2, Duration: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Errors == 0 || rep.Errors != rep.TotalOps || rep.ErrorsByStatus["401"] != rep.Errors {
			t.Errorf("report = %+v", rep)
		}
		if !strings.Contains(rep.FirstErrors["401"], "invalid token") {
			t.Errorf("first errors = %v", rep.FirstErrors)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Never answer, so that the client gives up; reading the body
			// lets the server notice the client leaving.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		defer srv.Close()
		defer close(release)
		rep, err := Run(context.Background(), Config{URL: srv.URL, Clients: 2, Duration: 10 * time.Millisecond, RequestTimeout: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Errors == 0 || rep.ErrorsByStatus[ErrTimeout] != rep.TotalOps {
			t.Errorf("errors = %v of %d", rep.ErrorsByStatus, rep.TotalOps)
		}
	})
	t.Run("network", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close() // nothing listens any more
		rep, err := Run(context.Background(), Config{URL: url, Clients: 1, Duration: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Errors == 0 || rep.ErrorsByStatus[ErrNetwork] != rep.TotalOps {
			t.Errorf("errors = %v of %d", rep.ErrorsByStatus, rep.TotalOps)
		}
	})
}

func TestRunJSONOutput(t *testing.T) {
	srv := newCountingServer(t, "")
	var out bytes.Buffer
	rep, err := Run(context.Background(), Config{URL: srv.URL, Clients: 1, Duration: 20 * time.Millisecond, OrganizationID: 5, Out: &out, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatalf("output is not a JSON report: %v\n%s", err, out.String())
	}
	if back.TotalOps != rep.TotalOps || back.URL != srv.URL || len(back.Ops) != 2 {
		t.Errorf("JSON report = %+v", back)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{URL: "localhost:8080"},
		{URL: "http://x", Clients: -1},
		{URL: "http://x", Duration: -time.Second},
		{URL: "http://x", ListShare: 1.5},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("Run(%+v) accepted", cfg)
		}
	}
	got, err := Config{URL: "http://x"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if got.Clients != 32 || got.Duration != 10*time.Second || got.ListShare != 0.2 || got.RequestTimeout != DefaultRequestTimeout {
		t.Errorf("defaults = %+v", got)
	}
}

func TestFlags(t *testing.T) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := Flags(fs)
	if cfg.Clients != 32 || cfg.Duration != 10*time.Second || cfg.ListShare != 0.2 || cfg.Out == nil {
		t.Errorf("defaults = %+v", cfg)
	}
	err := fs.Parse([]string{"--url", "http://h:1", "--token", "t", "--clients", "8", "--duration", "1m",
		"--list-share", "0.5", "--org", "7", "--json", "--timeout", "3s"})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{URL: "http://h:1", Token: "t", Clients: 8, Duration: time.Minute, ListShare: 0.5,
		OrganizationID: 7, RequestTimeout: 3 * time.Second, JSON: true}
	cfg.Out = nil
	if *cfg != want {
		t.Errorf("config = %+v\nwant     %+v", *cfg, want)
	}

	// An explicit 0 means no lists, not the default.
	fs = flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg = Flags(fs)
	if err := fs.Parse([]string{"--url", "http://h", "--list-share", "0"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := cfg.withDefaults(); d.ListShare != 0 {
		t.Errorf("list share = %v", d.ListShare)
	}
	if err := fs.Parse([]string{"--list-share", "2"}); err == nil {
		t.Error("--list-share 2 accepted")
	}
}

func TestRandomRequest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cats := map[string]int{}
	titles := map[string]bool{}
	for range 500 {
		r := randomRequest(rng)
		cats[r.Category]++
		titles[r.Title] = true
		if r.Title == "" || len(r.Description) < 20 || r.Product != "mail" || r.Impact == nil ||
			r.ContactMethod != "email" || r.PreferredLanguage != "en" {
			t.Fatalf("request = %+v", r)
		}
		switch r.Impact.UsersAffected {
		case "one", "several", "many":
		default:
			t.Fatalf("users affected %q", r.Impact.UsersAffected)
		}
	}
	if len(cats) != 3 || cats[client.CategoryTechnical] < cats[client.CategoryBilling] {
		t.Errorf("categories = %v", cats)
	}
	if len(titles) < 50 {
		t.Errorf("only %d distinct titles", len(titles))
	}
}
