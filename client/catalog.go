package client

import (
	"context"
	"net/http"
)

// Plan families.
const (
	FamilyBusiness   = "business"
	FamilyEnterprise = "enterprise"
	FamilyFrontline  = "frontline"
	FamilyElevated   = "elevated"
)

// Plan is a plan of the catalog.
type Plan struct {
	ID         int64  `json:"id,omitempty"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Family     string `json:"family"`
	Standalone bool   `json:"standalone"`
	AddOn      bool   `json:"add_on"`
	Active     bool   `json:"active"`
}

// Product is a product or service of the catalog.
type Product struct {
	ID     int64  `json:"id,omitempty"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// ListPlans returns the plan catalog.
func (c *Client) ListPlans(ctx context.Context) ([]Plan, error) {
	return list[Plan](ctx, c, APIPrefix+"/plans", nil)
}

// CreatePlan adds a plan (operators); ID and Active are ignored.
func (c *Client) CreatePlan(ctx context.Context, p Plan) (*Plan, error) {
	p.ID = 0
	return call[Plan](ctx, c, http.MethodPost, APIPrefix+"/plans", p)
}

// ListProducts returns the products and services catalog.
func (c *Client) ListProducts(ctx context.Context) ([]Product, error) {
	return list[Product](ctx, c, APIPrefix+"/products", nil)
}

// CreateProduct adds a product or service (operators); ID and Active are
// ignored.
func (c *Client) CreateProduct(ctx context.Context, p Product) (*Product, error) {
	p.ID = 0
	return call[Product](ctx, c, http.MethodPost, APIPrefix+"/products", p)
}
