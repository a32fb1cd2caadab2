package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// Token is a stored session or API token. Only the hash of its secret is kept.
type Token struct {
	ID         int64      `json:"id"`
	Hash       string     `json:"-"`
	UserID     int64      `json:"user_id"`
	Kind       string     `json:"kind"` // "session" or "api"
	Name       string     `json:"name"`
	CSRF       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// CreateToken stores t and sets its ID.
func (q *Queries) CreateToken(ctx context.Context, t *Token) error {
	err := q.queryRow(ctx, `INSERT INTO tokens (hash, user_id, kind, name, csrf, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		t.Hash, t.UserID, t.Kind, t.Name, t.CSRF, ts(t.CreatedAt), tsp(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// TokenUser returns the token with the hash and its user, if the token is
// neither revoked nor expired at now and the user is active.
func (q *Queries) TokenUser(ctx context.Context, hash string, now time.Time) (*Token, *casedesk.User, error) {
	var t Token
	var created int64
	var expires, used sql.NullInt64
	row := q.queryRow(ctx, `SELECT t.id, t.user_id, t.kind, t.name, t.csrf, t.created_at, t.expires_at, t.last_used_at, `+
		prefixed("u.", userColumns)+` FROM tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active`, hash, ts(now))
	var u casedesk.User
	var langs, regions, skills string
	var ucreated int64
	err := row.Scan(&t.ID, &t.UserID, &t.Kind, &t.Name, &t.CSRF, &created, &expires, &used,
		&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Language, &u.TimeZone, &u.Phone,
		&u.Active, &u.MustChangePass, &langs, &regions, &skills, &ucreated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, casedesk.Errorf(casedesk.EUNAUTHORIZED, "the token is unknown, expired or revoked")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: token: %w", err)
	}
	t.Hash = hash
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt = fromTS(created), fromNullTS(expires), fromNullTS(used)
	u.Languages, u.Regions, u.Skills = splitList(langs), splitList(regions), splitList(skills)
	u.CreatedAt = fromTS(ucreated)
	return &t, &u, nil
}

// TouchToken records use of a token (and slides a session's expiry).
func (q *Queries) TouchToken(ctx context.Context, id int64, at time.Time, expires *time.Time) error {
	_, err := q.exec(ctx, "UPDATE tokens SET last_used_at = $2, expires_at = COALESCE($3, expires_at) WHERE id = $1", id, ts(at), tsp(expires))
	if err != nil {
		return fmt.Errorf("store: touch token: %w", err)
	}
	return nil
}

// Tokens lists a user's API tokens.
func (q *Queries) Tokens(ctx context.Context, userID int64) ([]*Token, error) {
	rows, err := q.query(ctx, `SELECT id, user_id, kind, name, created_at, expires_at, last_used_at, revoked_at
		FROM tokens WHERE user_id = $1 AND kind = 'api' ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	out := []*Token{}
	for rows.Next() {
		var t Token
		var created int64
		var expires, used, revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Kind, &t.Name, &created, &expires, &used, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromTS(created), fromNullTS(expires), fromNullTS(used), fromNullTS(revoked)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the user's tokens.
func (q *Queries) RevokeToken(ctx context.Context, userID, id int64, at time.Time) error {
	res, err := q.exec(ctx, "UPDATE tokens SET revoked_at = $3 WHERE user_id = $1 AND id = $2 AND revoked_at IS NULL", userID, id, ts(at))
	return affectOne(res, err, "token", id)
}

// RevokeTokenByHash revokes the token with the hash (sign out).
func (q *Queries) RevokeTokenByHash(ctx context.Context, hash string, at time.Time) error {
	_, err := q.exec(ctx, "UPDATE tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL", hash, ts(at))
	if err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	}
	return nil
}

// RevokeUserTokens revokes every token of a user but the one with the id
// keep (0: none), sessions and API tokens alike (password change and reset,
// deactivation).
func (q *Queries) RevokeUserTokens(ctx context.Context, userID, keep int64, at time.Time) error {
	_, err := q.exec(ctx, "UPDATE tokens SET revoked_at = $2 WHERE user_id = $1 AND id <> $3 AND revoked_at IS NULL", userID, ts(at), keep)
	if err != nil {
		return fmt.Errorf("store: revoke user tokens: %w", err)
	}
	return nil
}

// IdemKind names the kind of operation an idempotency key was used for; a
// key belongs to its user and its kind, and names a resource of the kind's
// table.
type IdemKind string

// The operations idempotency keys are kept for.
const (
	IdemRequest    IdemKind = "request"      // a request opened (requests.id)
	IdemMessage    IdemKind = "message"      // a message added (messages.id)
	IdemAttachment IdemKind = "attachment"   // an attachment uploaded (attachments.id)
	IdemOrg        IdemKind = "organization" // an organization created (organizations.id)
	IdemSub        IdemKind = "subscription" // a subscription added (subscriptions.id)
)

// IdempotencyKey returns the resource id and body fingerprint recorded for
// the user's key of the kind, or 0 when the key is new.
func (q *Queries) IdempotencyKey(ctx context.Context, userID int64, kind IdemKind, key string) (int64, string, error) {
	var id int64
	var fp string
	err := q.queryRow(ctx, "SELECT resource_id, fingerprint FROM idempotency_keys WHERE user_id = $1 AND kind = $2 AND key = $3",
		userID, string(kind), key).Scan(&id, &fp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: idempotency key: %w", err)
	}
	return id, fp, nil
}

// ErrKeyTaken reports a concurrent use of the same idempotency key.
var ErrKeyTaken = errors.New("store: idempotency key taken")

// SaveIdempotencyKey records that the user's key of the kind, with a body of
// the fingerprint, created the resource; ErrKeyTaken when the key is recorded
// already.
func (q *Queries) SaveIdempotencyKey(ctx context.Context, userID int64, kind IdemKind, key, fingerprint string, resourceID int64, at time.Time) error {
	_, err := q.exec(ctx, "INSERT INTO idempotency_keys (user_id, kind, key, fingerprint, resource_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
		userID, string(kind), key, fingerprint, resourceID, ts(at))
	if isUniqueViolation(err) {
		return ErrKeyTaken
	}
	if err != nil {
		return fmt.Errorf("store: save idempotency key: %w", err)
	}
	return nil
}

// RecordLoginFailure notes a failed sign-in under each key (account, address).
func (q *Queries) RecordLoginFailure(ctx context.Context, at time.Time, keys ...string) error {
	for _, k := range keys {
		if _, err := q.exec(ctx, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", k, ts(at)); err != nil {
			return fmt.Errorf("store: record login failure: %w", err)
		}
	}
	return nil
}

// ClearLoginFailures forgets the failures under key (after a good sign-in).
func (q *Queries) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := q.exec(ctx, "DELETE FROM login_failures WHERE key = $1", key)
	if err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}
