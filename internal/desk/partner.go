package desk

import (
	"context"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds partner grants: a customer's delegation of its admin
// functions to a partner organization.

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
	if err := needGrantor(a, org, "partners cannot grant delegations"); err != nil {
		return nil, err
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

// RevokeGrant ends a delegation (the customer's global admin, or an
// operator); the partner's live streams stop showing the customer's events,
// on every instance.
func (d *Desk) RevokeGrant(ctx context.Context, a *casedesk.Actor, org, id int64) error {
	if err := needGrantor(a, org, "only the customer revokes a delegation"); err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeGrant(ctx, store.OrgScope(org), id, a.User.ID, d.now()); err != nil {
			return err
		}
		return d.accessChanged(ctx, tx, live.Change{Org: org})
	})
}
