package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Report is the outcome of a run. It marshals to JSON with durations in
// seconds (run) and milliseconds (latencies).
type Report struct {
	URL         string
	Clients     int
	Duration    time.Duration // configured duration
	Elapsed     time.Duration // wall time until the last operation finished
	ListShare   float64
	Interrupted bool // ctx was canceled before the duration was over

	TotalOps  int64   // completed operations, failed ones included
	Errors    int64   // failed operations
	OpsPerSec float64 // TotalOps / Elapsed

	Ops []OpReport // one per kind: create, then list

	// ErrorsByStatus counts failures over all kinds by HTTP status code
	// ("404", "500", …) or ErrTimeout / ErrNetwork.
	ErrorsByStatus map[string]int64
	// FirstErrors holds the first error message seen for each key of
	// ErrorsByStatus, to tell what went wrong.
	FirstErrors map[string]string
}

// OpReport is the part of a Report about one kind of operation.
type OpReport struct {
	Kind           string           `json:"kind"`
	Count          int64            `json:"count"` // completed, failed included
	Errors         int64            `json:"errors"`
	OpsPerSec      float64          `json:"ops_per_sec"`
	Latency        Latency          `json:"latency"` // of the successful operations
	ErrorsByStatus map[string]int64 `json:"errors_by_status,omitempty"`
}

// Op returns the report of the given kind, or a zero OpReport.
func (r Report) Op(kind string) OpReport {
	for _, o := range r.Ops {
		if o.Kind == kind {
			return o
		}
	}
	return OpReport{Kind: kind}
}

// Latency summarizes a set of latencies. Percentiles use the nearest-rank
// method, so each is one of the measured samples.
type Latency struct {
	Samples int
	Min     time.Duration
	Mean    time.Duration
	P50     time.Duration
	P90     time.Duration
	P99     time.Duration
	Max     time.Duration
}

