package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Roles of a user.
const (
	RoleGlobalAdmin  = "global_admin"
	RoleBillingAdmin = "billing_admin"
	RoleSupportAdmin = "service_support_admin"
	RoleUser         = "user"
	RolePartnerAdmin = "partner_admin"
	RoleAgent        = "agent"
	RoleSupervisor   = "supervisor"
	RoleOperator     = "operator"
)

// NewUser is the body of POST /api/v1/organizations/{id}/users. Without a
// Password the user is invited with a one-time password.
type NewUser struct {
	Email     string   `json:"email"`
	Name      string   `json:"name"`
	Role      string   `json:"role"`
	Language  string   `json:"language,omitempty"`
	TimeZone  string   `json:"time_zone,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Password  string   `json:"password,omitempty"`
	Languages []string `json:"languages,omitempty"`
	Regions   []string `json:"regions,omitempty"`
	Skills    []string `json:"skills,omitempty"`
}

// CreatedUser is the answer to adding a user. User is set for the
// provider's staff only; OneTimePassword when the user was invited.
type CreatedUser struct {
	Invitation struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"`
		// Mailed is true when mail is on and the invitation went by mail
		// with a link to choose a password (no one-time password then).
		Mailed bool `json:"mailed,omitempty"`
	} `json:"invitation"`
	User            *User  `json:"user,omitempty"`
	OneTimePassword string `json:"one_time_password,omitempty"`
}

// UserUpdate is the body of PATCH …/users/{user}; nil fields stay as they
// are. Active false deactivates the user and signs them out everywhere.
type UserUpdate struct {
	Name      *string   `json:"name,omitempty"`
	Role      *string   `json:"role,omitempty"`
	Active    *bool     `json:"active,omitempty"`
	Language  *string   `json:"language,omitempty"`
	TimeZone  *string   `json:"time_zone,omitempty"`
	Phone     *string   `json:"phone,omitempty"`
	Languages *[]string `json:"languages,omitempty"`
	Regions   *[]string `json:"regions,omitempty"`
	Skills    *[]string `json:"skills,omitempty"`
}

// ListUsers returns one page (up to 200, by id) of an organization's users
// with ids above after, optionally of one role only.
func (c *Client) ListUsers(ctx context.Context, orgID int64, role string, after int64) ([]User, error) {
	q := url.Values{}
	if role != "" {
		q.Set("role", role)
	}
	if after != 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	return list[User](ctx, c, orgPath(orgID)+"/users", q)
}

// Users iterates over every user of an organization (of one role when role
// is not ""), page by page.
func (c *Client) Users(ctx context.Context, orgID int64, role string) iter.Seq2[User, error] {
	return keyset(ctx, 0, func(ctx context.Context, after int64) ([]User, error) {
		return c.ListUsers(ctx, orgID, role, after)
	}, func(u User) int64 { return u.ID })
}

// CreateUser adds or invites a user to an organization (its global admin
// or an operator).
func (c *Client) CreateUser(ctx context.Context, orgID int64, u NewUser) (*CreatedUser, error) {
	return call[CreatedUser](ctx, c, http.MethodPost, orgPath(orgID)+"/users", u)
}

// GetUser returns a user of an organization.
func (c *Client) GetUser(ctx context.Context, orgID, userID int64) (*User, error) {
	return call[User](ctx, c, http.MethodGet, idPath(orgPath(orgID)+"/users", userID), nil)
}

// UpdateUser changes a user's roles, activation or profile.
func (c *Client) UpdateUser(ctx context.Context, orgID, userID int64, u UserUpdate) (*User, error) {
	return call[User](ctx, c, http.MethodPatch, idPath(orgPath(orgID)+"/users", userID), u)
}
