package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorded is what the fake server saw of one request.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// fakeServer answers each request with the next canned response.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	mu   sync.Mutex
	got  []recorded
	resp func(r *http.Request) (status int, contentType, body string)
}

func newFake(t *testing.T, resp func(r *http.Request) (int, string, string)) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, resp: resp}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.got = append(f.got, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(b)})
		f.mu.Unlock()
		status, ct, body := f.resp(r)
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) last() recorded {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.got) == 0 {
		f.t.Fatal("server got no request")
	}
	return f.got[len(f.got)-1]
}

func jsonResp(status int, body string) func(*http.Request) (int, string, string) {
	return func(*http.Request) (int, string, string) { return status, "application/json", body }
}

// assertJSON compares two JSON documents semantically.
func assertJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body = %s\nwant   %s", got, want)
	}
}

const requestJSON = `{
	"number": "CD-2024-000042",
	"organization_id": 5,
	"requester_id": 7,
	"opened_by_id": 8,
	"on_behalf_of_org_id": null,
	"category": "technical",
	"product": "mail",
	"title": "Mailbox full",
	"description": "Cannot receive mail",
	"impact": {"service_unreachable": true, "users_affected": "several", "workaround": false, "deadline": "Friday"},
	"severity": "",
	"status": "new",
	"preferred_language": "en",
	"contact_method": "phone",
	"phone": "+49 30 1234",
	"channel": "web",
	"assignee_id": 12,
	"created_at": "2024-05-01T10:00:00Z",
	"updated_at": "2024-05-01T10:05:00Z",
	"resolved_at": null,
	"closed_at": null,
	"linked_number": "CD-2024-000001"
}`

