// Package client is a small Go client of casedesk's REST API.
//
// It is used by the end-to-end tests and by the load-test tool, and only
// depends on the standard library. A Client is safe for concurrent use.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// APIPrefix is the path prefix of every route of version 1 of the API.
const APIPrefix = "/api/v1"

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// Client talks to one casedesk server.
type Client struct {
	base string
	hc   *http.Client

	mu    sync.RWMutex
	token string
}

// Option configures a Client in New.
type Option func(*Client)

// WithHTTPClient makes the client send its requests with hc instead of
// http.DefaultClient.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithToken sets the bearer token sent in the Authorization header.
func WithToken(token string) Option {
	return func(c *Client) { c.token = token }
}

// New returns a client of the server at baseURL, the server's root such as
// "http://localhost:8080" (a trailing slash is ignored). The typed methods
// add the /api/v1 prefix themselves.
func New(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), hc: http.DefaultClient}
	for _, o := range opts {
		o(c)
	}
	return c
}

// BaseURL returns the server root the client was created with.
func (c *Client) BaseURL() string { return c.base }

// HTTPClient returns the *http.Client the requests are sent with.
func (c *Client) HTTPClient() *http.Client { return c.hc }

// Token returns the bearer token currently in use ("" when none).
func (c *Client) Token() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.token
}

// SetToken replaces the bearer token; "" stops sending Authorization.
func (c *Client) SetToken(token string) {
	c.mu.Lock()
	c.token = token
	c.mu.Unlock()
}

// WithToken returns a copy of c that shares its HTTP client but
// authenticates with token, handy for tests acting as several users.
func (c *Client) WithToken(token string) *Client {
	return &Client{base: c.base, hc: c.hc, token: token}
}

// Do sends a request to path (relative to the base URL, including the
// /api/v1 prefix and any query string, e.g. "/api/v1/requests?limit=5").
// A non-nil in is sent as a JSON body; a non-nil out receives the decoded
// JSON body of a successful (2xx) response. An error response yields a
// *Problem.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	_, err := c.Exchange(ctx, method, path, nil, in, out)
	return err
}

// Exchange is Do with extra request headers, returning the response (whose
// body has already been consumed and closed) so that callers can look at its
// status code and headers. On a *Problem error the response is returned too;
// on a transport error it is nil.
func (c *Client) Exchange(ctx context.Context, method, path string, header http.Header, in, out any) (*http.Response, error) {
	return c.exchange(ctx, method, path, header, in, out, true)
}

func (c *Client) exchange(ctx context.Context, method, path string, header http.Header, in, out any, auth bool) (*http.Response, error) {
	var body io.Reader
	var ct string
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("casedesk client: encoding %s %s body: %w", method, path, err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	resp, err := c.send(ctx, method, path, header, body, ct, auth)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		// Drain so that the connection can be reused.
		_, err = io.Copy(io.Discard, resp.Body)
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, fmt.Errorf("casedesk client: reading %s %s response: %w", method, path, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return resp, nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return resp, fmt.Errorf("casedesk client: decoding %s %s response: %w", method, path, err)
	}
	return resp, nil
}

// send sends a request with body (of content type ct when not nil) and
// returns the response of a 2xx answer with its body open for the caller to
// read and close. Any other status is a *Problem, returned with the
// response, whose body has then been read and closed.
func (c *Client) send(ctx context.Context, method, path string, header http.Header, body io.Reader, ct string, auth bool) (*http.Response, error) {
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("casedesk client: %w", err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json, application/problem+json")
	}
	if body != nil && ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if auth && req.Header.Get("Authorization") == "" {
		if tok := c.Token(); tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		io.Copy(io.Discard, resp.Body)
		return resp, decodeProblem(resp, b)
	}
	return resp, nil
}

// get sends a GET of path with the query (when not empty) and decodes the
// answer into out.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.Do(ctx, http.MethodGet, path, nil, out)
}

// items is the envelope of every list the API returns.
type items[T any] struct {
	Items []T `json:"items"`
}

// list GETs path with the query and returns the items of the answer, never
// nil on success.
func list[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var out items[T]
	if err := c.get(ctx, path, q, &out); err != nil {
		return nil, err
	}
	if out.Items == nil {
		out.Items = []T{}
	}
	return out.Items, nil
}

// call sends in (when not nil) as JSON with method to path and returns the
// decoded answer.
func call[T any](ctx context.Context, c *Client, method, path string, in any) (*T, error) {
	out := new(T)
	if err := c.Do(ctx, method, path, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

func idPath(prefix string, id int64) string {
	return prefix + "/" + strconv.FormatInt(id, 10)
}
