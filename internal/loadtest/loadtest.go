// Package loadtest is the engine of "casedesk loadtest": a closed-loop load
// generator that keeps a fixed number of clients busy creating requests and
// listing the queue for a given duration, then reports throughput, latency
// percentiles and errors.
package loadtest

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casedesk/casedesk/client"
)

// Operation kinds.
const (
	OpCreate = "create" // POST /api/v1/requests
	OpList   = "list"   // GET /api/v1/requests?status=active&limit=50
)

// Defaults applied by Run to zero Config fields.
const (
	DefaultClients        = 32
	DefaultDuration       = 10 * time.Second
	DefaultListShare      = 0.2
	DefaultRequestTimeout = 30 * time.Second
)

// Error keys used in the error counts besides HTTP status codes.
const (
	ErrTimeout = "timeout" // the request exceeded Config.RequestTimeout
	ErrNetwork = "network" // any other transport error
)

// listPath is the queue listing the clients poll.
const listPath = client.APIPrefix + "/requests?status=active&limit=50"

// Config configures a run.
type Config struct {
	URL   string // server root, e.g. http://localhost:8080
	Token string // bearer token
	// Clients is the number of concurrent closed-loop clients (default 32).
	Clients int
	// Duration is how long new operations are started (default 10s);
	// operations in flight at the end are completed and counted.
	Duration time.Duration
	// ListShare is the share of operations that list the queue, the rest
	// create requests. 0 means the default 0.2; a negative value means
	// creates only.
	ListShare float64
	// OrganizationID is sent on creates when non-zero.
	OrganizationID int64
	// RequestTimeout bounds each HTTP request (default 30s).
	RequestTimeout time.Duration
	// Out, when non-nil, receives a start line and the final report.
	Out io.Writer
	// JSON makes Run write the report to Out as JSON instead of a table.
	JSON bool
}

// Flags registers the loadtest flags on fs and returns the Config they
// fill in: --url, --token (default $CASEDESK_TOKEN), --clients, --duration,
// --list-share, --org, --timeout and --json. Out defaults to os.Stdout.
func Flags(fs *flag.FlagSet) *Config {
	cfg := &Config{
		Clients:        DefaultClients,
		Duration:       DefaultDuration,
		ListShare:      DefaultListShare,
		RequestTimeout: DefaultRequestTimeout,
		Out:            os.Stdout,
	}
	fs.StringVar(&cfg.URL, "url", "", "base `URL` of the casedesk server, e.g. http://localhost:8080")
	fs.StringVar(&cfg.Token, "token", os.Getenv("CASEDESK_TOKEN"), "bearer `token` (default $CASEDESK_TOKEN)")
	fs.IntVar(&cfg.Clients, "clients", cfg.Clients, "number of concurrent clients")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long to generate load")
	fs.Var((*shareFlag)(&cfg.ListShare), "list-share", "share of operations that list the queue, 0..1")
	fs.Int64Var(&cfg.OrganizationID, "org", 0, "organization `id` sent on creates (required for agents and partners)")
	fs.DurationVar(&cfg.RequestTimeout, "timeout", cfg.RequestTimeout, "timeout of each HTTP request")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON")
	return cfg
}

// shareFlag stores an explicit 0 as a negative value so that it survives
// Config's "0 means default".
type shareFlag float64

func (s *shareFlag) String() string {
	if s == nil {
		return ""
	}
	v := float64(*s)
	if v < 0 {
		v = 0
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (s *shareFlag) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		return errors.New("must be a number between 0 and 1")
	}
	if f == 0 {
		f = -1
	}
	*s = shareFlag(f)
	return nil
}

