package desk

import (
	"slices"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file is the one place that decides who may see and change what. Every
// desk verb asks one of these before it touches tenant data, and passes the
// resulting store.Scope to every tenant-owned query, so an object outside the
// scope is simply not found.

var errAskAdmin = casedesk.Errorf(casedesk.EFORBIDDEN,
	"Only your organization's administrators can open and view service requests. Ask one of your admins (global, billing or service support admin) to open it for you, or try self-service help.").Because("ask_admin")

func errUnauthenticated() error {
	return casedesk.Errorf(casedesk.EUNAUTHORIZED, "sign in first: send Authorization: Bearer <token>")
}

// requestScope returns the organizations whose service requests a may open,
// list, read and reply to.
func requestScope(a *casedesk.Actor) (store.Scope, error) {
	switch {
	case a.Anonymous():
		return store.Scope{}, errUnauthenticated()
	case a.OrgKind == casedesk.OrgProvider:
		if a.User.Role == casedesk.RoleAgent || a.User.Role == casedesk.RoleSupervisor {
			return store.AllOrgs, nil
		}
		return store.Scope{}, casedesk.Errorf(casedesk.EFORBIDDEN, "operators administer the system and do not work service requests; sign in as an agent or supervisor").Because("operator")
	case a.OrgKind == casedesk.OrgCustomer:
		if a.User.Role.IsCustomerAdmin() {
			return store.OrgScope(a.User.OrgID), nil
		}
		return store.Scope{}, errAskAdmin
	case a.OrgKind == casedesk.OrgPartner:
		if worksDelegated(a) {
			return store.OrgsScope(a.Delegated), nil
		}
		return store.Scope{}, casedesk.Errorf(casedesk.EFORBIDDEN, "only your partner organization's admins work customers' requests; ask one of them").Because("partner_admin")
	}
	return store.Scope{}, casedesk.Errorf(casedesk.EFORBIDDEN, "not allowed")
}

// inScope reports whether org lies in s.
func inScope(s store.Scope, org int64) bool { return s.Has(org) }

// orgView is what a may do with an organization's own records (profile,
// users, subscriptions, partner grants).
type orgView int

const (
	orgNone   orgView = iota // not visible: answer not found
	orgRead                  // may read
	orgManage                // may change users, partners
)

// orgAccess tells how far a may see and manage organization org.
func orgAccess(a *casedesk.Actor, org int64) orgView {
	if a.Anonymous() {
		return orgNone
	}
	if a.IsStaff() {
		if a.IsOperator() {
			return orgManage
		}
		return orgRead
	}
	if a.User.OrgID == org {
		switch {
		case a.User.Role == casedesk.RoleGlobalAdmin || a.User.Role == casedesk.RolePartnerAdmin:
			return orgManage
		case a.User.Role.IsCustomerAdmin():
			return orgRead
		default:
			return orgRead // a plain user sees their own organization's profile and admins
		}
	}
	if worksDelegated(a) && slices.Contains(a.Delegated, org) {
		return orgRead
	}
	return orgNone
}

func needOrg(a *casedesk.Actor, org int64, want orgView) error {
	if a.Anonymous() {
		return errUnauthenticated()
	}
	got := orgAccess(a, org)
	if got == orgNone {
		return casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", org)
	}
	if got < want {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "you may view this organization but not change it; ask its global admin").Because("view_only")
	}
	return nil
}

func needStaff(a *casedesk.Actor) error {
	if a.Anonymous() {
		return errUnauthenticated()
	}
	if !a.IsStaff() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only the provider's staff may do this").Because("staff")
	}
	return nil
}

func needOperator(a *casedesk.Actor) error {
	if err := needStaff(a); err != nil {
		return err
	}
	if !a.IsOperator() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only operators may do this").Because("operator_only")
	}
	return nil
}

// onBehalfOf returns the organization a acts for another with when touching
// a request of org: the partner's or provider's own organization, or nil
// when a customer admin acts for their own.
func onBehalfOf(a *casedesk.Actor, org int64) *int64 {
	if a.Anonymous() || a.User.OrgID == org {
		return nil
	}
	id := a.User.OrgID
	return &id
}

