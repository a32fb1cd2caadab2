package desk

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// candidate is an agent as routing sees them.
type candidate struct {
	user    *casedesk.User
	load    int
	onShift bool
}

// speaks reports whether the agent works in the language: the same tag or
// the same primary language ("zh" covers "zh-CN").
func speaks(u *casedesk.User, lang string) bool {
	primary := func(s string) string { p, _, _ := strings.Cut(strings.ToLower(s), "-"); return p }
	for _, l := range u.Languages {
		if strings.EqualFold(l, lang) || primary(l) == primary(lang) {
			return true
		}
	}
	return false
}

// covers reports whether the agent takes the request's category (group) or
// product at its tier; an agent without category or product skills takes
// everything of their tier.
func covers(u *casedesk.User, r *casedesk.Request, tier int) bool {
	if u.Tier() != tier {
		return false
	}
	n := len(u.Skills)
	if slices.Contains(u.Skills, casedesk.SkillTier2) {
		n--
	}
	return n == 0 || slices.Contains(u.Skills, string(r.Category)) || (r.Product != "" && slices.Contains(u.Skills, r.Product))
}

// route picks the agent for a request at a tier: among agents of the tier
// who cover it and are on shift, one who speaks its language with the least
// open load; if nobody on shift speaks it, the least-loaded on shift,
// flagged as needing a translator. If nobody is on shift, a request that
// must be answered around the clock (alwaysOn) still goes to the
// least-loaded agent who covers it; otherwise it stays unassigned until
// someone's shift begins.
func route(cands []candidate, r *casedesk.Request, tier int, alwaysOn bool) (pick *casedesk.User, translator bool) {
	best := func(ok func(c candidate) bool) *casedesk.User {
		var pool []candidate
		for _, c := range cands {
			if covers(c.user, r, tier) && ok(c) {
				pool = append(pool, c)
			}
		}
		if len(pool) == 0 {
			return nil
		}
		sort.SliceStable(pool, func(i, j int) bool {
			if pool[i].load != pool[j].load {
				return pool[i].load < pool[j].load
			}
			return pool[i].user.ID < pool[j].user.ID
		})
		return pool[0].user
	}
	if u := best(func(c candidate) bool { return c.onShift && speaks(c.user, r.Language) }); u != nil {
		return u, false
	}
	if u := best(func(c candidate) bool { return c.onShift }); u != nil {
		return u, true
	}
	if alwaysOn {
		if u := best(func(c candidate) bool { return speaks(c.user, r.Language) }); u != nil {
			return u, false
		}
		if u := best(func(candidate) bool { return true }); u != nil {
			return u, true
		}
	}
	return nil, false
}

// onShift reports whether an agent works now: by the calendar of their first
// region (their working hours and holidays), or always when they list none.
func (d *Desk) onShift(ctx context.Context, q *store.Queries, u *casedesk.User, now time.Time) (bool, error) {
	if len(u.Regions) == 0 {
		return true, nil
	}
	row, err := q.CalendarForRegion(ctx, strings.ToUpper(u.Regions[0]))
	if err != nil {
		return false, err
	}
	cal, err := d.parsedCalendar(row)
	if err != nil {
		return false, err
	}
	return cal.IsBusinessMinute(now), nil
}

