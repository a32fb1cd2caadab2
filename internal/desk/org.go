package desk

import (
	"context"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/store"
)

// CreateOrganization adds a customer or partner organization (operators).
func (d *Desk) CreateOrganization(ctx context.Context, a *casedesk.Actor, o *casedesk.Organization) error {
	if err := needOperator(a); err != nil {
		return err
	}
	if o.Kind == casedesk.OrgProvider {
		return casedesk.Invalid("kind", "there is one provider organization; create customers or partners")
	}
	if err := o.Validate(); err != nil {
		return err
	}
	o.CreatedAt = d.now()
	return d.write(ctx, func(tx *store.Tx) error { return tx.CreateOrganization(ctx, o) })
}

// Organization returns an organization the actor may see.
func (d *Desk) Organization(ctx context.Context, a *casedesk.Actor, id int64) (*casedesk.Organization, error) {
	if err := needOrg(a, id, orgRead); err != nil {
		return nil, err
	}
	return d.db.Organization(ctx, store.OrgScope(id), id)
}

// OrgPatch changes an organization's profile.
type OrgPatch struct {
	Name     *string `json:"name,omitempty"`
	Country  *string `json:"country,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	Language *string `json:"language,omitempty"`
}

// UpdateOrganization changes an organization's profile (its global admin or an operator).
func (d *Desk) UpdateOrganization(ctx context.Context, a *casedesk.Actor, id int64, p OrgPatch) (*casedesk.Organization, error) {
	if err := needOrg(a, id, orgManage); err != nil {
		return nil, err
	}
	var o *casedesk.Organization
	err := d.write(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = tx.Organization(ctx, store.OrgScope(id), id); err != nil {
			return err
		}
		set(&o.Name, p.Name)
		set(&o.Country, p.Country)
		set(&o.TimeZone, p.TimeZone)
		set(&o.Language, p.Language)
		if err := o.Validate(); err != nil {
			return err
		}
		return tx.UpdateOrganization(ctx, store.OrgScope(id), o)
	})
	return o, err
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Organizations lists the organizations the actor may see.
func (d *Desk) Organizations(ctx context.Context, a *casedesk.Actor, f store.OrgFilter) ([]*casedesk.Organization, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	scope := store.AllOrgs // the staff see every organization
	if !a.IsStaff() {
		scope = store.OrgsScope(append([]int64{a.User.OrgID}, a.Delegated...))
		if a.OrgKind == casedesk.OrgPartner && a.User.Role != casedesk.RolePartnerAdmin {
			scope = store.OrgScope(a.User.OrgID)
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, casedesk.Invalid("kind", "kind must be one of customer, partner or provider")
	}
	return d.db.Organizations(ctx, scope, f)
}

// NewUser is what an admin supplies to add a user.
type NewUser struct {
	Email     string        `json:"email"`
	Name      string        `json:"name"`
	Role      casedesk.Role `json:"role"`
	Language  string        `json:"language,omitempty"`
	TimeZone  string        `json:"time_zone,omitempty"`
	Phone     string        `json:"phone,omitempty"`
	Password  string        `json:"password,omitempty"` // empty: invited with a one-time password
	Languages []string      `json:"languages,omitempty"`
	Regions   []string      `json:"regions,omitempty"`
	Skills    []string      `json:"skills,omitempty"`
}

// CreateUser adds a user to organization org (its global admin, or an
// operator). Without a password the user is invited: a one-time password is
// returned and must be changed at first sign-in.
func (d *Desk) CreateUser(ctx context.Context, a *casedesk.Actor, org int64, in NewUser) (*casedesk.User, string, error) {
	if err := needOrg(a, org, orgManage); err != nil {
		return nil, "", err
	}
	scope := store.OrgScope(org)
	o, err := d.db.Organization(ctx, scope, org)
	if err != nil {
		return nil, "", err
	}
	u := &casedesk.User{OrgID: org, Email: in.Email, Name: in.Name, Role: in.Role, Language: in.Language,
		TimeZone: in.TimeZone, Phone: in.Phone, Active: true, Languages: in.Languages, Regions: in.Regions, Skills: in.Skills,
		CreatedAt: d.now()}
	if err := u.Validate(o.Kind); err != nil {
		return nil, "", err
	}
	temp := ""
	if in.Password == "" {
		temp = auth.RandomString(12)
		in.Password = temp
		u.MustChangePass = true
	} else if err := casedesk.ValidatePassword("password", in.Password); err != nil {
		return nil, "", err
	}
	hash, err := auth.HashPassword(in.Password, d.policy.PasswordParams)
	if err != nil {
		return nil, "", err
	}
	err = d.write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, scope, u, hash) })
	return u, temp, err
}

// Users lists an organization's users.
func (d *Desk) Users(ctx context.Context, a *casedesk.Actor, org int64, f store.UserFilter) ([]*casedesk.User, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	// A plain user sees the organization's admins, to know whom to ask.
	if !a.IsStaff() && a.User.OrgID == org && !a.User.Role.IsCustomerAdmin() && a.User.Role != casedesk.RolePartnerAdmin {
		f.Admins = true
	}
	return d.db.Users(ctx, store.OrgScope(org), f)
}

// User returns one user of an organization the actor may see.
func (d *Desk) User(ctx context.Context, a *casedesk.Actor, org, id int64) (*casedesk.User, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	return d.db.User(ctx, store.OrgScope(org), id)
}

// UserPatch changes a user.
type UserPatch struct {
	Name      *string        `json:"name,omitempty"`
	Role      *casedesk.Role `json:"role,omitempty"`
	Active    *bool          `json:"active,omitempty"`
	Language  *string        `json:"language,omitempty"`
	TimeZone  *string        `json:"time_zone,omitempty"`
	Phone     *string        `json:"phone,omitempty"`
	Languages *[]string      `json:"languages,omitempty"`
	Regions   *[]string      `json:"regions,omitempty"`
	Skills    *[]string      `json:"skills,omitempty"`
}

// UpdateUser changes a user: roles and activation by the organization's
// global admin (or an operator); a user may change their own name, language,
// time zone and phone. Deactivating signs the user out everywhere.
func (d *Desk) UpdateUser(ctx context.Context, a *casedesk.Actor, org, id int64, p UserPatch) (*casedesk.User, error) {
	self := !a.Anonymous() && a.User.ID == id && a.User.OrgID == org
	need := orgManage
	if self && p.Role == nil && p.Active == nil && p.Languages == nil && p.Regions == nil && p.Skills == nil {
		need = orgRead
	}
	if err := needOrg(a, org, need); err != nil {
		return nil, err
	}
	o, err := d.db.Organization(ctx, store.OrgScope(org), org)
	if err != nil {
		return nil, err
	}
	var u *casedesk.User
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, store.OrgScope(org), id); err != nil {
			return err
		}
		wasActive := u.Active
		set(&u.Name, p.Name)
		set(&u.Role, p.Role)
		set(&u.Active, p.Active)
		set(&u.Language, p.Language)
		set(&u.TimeZone, p.TimeZone)
		set(&u.Phone, p.Phone)
		set(&u.Languages, p.Languages)
		set(&u.Regions, p.Regions)
		set(&u.Skills, p.Skills)
		if err := u.Validate(o.Kind); err != nil {
			return err
		}
		if self && (p.Role != nil || (p.Active != nil && !*p.Active)) {
			return casedesk.Invalid("role", "you cannot change your own role or deactivate yourself; ask another admin")
		}
		if err := tx.UpdateUser(ctx, store.OrgScope(org), u); err != nil {
			return err
		}
		if wasActive && !u.Active {
			return tx.RevokeUserTokens(ctx, u.ID, d.now())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.tokens.clear()
	return u, nil
}

// Plans lists the plan catalog (anyone signed in).
func (d *Desk) Plans(ctx context.Context, a *casedesk.Actor) ([]*casedesk.Plan, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	return d.db.Plans(ctx)
}

// CreatePlan adds a plan to the catalog (operators).
func (d *Desk) CreatePlan(ctx context.Context, a *casedesk.Actor, p *casedesk.Plan) error {
	if err := needOperator(a); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.Active = true
	return d.write(ctx, func(tx *store.Tx) error { return tx.CreatePlan(ctx, p) })
}

// Products lists the catalog of products and services (anyone signed in).
func (d *Desk) Products(ctx context.Context, a *casedesk.Actor) ([]*casedesk.Product, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	return d.db.Products(ctx)
}

// CreateProduct adds a product or service (operators).
func (d *Desk) CreateProduct(ctx context.Context, a *casedesk.Actor, p *casedesk.Product) error {
	if err := needOperator(a); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.Active = true
	return d.write(ctx, func(tx *store.Tx) error { return tx.CreateProduct(ctx, p) })
}

// Subscriptions lists an organization's subscriptions.
func (d *Desk) Subscriptions(ctx context.Context, a *casedesk.Actor, org int64) ([]casedesk.Subscription, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	subs, err := d.db.Subscriptions(ctx, store.OrgScope(org))
	if subs == nil {
		subs = []casedesk.Subscription{}
	}
	return subs, err
}

// AddSubscription records a subscription of org (operators; billing changes
// by customers go through billing requests).
func (d *Desk) AddSubscription(ctx context.Context, a *casedesk.Actor, org int64, s *casedesk.Subscription) error {
	if err := needOperator(a); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	var rc *recompute
	scope := store.OrgScope(org)
	err := d.write(ctx, func(tx *store.Tx) error {
		o, err := tx.Organization(ctx, scope, org)
		if err != nil {
			return err
		}
		if o.Kind != casedesk.OrgCustomer {
			return casedesk.Invalid("organization_id", "subscriptions belong to customer organizations")
		}
		p, err := tx.PlanByCode(ctx, s.PlanCode)
		if err != nil {
			return err
		}
		s.OrgID, s.PlanID, s.Family, s.CreatedAt = org, p.ID, p.Family, d.now()
		if s.StartsAt.IsZero() {
			s.StartsAt = s.CreatedAt
		}
		if err := tx.CreateSubscription(ctx, scope, s); err != nil {
			return err
		}
		rc, err = d.startRecompute(ctx, tx, store.OrgScope(org), "plan "+s.PlanCode, &a.User.ID)
		return err
	})
	if err != nil {
		return err
	}
	_, err = d.runRecompute(ctx, rc)
	return err
}

// SubscriptionPatch changes a subscription.
type SubscriptionPatch struct {
	Seats    *int                `json:"seats,omitempty"`
	RenewsAt *time.Time          `json:"renews_at,omitempty"`
	Status   *casedesk.SubStatus `json:"status,omitempty"`
	Trial    *bool               `json:"trial,omitempty"`
}

// UpdateSubscription changes seats, renewal, status or converts a trial (operators).
func (d *Desk) UpdateSubscription(ctx context.Context, a *casedesk.Actor, org, id int64, p SubscriptionPatch) (*casedesk.Subscription, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	var s *casedesk.Subscription
	var rc *recompute
	err := d.write(ctx, func(tx *store.Tx) error {
		var err error
		if s, err = tx.Subscription(ctx, store.OrgScope(org), id); err != nil {
			return err
		}
		set(&s.Seats, p.Seats)
		set(&s.Status, p.Status)
		set(&s.Trial, p.Trial)
		if p.RenewsAt != nil {
			s.RenewsAt = p.RenewsAt
		}
		if err := s.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateSubscription(ctx, store.OrgScope(org), s); err != nil {
			return err
		}
		rc, err = d.startRecompute(ctx, tx, store.OrgScope(org), "plan "+s.PlanCode, &a.User.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	_, err = d.runRecompute(ctx, rc)
	return s, err
}

// Grants lists a customer's partner grants, or the grants a partner received.
func (d *Desk) Grants(ctx context.Context, a *casedesk.Actor, org int64) ([]*casedesk.PartnerGrant, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	o, err := d.db.Organization(ctx, store.OrgScope(org), org)
	if err != nil {
		return nil, err
	}
	if !a.IsStaff() && a.User.OrgID != org {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "a customer's partner grants are shown to the customer")
	}
	return d.db.Grants(ctx, store.OrgScope(org), o.Kind == casedesk.OrgPartner)
}

// NewGrant is a customer's delegation of admin functions to a partner.
type NewGrant struct {
	PartnerID int64      `json:"partner_id"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// GrantPartner delegates org's admin functions to a partner (the customer's
// global admin, or an operator).
func (d *Desk) GrantPartner(ctx context.Context, a *casedesk.Actor, org int64, in NewGrant) (*casedesk.PartnerGrant, error) {
	if err := needOrg(a, org, orgManage); err != nil {
		return nil, err
	}
	if a.OrgKind == casedesk.OrgPartner {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "partners cannot grant delegations")
	}
	now := d.now()
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		return nil, casedesk.Invalid("expires_at", "expires_at must be in the future")
	}
	g := &casedesk.PartnerGrant{CustomerID: org, PartnerID: in.PartnerID, GrantedBy: a.User.ID, CreatedAt: now, ExpiresAt: in.ExpiresAt}
	scope := store.OrgScope(org)
	err := d.write(ctx, func(tx *store.Tx) error {
		c, err := tx.Organization(ctx, scope, org)
		if err != nil {
			return err
		}
		if c.Kind != casedesk.OrgCustomer {
			return casedesk.Invalid("organization_id", "only customer organizations delegate to partners")
		}
		// A customer names any partner organization: only its kind and
		// name are read, across tenants.
		p, err := tx.Organization(ctx, store.AllOrgs, in.PartnerID)
		if err != nil || p.Kind != casedesk.OrgPartner {
			return casedesk.Invalid("partner_id", "partner_id must be a partner organization")
		}
		existing, err := tx.Grants(ctx, scope, false)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(existing, func(e *casedesk.PartnerGrant) bool { return e.PartnerID == p.ID && e.ActiveAt(now) }) {
			return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "partner_id", Message: "this partner already has delegated admin; revoke it first to change it"}
		}
		g.PartnerName, g.CustomerName = p.Name, c.Name
		return tx.CreateGrant(ctx, scope, g)
	})
	return g, err
}

// RevokeGrant ends a delegation (the customer's global admin, or an operator).
func (d *Desk) RevokeGrant(ctx context.Context, a *casedesk.Actor, org, id int64) error {
	if err := needOrg(a, org, orgManage); err != nil {
		return err
	}
	if a.OrgKind == casedesk.OrgPartner {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only the customer revokes a delegation")
	}
	return d.write(ctx, func(tx *store.Tx) error { return tx.RevokeGrant(ctx, store.OrgScope(org), id, a.User.ID, d.now()) })
}

// OrgHistory lists the history of an organization's requests (its admins and staff).
func (d *Desk) OrgHistory(ctx context.Context, a *casedesk.Actor, org int64, before int64, limit int) ([]*casedesk.Event, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	if !inScope(scope, org) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", org)
	}
	if limit < 0 || limit > 200 {
		return nil, casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	return d.db.Events(ctx, store.OrgScope(org), store.EventFilter{Internal: a.IsStaff(), Before: before, Limit: limit})
}
