package desk

import (
	"context"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/mtibben/confusables"
)

// This file holds the users of an organization: invite, list, change.

// NewUser is what an admin supplies to add a user.
type NewUser struct {
	Email     string        `json:"email"`
	Name      string        `json:"name"`
	Role      casedesk.Role `json:"role"`
	Language  string        `json:"language,omitempty"`
	TimeZone  string        `json:"time_zone,omitempty"`
	Phone     string        `json:"phone,omitempty"`
	Password  string        `json:"password,omitempty"` // empty: invited with a one-time password
	Languages []string      `json:"languages,omitempty"`
	Regions   []string      `json:"regions,omitempty"`
	Skills    []string      `json:"skills,omitempty"`
}

// CreateUser adds a user to organization org (its global admin, or an
// operator). Without a password the user is invited: with mail on
// (Options.Mail) an invitation with a set-password link is mailed, in the
// transaction that creates the user, and no password is returned; with mail
// off a one-time password is returned and must be changed at first sign-in.
//
// Whether an email has an account in another organization is not for a
// customer or partner to learn: for them, an email already used elsewhere
// creates nothing and is answered as an invitation would be (the returned
// user has ID 0, the one-time password opens nothing), and the transports
// answer both alike. Only an email already in org itself is ECONFLICT on
// email (the provider's staff, who see every organization, get ECONFLICT
// for any). An email that differs from one in org, or from a staff
// member's, only in characters that look alike (the same TR39 skeleton, as
// a Cyrillic а for a Latin a) is EINVALID on email.
func (d *Desk) CreateUser(ctx context.Context, a *casedesk.Actor, org int64, in NewUser) (*casedesk.User, string, error) {
	if err := needOrg(a, org, orgManage); err != nil {
		return nil, "", err
	}
	scope := store.OrgScope(org)
	o, err := d.db.Organization(ctx, scope, org)
	if err != nil {
		return nil, "", err
	}
	u := &casedesk.User{OrgID: org, Email: in.Email, Name: in.Name, Role: in.Role, Language: in.Language,
		TimeZone: in.TimeZone, Phone: in.Phone, Active: true, Languages: in.Languages, Regions: in.Regions, Skills: in.Skills,
		CreatedAt: d.now()}
	var errs casedesk.FieldErrors
	errs.Add(u.Validate(o.Kind))
	temp, invite := "", false
	switch {
	case in.Password == "" && d.mail:
		// The invitation's link sets the password; this one is never told.
		in.Password, invite = auth.RandomString(24), true
	case in.Password == "":
		temp = auth.RandomString(12)
		in.Password = temp
		u.MustChangePass = true
	default:
		errs.Add(casedesk.ValidatePassword("password", in.Password))
	}
	if err := errs.Err(); err != nil {
		return nil, "", err
	}
	if err := d.notLookalike(ctx, org, u.Email); err != nil {
		return nil, "", err
	}
	taken, err := d.emailTaken(ctx, a, org, u.Email)
	if err != nil {
		return nil, "", err
	}
	// The password is hashed whether or not the email is taken elsewhere, so
	// that the answer's timing, like its content, does not tell (argon2id
	// takes tens of milliseconds; skipping it would be measurable).
	hash, err := auth.HashPassword(in.Password, d.policy.PasswordParams)
	if err != nil {
		return nil, "", err
	}
	if taken {
		return u, temp, nil
	}
	err = d.write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, scope, u, hash); err != nil || !invite {
			return err
		}
		return d.invite(ctx, tx, u, a.User.Name)
	})
	if casedesk.ErrorCode(err) == casedesk.ECONFLICT {
		// Taken meanwhile: answer as if it had been taken before.
		u.ID = 0
		if taken, err := d.emailTaken(ctx, a, org, u.Email); err != nil || taken {
			return u, temp, err
		}
	}
	return u, temp, err
}

// emailTaken is ECONFLICT when the email has a user in org (or anywhere,
// for staff), and true without an error when it has one in another
// organization: see CreateUser.
func (d *Desk) emailTaken(ctx context.Context, a *casedesk.Actor, org int64, email string) (bool, error) {
	other, _, err := d.db.UserByEmail(ctx, email)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if other.OrgID == org {
		return false, &casedesk.Error{Code: casedesk.ECONFLICT, Field: "email", Message: "a user with this email is already in this organization", Rule: "taken"}
	}
	if a.IsStaff() {
		return false, &casedesk.Error{Code: casedesk.ECONFLICT, Field: "email", Message: "a user with this email already exists in another organization", Rule: "taken"}
	}
	return true, nil
}

