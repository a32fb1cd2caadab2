package desk

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the verbs of the agent console beyond the API's: the
// elevated-support severity rule, assignment by supervisors, transfer
// between groups, the callback queue, the organization panel and the
// supervisor's view. All are for the provider's staff (authz.go).

// checkSeverityReason enforces SPEC's rule for organizations with elevated
// support: the severity the customer chose stands, and the provider's staff
// may change it only with a reason, which is recorded in the history.
func (c *changes) checkSeverityReason(ctx context.Context, tx *store.Tx, reason string) error {
	r := c.r
	if r.Severity == "" {
		return nil
	}
	subs, err := tx.Subscriptions(ctx, store.OrgScope(r.OrgID))
	if err != nil {
		return err
	}
	if f, _ := casedesk.SupportFamily(subs); f != casedesk.FamilyElevated {
		return nil
	}
	setter, changed, err := tx.LastSeverityActor(ctx, store.OrgScope(r.OrgID), r.ID)
	if err != nil {
		return err
	}
	if !changed {
		setter = r.OpenedByID // chosen when the request was opened
	}
	u, err := tx.User(ctx, store.AllOrgs, setter)
	if err != nil || u.Role.IsStaff() {
		return nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return casedesk.Invalid("reason", "this organization has elevated support and chose severity %s itself; give a reason to change it", r.Severity)
	}
	if err := casedesk.CheckText("reason", reason, 1, 500); err != nil {
		return err
	}
	c.note(casedesk.EventSeverityReason, "severity", string(r.Severity), reason)
	return nil
}

func needSupervisor(a *casedesk.Actor) error {
	if err := needStaff(a); err != nil {
		return err
	}
	if !a.IsSupervisor() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only supervisors may do this")
	}
	return nil
}

// needAgent admits the staff who work requests: agents and supervisors.
func needAgent(a *casedesk.Actor) error {
	if err := needStaff(a); err != nil {
		return err
	}
	_, err := requestScope(a)
	return err
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

// Transfer moves a request to another group (category) with a note for the
// group that takes it: the note is internal, the request is unassigned and
// routed again within the new group at its tier; if nobody there is on
// shift, the history says it waits in the group's pool.
func (d *Desk) Transfer(ctx context.Context, a *casedesk.Actor, number string, to casedesk.Category, note string) (*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	if !to.Valid() {
		return nil, casedesk.Invalid("category", "category must be one of presales, billing or technical")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, casedesk.Invalid("note", "say in a note what the group taking it over needs to know")
	}
	if err := casedesk.CheckText("note", note, 1, 5000); err != nil {
		return nil, err
	}
	return d.workActive(ctx, number, "transferred", func(tx *store.Tx, r *casedesk.Request) error {
		if r.Category == to {
			return casedesk.Invalid("category", "request %s is already with %s", r.Number, to)
		}
		now := d.now()
		ch, err := d.staffNote(ctx, tx, a, r, note, now)
		if err != nil {
			return err
		}
		ch.note(casedesk.EventTransferred, "category", string(r.Category), string(to))
		r.Category = to
		if r.AssigneeID != nil {
			ch.note(casedesk.EventAssigneeChanged, "assignee_id", idString(r.AssigneeID), "")
			ch.events[len(ch.events)-1].Internal = true
			r.AssigneeID = nil
		}
		r.UpdatedAt = now
		if err := tx.UpdateRequest(ctx, staffScope, r); err != nil {
			return err
		}
		if err := ch.record(ctx, tx); err != nil {
			return err
		}
		if d.policy.AutoAssign {
			return d.autoAssign(ctx, tx, r, &a.User.ID, true)
		}
		return nil
	})
}

// PendingCallbacks lists the callback requests not yet placed, oldest
// first (staff who work requests).
func (d *Desk) PendingCallbacks(ctx context.Context, a *casedesk.Actor, limit int) ([]*store.PendingCallback, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	return d.db.PendingCallbacks(ctx, store.AllOrgs, limit)
}

// CallbackDone records that a callback of a request was placed.
func (d *Desk) CallbackDone(ctx context.Context, a *casedesk.Actor, number string, id int64) error {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return err
	}
	if err := needAgent(a); err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error {
		now := d.now()
		scope := store.OrgScope(r.OrgID) // r was found in the actor's scope
		if err := tx.MarkCallbackDone(ctx, scope, id, now); err != nil {
			return err
		}
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventCallbackDone, New: strconv.FormatInt(id, 10), Internal: true, At: now})
	})
}

