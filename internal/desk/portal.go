package desk

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the verbs the customer portal needs beyond the API's:
// the recent-requests list, names for history lines, satisfaction surveys,
// callback requests, password-reset links and the support phone directory.
// Permissions come from authz.go, as everywhere in desk.

// RecentRequests lists like ListRequests, except that with no status filter
// and a non-zero since it returns the active requests and those changed
// (closed, resolved) after since: SPEC's "all open and recently closed".
func (d *Desk) RecentRequests(ctx context.Context, a *casedesk.Actor, f ListFilter, since time.Time) ([]*casedesk.Request, string, error) {
	if f.Status != "" || since.IsZero() {
		return d.ListRequests(ctx, a, f)
	}
	scope, err := requestScope(a)
	if err != nil {
		return nil, "", err
	}
	sf, err := f.storeFilter()
	if err != nil {
		return nil, "", err
	}
	if f.OrgID != 0 && !inScope(scope, f.OrgID) {
		return []*casedesk.Request{}, "", nil
	}
	rs, err := d.db.RecentRequests(ctx, scope, sf, since.UnixMicro())
	if err != nil {
		return nil, "", err
	}
	rs, next := pageOf(rs, f.Limit)
	return rs, next, nil
}

// Names returns the names of the given users and organizations, limited to
// those a viewer of organization org's requests may see beside them: org's
// own users and those (partners, the provider's staff) who acted on its
// requests. Others are simply missing from the maps.
func (d *Desk) Names(ctx context.Context, a *casedesk.Actor, org int64, userIDs, orgIDs []int64) (users, orgs map[int64]string, err error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, nil, err
	}
	if !inScope(scope, org) {
		return nil, nil, casedesk.Errorf(casedesk.ENOTFOUND, "organization %d not found", org)
	}
	if len(userIDs) > 500 || len(orgIDs) > 500 {
		return nil, nil, casedesk.Invalid("ids", "at most 500 names at a time")
	}
	return d.db.ActorNames(ctx, store.OrgScope(org), userIDs, orgIDs)
}

// ProviderOrganization returns the provider's organization: its name is
// shown to everyone as the party that gives support.
func (d *Desk) ProviderOrganization(ctx context.Context) (*casedesk.Organization, error) {
	return d.db.ProviderOrganization(ctx)
}

// Survey returns the answered satisfaction survey of a request, nil when it
// has not been answered.
func (d *Desk) Survey(ctx context.Context, a *casedesk.Actor, number string) (*store.Survey, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.Survey(ctx, scopeOf(r), r.ID)
}

// AnswerSurvey records the customer's rating (1–5) and comment of a resolved
// or closed request, once: a second answer is ECONFLICT. The provider's
// staff do not answer surveys.
func (d *Desk) AnswerSurvey(ctx context.Context, a *casedesk.Actor, number string, rating int, comment string) (*store.Survey, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	if a.IsStaff() {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "surveys are answered by the customer")
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	if rating < 1 || rating > 5 {
		return nil, casedesk.Invalid("rating", "rating must be between 1 and 5")
	}
	if err := casedesk.CheckText("comment", comment, 0, 2000); err != nil {
		return nil, err
	}
	s := &store.Survey{UserID: a.User.ID, Rating: rating, Comment: comment, CreatedAt: d.now()}
	err = d.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Request(ctx, scope, id)
		if err != nil {
			return err
		}
		if r.Status != casedesk.StatusResolved && r.Status != casedesk.StatusClosed {
			return casedesk.Errorf(casedesk.ECONFLICT, "request %s is not resolved yet; the survey opens once it is", r.Number)
		}
		s.RequestID, s.OrgID = r.ID, r.OrgID
		if err := tx.CreateSurvey(ctx, scope, s); err != nil {
			return err
		}
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventSurvey, Field: "rating", New: strconv.Itoa(rating), At: s.CreatedAt})
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// RequestCallback asks the provider to call the customer back about a
// request, at the phone number and (free text) preferred time given.
func (d *Desk) RequestCallback(ctx context.Context, a *casedesk.Actor, number, phone, when string) (*store.Callback, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	phone = strings.TrimSpace(phone)
	if err := casedesk.CheckText("callback_phone", phone, 1, 40); err != nil {
		return nil, casedesk.Invalid("callback_phone", "a phone number to call is required (at most 40 characters)")
	}
	if err := casedesk.CheckText("callback_time", when, 0, 200); err != nil {
		return nil, err
	}
	c := &store.Callback{UserID: a.User.ID, Phone: phone, PreferredTime: when, CreatedAt: d.now()}
	err = d.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Request(ctx, scope, id)
		if err != nil {
			return err
		}
		if r.Status == casedesk.StatusClosed {
			return casedesk.Errorf(casedesk.ECONFLICT, "request %s is closed; reopen it first", r.Number)
		}
		c.RequestID, c.OrgID = r.ID, r.OrgID
		if err := tx.CreateCallback(ctx, scope, c); err != nil {
			return err
		}
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventCallbackRequest, Field: "phone", New: phone, At: c.CreatedAt})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Callbacks lists the callback requests of a request.
func (d *Desk) Callbacks(ctx context.Context, a *casedesk.Actor, number string) ([]*store.Callback, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.Callbacks(ctx, scopeOf(r), r.ID)
}

