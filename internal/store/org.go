package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/casedesk/casedesk"
)

const orgColumns = "id, kind, name, country, time_zone, language, created_at"

func scanOrg(row interface{ Scan(...any) error }) (*casedesk.Organization, error) {
	var o casedesk.Organization
	var created int64
	if err := row.Scan(&o.ID, &o.Kind, &o.Name, &o.Country, &o.TimeZone, &o.Language, &created); err != nil {
		return nil, err
	}
	o.CreatedAt = fromTS(created)
	return &o, nil
}

// CreateOrganization inserts o and sets its ID.
func (q *Queries) CreateOrganization(ctx context.Context, o *casedesk.Organization) error {
	err := q.queryRow(ctx, `INSERT INTO organizations (kind, name, country, time_zone, language, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		o.Kind, o.Name, o.Country, o.TimeZone, o.Language, ts(o.CreatedAt)).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("store: create organization: %w", err)
	}
	return nil
}

// Organization returns the organization with the id if it lies in scope;
// otherwise ENOTFOUND. Organizations are the tenants themselves: desk
// decides who may see which and passes that scope.
func (q *Queries) Organization(ctx context.Context, scope Scope, id int64) (*casedesk.Organization, error) {
	a := args{id}
	o, err := scanOrg(q.queryRow(ctx, "SELECT "+orgColumns+" FROM organizations WHERE id = $1 AND "+scope.cond(&a, "id"), a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: organization %d: %w", id, err)
	}
	return o, nil
}

// UpdateOrganization saves the editable fields of o, which must lie in
// scope; otherwise ENOTFOUND.
func (q *Queries) UpdateOrganization(ctx context.Context, scope Scope, o *casedesk.Organization) error {
	a := args{o.ID, o.Name, o.Country, o.TimeZone, o.Language}
	res, err := q.exec(ctx, `UPDATE organizations SET name = $2, country = $3, time_zone = $4, language = $5 WHERE id = $1 AND `+
		scope.cond(&a, "id"), a...)
	return affectOne(res, err, "organization", o.ID)
}

// OrgFilter selects organizations within the scope passed with it.
type OrgFilter struct {
	Kind  casedesk.OrgKind
	Name  string // prefix, case-insensitive
	After int64
	Limit int
}

// Organizations lists the organizations in scope by id.
func (q *Queries) Organizations(ctx context.Context, scope Scope, f OrgFilter) ([]*casedesk.Organization, error) {
	var a args
	where := "WHERE id > " + a.add(f.After) + " AND " + scope.cond(&a, "id")
	if f.Kind != "" {
		where += " AND kind = " + a.add(f.Kind)
	}
	if f.Name != "" {
		where += " AND LOWER(name) LIKE " + a.add(likePrefix(f.Name)) + " ESCAPE '\\'"
	}
	rows, err := q.query(ctx, "SELECT "+orgColumns+" FROM organizations "+where+
		" ORDER BY id LIMIT "+a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: organizations: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("store: organizations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ProviderOrganization returns the provider's own organization.
func (q *Queries) ProviderOrganization(ctx context.Context) (*casedesk.Organization, error) {
	o, err := scanOrg(q.queryRow(ctx, "SELECT "+orgColumns+" FROM organizations WHERE kind = 'provider' ORDER BY id LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "no provider organization yet")
	}
	if err != nil {
		return nil, fmt.Errorf("store: provider organization: %w", err)
	}
	return o, nil
}