// Summarize computes the latency summary of samples, which it sorts in
// place.
func Summarize(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	slices.Sort(samples)
	var sum float64
	for _, d := range samples {
		sum += float64(d)
	}
	return Latency{
		Samples: len(samples),
		Min:     samples[0],
		Mean:    time.Duration(sum / float64(len(samples))),
		P50:     Percentile(samples, 50),
		P90:     Percentile(samples, 90),
		P99:     Percentile(samples, 99),
		Max:     samples[len(samples)-1],
	}
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted samples
// by the nearest-rank method: the smallest sample such that at least p% of
// the samples are less than or equal to it. It returns 0 for no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(n) / 100))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

type latencyJSON struct {
	Samples int     `json:"samples"`
	Min     float64 `json:"min_ms"`
	Mean    float64 `json:"mean_ms"`
	P50     float64 `json:"p50_ms"`
	P90     float64 `json:"p90_ms"`
	P99     float64 `json:"p99_ms"`
	Max     float64 `json:"max_ms"`
}

func ms(d time.Duration) float64       { return math.Round(float64(d)/1e3) / 1e3 } // µs precision
func fromMS(v float64) time.Duration   { return time.Duration(math.Round(v * 1e6)) }
func secs(d time.Duration) float64     { return math.Round(float64(d)/1e6) / 1e3 } // ms precision
func fromSecs(v float64) time.Duration { return time.Duration(math.Round(v * 1e9)) }
func round2(v float64) float64         { return math.Round(v*100) / 100 }
func perSec(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// MarshalJSON writes the latencies in milliseconds.
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(latencyJSON{l.Samples, ms(l.Min), ms(l.Mean), ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (l *Latency) UnmarshalJSON(b []byte) error {
	var j latencyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*l = Latency{j.Samples, fromMS(j.Min), fromMS(j.Mean), fromMS(j.P50), fromMS(j.P90), fromMS(j.P99), fromMS(j.Max)}
	return nil
}

type reportJSON struct {
	URL            string            `json:"url"`
	Clients        int               `json:"clients"`
	Duration       float64           `json:"duration_s"`
	Elapsed        float64           `json:"elapsed_s"`
	ListShare      float64           `json:"list_share"`
	Interrupted    bool              `json:"interrupted,omitempty"`
	TotalOps       int64             `json:"total_ops"`
	Errors         int64             `json:"errors"`
	OpsPerSec      float64           `json:"ops_per_sec"`
	Ops            []OpReport        `json:"ops"`
	ErrorsByStatus map[string]int64  `json:"errors_by_status"`
	FirstErrors    map[string]string `json:"first_errors,omitempty"`
}

// MarshalJSON writes the report with durations in seconds.
func (r Report) MarshalJSON() ([]byte, error) {
	ebs := r.ErrorsByStatus
	if ebs == nil {
		ebs = map[string]int64{}
	}
	return json.Marshal(reportJSON{
		r.URL, r.Clients, secs(r.Duration), secs(r.Elapsed), r.ListShare, r.Interrupted,
		r.TotalOps, r.Errors, r.OpsPerSec, r.Ops, ebs, r.FirstErrors,
	})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Report) UnmarshalJSON(b []byte) error {
	var j reportJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Report{
		URL: j.URL, Clients: j.Clients, Duration: fromSecs(j.Duration), Elapsed: fromSecs(j.Elapsed),
		ListShare: j.ListShare, Interrupted: j.Interrupted, TotalOps: j.TotalOps, Errors: j.Errors,
		OpsPerSec: j.OpsPerSec, Ops: j.Ops, ErrorsByStatus: j.ErrorsByStatus, FirstErrors: j.FirstErrors,
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Print writes the report as a compact table.
func (r Report) Print(w io.Writer) error {
	var b strings.Builder
	state := ""
	if r.Interrupted {
		state = ", interrupted"
	}
	fmt.Fprintf(&b, "%s: %d clients, %v (elapsed %v%s)\n", r.URL, r.Clients, r.Duration, r.Elapsed.Round(time.Millisecond), state)
	const row = "%-7s %8s %7s %9s %8s %8s %8s %8s"
	line := func(cols ...any) { b.WriteString(strings.TrimRight(fmt.Sprintf(row, cols...), " ") + "\n") }
	line("op", "ops", "errors", "ops/s", "p50", "p90", "p99", "max")
	for _, o := range r.Ops {
		l := o.Latency
		line(o.Kind, fmt.Sprint(o.Count), fmt.Sprint(o.Errors), fmt.Sprintf("%.1f", o.OpsPerSec),
			fmtDur(l.P50), fmtDur(l.P90), fmtDur(l.P99), fmtDur(l.Max))
	}
	line("total", fmt.Sprint(r.TotalOps), fmt.Sprint(r.Errors), fmt.Sprintf("%.1f", r.OpsPerSec), "", "", "", "")
	if len(r.ErrorsByStatus) > 0 {
		b.WriteString("errors:")
		for _, k := range slices.Sorted(maps.Keys(r.ErrorsByStatus)) {
			fmt.Fprintf(&b, " %s=%d", k, r.ErrorsByStatus[k])
		}
		b.WriteString("\n")
		for _, k := range slices.Sorted(maps.Keys(r.FirstErrors)) {
			fmt.Fprintf(&b, "  first %s: %s\n", k, r.FirstErrors[k])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtDur prints a latency with three significant digits or "-" for none.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return fmt.Sprintf("%.3gµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.3gms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.3gs", d.Seconds())
	}
}

// buildReport merges the workers' measurements.
func buildReport(cfg Config, elapsed time.Duration, workers []*workerStats) Report {
	r := Report{
		URL: cfg.URL, Clients: cfg.Clients, Duration: cfg.Duration, Elapsed: elapsed, ListShare: cfg.ListShare,
		ErrorsByStatus: map[string]int64{},
	}
	for _, kind := range []string{OpCreate, OpList} {
		var samples []time.Duration
		o := OpReport{Kind: kind}
		for _, ws := range workers {
			s := ws.ops[kind]
			if s == nil {
				continue
			}
			samples = append(samples, s.samples...)
			for k, n := range s.errors {
				if o.ErrorsByStatus == nil {
					o.ErrorsByStatus = map[string]int64{}
				}
				o.ErrorsByStatus[k] += n
				o.Errors += n
				r.ErrorsByStatus[k] += n
			}
			for k, msg := range s.first {
				if _, ok := r.FirstErrors[k]; !ok {
					if r.FirstErrors == nil {
						r.FirstErrors = map[string]string{}
					}
					r.FirstErrors[k] = msg
				}
			}
		}
		o.Latency = Summarize(samples)
		o.Count = int64(len(samples)) + o.Errors
		o.OpsPerSec = round2(perSec(o.Count, elapsed))
		r.TotalOps += o.Count
		r.Errors += o.Errors
		r.Ops = append(r.Ops, o)
	}
	r.OpsPerSec = round2(perSec(r.TotalOps, elapsed))
	return r
}
