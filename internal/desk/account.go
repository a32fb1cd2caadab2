package desk

import (
	"context"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds what the staff know of a customer account: the
// organization panel and its technical account manager (TAM).

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

// AccountManager is whom a customer organization's people reach as their
// technical account manager.
type AccountManager struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// AccountManager returns organization org's technical account manager, nil
// when it has none, to whoever may read the organization (its own people,
// its partners, the staff).
func (d *Desk) AccountManager(ctx context.Context, a *casedesk.Actor, org int64) (*AccountManager, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	tam, err := d.db.TAM(ctx, store.OrgScope(org), org)
	if err != nil || tam == 0 {
		return nil, err
	}
	u, err := d.db.User(ctx, store.AllOrgs, tam) // a provider's agent, named to the customer
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, nil
	}
	return &AccountManager{Name: u.Name, Email: u.Email}, nil
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
