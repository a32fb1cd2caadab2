package desk

import (
	"context"
	"errors"

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
	_, err := d.CreateOrganizationWithKey(ctx, a, o, "")
	return err
}

// CreateOrganizationWithKey is CreateOrganization with an idempotency key
// (none when empty): a retry with the key and the same organization loads
// the one the first call created into o (created false) instead of creating
// another; the key with another organization is EINVALID on Idempotency-Key.
func (d *Desk) CreateOrganizationWithKey(ctx context.Context, a *casedesk.Actor, o *casedesk.Organization, idemKey string) (bool, error) {
	if err := needOperator(a); err != nil {
		return false, err
	}
	if err := checkKey(idemKey); err != nil {
		return false, err
	}
	if o.Kind == casedesk.OrgProvider {
		return false, casedesk.Invalid("kind", "there is one provider organization; create customers or partners")
	}
	if err := o.Validate(); err != nil {
		return false, err
	}
	fp := fingerprint(o, "")
	o.CreatedAt = d.now()
	var created bool
	err := d.write(ctx, func(tx *store.Tx) error {
		created = false
		if idemKey != "" {
			id, got, err := tx.IdempotencyKey(ctx, a.User.ID, store.IdemOrg, idemKey)
			if err != nil {
				return err
			}
			if id != 0 {
				return replayOrg(ctx, tx.Queries, id, got, fp, o)
			}
		}
		if err := tx.CreateOrganization(ctx, o); err != nil {
			return err
		}
		created = true
		if idemKey == "" {
			return nil
		}
		return tx.SaveIdempotencyKey(ctx, a.User.ID, store.IdemOrg, idemKey, fp, o.ID, o.CreatedAt)
	})
	if errors.Is(err, store.ErrKeyTaken) {
		id, got, err := d.db.IdempotencyKey(ctx, a.User.ID, store.IdemOrg, idemKey)
		if err != nil {
			return false, err
		}
		return false, replayOrg(ctx, d.db.Queries, id, got, fp, o)
	}
	return created, err
}

// replayOrg loads the organization an operator's idempotency key created
// into o, if the fingerprint is the one recorded.
func replayOrg(ctx context.Context, q store.Queries, id int64, fp, want string, o *casedesk.Organization) error {
	if fp != want {
		return keyReused()
	}
	got, err := q.Organization(ctx, store.AllOrgs, id) // operators only
	if err != nil {
		return err
	}
	*o = *got
	return nil
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
