package client

import (
	"context"
	"net/http"
	"time"
)

// Subscription is an organization's subscription to a plan.
type Subscription struct {
	ID             int64      `json:"id"`
	OrganizationID int64      `json:"organization_id"`
	PlanID         int64      `json:"plan_id"`
	PlanCode       string     `json:"plan_code"`
	Family         string     `json:"family"`
	Trial          bool       `json:"trial"`
	Seats          int        `json:"seats"`
	StartsAt       time.Time  `json:"starts_at"`
	RenewsAt       *time.Time `json:"renews_at"`
	Status         string     `json:"status"` // active, suspended, cancelled or expired
	CreatedAt      time.Time  `json:"created_at"`
}

// NewSubscription is the body of POST …/subscriptions.
type NewSubscription struct {
	PlanCode string     `json:"plan_code"`
	Trial    bool       `json:"trial,omitempty"`
	Seats    int        `json:"seats,omitempty"`
	StartsAt *time.Time `json:"starts_at,omitempty"` // nil: now
	RenewsAt *time.Time `json:"renews_at,omitempty"`
	Status   string     `json:"status,omitempty"`
	// IdempotencyKey, when set, is sent as the Idempotency-Key header: a
	// retry with the same key and body returns the subscription the first
	// call added instead of adding another.
	IdempotencyKey string `json:"-"`
}

// SubscriptionUpdate is the body of PATCH …/subscriptions/{sub}; nil fields
// stay as they are. Trial false converts a trial.
type SubscriptionUpdate struct {
	Seats    *int       `json:"seats,omitempty"`
	RenewsAt *time.Time `json:"renews_at,omitempty"`
	Status   *string    `json:"status,omitempty"`
	Trial    *bool      `json:"trial,omitempty"`
}

// ListSubscriptions returns an organization's subscriptions.
func (c *Client) ListSubscriptions(ctx context.Context, orgID int64) ([]Subscription, error) {
	return list[Subscription](ctx, c, orgPath(orgID)+"/subscriptions", nil)
}

// CreateSubscription adds a subscription to an organization (operators).
func (c *Client) CreateSubscription(ctx context.Context, orgID int64, s NewSubscription) (*Subscription, error) {
	return post[Subscription](ctx, c, orgPath(orgID)+"/subscriptions", s.IdempotencyKey, s)
}

// UpdateSubscription changes a subscription (operators).
func (c *Client) UpdateSubscription(ctx context.Context, orgID, subID int64, u SubscriptionUpdate) (*Subscription, error) {
	return call[Subscription](ctx, c, http.MethodPatch, idPath(orgPath(orgID)+"/subscriptions", subID), u)
}

// PartnerGrant is a customer's delegation of its admin functions to a
// partner.
type PartnerGrant struct {
	ID           int64      `json:"id"`
	CustomerID   int64      `json:"customer_id"`
	PartnerID    int64      `json:"partner_id"`
	GrantedBy    int64      `json:"granted_by"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
	RevokedBy    int64      `json:"revoked_by,omitempty"`
	PartnerName  string     `json:"partner_name,omitempty"`
	CustomerName string     `json:"customer_name,omitempty"`
}

// ListPartnerGrants returns a customer's partner grants.
func (c *Client) ListPartnerGrants(ctx context.Context, customerID int64) ([]PartnerGrant, error) {
	return list[PartnerGrant](ctx, c, orgPath(customerID)+"/partners", nil)
}

// GrantPartner delegates a customer's admin to a partner organization until
// expiresAt (nil: until revoked).
func (c *Client) GrantPartner(ctx context.Context, customerID, partnerID int64, expiresAt *time.Time) (*PartnerGrant, error) {
	in := struct {
		PartnerID int64      `json:"partner_id"`
		ExpiresAt *time.Time `json:"expires_at,omitempty"`
	}{partnerID, expiresAt}
	return call[PartnerGrant](ctx, c, http.MethodPost, orgPath(customerID)+"/partners", in)
}

// RevokePartnerGrant revokes a partner grant.
func (c *Client) RevokePartnerGrant(ctx context.Context, customerID, grantID int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(orgPath(customerID)+"/partners", grantID), nil, nil)
}
