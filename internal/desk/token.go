package desk

import (
	"context"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds a user's named API tokens (sign-in tokens: session.go).

// NewAPIToken creates a named API token for the actor and returns the secret,
// shown this once.
func (d *Desk) NewAPIToken(ctx context.Context, a *casedesk.Actor, name string, expires *time.Time) (string, *store.Token, error) {
	if a.Anonymous() {
		return "", nil, errUnauthenticated()
	}
	if err := casedesk.CheckText("name", name, 1, 100); err != nil {
		return "", nil, err
	}
	now := d.now()
	if expires != nil && !expires.After(now) {
		return "", nil, casedesk.Invalid("expires_at", "expires_at must be in the future")
	}
	secret, hash := auth.NewToken(TokenPrefix)
	t := &store.Token{Hash: hash, UserID: a.User.ID, Kind: "api", Name: name, CreatedAt: now, ExpiresAt: expires}
	if err := d.write(ctx, func(tx *store.Tx) error { return tx.CreateToken(ctx, t) }); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// APITokens lists the actor's API tokens (never their secrets).
func (d *Desk) APITokens(ctx context.Context, a *casedesk.Actor) ([]*store.Token, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	return d.db.Tokens(ctx, a.User.ID)
}

// RevokeAPIToken revokes one of the actor's tokens; live streams opened with
// it end, on every instance.
func (d *Desk) RevokeAPIToken(ctx context.Context, a *casedesk.Actor, id int64) error {
	if a.Anonymous() {
		return errUnauthenticated()
	}
	return d.write(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeToken(ctx, a.User.ID, id, d.now()); err != nil {
			return err
		}
		return d.accessChanged(ctx, tx, live.Change{User: a.User.ID})
	})
}
