package desk

import (
	"context"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds what customers are entitled to: the plan and product
// catalog and each organization's subscriptions to plans.

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
