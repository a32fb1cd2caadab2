package desk

import (
	"context"
	"net/url"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/store"
)

// Account mails: a password-reset link (password.go), an invitation with a
// set-password link instead of a one-time password shown on screen, and
// the answer to a prospect's pre-sales question (notice.go). They go
// through the outbox like notifications, and only with mail on: without it
// the pages say that no mail is sent.

// InvitationTTL is how long an invitation's set-password link works.
const InvitationTTL = 7 * 24 * time.Hour

// queueAccountMail queues an account mail to u in tx, when mail is on. A
// secret becomes the set-password link (/reset?token=…), blanked from the
// stored payload once sent.
func (d *Desk) queueAccountMail(ctx context.Context, tx *store.Tx, u *casedesk.User, topic casedesk.Topic, secret, actor string) error {
	if !d.mail || u.Email == "" {
		return nil
	}
	nt := &casedesk.Notice{Topic: topic, To: u.Email, Name: u.Name, Language: u.Language, TimeZone: u.TimeZone, Actor: actor,
		Staff: u.Role.IsStaff()}
	if secret != "" {
		nt.Link, nt.Secret = "/reset?token="+url.QueryEscape(secret), true
	}
	if topic == casedesk.TopicInvitation {
		if o, err := tx.Organization(ctx, store.OrgScope(u.OrgID), u.OrgID); err == nil {
			nt.Organization = o.Name
		} else if casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			return err
		}
	}
	return d.queueMail(ctx, tx, u.OrgID, 0, 0, u.ID, nt)
}

// invite gives the new user u a set-password link and mails it, in tx.
func (d *Desk) invite(ctx context.Context, tx *store.Tx, u *casedesk.User, actor string) error {
	secret, hash := auth.NewToken("cdr_")
	now := d.now()
	if err := tx.CreatePasswordReset(ctx, hash, u.ID, now, now.Add(InvitationTTL)); err != nil {
		return err
	}
	return d.queueAccountMail(ctx, tx, u, casedesk.TopicInvitation, secret, actor)
}

// MailInvitations mails the active user of each address (of any
// organization) an invitation with a set-password link, for the demo's
// seeded accounts: an operator's verb, and only with mail on (else
// EINVALID). An address without a user is ENOTFOUND.
func (d *Desk) MailInvitations(ctx context.Context, a *casedesk.Actor, emails []string) error {
	if err := mayMailInvitations(a); err != nil {
		return err
	}
	if !d.mail {
		return casedesk.Errorf(casedesk.EINVALID, "mail is off: set --smtp-url to send invitations")
	}
	return d.write(ctx, func(tx *store.Tx) error {
		for _, email := range emails {
			u, _, err := tx.UserByEmail(ctx, casedesk.NormalizeEmail(email))
			if err != nil {
				return err
			}
			if u.Active {
				if err := d.invite(ctx, tx, u, a.User.Name); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