func TestLogin(t *testing.T) {
	f := newFake(t, jsonResp(200, `{"token":"tok-1","user":{"id":1,"email":"a@example.com"}}`))
	c := New(f.srv.URL+"/", WithToken("stale"))
	tok, err := c.Login(context.Background(), "a@example.com", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if tok != "tok-1" || c.Token() != "tok-1" {
		t.Errorf("token = %q, client token = %q", tok, c.Token())
	}
	r := f.last()
	if r.Method != "POST" || r.Path != "/api/v1/auth/login" {
		t.Errorf("got %s %s", r.Method, r.Path)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		t.Errorf("login sent Authorization %q", h)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	assertJSON(t, r.Body, `{"email":"a@example.com","password":"s3cret"}`)

	// The token is used afterwards.
	if err := c.Do(context.Background(), "GET", "/healthz", nil, nil); err != nil {
		t.Fatal(err)
	}
	if h := f.last().Header.Get("Authorization"); h != "Bearer tok-1" {
		t.Errorf("Authorization = %q", h)
	}
}

func TestCreateRequest(t *testing.T) {
	f := newFake(t, jsonResp(201, requestJSON))
	c := New(f.srv.URL, WithToken("tok"))
	in := NewRequest{
		OrganizationID:    5,
		Category:          CategoryTechnical,
		Product:           "mail",
		Title:             "Mailbox full",
		Description:       "Cannot receive mail",
		PreferredLanguage: "en",
		ContactMethod:     "phone",
		Phone:             "+49 30 1234",
		Impact:            &Impact{ServiceUnreachable: true, UsersAffected: "several", Deadline: "Friday"},
	}
	got, err := c.CreateRequest(context.Background(), in, "key-123")
	if err != nil {
		t.Fatal(err)
	}
	r := f.last()
	if r.Method != "POST" || r.Path != "/api/v1/requests" {
		t.Errorf("got %s %s", r.Method, r.Path)
	}
	if h := r.Header.Get("Idempotency-Key"); h != "key-123" {
		t.Errorf("Idempotency-Key = %q", h)
	}
	if h := r.Header.Get("Authorization"); h != "Bearer tok" {
		t.Errorf("Authorization = %q", h)
	}
	assertJSON(t, r.Body, `{"organization_id":5,"category":"technical","product":"mail","title":"Mailbox full",
		"description":"Cannot receive mail","preferred_language":"en","contact_method":"phone","phone":"+49 30 1234",
		"impact":{"service_unreachable":true,"users_affected":"several","workaround":false,"deadline":"Friday"}}`)

	want := &Request{
		Number: "CD-2024-000042", OrganizationID: 5, RequesterID: 7, OpenedByID: 8,
		Category: "technical", Product: "mail", Title: "Mailbox full", Description: "Cannot receive mail",
		Impact: Impact{ServiceUnreachable: true, UsersAffected: "several", Deadline: "Friday"},
		Status: "new", PreferredLanguage: "en", ContactMethod: "phone", Phone: "+49 30 1234", Channel: "web",
		AssigneeID:   Ptr[int64](12),
		CreatedAt:    time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		UpdatedAt:    time.Date(2024, 5, 1, 10, 5, 0, 0, time.UTC),
		LinkedNumber: "CD-2024-000001",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("request =\n%+v\nwant\n%+v", got, want)
	}

	// Without a key no header is sent, and the optional fields are omitted.
	if _, err := c.CreateRequest(context.Background(), NewRequest{Category: "billing", Product: "mail", Title: "t", Description: "d"}, ""); err != nil {
		t.Fatal(err)
	}
	r = f.last()
	if _, ok := r.Header["Idempotency-Key"]; ok {
		t.Error("Idempotency-Key sent without a key")
	}
	assertJSON(t, r.Body, `{"category":"billing","product":"mail","title":"t","description":"d"}`)
}

func TestCreateRequestReplayStatus(t *testing.T) {
	f := newFake(t, jsonResp(200, requestJSON))
	c := New(f.srv.URL)
	var out Request
	resp, err := c.Exchange(context.Background(), "POST", "/api/v1/requests",
		http.Header{"Idempotency-Key": {"k"}}, NewRequest{Title: "x"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || out.Number != "CD-2024-000042" {
		t.Errorf("status %d, number %q", resp.StatusCode, out.Number)
	}
	if h := f.last().Header.Get("Idempotency-Key"); h != "k" {
		t.Errorf("Idempotency-Key = %q", h)
	}
}

func TestListRequests(t *testing.T) {
	f := newFake(t, jsonResp(200, `{"items":[`+requestJSON+`,`+requestJSON+`],"next_cursor":"abc"}`))
	c := New(f.srv.URL, WithToken("tok"))
	page, err := c.ListRequests(context.Background(), ListOptions{
		Status: StatusActive, Severity: "A", Category: "technical", OrganizationID: 5, Limit: 50, Cursor: "x/y+z",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.NextCursor != "abc" || page.Items[1].Number != "CD-2024-000042" {
		t.Errorf("page = %+v", page)
	}
	r := f.last()
	if r.Method != "GET" || r.Path != "/api/v1/requests" {
		t.Errorf("got %s %s", r.Method, r.Path)
	}
	if want := "category=technical&cursor=x%2Fy%2Bz&limit=50&organization_id=5&severity=A&status=active"; r.RawQuery != want {
		t.Errorf("query = %q\nwant    %q", r.RawQuery, want)
	}
	if r.Body != "" || r.Header.Get("Content-Type") != "" {
		t.Errorf("GET sent body %q, Content-Type %q", r.Body, r.Header.Get("Content-Type"))
	}

	// No options, no query; last page without next_cursor.
	f.resp = jsonResp(200, `{"items":[]}`)
	page, err = c.ListRequests(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.last(); r.RawQuery != "" {
		t.Errorf("query = %q", r.RawQuery)
	}
	if page.NextCursor != "" || len(page.Items) != 0 {
		t.Errorf("page = %+v", page)
	}
}

func TestRequestRoutes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func(c *Client) (any, error)
		status int
		resp   string
		method string
		path   string
		body   string // "" for no body
		check  func(t *testing.T, got any)
	}{
		{
			name:   "get",
			call:   func(c *Client) (any, error) { return c.GetRequest(ctx, "CD-1") },
			status: 200, resp: requestJSON,
			method: "GET", path: "/api/v1/requests/CD-1",
			check: func(t *testing.T, got any) {
				if r := got.(*Request); r.Number != "CD-2024-000042" {
					t.Errorf("number = %q", r.Number)
				}
			},
		},
		{
			name:   "get escapes the number",
			call:   func(c *Client) (any, error) { return c.GetRequest(ctx, "a/b c") },
			status: 200, resp: requestJSON,
			method: "GET", path: "/api/v1/requests/a%2Fb%20c",
		},
		{
			name: "update",
			call: func(c *Client) (any, error) {
				return c.UpdateRequest(ctx, "CD-1", RequestUpdate{Status: Ptr("open"), Severity: Ptr("B"), AssigneeID: Ptr[int64](3)})
			},
			status: 200, resp: requestJSON,
			method: "PATCH", path: "/api/v1/requests/CD-1",
			body: `{"status":"open","severity":"B","assignee_id":3}`,
		},
		{
			// The server reads null as "unchanged": unassigning sends 0.
			name: "update unassigns",
			call: func(c *Client) (any, error) {
				return c.UpdateRequest(ctx, "CD-1", RequestUpdate{Unassign: true, Title: Ptr("t"), Product: Ptr("mail"), Category: Ptr("billing")})
			},
			status: 200, resp: requestJSON,
			method: "PATCH", path: "/api/v1/requests/CD-1",
			body: `{"assignee_id":0,"title":"t","product":"mail","category":"billing"}`,
		},
		{
			name:   "add message",
			call:   func(c *Client) (any, error) { return c.AddMessage(ctx, "CD-1", "hello", true) },
			status: 201, resp: `{"id":9,"author_id":4,"body":"hello","internal":true,"created_at":"2024-05-01T11:00:00Z"}`,
			method: "POST", path: "/api/v1/requests/CD-1/messages",
			body: `{"body":"hello","internal":true}`,
			check: func(t *testing.T, got any) {
				want := &Message{ID: 9, AuthorID: 4, Body: "hello", Internal: true, CreatedAt: time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC)}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("message = %+v", got)
				}
			},
		},
		{
			name:   "add public message",
			call:   func(c *Client) (any, error) { return c.AddMessage(ctx, "CD-1", "hi", false) },
			status: 201, resp: `{"id":10}`,
			method: "POST", path: "/api/v1/requests/CD-1/messages",
			body: `{"body":"hi","internal":false}`,
		},
		{
			name:   "list messages",
			call:   func(c *Client) (any, error) { return c.ListMessages(ctx, "CD-1") },
			status: 200, resp: `{"items":[{"id":1,"body":"a"},{"id":2,"body":"b"}]}`,
			method: "GET", path: "/api/v1/requests/CD-1/messages",
			check: func(t *testing.T, got any) {
				if m := got.([]Message); len(m) != 2 || m[1].Body != "b" {
					t.Errorf("messages = %+v", m)
				}
			},
		},
		{
			name:   "reopen",
			call:   func(c *Client) (any, error) { return c.Reopen(ctx, "CD-1") },
			status: 200, resp: requestJSON,
			method: "POST", path: "/api/v1/requests/CD-1/reopen",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, jsonResp(tt.status, tt.resp))
			got, err := tt.call(New(f.srv.URL, WithToken("tok")))
			if err != nil {
				t.Fatal(err)
			}
			r := f.last()
			if r.Method != tt.method || r.Path != tt.path {
				t.Errorf("got %s %s, want %s %s", r.Method, r.Path, tt.method, tt.path)
			}
			if h := r.Header.Get("Authorization"); h != "Bearer tok" {
				t.Errorf("Authorization = %q", h)
			}
			if tt.body == "" {
				if r.Body != "" {
					t.Errorf("unexpected body %q", r.Body)
				}
			} else {
				assertJSON(t, r.Body, tt.body)
				if ct := r.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestProblem(t *testing.T) {
	f := newFake(t, func(*http.Request) (int, string, string) {
		return 422, "application/problem+json; charset=utf-8", `{
			"type": "https://casedesk.example/problems/validation",
			"title": "Invalid request",
			"status": 422,
			"detail": "title must not be empty",
			"field": "title",
			"code": "required",
			"errors": [{"field": "title", "detail": "title must not be empty"}, {"field": "description", "detail": "too long"}],
			"request_id": "req-7",
			"extra": [1, 2]
		}`
	})
	c := New(f.srv.URL)
	_, err := c.CreateRequest(context.Background(), NewRequest{}, "")
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("error %v (%T) is not a *Problem", err, err)
	}
	want := Problem{
		Type: "https://casedesk.example/problems/validation", Title: "Invalid request", Status: 422,
		Detail: "title must not be empty", Field: "title", Code: "required",
		Errors:     []FieldError{{Field: "title", Detail: "title must not be empty"}, {Field: "description", Detail: "too long"}},
		RequestID:  "req-7",
		Extensions: map[string]json.RawMessage{"extra": json.RawMessage(`[1, 2]`)},
	}
	if !reflect.DeepEqual(*p, want) {
		t.Errorf("problem = %+v\nwant      %+v", *p, want)
	}
	if !IsStatus(err, 422) || StatusOf(err) != 422 || AsProblem(err) != p {
		t.Error("helpers disagree")
	}
	if s := err.Error(); !strings.Contains(s, "422") || !strings.Contains(s, "title must not be empty") || !strings.Contains(s, "description: too long") || !strings.Contains(s, "req-7") {
		t.Errorf("Error() = %q", s)
	}
	if a := f.last().Header.Get("Accept"); !strings.Contains(a, "application/problem+json") {
		t.Errorf("Accept = %q", a)
	}
}

func TestProblemNotAProblemDocument(t *testing.T) {
	for _, tc := range []struct {
		name, ct, body string
		status         int
		wantTitle      string
		wantDetail     string
	}{
		{"plain text", "text/plain", "upstream timed out\n", 502, "Bad Gateway", "upstream timed out"},
		{"empty", "", "", 401, "Unauthorized", ""},
		{"broken json", "application/problem+json", `{"title":`, 500, "Internal Server Error", `{"title":`},
		{"status from HTTP wins", "application/problem+json", `{"title":"Gone","status":200}`, 410, "Gone", ""},
		{"wrong member type keeps the rest", "application/problem+json", `{"title":"Conflict","code":409,"detail":"dup"}`, 409, "Conflict", "dup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(*http.Request) (int, string, string) { return tc.status, tc.ct, tc.body })
			err := New(f.srv.URL).Do(context.Background(), "GET", "/api/v1/requests/x", nil, &Request{})
			p := AsProblem(err)
			if p == nil {
				t.Fatalf("error %v is not a *Problem", err)
			}
			if p.Status != tc.status || p.Title != tc.wantTitle || p.Detail != tc.wantDetail {
				t.Errorf("problem = %+v", *p)
			}
		})
	}
}

func TestDoGeneric(t *testing.T) {
	f := newFake(t, jsonResp(200, `{"ok":true}`))
	c := New(f.srv.URL, WithToken("tok"))
	var out map[string]any
	if err := c.Do(context.Background(), "PUT", "/api/v1/admin/settings?x=1", map[string]int{"a": 1}, &out); err != nil {
		t.Fatal(err)
	}
	r := f.last()
	if r.Method != "PUT" || r.Path != "/api/v1/admin/settings" || r.RawQuery != "x=1" {
		t.Errorf("got %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
	assertJSON(t, r.Body, `{"a":1}`)
	if out["ok"] != true {
		t.Errorf("out = %v", out)
	}

	// 204 and an empty body leave out untouched.
	f.resp = func(*http.Request) (int, string, string) { return 204, "", "" }
	if err := c.Do(context.Background(), "DELETE", "/api/v1/things/1", nil, &out); err != nil {
		t.Fatal(err)
	}
	// A path without a leading slash is accepted.
	if err := c.Do(context.Background(), "GET", "api/v1/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if p := f.last().Path; p != "/api/v1/x" {
		t.Errorf("path = %q", p)
	}
	// Undecodable success body is an error, not a *Problem.
	f.resp = jsonResp(200, `not json`)
	err := c.Do(context.Background(), "GET", "/api/v1/x", nil, &out)
	if err == nil || AsProblem(err) != nil {
		t.Errorf("err = %v", err)
	}
}

func TestWithTokenCopyAndHTTPClient(t *testing.T) {
	f := newFake(t, jsonResp(200, `{}`))
	hc := &http.Client{Timeout: time.Minute}
	a := New(f.srv.URL, WithHTTPClient(hc), WithToken("a"))
	b := a.WithToken("b")
	if b.HTTPClient() != hc || a.Token() != "a" || b.BaseURL() != f.srv.URL {
		t.Fatal("copy does not share the HTTP client or changed the original")
	}
	if err := b.Do(context.Background(), "GET", "/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if h := f.last().Header.Get("Authorization"); h != "Bearer b" {
		t.Errorf("Authorization = %q", h)
	}
	b.SetToken("")
	if err := b.Do(context.Background(), "GET", "/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.last().Header["Authorization"]; ok {
		t.Error("Authorization sent without a token")
	}
}

func TestContextCanceled(t *testing.T) {
	f := newFake(t, jsonResp(200, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := New(f.srv.URL).Do(ctx, "GET", "/x", nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestStreamEventsParsing(t *testing.T) {
	f := newFake(t, func(*http.Request) (int, string, string) {
		return 200, "text/event-stream", ": casedesk live events\n\n" +
			"id: 7\nevent: created\ndata: {\"id\":7,\"number\":\"CD-1\",\"kind\":\"created\"}\n\n" +
			": keep-alive\n\n" +
			"event: note\ndata:line one\ndata: line two\n\n"
	})
	s, err := New(f.srv.URL, WithToken("tok")).StreamEvents(context.Background(), "6")
	if err != nil {
		t.Fatal(err)
	}
	var got []LiveEvent
	for e := range s.Events {
		got = append(got, e)
	}
	if s.Err() != nil {
		t.Errorf("Err = %v", s.Err())
	}
	if len(got) != 2 || got[0].ID != "7" || got[0].Kind != "created" || got[0].Event.Number != "CD-1" ||
		got[1].Kind != "note" || string(got[1].Data) != "line one\nline two" {
		t.Errorf("events %+v", got)
	}
	if r := f.last(); r.Header.Get("Last-Event-ID") != "6" || r.Header.Get("Accept") != "text/event-stream" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestPagesStopOnError(t *testing.T) {
	calls := 0
	f := newFake(t, func(r *http.Request) (int, string, string) {
		calls++
		if r.URL.Query().Get("cursor") == "" {
			return 200, "application/json", `{"items":[` + requestJSON + `],"next_cursor":"c2"}`
		}
		return 503, "application/problem+json", `{"title":"Service Unavailable","status":503}`
	})
	var n int
	var last error
	for _, err := range New(f.srv.URL).Requests(context.Background(), ListOptions{Limit: 1}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	if n != 1 || !IsStatus(last, 503) || calls != 2 {
		t.Errorf("items %d, err %v, calls %d", n, last, calls)
	}
}
