package desk

import (
	"context"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds organizations: the provider (Bootstrap), customers and
// partners, their profiles and the history of their requests.

// ProviderOrganization returns the provider's organization: its name is
// shown to everyone as the party that gives support.
func (d *Desk) ProviderOrganization(ctx context.Context) (*casedesk.Organization, error) {
	return d.db.ProviderOrganization(ctx)
}

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
		if a.OrgKind == casedesk.OrgPartner && !worksDelegated(a) {
			scope = store.OrgScope(a.User.OrgID)
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, casedesk.Invalid("kind", "kind must be one of customer, partner or provider")
	}
	return d.db.Organizations(ctx, scope, f)
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

// Bootstrap creates the provider organization, if there is none, and an
// operator account in it: the first step of a new deployment.
func (d *Desk) Bootstrap(ctx context.Context, providerName, email, name, password string) (*casedesk.User, error) {
	if err := casedesk.ValidatePassword("password", password); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password, d.policy.PasswordParams)
	if err != nil {
		return nil, err
	}
	u := &casedesk.User{Email: email, Name: name, Role: casedesk.RoleOperator, Active: true, CreatedAt: d.now()}
	if err := u.Validate(casedesk.OrgProvider); err != nil {
		return nil, err
	}
	err = d.write(ctx, func(tx *store.Tx) error {
		prov, err := tx.ProviderOrganization(ctx)
		if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
			prov = &casedesk.Organization{Kind: casedesk.OrgProvider, Name: providerName, TimeZone: "UTC", Language: "en", CreatedAt: d.now()}
			if err := prov.Validate(); err != nil {
				return err
			}
			err = tx.CreateOrganization(ctx, prov)
		}
		if err != nil {
			return err
		}
		u.OrgID = prov.ID
		return tx.CreateUser(ctx, store.OrgScope(prov.ID), u, hash)
	})
	return u, err
}