// autoAssign routes a just-triaged, unassigned request within its tier and
// group, inside its transaction, and records the assignment (and a
// translator flag) in the history. When nobody fits and rerouted is set (an
// escalation or a transfer, where someone is waiting for the hand-over), it
// records instead that the request waits unassigned in its pool: the
// console's tier-2 pool or the group's unassigned queue.
func (d *Desk) autoAssign(ctx context.Context, tx *store.Tx, r *casedesk.Request, actor *int64, rerouted bool) error {
	if r.AssigneeID != nil || r.Severity == "" || !r.Status.Active() {
		return nil
	}
	tier, err := tx.Tier(ctx, scopeOf(r), r.ID)
	if err != nil {
		return err
	}
	loads, err := tx.AgentLoads(ctx, store.AllOrgs) // an agent's load counts every organization's requests
	if err != nil {
		return err
	}
	now := d.now()
	var cands []candidate
	for id, load := range loads {
		u, err := tx.User(ctx, store.AllOrgs, id)
		if err != nil {
			return err
		}
		on, err := d.onShift(ctx, &tx.Queries, u, now)
		if err != nil {
			return err
		}
		cands = append(cands, candidate{user: u, load: load, onShift: on})
	}
	alwaysOn := false
	if clocks, err := tx.Clocks(ctx, scopeOf(r), r.ID); err == nil {
		for _, c := range clocks {
			alwaysOn = alwaysOn || (c.StoppedAt == nil && c.Coverage == casedesk.Coverage24x7 && r.Severity == casedesk.SeverityA)
		}
	}
	u, translator := route(cands, r, tier, alwaysOn)
	if u == nil {
		if !rerouted {
			return nil
		}
		return tx.CreateEvent(ctx, scopeOf(r), &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: actor, Kind: casedesk.EventUnrouted,
			Field: casedesk.TierField(tier), New: string(r.Category), Internal: true, At: now})
	}
	r.AssigneeID = &u.ID
	r.UpdatedAt = now
	if err := tx.UpdateRequest(ctx, store.AllOrgs, r); err != nil {
		return err
	}
	e := &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: actor, Kind: casedesk.EventAssigneeChanged, Field: casedesk.AssigneeField(""),
		New: idString(r.AssigneeID), Internal: true, At: now}
	if translator {
		e.Field = casedesk.AssigneeField(r.Language)
	}
	return tx.CreateEvent(ctx, scopeOf(r), e)
}

// Assign sets a request's assignee (0 unassigns). Agents may take an
// unassigned request themselves; giving a request to someone else or taking
// it from them is a supervisor's reassignment.
func (d *Desk) Assign(ctx context.Context, a *casedesk.Actor, number string, assignee int64) (*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	if !a.IsSupervisor() {
		r, err := d.Request(ctx, a, number)
		if err != nil {
			return nil, err
		}
		if assignee != a.User.ID || (r.AssigneeID != nil && *r.AssigneeID != a.User.ID) {
			return nil, &casedesk.Error{Code: casedesk.EFORBIDDEN, Field: "assignee_id",
				Message: "agents take unassigned requests themselves; only supervisors reassign"}
		}
	}
	return d.UpdateRequest(ctx, a, number, RequestPatch{AssigneeID: &assignee})
}

// The keep rule: an agent working a request keeps it. An agent (not a
// supervisor, whose triage dispatches, nor an operator) who triages,
// answers or logs a call on an unassigned request becomes its assignee,
// and routing never takes an assigned request from anyone: it only
// dispatches unassigned ones (autoAssign). A request leaves its agent only
// when they or a supervisor hand it on (Assign, Transfer, Escalate).

// keepsWork reports whether the actor's work on a request makes it theirs.
func keepsWork(a *casedesk.Actor) bool {
	return a.IsStaff() && a.User.Role == casedesk.RoleAgent
}

// keepWork makes the acting agent the assignee of an unassigned active
// request they triaged, answered or logged a call on, recording it in the
// history, inside the work's transaction. It reports whether it did.
func (d *Desk) keepWork(ctx context.Context, tx *store.Tx, a *casedesk.Actor, r *casedesk.Request, now time.Time) (bool, error) {
	if !keepsWork(a) || r.AssigneeID != nil || !r.Status.Active() {
		return false, nil
	}
	r.AssigneeID = &a.User.ID
	r.UpdatedAt = now
	if err := tx.UpdateRequest(ctx, scopeOf(r), r); err != nil {
		return false, err
	}
	return true, tx.CreateEvent(ctx, scopeOf(r), &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
		Kind: casedesk.EventAssigneeChanged, Field: casedesk.AssigneeField(""), New: idString(r.AssigneeID), Internal: true, At: now})
}