// inboxOf returns the user whose notifications a may read and mark: their
// own, for the staff who work requests (the only people notified). Nobody
// reads another's inbox, supervisors included.
func inboxOf(a *casedesk.Actor) (int64, error) {
	if err := needAgent(a); err != nil {
		return 0, err
	}
	return a.User.ID, nil
}

// scopeOf is the scope of the writes and reads that follow on a request
// already found in the actor's scope: its own organization, the narrowest
// scope that still finds it.
func scopeOf(r *casedesk.Request) store.Scope { return store.OrgScope(r.OrgID) }

// needSupervisor admits supervisors: reassigning, account managers, canned
// responses, the supervisor's view.
func needSupervisor(a *casedesk.Actor) error {
	if err := needStaff(a); err != nil {
		return err
	}
	if !a.IsSupervisor() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only supervisors may do this").Because("supervisor")
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

// staffOnly refuses a change of a request's field by anyone but the
// provider's staff.
func staffOnly(a *casedesk.Actor, field string) error {
	if a.IsStaff() {
		return nil
	}
	return &casedesk.Error{Code: casedesk.EFORBIDDEN, Field: field, Message: field + " is set by the provider's support staff"}
}

// worksDelegated reports whether a works for the customers that delegated
// admin to a's partner organization: a partner's admin. A partner's plain
// user sees only their own organization.
func worksDelegated(a *casedesk.Actor) bool {
	return !a.Anonymous() && a.OrgKind == casedesk.OrgPartner && a.User.Role == casedesk.RolePartnerAdmin
}

// adminsOnly reports whether a sees only the admins among organization
// org's users: a plain user of org, who needs to know whom to ask.
func adminsOnly(a *casedesk.Actor, org int64) bool {
	return !a.IsStaff() && a.User.OrgID == org && !a.User.Role.IsCustomerAdmin() && a.User.Role != casedesk.RolePartnerAdmin
}

// needGrantor admits those who grant and revoke organization org's partner
// delegations: whoever manages it, except a partner.
// refusal is what a partner is told.
func needGrantor(a *casedesk.Actor, org int64, refusal string) error {
	if err := needOrg(a, org, orgManage); err != nil {
		return err
	}
	if a.OrgKind == casedesk.OrgPartner {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "%s", refusal)
	}
	return nil
}

// needRespondent returns the scope in which a answers satisfaction surveys:
// the customer's side of requests, never the provider's staff.
func needRespondent(a *casedesk.Actor) (store.Scope, error) {
	scope, err := requestScope(a)
	if err != nil {
		return scope, err
	}
	if a.IsStaff() {
		return store.Scope{}, casedesk.Errorf(casedesk.EFORBIDDEN, "surveys are answered by the customer").Because("customer")
	}
	return scope, nil
}

// Abilities says what an actor may do, for a transport choosing which links
// and forms to offer. Each field is the answer of the predicate the verbs
// named beside it ask, so a page offers an action exactly when desk would
// allow it (authz_test.go holds the two together); desk still checks every
// call.
type Abilities struct {
	// OpenRequests: open, list, read and reply to the requests of the
	// organizations in scope (OpenRequest, ListRequests, Request,
	// AddMessage): customer admins, partner admins, agents, supervisors.
	OpenRequests bool
	// AskAdmin: requests are refused because the organization's admins
	// open them for the actor (a customer's plain user), who is told whom
	// to ask.
	AskAdmin bool
	// AnswerSurvey: answer the satisfaction survey of a resolved request
	// (AnswerSurvey): the customer's side, not the staff.
	AnswerSurvey bool
	// WorkRequests: the staff's handling of requests: queues, assignment,
	// transfer, escalation, canned responses, saved filters and the
	// console's live stream (Queue, Assign, Transfer, Escalate,
	// ConsoleEventFilter…): agents and supervisors.
	WorkRequests bool
	// Inbox: a notifications inbox (Notifications, UnreadNotifications).
	Inbox bool
	// Supervise: reassign requests, name account managers, write canned
	// responses, the supervisor's view (Supervisor, SetTAM, CreateCanned).
	Supervise bool
	// ViewOrganization: see every user of the actor's own organization
	// (Users), not only its admins.
	ViewOrganization bool
	// ManageUsers: invite and change the users of the actor's own
	// organization (CreateUser, UpdateUser).
	ManageUsers bool
	// GrantPartners: delegate the actor's own organization's admin to
	// partners and revoke it (GrantPartner, RevokeGrant): a customer's
	// global admin.
	GrantPartners bool
	// ActForCustomers: work for the customers that delegated admin to the
	// actor's partner organization, choosing one (Actor.Delegated).
	ActForCustomers bool
	// OwnCustomer: the actor's own organization is a customer, the one
	// they work on and open requests for by default (OpenRequest).
	OwnCustomer bool
	// Administer: run the system — organizations, plans, products,
	// calendars and the SLA policy (CreateOrganization, CreatePlan,
	// SetSLAPolicy…): operators, who do not work requests.
	Administer bool
	// Outbox: see the outbox of mail and webhook deliveries and retry them
	// (Deliveries, RetryDelivery): operators and supervisors.
	Outbox bool
}