// PasswordResetTTL is how long a reset link works.
const PasswordResetTTL = time.Hour

// RequestPasswordReset makes a password-reset link secret for the active
// account with the email. For an unknown or inactive address it returns ""
// and no error, so callers answer the same either way. It is rate limited
// per client address and per account.
func (d *Desk) RequestPasswordReset(ctx context.Context, email, clientIP string) (string, *casedesk.User, error) {
	now := d.now()
	email = casedesk.NormalizeEmail(email)
	if err := casedesk.ValidateEmail("email", email); err != nil {
		return "", nil, err
	}
	if !d.limits.allow("reset:"+clientIP, 10, time.Hour, now) {
		return "", nil, casedesk.Errorf(casedesk.ERATELIMIT, "too many password-reset requests from your address; try again later")
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
		return tx.CreatePasswordReset(ctx, hash, u.ID, now, now.Add(PasswordResetTTL))
	})
	if err != nil {
		return "", nil, err
	}
	return secret, u, nil
}

// ResetPasswordWithLink sets the password of the account a reset link was
// made for, once; every session of the account is signed out.
func (d *Desk) ResetPasswordWithLink(ctx context.Context, secret, password string) error {
	if err := casedesk.ValidatePassword("new_password", password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, d.policy.PasswordParams)
	if err != nil {
		return err
	}
	now := d.now()
	err = d.write(ctx, func(tx *store.Tx) error {
		userID, err := tx.UsePasswordReset(ctx, auth.HashToken(secret), now)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, store.AllOrgs, userID, hash, false); err != nil {
			return err
		}
		return tx.RevokeUserTokens(ctx, userID, now)
	})
	if err != nil {
		return err
	}
	d.tokens.clear()
	return nil
}

// SupportPhones returns the provider's phone lines for a country, anyone may
// read them: the lines for the country and language first, then those for
// every country. trial adds the free-trial lines.
func (d *Desk) SupportPhones(ctx context.Context, country, language string, trial bool) ([]*store.SupportPhone, error) {
	all, err := d.db.SupportPhones(ctx, strings.ToUpper(country))
	if err != nil {
		return nil, err
	}
	var local, generic, trials []*store.SupportPhone
	for _, p := range all {
		if p.Language != "" && !strings.EqualFold(p.Language, language) && !strings.HasPrefix(strings.ToLower(language), strings.ToLower(p.Language)+"-") {
			continue
		}
		switch {
		case p.Purpose == "trial":
			if trial && (len(trials) == 0 || trials[0].Country == p.Country) {
				trials = append(trials, p)
			}
		case p.Country != "":
			local = append(local, p)
		default:
			generic = append(generic, p)
		}
	}
	out := local
	if len(out) == 0 {
		out = generic
	}
	out = append(out, trials...)
	if out == nil {
		out = []*store.SupportPhone{}
	}
	return out, nil
}
