package desk

import (
	"context"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds passwords: a user's own change, the operator's reset from
// the command line, and reset links sent by mail.

// PasswordResetTTL is how long a reset link works.
const PasswordResetTTL = time.Hour

// RequestPasswordReset makes a password-reset link secret for the active
// account with the email. For an unknown or inactive address it returns ""
// and no error, so callers answer the same either way. It is rate limited
// per client address and per account. With mail on (Options.Mail) the link
// is mailed to the account through the outbox, in the transaction that
// makes it, and the caller has nothing more to send.
func (d *Desk) RequestPasswordReset(ctx context.Context, email, clientIP string) (string, *casedesk.User, error) {
	now := d.now()
	email = casedesk.NormalizeEmail(email)
	if err := casedesk.ValidateEmail("email", email); err != nil {
		return "", nil, err
	}
	if ok, retry := d.limits.allow("reset:"+clientIP, 10, time.Hour, now); !ok {
		return "", nil, casedesk.RetryLater(casedesk.ERATELIMIT, retry, "too many password-reset requests from your address; try again later")
	}
	u, _, err := d.db.UserByEmail(ctx, email)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND || (err == nil && !u.Active) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if n, err := d.db.RecentPasswordResets(ctx, u.ID, now.Add(-time.Hour)); err != nil {
		return "", nil, err
	} else if n >= 3 {
		return "", nil, nil // quietly: the earlier links still work
	}
	secret, hash := auth.NewToken("cdr_")
	err = d.write(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePasswordReset(ctx, hash, u.ID, now, now.Add(PasswordResetTTL)); err != nil {
			return err
		}
		return d.queueAccountMail(ctx, tx, u, casedesk.TopicPasswordReset, secret, "")
	})
	if err != nil {
		return "", nil, err
	}
	return secret, u, nil
}

// ResetPasswordWithLink sets the password of the account a reset link was
// made for, once; every session and API token of the account is revoked, and
// its live streams end, on every instance.
func (d *Desk) ResetPasswordWithLink(ctx context.Context, secret, password string) error {
	if err := casedesk.ValidatePassword("new_password", password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, d.policy.PasswordParams)
	if err != nil {
		return err
	}
	now := d.now()
	return d.write(ctx, func(tx *store.Tx) error {
		userID, err := tx.UsePasswordReset(ctx, auth.HashToken(secret), now)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, store.AllOrgs, userID, hash, false); err != nil {
			return err
		}
		if err := tx.RevokeUserTokens(ctx, userID, 0, now); err != nil {
			return err
		}
		return d.accessChanged(ctx, tx, live.Change{User: userID})
	})
}

// ChangePassword sets the actor's own password after checking the current
// one. Every other session and API token of the user is revoked, and their
// live streams end, on every instance; the token the actor came with
// (Actor.TokenID) stays signed in.
func (d *Desk) ChangePassword(ctx context.Context, a *casedesk.Actor, current, next string) error {
	if a.Anonymous() {
		return errUnauthenticated()
	}
	_, hash, err := d.db.UserByEmail(ctx, a.User.Email)
	if err != nil {
		return err
	}
	var errs casedesk.FieldErrors
	if auth.VerifyPassword(hash, current) != nil {
		errs.Add(casedesk.Invalid("current_password", "the current password is wrong").Because("wrong"))
	}
	errs.Add(casedesk.ValidatePassword("new_password", next))
	if err := errs.Err(); err != nil {
		return err
	}
	newHash, err := auth.HashPassword(next, d.policy.PasswordParams)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, store.OrgScope(a.User.OrgID), a.User.ID, newHash, false); err != nil {
			return err
		}
		if err := tx.RevokeUserTokens(ctx, a.User.ID, a.TokenID, d.now()); err != nil {
			return err
		}
		return d.accessChanged(ctx, tx, live.Change{User: a.User.ID})
	})
}

// ResetPassword sets a user's password by email, for the operator command
// line; every token of the user is revoked, and their live streams end, on
// every instance. mustChange forces a change at the next sign-in.
func (d *Desk) ResetPassword(ctx context.Context, email, password string, mustChange bool) error {
	if err := casedesk.ValidatePassword("password", password); err != nil {
		return err
	}
	u, _, err := d.db.UserByEmail(ctx, casedesk.NormalizeEmail(email))
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, d.policy.PasswordParams)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, store.AllOrgs, u.ID, hash, mustChange); err != nil {
			return err
		}
		if err := tx.RevokeUserTokens(ctx, u.ID, 0, d.now()); err != nil {
			return err
		}
		return d.accessChanged(ctx, tx, live.Change{User: u.ID})
	})
}