// notLookalike refuses an email whose Unicode TR39 skeleton equals that of
// a different email of org's users or of the provider's staff: someone made
// to look like a colleague or like support. Other customers' users are not
// compared, since a refusal would tell that they exist.
func (d *Desk) notLookalike(ctx context.Context, org int64, email string) error {
	emails, err := d.db.UserEmails(ctx, store.OrgScope(org))
	if err != nil {
		return err
	}
	prov, err := d.db.ProviderOrganization(ctx)
	if err != nil {
		return err
	}
	if prov.ID != org {
		staff, err := d.db.UserEmails(ctx, store.OrgScope(prov.ID))
		if err != nil {
			return err
		}
		emails = append(emails, staff...)
	}
	sk := confusables.Skeleton(email)
	for _, e := range emails {
		if e != email && confusables.Skeleton(e) == sk {
			return casedesk.Invalid("email", "this email differs from an existing account's only in characters that look alike (such as a Cyrillic а for a Latin a); type the address in plain characters").Because("lookalike")
		}
	}
	return nil
}

// Users lists an organization's users.
func (d *Desk) Users(ctx context.Context, a *casedesk.Actor, org int64, f store.UserFilter) ([]*casedesk.User, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	// A plain user sees the organization's admins, to know whom to ask.
	if adminsOnly(a, org) {
		f.Admins = true
	}
	return d.db.Users(ctx, store.OrgScope(org), f)
}

// User returns one user of an organization the actor may see.
func (d *Desk) User(ctx context.Context, a *casedesk.Actor, org, id int64) (*casedesk.User, error) {
	if err := needOrg(a, org, orgRead); err != nil {
		return nil, err
	}
	return d.db.User(ctx, store.OrgScope(org), id)
}

// UserPatch changes a user.
type UserPatch struct {
	Name      *string        `json:"name,omitempty"`
	Role      *casedesk.Role `json:"role,omitempty"`
	Active    *bool          `json:"active,omitempty"`
	Language  *string        `json:"language,omitempty"`
	TimeZone  *string        `json:"time_zone,omitempty"`
	Phone     *string        `json:"phone,omitempty"`
	Languages *[]string      `json:"languages,omitempty"`
	Regions   *[]string      `json:"regions,omitempty"`
	Skills    *[]string      `json:"skills,omitempty"`
}

// UpdateUser changes a user: roles and activation by the organization's
// global admin (or an operator); a user may change their own name, language,
// time zone and phone. Deactivating signs the user out everywhere; every
// change reaches the user's sessions and live streams on every instance.
func (d *Desk) UpdateUser(ctx context.Context, a *casedesk.Actor, org, id int64, p UserPatch) (*casedesk.User, error) {
	self := !a.Anonymous() && a.User.ID == id && a.User.OrgID == org
	need := orgManage
	if self && p.Role == nil && p.Active == nil && p.Languages == nil && p.Regions == nil && p.Skills == nil {
		need = orgRead
	}
	if err := needOrg(a, org, need); err != nil {
		return nil, err
	}
	o, err := d.db.Organization(ctx, store.OrgScope(org), org)
	if err != nil {
		return nil, err
	}
	var u *casedesk.User
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, store.OrgScope(org), id); err != nil {
			return err
		}
		wasActive := u.Active
		set(&u.Name, p.Name)
		set(&u.Role, p.Role)
		set(&u.Active, p.Active)
		set(&u.Language, p.Language)
		set(&u.TimeZone, p.TimeZone)
		set(&u.Phone, p.Phone)
		set(&u.Languages, p.Languages)
		set(&u.Regions, p.Regions)
		set(&u.Skills, p.Skills)
		if err := u.Validate(o.Kind); err != nil {
			return err
		}
		if self && (p.Role != nil || (p.Active != nil && !*p.Active)) {
			return casedesk.Invalid("role", "you cannot change your own role or deactivate yourself; ask another admin")
		}
		if err := tx.UpdateUser(ctx, store.OrgScope(org), u); err != nil {
			return err
		}
		if wasActive && !u.Active {
			if err := tx.RevokeUserTokens(ctx, u.ID, 0, d.now()); err != nil {
				return err
			}
		}
		// Every instance forgets the user as cached with their tokens
		// (a new language shows at once), and their streams re-check.
		return d.accessChanged(ctx, tx, live.Change{User: u.ID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
