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

// CreateGrant records a customer's delegation to a partner.
func (q *Queries) CreateGrant(ctx context.Context, g *casedesk.PartnerGrant) error {
	err := q.queryRow(ctx, `INSERT INTO partner_grants (customer_id, partner_id, granted_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, g.CustomerID, g.PartnerID, g.GrantedBy, ts(g.CreatedAt), tsp(g.ExpiresAt)).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("store: create grant: %w", err)
	}
	return nil
}

// Grants lists the grants a customer made (customer side) or a partner
// received (partner side), newest first. Pass org and which side it is on.
func (q *Queries) Grants(ctx context.Context, org int64, partnerSide bool) ([]*casedesk.PartnerGrant, error) {
	col := "g.customer_id"
	if partnerSide {
		col = "g.partner_id"
	}
	rows, err := q.query(ctx, "SELECT "+grantColumns+grantFrom+"WHERE "+col+" = $1 ORDER BY g.id DESC", org)
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

// Grant returns one grant of customer org.
func (q *Queries) Grant(ctx context.Context, org, id int64) (*casedesk.PartnerGrant, error) {
	g, err := scanGrant(q.queryRow(ctx, "SELECT "+grantColumns+grantFrom+"WHERE g.customer_id = $1 AND g.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "partner grant %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: grant %d: %w", id, err)
	}
	return g, nil
}

// RevokeGrant ends one of customer org's grants.
func (q *Queries) RevokeGrant(ctx context.Context, org, id, by int64, at time.Time) error {
	res, err := q.exec(ctx, "UPDATE partner_grants SET revoked_at = $3, revoked_by = $4 WHERE customer_id = $1 AND id = $2 AND revoked_at IS NULL",
		org, id, ts(at), by)
	return affectOne(res, err, "partner grant", id)
}

// DelegatedCustomers returns the customers whose grants to partner are in
// force at t.
func (q *Queries) DelegatedCustomers(ctx context.Context, partner int64, t time.Time) ([]int64, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT customer_id FROM partner_grants
		WHERE partner_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) ORDER BY customer_id`, partner, ts(t))
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