// OrgPanel is what an agent sees of a customer organization.
type OrgPanel struct {
	Org           *casedesk.Organization
	Subscriptions []casedesk.Subscription
	Family        casedesk.Family
	Elevated      bool
	Admins        []*casedesk.User
	Open          []*casedesk.Request
	Surveys       []*store.OrgSurvey
	TAM           *casedesk.User // technical account manager, nil for none
}

// OrganizationPanel returns a customer organization's plans, support
// family, admins, active requests and past survey answers (staff who work
// requests).
func (d *Desk) OrganizationPanel(ctx context.Context, a *casedesk.Actor, org int64) (*OrgPanel, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	scope := store.OrgScope(org) // the staff see every organization; the panel shows this one
	o, err := d.db.Organization(ctx, scope, org)
	if err != nil {
		return nil, err
	}
	p := &OrgPanel{Org: o}
	if p.Subscriptions, err = d.db.Subscriptions(ctx, scope); err != nil {
		return nil, err
	}
	p.Family, _ = casedesk.SupportFamily(p.Subscriptions)
	p.Elevated = p.Family == casedesk.FamilyElevated
	if p.Admins, err = d.db.Users(ctx, scope, store.UserFilter{Admins: true, Limit: 100}); err != nil {
		return nil, err
	}
	if p.Open, err = d.db.Requests(ctx, scope, store.RequestFilter{Active: true, Limit: 100}); err != nil {
		return nil, err
	}
	if p.Surveys, err = d.db.OrgSurveys(ctx, scope, 20); err != nil {
		return nil, err
	}
	if tam, err := d.db.TAM(ctx, scope, org); err != nil {
		return nil, err
	} else if tam != 0 {
		if p.TAM, err = d.db.User(ctx, store.AllOrgs, tam); err != nil {
			return nil, err
		}
	}
	return p, nil
}

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

// SetTAM makes an agent or supervisor the technical account manager of a
// customer organization (supervisors); 0 removes it. The account manager
// follows the organization's requests in the console's "accounts" queue.
func (d *Desk) SetTAM(ctx context.Context, a *casedesk.Actor, org, user int64) error {
	if err := needSupervisor(a); err != nil {
		return err
	}
	o, err := d.db.Organization(ctx, store.AllOrgs, org)
	if err != nil {
		return err
	}
	if o.Kind != casedesk.OrgCustomer {
		return casedesk.Invalid("organization_id", "account managers are for customer organizations")
	}
	if user != 0 {
		u, err := d.db.User(ctx, store.AllOrgs, user)
		if err != nil || !u.Active || (u.Role != casedesk.RoleAgent && u.Role != casedesk.RoleSupervisor) {
			return casedesk.Invalid("tam_id", "the account manager must be an active agent or supervisor")
		}
	}
	return d.write(ctx, func(tx *store.Tx) error { return tx.SetTAM(ctx, store.AllOrgs, org, user, d.now()) })
}

// AccountRequests lists the active requests of the organizations the actor
// is technical account manager of, newest first (staff who work requests).
func (d *Desk) AccountRequests(ctx context.Context, a *casedesk.Actor, limit int) ([]*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	orgs, err := d.db.TAMOrgs(ctx, store.AllOrgs, a.User.ID)
	if err != nil || len(orgs) == 0 {
		return nil, err
	}
	return d.db.Requests(ctx, store.OrgsScope(orgs), store.RequestFilter{Active: true, Limit: limit})
}
