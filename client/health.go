package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Health is the answer of the liveness and readiness probes.
type Health struct {
	Status   string `json:"status"`             // "ok" or "ready"
	Database string `json:"database,omitempty"` // readiness: the engine
}

// Healthz asks whether the server is alive.
func (c *Client) Healthz(ctx context.Context) (*Health, error) {
	return call[Health](ctx, c, http.MethodGet, "/healthz", nil)
}

// Readyz asks whether the server's database answers and takes writes; a
// server that is not ready answers a *Problem with status 503.
func (c *Client) Readyz(ctx context.Context) (*Health, error) {
	return call[Health](ctx, c, http.MethodGet, "/readyz", nil)
}

// Metrics returns the Prometheus exposition text, asked for with the
// server's metrics token (not a user's). A server without one answers 404.
func (c *Client) Metrics(ctx context.Context, metricsToken string) (string, error) {
	h := http.Header{"Accept": {"text/plain"}, "Authorization": {"Bearer " + metricsToken}}
	resp, err := c.send(ctx, http.MethodGet, "/metrics", h, nil, "", false)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("casedesk client: reading metrics: %w", err)
	}
	return string(b), nil
}

// OpenAPI returns the server's OpenAPI document.
func (c *Client) OpenAPI(ctx context.Context) (json.RawMessage, error) {
	var out json.RawMessage
	if err := c.Do(ctx, http.MethodGet, APIPrefix+"/openapi.json", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}
