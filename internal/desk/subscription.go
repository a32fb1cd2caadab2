package desk

import (
	"context"
	"errors"
	"strconv"
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
	_, err := d.AddSubscriptionWithKey(ctx, a, org, s, "")
	return err
}

// AddSubscriptionWithKey is AddSubscription with an idempotency key (none
// when empty): a retry with the key and the same subscription of the same
// organization loads the one the first call added into s (created false)
// instead of adding another; the key with another subscription or
// organization is EINVALID on Idempotency-Key.
func (d *Desk) AddSubscriptionWithKey(ctx context.Context, a *casedesk.Actor, org int64, s *casedesk.Subscription, idemKey string) (bool, error) {
	if err := needOperator(a); err != nil {
		return false, err
	}
	if err := checkKey(idemKey); err != nil {
		return false, err
	}
	if err := s.Validate(); err != nil {
		return false, err
	}
	var rc *recompute
	scope := store.OrgScope(org)
	fp := fingerprint(s, strconv.FormatInt(org, 10))
	var created bool
	err := d.write(ctx, func(tx *store.Tx) error {
		created, rc = false, nil
		if idemKey != "" {
			id, got, err := tx.IdempotencyKey(ctx, a.User.ID, store.IdemSub, idemKey)
			if err != nil {
				return err
			}
			if id != 0 {
				return replaySub(ctx, tx.Queries, scope, id, got, fp, s)
			}
		}
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
		if idemKey != "" {
			if err := tx.SaveIdempotencyKey(ctx, a.User.ID, store.IdemSub, idemKey, fp, s.ID, s.CreatedAt); err != nil {
				return err
			}
		}
		created = true
		rc, err = d.startRecompute(ctx, tx, store.OrgScope(org), "plan "+s.PlanCode, &a.User.ID)
		return err
	})
	if errors.Is(err, store.ErrKeyTaken) {
		id, got, err := d.db.IdempotencyKey(ctx, a.User.ID, store.IdemSub, idemKey)
		if err != nil {
			return false, err
		}
		return false, replaySub(ctx, d.db.Queries, scope, id, got, fp, s)
	}
	if err != nil || rc == nil {
		return created, err
	}
	_, err = d.runRecompute(ctx, rc)
	return created, err
}

// replaySub loads the subscription an operator's idempotency key added into
// s, if the fingerprint is the one recorded.
func replaySub(ctx context.Context, q store.Queries, scope store.Scope, id int64, fp, want string, s *casedesk.Subscription) error {
	if fp != want {
		return keyReused()
	}
	got, err := q.Subscription(ctx, scope, id)
	if err != nil {
		return err
	}
	*s = *got
	return nil
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
