package client

import (
	"context"
	"net/http"
	"time"
)

// CannedResponse is a reply text staff start from.
type CannedResponse struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Language  string    `json:"language"`
	Body      string    `json:"body"` // Markdown with {{placeholders}}
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// CannedUpdate is the body of PATCH /api/v1/canned-responses/{id}; nil
// fields stay as they are.
type CannedUpdate struct {
	Name     *string `json:"name,omitempty"`
	Language *string `json:"language,omitempty"`
	Body     *string `json:"body,omitempty"`
}

// ListCanned returns the canned responses (staff).
func (c *Client) ListCanned(ctx context.Context) ([]CannedResponse, error) {
	return list[CannedResponse](ctx, c, APIPrefix+"/canned-responses", nil)
}

// CreateCanned adds a canned response (supervisors); language "" is en.
func (c *Client) CreateCanned(ctx context.Context, name, language, body string) (*CannedResponse, error) {
	in := struct {
		Name     string `json:"name"`
		Language string `json:"language,omitempty"`
		Body     string `json:"body"`
	}{name, language, body}
	return call[CannedResponse](ctx, c, http.MethodPost, APIPrefix+"/canned-responses", in)
}

// UpdateCanned changes a canned response (supervisors).
func (c *Client) UpdateCanned(ctx context.Context, id int64, u CannedUpdate) (*CannedResponse, error) {
	return call[CannedResponse](ctx, c, http.MethodPatch, idPath(APIPrefix+"/canned-responses", id), u)
}

// DeleteCanned deletes a canned response (supervisors).
func (c *Client) DeleteCanned(ctx context.Context, id int64) error {
	return c.Do(ctx, http.MethodDelete, idPath(APIPrefix+"/canned-responses", id), nil, nil)
}