// Allowed returns what a may do; anonymous callers may do none of it.
func Allowed(a *casedesk.Actor) Abilities {
	if a.Anonymous() {
		return Abilities{}
	}
	_, scopeErr := requestScope(a)
	_, surveyErr := needRespondent(a)
	own := a.User.OrgID
	return Abilities{
		OpenRequests:     scopeErr == nil,
		AskAdmin:         scopeErr == errAskAdmin,
		AnswerSurvey:     surveyErr == nil,
		WorkRequests:     needAgent(a) == nil,
		Inbox:            inboxErr(a) == nil,
		Supervise:        needSupervisor(a) == nil,
		ViewOrganization: orgAccess(a, own) >= orgRead && !adminsOnly(a, own),
		ManageUsers:      needOrg(a, own, orgManage) == nil,
		GrantPartners:    needGrantor(a, own, "partners do not delegate") == nil && a.OrgKind == casedesk.OrgCustomer,
		ActForCustomers:  worksDelegated(a),
		OwnCustomer:      a.OrgKind == casedesk.OrgCustomer,
		Administer:       needOperator(a) == nil,
		Outbox:           outboxErr(a) == nil,
	}
}

func outboxErr(a *casedesk.Actor) error {
	_, err := outboxScope(a)
	return err
}

func inboxErr(a *casedesk.Actor) error {
	_, err := inboxOf(a)
	return err
}

// outboxScope is what an actor may see of the outbox and retry: operators
// and supervisors see every delivery (they run the channels); nobody else
// any.
func outboxScope(a *casedesk.Actor) (store.Scope, error) {
	if err := needStaff(a); err != nil {
		return store.Scope{}, err
	}
	if !a.IsOperator() && !a.IsSupervisor() {
		return store.Scope{}, casedesk.Errorf(casedesk.EFORBIDDEN, "only operators and supervisors see the outbox")
	}
	return store.AllOrgs, nil
}

// noticeTopics returns the notification topics a may switch for themself:
// the customer side's for customer and partner admins, the provider side's
// for staff who work requests; none for others.
func noticeTopics(a *casedesk.Actor) ([]casedesk.Topic, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	switch {
	case a.OrgKind == casedesk.OrgProvider:
		if a.User.Role == casedesk.RoleAgent || a.User.Role == casedesk.RoleSupervisor {
			return casedesk.StaffTopics, nil
		}
	case a.User.Role.IsCustomerAdmin() || a.User.Role == casedesk.RolePartnerAdmin:
		return casedesk.CustomerTopics, nil
	}
	return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "you receive no request notifications")
}

// mayMailInvitations: an operator mails invitations to existing accounts
// (the demo's seeded ones).
func mayMailInvitations(a *casedesk.Actor) error {
	if a.Anonymous() {
		return errUnauthenticated()
	}
	if !a.IsOperator() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only operators mail invitations to existing accounts")
	}
	return nil
}
