package desk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the provider's agents as the console shows them: their
// load and shift, the supervisor's dashboard, and the console's live stream.

// AgentStatus is a provider engineer as the supervisor sees them.
type AgentStatus struct {
	User    *casedesk.User
	Load    int
	OnShift bool
}

// SupervisorView is the supervisor's dashboard.
type SupervisorView struct {
	Counts    []store.QueueCount
	Triage    int
	Breached  int
	AtRisk    int
	Breaching []QueueEntry // due within the next hour
	Agents    []AgentStatus
	// Outcomes counts the last 30 days' requests resolved as out of scope,
	// by "out_of_scope/<reason>".
	Outcomes map[string]int
}

// Supervisor returns counts by queue and severity, the requests that breach
// within the next hour, and the agents with their load and whether they are
// on shift now (supervisors).
func (d *Desk) Supervisor(ctx context.Context, a *casedesk.Actor) (*SupervisorView, error) {
	if err := needSupervisor(a); err != nil {
		return nil, err
	}
	now := d.now()
	v := &SupervisorView{}
	var err error
	if v.Counts, err = d.db.ActiveCounts(ctx, store.AllOrgs); err != nil {
		return nil, err
	}
	for _, c := range v.Counts {
		if c.Status == casedesk.StatusNew && c.Severity == "" {
			v.Triage += c.N
		}
	}
	if v.Breached, v.AtRisk, err = d.db.ClockCounts(ctx, store.AllOrgs, now); err != nil {
		return nil, err
	}
	items, err := d.db.DueBetween(ctx, store.AllOrgs, now, now.Add(time.Hour), 100)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		e := QueueEntry{QueueItem: it, State: "running", Left: it.DueAt.Sub(now).Truncate(time.Second).String()}
		if it.WarnAt != nil && !it.WarnAt.After(now) {
			e.State = "at_risk"
		}
		v.Breaching = append(v.Breaching, e)
	}
	if v.Agents, err = d.agents(ctx, now); err != nil {
		return nil, err
	}
	if v.Outcomes, err = d.db.OutcomeCounts(ctx, store.AllOrgs, now.Add(-30*24*time.Hour)); err != nil {
		return nil, err
	}
	return v, nil
}

// Agents lists the agents and supervisors with their open load and shift,
// for assignment (staff who work requests).
func (d *Desk) Agents(ctx context.Context, a *casedesk.Actor) ([]AgentStatus, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	return d.agents(ctx, d.now())
}

func (d *Desk) agents(ctx context.Context, now time.Time) ([]AgentStatus, error) {
	loads, err := d.db.AgentLoads(ctx, store.AllOrgs)
	if err != nil {
		return nil, err
	}
	out := make([]AgentStatus, 0, len(loads))
	for id, n := range loads {
		u, err := d.db.User(ctx, store.AllOrgs, id)
		if err != nil {
			return nil, err
		}
		on, err := d.onShift(ctx, &d.db.Queries, u, now)
		if err != nil {
			return nil, err
		}
		out = append(out, AgentStatus{User: u, Load: n, OnShift: on})
	}
	slices.SortFunc(out, func(x, y AgentStatus) int { return strings.Compare(x.User.Name, y.User.Name) })
	return out, nil
}

// ConsoleEventFilter is EventFilter for the agent console's live stream:
// only staff who work requests may open it.
func (d *Desk) ConsoleEventFilter(a *casedesk.Actor) (func(casedesk.Event) bool, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	return d.EventFilter(a)
}
