package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

const grantColumns = `g.id, g.customer_id, g.partner_id, g.granted_by, g.created_at, g.expires_at, g.revoked_at, g.revoked_by,
	p.name, c.name`

const grantFrom = ` FROM partner_grants g JOIN organizations p ON p.id = g.partner_id JOIN organizations c ON c.id = g.customer_id `

func scanGrant(row interface{ Scan(...any) error }) (*casedesk.PartnerGrant, error) {
	var g casedesk.PartnerGrant
	var created int64
	var expires, revoked, revokedBy sql.NullInt64
	if err := row.Scan(&g.ID, &g.CustomerID, &g.PartnerID, &g.GrantedBy, &created, &expires, &revoked, &revokedBy,
		&g.PartnerName, &g.CustomerName); err != nil {
		return nil, err
	}
	g.CreatedAt, g.ExpiresAt, g.RevokedAt, g.RevokedBy = fromTS(created), fromNullTS(expires), fromNullTS(revoked), nullID(revokedBy)
	return &g, nil
}

// CreateGrant records a customer's delegation to a partner. The customer
// must lie in scope; otherwise ENOTFOUND.
func (q *Queries) CreateGrant(ctx context.Context, scope Scope, g *casedesk.PartnerGrant) error {
	a := args{g.CustomerID, g.PartnerID, g.GrantedBy, ts(g.CreatedAt), tsp(g.ExpiresAt)}
	err := q.queryRow(ctx, `INSERT INTO partner_grants (customer_id, partner_id, granted_by, created_at, expires_at)
		SELECT c.id, $2, $3, $4, $5 FROM organizations c WHERE c.id = $1 AND `+scope.cond(&a, "c.id")+` RETURNING id`, a...).Scan(&g.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", g.CustomerID)
	}
	if err != nil {
		return fmt.Errorf("store: create grant: %w", err)
	}
	return nil
}

// Grants lists the grants the customers in scope made (customer side) or
// the partners in scope received (partner side), newest first.
func (q *Queries) Grants(ctx context.Context, scope Scope, partnerSide bool) ([]*casedesk.PartnerGrant, error) {
	col := "g.customer_id"
	if partnerSide {
		col = "g.partner_id"
	}
	var a args
	rows, err := q.query(ctx, "SELECT "+grantColumns+grantFrom+"WHERE "+scope.cond(&a, col)+" ORDER BY g.id DESC", a...)
	if err != nil {
		return nil, fmt.Errorf("store: grants: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.PartnerGrant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, fmt.Errorf("store: grants: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Grant returns one grant made by a customer in scope.
func (q *Queries) Grant(ctx context.Context, scope Scope, id int64) (*casedesk.PartnerGrant, error) {
	a := args{id}
	g, err := scanGrant(q.queryRow(ctx, "SELECT "+grantColumns+grantFrom+"WHERE g.id = $1 AND "+scope.cond(&a, "g.customer_id"), a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "partner grant %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: grant %d: %w", id, err)
	}
	return g, nil
}

// RevokeGrant ends one of the grants made by a customer in scope.
func (q *Queries) RevokeGrant(ctx context.Context, scope Scope, id, by int64, at time.Time) error {
	a := args{id, ts(at), by}
	res, err := q.exec(ctx, "UPDATE partner_grants SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL AND "+
		scope.cond(&a, "customer_id"), a...)
	return affectOne(res, err, "partner grant", id)
}

// DelegatedCustomers returns the customers whose grants to the partners in
// scope (the signed-in partner's own organization) are in force at t.
func (q *Queries) DelegatedCustomers(ctx context.Context, scope Scope, t time.Time) ([]int64, error) {
	a := args{ts(t)}
	rows, err := q.query(ctx, `SELECT DISTINCT customer_id FROM partner_grants
		WHERE `+scope.cond(&a, "partner_id")+` AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) ORDER BY customer_id`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: delegated customers: %w", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