func (cfg Config) withDefaults() (Config, error) {
	if cfg.URL == "" {
		return cfg, errors.New("loadtest: no server URL")
	}
	if !strings.HasPrefix(cfg.URL, "http://") && !strings.HasPrefix(cfg.URL, "https://") {
		return cfg, fmt.Errorf("loadtest: URL %q is not http or https", cfg.URL)
	}
	if cfg.Clients == 0 {
		cfg.Clients = DefaultClients
	}
	if cfg.Clients < 0 {
		return cfg, fmt.Errorf("loadtest: %d clients", cfg.Clients)
	}
	if cfg.Duration == 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Duration < 0 {
		return cfg, fmt.Errorf("loadtest: negative duration %v", cfg.Duration)
	}
	switch {
	case cfg.ListShare == 0:
		cfg.ListShare = DefaultListShare
	case cfg.ListShare < 0:
		cfg.ListShare = 0
	case cfg.ListShare > 1:
		return cfg, fmt.Errorf("loadtest: list share %v is above 1", cfg.ListShare)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	return cfg, nil
}

// Run generates load as configured until the duration is over or ctx is
// canceled, whichever comes first. Operations in flight when the duration
// ends are completed (bounded by the request timeout) and counted; those
// aborted by ctx are not, and the report is then marked Interrupted. Run
// returns an error only for an invalid configuration or when writing to Out
// fails.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Report{}, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = cfg.Clients
	tr.MaxIdleConnsPerHost = cfg.Clients
	tr.MaxConnsPerHost = cfg.Clients
	// HTTP/1.1 only, so that the clients use one keep-alive connection each
	// instead of multiplexing over a single HTTP/2 connection.
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP1(true)
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: cfg.RequestTimeout}
	cl := client.New(cfg.URL, client.WithHTTPClient(hc), client.WithToken(cfg.Token))

	if cfg.Out != nil && !cfg.JSON {
		fmt.Fprintf(cfg.Out, "loadtest: %d clients for %v against %s (%.0f%% lists)\n",
			cfg.Clients, cfg.Duration, cfg.URL, cfg.ListShare*100)
	}
	rep := run(ctx, cfg, httpOps(cl, cfg))
	if cfg.Out != nil {
		if cfg.JSON {
			err = rep.WriteJSON(cfg.Out)
		} else {
			err = rep.Print(cfg.Out)
		}
	}
	return rep, err
}

// opFunc performs one operation of the given kind for worker w (seq counts
// the worker's operations).
type opFunc func(ctx context.Context, kind string, w, seq int, rng *rand.Rand) error

func httpOps(cl *client.Client, cfg Config) opFunc {
	runID := newRunID()
	return func(ctx context.Context, kind string, w, seq int, rng *rand.Rand) error {
		if kind == OpList {
			return cl.Do(ctx, http.MethodGet, listPath, nil, nil)
		}
		req := randomRequest(rng)
		req.OrganizationID = cfg.OrganizationID
		key := fmt.Sprintf("loadtest-%s-%d-%d", runID, w, seq)
		_, err := cl.Exchange(ctx, http.MethodPost, client.APIPrefix+"/requests",
			http.Header{"Idempotency-Key": {key}}, req, nil)
		return err
	}
}

func newRunID() string {
	b := make([]byte, 6)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// workerStats is what one worker measured; workers do not share memory
// while running.
type workerStats struct {
	ops map[string]*opStats
}

type opStats struct {
	samples []time.Duration // latencies of successful operations
	errors  map[string]int64
	first   map[string]string // first error message per key
}

func newWorkerStats() *workerStats {
	return &workerStats{ops: map[string]*opStats{}}
}

func (ws *workerStats) op(kind string) *opStats {
	s := ws.ops[kind]
	if s == nil {
		s = &opStats{errors: map[string]int64{}, first: map[string]string{}}
		ws.ops[kind] = s
	}
	return s
}

func (ws *workerStats) record(kind string, d time.Duration, err error) {
	s := ws.op(kind)
	if err == nil {
		s.samples = append(s.samples, d)
		return
	}
	key := errorKey(err)
	s.errors[key]++
	if _, ok := s.first[key]; !ok {
		s.first[key] = err.Error()
	}
}

// errorKey classifies an error: the HTTP status for a problem response,
// otherwise ErrTimeout or ErrNetwork.
func errorKey(err error) string {
	if st := client.StatusOf(err); st != 0 {
		return strconv.Itoa(st)
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return ErrTimeout
	}
	return ErrNetwork
}

func run(ctx context.Context, cfg Config, op opFunc) Report {
	start := time.Now()
	stop, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()

	stats := make([]*workerStats, cfg.Clients)
	var wg sync.WaitGroup
	for w := range cfg.Clients {
		ws := newWorkerStats()
		stats[w] = ws
		rng := rand.New(rand.NewPCG(uint64(start.UnixNano()), uint64(w)))
		wg.Go(func() {
			for seq := 0; stop.Err() == nil; seq++ {
				kind := OpCreate
				if rng.Float64() < cfg.ListShare {
					kind = OpList
				}
				t0 := time.Now()
				err := op(ctx, kind, w, seq, rng)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					return // aborted by the caller: not a measurement
				}
				ws.record(kind, d, err)
			}
		})
	}
	wg.Wait()
	rep := buildReport(cfg, time.Since(start), stats)
	rep.Interrupted = ctx.Err() != nil
	return rep
}
