package desk

import (
	"sync"

	"github.com/casedesk/casedesk"
)

// Counts are what this instance has done since it started, for monitoring:
// requests opened and SLA alerts recorded. Each is counted once its
// transaction has committed, by the instance that committed it, so the sum
// over instances is the whole (a monitoring system sums them; their
// counters restart at zero with the process, as Prometheus counters do).
type Counts struct {
	Opened    map[OpenedKey]uint64
	SLAAlerts map[AlertKey]uint64
}

// OpenedKey labels the requests opened.
type OpenedKey struct {
	Channel  casedesk.Channel
	Category casedesk.Category
}

// AlertKey labels the SLA alerts recorded: a warning (casedesk.EventSLAWarn)
// or a breach (casedesk.EventSLABreach) of a metric, for a plan family and
// severity.
type AlertKey struct {
	Kind     casedesk.EventKind
	Metric   casedesk.Metric
	Family   casedesk.Family
	Severity casedesk.Severity
}

type counts struct {
	mu     sync.Mutex
	opened map[OpenedKey]uint64
	alerts map[AlertKey]uint64
}

func (c *counts) add(k any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch k := k.(type) {
	case OpenedKey:
		if c.opened == nil {
			c.opened = map[OpenedKey]uint64{}
		}
		c.opened[k]++
	case AlertKey:
		if c.alerts == nil {
			c.alerts = map[AlertKey]uint64{}
		}
		c.alerts[k]++
	}
}

// Counts returns a copy of the instance's counters.
func (d *Desk) Counts() Counts {
	d.counts.mu.Lock()
	defer d.counts.mu.Unlock()
	out := Counts{Opened: make(map[OpenedKey]uint64, len(d.counts.opened)), SLAAlerts: make(map[AlertKey]uint64, len(d.counts.alerts))}
	for k, v := range d.counts.opened {
		out.Opened[k] = v
	}
	for k, v := range d.counts.alerts {
		out.SLAAlerts[k] = v
	}
	return out
}
