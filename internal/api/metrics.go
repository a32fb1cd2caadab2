package api

import (
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
)

// deskCollector exposes desk's counters (desk.Counts) at scrape time, so
// desk itself knows nothing of Prometheus.
type deskCollector struct {
	d      *desk.Desk
	opened *prometheus.Desc
	alerts *prometheus.Desc
}

func newDeskCollector(d *desk.Desk) *deskCollector {
	return &deskCollector{d: d,
		opened: prometheus.NewDesc("casedesk_requests_opened_total",
			"Service requests opened on this instance, by channel and category.", []string{"channel", "category"}, nil),
		alerts: prometheus.NewDesc("casedesk_sla_alerts_total",
			"SLA warnings and breaches recorded on this instance, by kind (warning, breach), metric, plan family and severity.",
			[]string{"kind", "metric", "family", "severity"}, nil),
	}
}

func (c *deskCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.opened; ch <- c.alerts }

func (c *deskCollector) Collect(ch chan<- prometheus.Metric) {
	counts := c.d.Counts()
	for k, n := range counts.Opened {
		ch <- prometheus.MustNewConstMetric(c.opened, prometheus.CounterValue, float64(n), string(k.Channel), string(k.Category))
	}
	for k, n := range counts.SLAAlerts {
		kind := "warning"
		if k.Kind == casedesk.EventSLABreach {
			kind = "breach"
		}
		ch <- prometheus.MustNewConstMetric(c.alerts, prometheus.CounterValue, float64(n), kind, string(k.Metric), string(k.Family), string(k.Severity))
	}
}

// buildInfo is casedesk_build_info: 1, labelled with the version, the VCS
// revision and the Go version the binary was built with.
func buildInfo() prometheus.Collector {
	version, revision, goVersion := "unknown", "unknown", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "casedesk_build_info",
		Help:        "Always 1; the labels say which build of casedesk this is.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion}})
	g.Set(1)
	return g
}

// ObservePage records one answered portal or console page request in the
// same HTTP metrics as the API's, under its route pattern: for the web
// surface's Options.Observe.
func (s *Server) ObservePage(method, route string, status int, elapsed time.Duration) {
	s.reqs.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	s.latency.WithLabelValues(method, route).Observe(elapsed.Seconds())
}
