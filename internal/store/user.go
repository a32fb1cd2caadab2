package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/casedesk/casedesk"
)

const userColumns = `id, org_id, email, name, role, language, time_zone, phone, active, must_change_password,
	languages, regions, skills, created_at`

func scanUser(row interface{ Scan(...any) error }) (*casedesk.User, error) {
	var u casedesk.User
	var langs, regions, skills string
	var created int64
	if err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Language, &u.TimeZone, &u.Phone,
		&u.Active, &u.MustChangePass, &langs, &regions, &skills, &created); err != nil {
		return nil, err
	}
	u.Languages, u.Regions, u.Skills = splitList(langs), splitList(regions), splitList(skills)
	u.CreatedAt = fromTS(created)
	return &u, nil
}

// CreateUser inserts u with the password hash and sets its ID. u's
// organization must lie in scope (otherwise ENOTFOUND); an email in use
// answers ECONFLICT.
func (q *Queries) CreateUser(ctx context.Context, scope Scope, u *casedesk.User, passwordHash string) error {
	a := args{u.OrgID, u.Email, u.Name, u.Role, u.Language, u.TimeZone, u.Phone, u.Active, u.MustChangePass, passwordHash,
		joinList(u.Languages), joinList(u.Regions), joinList(u.Skills), ts(u.CreatedAt)}
	err := q.queryRow(ctx, `INSERT INTO users (org_id, email, name, role, language, time_zone, phone, active,
		must_change_password, password_hash, languages, regions, skills, created_at)
		SELECT o.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM organizations o
		WHERE o.id = $1 AND `+scope.cond(&a, "o.id")+` RETURNING id`, a...).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", u.OrgID)
	}
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "email", Message: "a user with this email already exists"}
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// User returns the user with the id within scope.
func (q *Queries) User(ctx context.Context, scope Scope, id int64) (*casedesk.User, error) {
	a := args{id}
	u, err := scanUser(q.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1 AND "+scope.cond(&a, "org_id"), a...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns a user and their password hash for sign-in.
func (q *Queries) UserByEmail(ctx context.Context, email string) (*casedesk.User, string, error) {
	var hash string
	row := q.queryRow(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = $1", email)
	var u casedesk.User
	var langs, regions, skills string
	var created int64
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Language, &u.TimeZone, &u.Phone,
		&u.Active, &u.MustChangePass, &langs, &regions, &skills, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", casedesk.Errorf(casedesk.ENOTFOUND, "no user with this email")
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: user by email: %w", err)
	}
	u.Languages, u.Regions, u.Skills = splitList(langs), splitList(regions), splitList(skills)
	u.CreatedAt = fromTS(created)
	return &u, hash, nil
}

// UpdateUser saves the editable fields of u within its organization.
func (q *Queries) UpdateUser(ctx context.Context, scope Scope, u *casedesk.User) error {
	a := args{u.ID, u.Name, u.Role, u.Language, u.TimeZone, u.Phone, u.Active, u.MustChangePass,
		joinList(u.Languages), joinList(u.Regions), joinList(u.Skills)}
	res, err := q.exec(ctx, `UPDATE users SET name = $2, role = $3, language = $4, time_zone = $5, phone = $6,
		active = $7, must_change_password = $8, languages = $9, regions = $10, skills = $11
		WHERE id = $1`+" AND "+scope.cond(&a, "org_id"), a...)
	return affectOne(res, err, "user", u.ID)
}

// SetPassword stores a new password hash.
func (q *Queries) SetPassword(ctx context.Context, scope Scope, id int64, hash string, mustChange bool) error {
	a := args{id, hash, mustChange}
	res, err := q.exec(ctx, "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1 AND "+scope.cond(&a, "org_id"), a...)
	return affectOne(res, err, "user", id)
}

// UserFilter selects users.
type UserFilter struct {
	Role   casedesk.Role
	Admins bool // customer admin roles only
	After  int64
	Limit  int
}

// Users lists the users of the organizations in scope by id.
func (q *Queries) Users(ctx context.Context, scope Scope, f UserFilter) ([]*casedesk.User, error) {
	var a args
	where := "WHERE " + scope.cond(&a, "org_id") + " AND id > " + a.add(f.After)
	if f.Role != "" {
		where += " AND role = " + a.add(f.Role)
	}
	if f.Admins {
		where += " AND role IN ('global_admin', 'billing_admin', 'service_support_admin') AND active"
	}
	rows, err := q.query(ctx, "SELECT "+userColumns+" FROM users "+where+" ORDER BY id LIMIT "+a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func affectOne(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return fmt.Errorf("store: update %s %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: update %s %d: %w", what, id, err)
	}
	if n == 0 {
		return casedesk.Errorf(casedesk.ENOTFOUND, "%s %d not found", what, id)
	}
	return nil
}

// UserEmails returns the emails of every user within scope (active or not),
// for desk to compare a new address against them.
func (q *Queries) UserEmails(ctx context.Context, scope Scope) ([]string, error) {
	var a args
	rows, err := q.query(ctx, "SELECT email FROM users WHERE "+scope.cond(&a, "org_id"), a...)
	if err != nil {
		return nil, fmt.Errorf("store: user emails: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("store: user emails: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
