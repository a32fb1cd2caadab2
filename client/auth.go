package client

import (
	"context"
	"net/http"
	"time"
)

// User is a person with an account in an organization.
type User struct {
	ID                 int64     `json:"id"`
	OrganizationID     int64     `json:"organization_id"`
	Email              string    `json:"email"`
	Name               string    `json:"name"`
	Role               string    `json:"role"`
	Language           string    `json:"language"`
	TimeZone           string    `json:"time_zone"`
	Phone              string    `json:"phone,omitempty"`
	Active             bool      `json:"active"`
	MustChangePassword bool      `json:"must_change_password"`
	Languages          []string  `json:"languages,omitempty"` // agent profile
	Regions            []string  `json:"regions,omitempty"`   // agent profile
	Skills             []string  `json:"skills,omitempty"`    // agent profile
	CreatedAt          time.Time `json:"created_at"`
}

// Session is the answer to a sign-in.
type Session struct {
	Token string `json:"token"`
	User  User   `json:"user"`
}

// Me is the signed-in user with their organization's kind.
type Me struct {
	User             User    `json:"user"`
	OrganizationKind string  `json:"organization_kind"`
	Delegated        []int64 `json:"delegated_organizations"` // a partner's delegating customers
}

// Token is an API token without its secret.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Kind       string     `json:"kind"` // "api" or "session"
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// CreatedToken is a new API token with its secret, shown this once.
type CreatedToken struct {
	Token     string     `json:"token"`
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// Login exchanges credentials for a token, which the client then uses for
// its following requests.
func (c *Client) Login(ctx context.Context, email, password string) (string, error) {
	s, err := c.SignIn(ctx, email, password)
	if err != nil {
		return "", err
	}
	return s.Token, nil
}

// SignIn is Login returning the whole session, the user with the token.
func (c *Client) SignIn(ctx context.Context, email, password string) (*Session, error) {
	in := struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{email, password}
	out := new(Session)
	if _, err := c.exchange(ctx, http.MethodPost, APIPrefix+"/auth/login", nil, in, out, false); err != nil {
		return nil, err
	}
	c.SetToken(out.Token)
	return out, nil
}

// Logout revokes the token in use and stops sending it.
func (c *Client) Logout(ctx context.Context) error {
	if err := c.Do(ctx, http.MethodPost, APIPrefix+"/auth/logout", nil, nil); err != nil {
		return err
	}
	c.SetToken("")
	return nil
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	return call[Me](ctx, c, http.MethodGet, APIPrefix+"/me", nil)
}

// ChangePassword changes the signed-in user's password.
func (c *Client) ChangePassword(ctx context.Context, current, next string) error {
	in := struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}{current, next}
	return c.Do(ctx, http.MethodPost, APIPrefix+"/me/password", in, nil)
}

// ListTokens returns the signed-in user's API tokens.
func (c *Client) ListTokens(ctx context.Context) ([]Token, error) {
	return list[Token](ctx, c, APIPrefix+"/tokens", nil)
}

// CreateToken creates an API token named name; a nil expiresAt never
// expires. The secret is in the answer only.
func (c *Client) CreateToken(ctx context.Context, name string, expiresAt *time.Time) (*CreatedToken, error) {
	in := struct {
		Name      string     `json:"name"`
		ExpiresAt *time.Time `json:"expires_at,omitempty"`
	}{name, expiresAt}
	return call[CreatedToken](ctx, c, http.MethodPost, APIPrefix+"/tokens", in)
}

// RevokeToken revokes one of the signed-in user's API tokens.
func (c *Client) RevokeToken(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(APIPrefix+"/tokens", id), nil, nil)
}
