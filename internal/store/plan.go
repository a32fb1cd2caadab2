package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/casedesk/casedesk"
)

// CreatePlan inserts a catalog plan. A code in use answers ECONFLICT.
func (q *Queries) CreatePlan(ctx context.Context, p *casedesk.Plan) error {
	err := q.queryRow(ctx, `INSERT INTO plans (code, name, family, standalone, add_on, active)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.Code, p.Name, p.Family, p.Standalone, p.AddOn, p.Active).Scan(&p.ID)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "code", Message: "a plan with this code already exists"}
	}
	if err != nil {
		return fmt.Errorf("store: create plan: %w", err)
	}
	return nil
}

// Plans lists the plan catalog.
func (q *Queries) Plans(ctx context.Context) ([]*casedesk.Plan, error) {
	rows, err := q.query(ctx, "SELECT id, code, name, family, standalone, add_on, active FROM plans ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Plan
	for rows.Next() {
		var p casedesk.Plan
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Family, &p.Standalone, &p.AddOn, &p.Active); err != nil {
			return nil, fmt.Errorf("store: plans: %w", err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// PlanByCode returns the plan with the code.
func (q *Queries) PlanByCode(ctx context.Context, code string) (*casedesk.Plan, error) {
	var p casedesk.Plan
	err := q.queryRow(ctx, "SELECT id, code, name, family, standalone, add_on, active FROM plans WHERE code = $1", code).
		Scan(&p.ID, &p.Code, &p.Name, &p.Family, &p.Standalone, &p.AddOn, &p.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &casedesk.Error{Code: casedesk.EINVALID, Field: "plan_code", Message: fmt.Sprintf("no plan with code %q", code)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: plan %s: %w", code, err)
	}
	return &p, nil
}

// CreateProduct inserts a catalog product.
func (q *Queries) CreateProduct(ctx context.Context, p *casedesk.Product) error {
	err := q.queryRow(ctx, "INSERT INTO products (code, name, active) VALUES ($1, $2, $3) RETURNING id",
		p.Code, p.Name, p.Active).Scan(&p.ID)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "code", Message: "a product with this code already exists"}
	}
	if err != nil {
		return fmt.Errorf("store: create product: %w", err)
	}
	return nil
}

// Products lists the product catalog.
func (q *Queries) Products(ctx context.Context) ([]*casedesk.Product, error) {
	rows, err := q.query(ctx, "SELECT id, code, name, active FROM products ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: products: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Product
	for rows.Next() {
		var p casedesk.Product
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Active); err != nil {
			return nil, fmt.Errorf("store: products: %w", err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// ProductExists reports whether an active product has the code.
func (q *Queries) ProductExists(ctx context.Context, code string) (bool, error) {
	var n int
	err := q.queryRow(ctx, "SELECT COUNT(*) FROM products WHERE code = $1 AND active", code).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: product %s: %w", code, err)
	}
	return n > 0, nil
}

const subColumns = `s.id, s.org_id, s.plan_id, p.code, p.family, s.trial, s.seats, s.starts_at, s.renews_at, s.status, s.created_at`

func scanSub(row interface{ Scan(...any) error }) (*casedesk.Subscription, error) {
	var s casedesk.Subscription
	var starts, created int64
	var renews sql.NullInt64
	if err := row.Scan(&s.ID, &s.OrgID, &s.PlanID, &s.PlanCode, &s.Family, &s.Trial, &s.Seats, &starts, &renews, &s.Status, &created); err != nil {
		return nil, err
	}
	s.StartsAt, s.RenewsAt, s.CreatedAt = fromTS(starts), fromNullTS(renews), fromTS(created)
	return &s, nil
}

// CreateSubscription inserts s for its organization, which must lie in
// scope; otherwise ENOTFOUND.
func (q *Queries) CreateSubscription(ctx context.Context, scope Scope, s *casedesk.Subscription) error {
	a := args{s.OrgID, s.PlanID, s.Trial, s.Seats, ts(s.StartsAt), tsp(s.RenewsAt), s.Status, ts(s.CreatedAt)}
	err := q.queryRow(ctx, `INSERT INTO subscriptions (org_id, plan_id, trial, seats, starts_at, renews_at, status, created_at)
		SELECT o.id, $2, $3, $4, $5, $6, $7, $8 FROM organizations o WHERE o.id = $1 AND `+scope.cond(&a, "o.id")+` RETURNING id`,
		a...).Scan(&s.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", s.OrgID)
	}
	if err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	return nil
}

// Subscriptions lists the subscriptions of the organizations in scope.
func (q *Queries) Subscriptions(ctx context.Context, scope Scope) ([]casedesk.Subscription, error) {
	var a args
	rows, err := q.query(ctx, "SELECT "+subColumns+" FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE "+
		scope.cond(&a, "s.org_id")+" ORDER BY s.id", a...)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	defer rows.Close()
	var out []casedesk.Subscription
	for rows.Next() {
		s, err := scanSub(rows)
		if err != nil {
			return nil, fmt.Errorf("store: subscriptions: %w", err)
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// Subscription returns one subscription in scope.
func (q *Queries) Subscription(ctx context.Context, scope Scope, id int64) (*casedesk.Subscription, error) {
	a := args{id}
	s, err := scanSub(q.queryRow(ctx, "SELECT "+subColumns+" FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE s.id = $1 AND "+
		scope.cond(&a, "s.org_id"), a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "subscription %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: subscription %d: %w", id, err)
	}
	return s, nil
}

// UpdateSubscription saves seats, renewal, status and trial of a
// subscription in scope.
func (q *Queries) UpdateSubscription(ctx context.Context, scope Scope, s *casedesk.Subscription) error {
	a := args{s.ID, s.Seats, tsp(s.RenewsAt), s.Status, s.Trial}
	res, err := q.exec(ctx, "UPDATE subscriptions SET seats = $2, renews_at = $3, status = $4, trial = $5 WHERE id = $1 AND "+
		scope.cond(&a, "org_id"), a...)
	return affectOne(res, err, "subscription", s.ID)
}
