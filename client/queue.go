package client

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Queue views.
const (
	QueueUnassigned = "unassigned" // the default
	QueueMine       = "mine"
	QueueTriage     = "triage"
	QueueAtRisk     = "at_risk"
	QueueBreached   = "breached"
	QueueAll        = "all"
	QueueTier2      = "tier2"
)

// QueueEntry is a request in an agent queue with its SLA standing.
type QueueEntry struct {
	Request
	OrganizationName string     `json:"organization_name,omitempty"`
	PlanFamily       string     `json:"plan_family,omitempty"`
	DueAt            *time.Time `json:"due_at"`
	WarnAt           *time.Time `json:"warn_at"`
	SLAState         string     `json:"sla_state"` // breached, at_risk, running, no_target or triage
	TimeLeft         string     `json:"time_left,omitempty"`
}

// QueueOptions chooses a queue. Zero fields are not sent.
type QueueOptions struct {
	View     string // one of the Queue* views; "" is unassigned
	Category string
	Limit    int // 1–200; 0 lets the server choose (50)
}

// Queue returns an agent queue ordered by SLA due time (agents and
// supervisors).
func (c *Client) Queue(ctx context.Context, opts QueueOptions) ([]QueueEntry, error) {
	q := url.Values{}
	if opts.View != "" {
		q.Set("view", opts.View)
	}
	if opts.Category != "" {
		q.Set("category", opts.Category)
	}
	if opts.Limit != 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	return list[QueueEntry](ctx, c, APIPrefix+"/queue", q)
}
