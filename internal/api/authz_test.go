package api_test

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// The roles of the matrix. Every object the routes are called on belongs to
// customer X; "otheradmin" is Y's global admin, "partner" is delegated by X,
// "revokedpartner" was and no longer is, "" is anonymous; "supervisor" is
// the provider's lead, who may do what an agent does and more.
var roles = []string{"admin", "user", "otheradmin", "partner", "revokedpartner", "agent", "supervisor", "operator", ""}

type expect map[string]int

// Access classes.
var (
	public       = expect{"admin": 200, "user": 200, "otheradmin": 200, "partner": 200, "revokedpartner": 200, "agent": 200, "supervisor": 200, "operator": 200, "": 200}
	signedIn     = expect{"admin": 200, "user": 200, "otheradmin": 200, "partner": 200, "revokedpartner": 200, "agent": 200, "supervisor": 200, "operator": 200, "": 401}
	requestsOfX  = expect{"admin": 200, "user": 403, "otheradmin": 404, "partner": 200, "revokedpartner": 404, "agent": 200, "supervisor": 200, "operator": 403, "": 401}
	orgReadX     = expect{"admin": 200, "user": 200, "otheradmin": 404, "partner": 200, "revokedpartner": 404, "agent": 200, "supervisor": 200, "operator": 200, "": 401}
	orgManageX   = expect{"admin": 200, "user": 403, "otheradmin": 404, "partner": 403, "revokedpartner": 404, "agent": 403, "supervisor": 403, "operator": 200, "": 401}
	staffOnly    = expect{"admin": 403, "user": 403, "otheradmin": 403, "partner": 403, "revokedpartner": 403, "agent": 200, "supervisor": 200, "operator": 200, "": 401}
	supervisors  = expect{"admin": 403, "user": 403, "otheradmin": 403, "partner": 403, "revokedpartner": 403, "agent": 403, "supervisor": 200, "operator": 403, "": 401}
	outboxView   = expect{"admin": 403, "user": 403, "otheradmin": 403, "partner": 403, "revokedpartner": 403, "agent": 403, "supervisor": 200, "operator": 200, "": 401}
	operatorOnly = expect{"admin": 403, "user": 403, "otheradmin": 403, "partner": 403, "revokedpartner": 403, "agent": 403, "supervisor": 403, "operator": 200, "": 401}
)

// with returns a copy of e with success statuses replaced by ok and the
// given overrides.
func (e expect) with(ok int, overrides ...any) expect {
	out := expect{}
	for k, v := range e {
		if v == 200 {
			v = ok
		}
		out[k] = v
	}
	for i := 0; i < len(overrides); i += 2 {
		out[overrides[i].(string)] = overrides[i+1].(int)
	}
	return out
}

// call describes one use of a route: path parameters, body and raw options.
type call struct {
	params map[string]string
	body   any
	raw    []byte // sent as ctype (default application/octet-stream) instead of body
	ctype  string
	token  string // overrides the role's token
	query  string
}

type routeCase struct {
	expect expect
	setup  func(f *fixture, role string) call
}

var seq int

func uniq() string { seq++; return strconv.Itoa(seq) }

// The calendars the authorization matrix creates take regions 120–219 of
// casedesk.Countries(), which no seeded calendar (DE, US, GB, JP, CN, AU, IN) uses.

func (f *fixture) xRequest() string {
	return f.openRequest("agent", f.x.ID, "xsecret request "+uniq()).Number
}

func (f *fixture) closedXRequest() string {
	n := f.xRequest()
	st := casedesk.StatusClosed
	if _, err := f.desk.UpdateRequest(context.Background(), f.actors["agent"], n, desk.RequestPatch{Status: &st}); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func matrix() map[string]routeCase {
	num := func(f *fixture, _ string) call { return call{params: map[string]string{"number": f.xRequest()}} }
	x := func(f *fixture) map[string]string { return map[string]string{"id": strconv.FormatInt(f.x.ID, 10)} }
	xCall := func(f *fixture, _ string) call { return call{params: x(f)} }
	return map[string]routeCase{
		"GET /healthz": {public, nil},
		"GET /readyz":  {public, nil},
		// Closed: the fixture has no metrics token, and users' tokens are not it.
		"GET /metrics":             {public.with(404), nil},
		"GET /api/v1/openapi.json": {public, nil},
		"POST /api/v1/auth/login": {public, func(f *fixture, _ string) call {
			return call{body: map[string]string{"email": f.users["agent"].Email, "password": password}}
		}},
		"POST /api/v1/auth/logout": {signedIn.with(204), func(f *fixture, role string) call {
			if role == "" {
				return call{}
			}
			return call{token: f.login(role)}
		}},
		"GET /api/v1/me": {signedIn, nil},
		"POST /api/v1/me/password": {signedIn.with(422), func(f *fixture, _ string) call {
			return call{body: map[string]string{"current_password": "wrong-password", "new_password": "another-password-2"}}
		}},
		"GET /api/v1/me/notifications": {expect{"admin": 200, "user": 403, "otheradmin": 200, "partner": 200, "revokedpartner": 200, "agent": 200, "supervisor": 200, "operator": 403, "": 401}, nil},
		"PUT /api/v1/me/notifications": {expect{"admin": 200, "user": 403, "otheradmin": 200, "partner": 200, "revokedpartner": 200, "agent": 200, "supervisor": 200, "operator": 403, "": 401},
			func(*fixture, string) call { return call{body: map[string]any{"on": []string{}}} }},
		"GET /api/v1/tokens":  {signedIn, nil},
		"POST /api/v1/tokens": {signedIn.with(201), func(*fixture, string) call { return call{body: map[string]string{"name": "ci"}} }},
		"DELETE /api/v1/tokens/{id}": {expect{"admin": 204, "user": 404, "otheradmin": 404, "partner": 404, "revokedpartner": 404, "agent": 404, "supervisor": 404, "operator": 404, "": 401},
			func(f *fixture, _ string) call {
				_, tok, err := f.desk.NewAPIToken(context.Background(), f.actors["admin"], "t", nil)
				if err != nil {
					f.t.Fatal(err)
				}
				return call{params: map[string]string{"id": strconv.FormatInt(tok.ID, 10)}}
			}},
		"POST /api/v1/presales": {public.with(201), func(*fixture, string) call {
			return call{body: map[string]string{"name": "Pat", "email": "pat@example.com", "question": "Which plan fits 40 users?", "country": "FR"}}
		}},
		"GET /api/v1/requests": {requestsOfX.with(200, "otheradmin", 200, "revokedpartner", 200), nil},
		"POST /api/v1/requests": {requestsOfX.with(201), func(f *fixture, _ string) call {
			return call{body: map[string]any{"organization_id": f.x.ID, "category": "billing", "title": "xsecret invoice", "description": "why?"}}
		}},
		"GET /api/v1/requests/{number}": {requestsOfX, num},
		"PATCH /api/v1/requests/{number}": {requestsOfX, func(f *fixture, _ string) call {
			return call{params: map[string]string{"number": f.xRequest()}, body: map[string]string{"preferred_language": "fr"}}
		}},
		"POST /api/v1/requests/{number}/reopen": {requestsOfX, func(f *fixture, _ string) call {
			return call{params: map[string]string{"number": f.closedXRequest()}}
		}},
		"GET /api/v1/requests/{number}/messages": {requestsOfX, num},
		"POST /api/v1/requests/{number}/messages": {requestsOfX.with(201), func(f *fixture, _ string) call {
			return call{params: map[string]string{"number": f.xRequest()}, body: map[string]string{"body": "xsecret reply"}}
		}},
		"GET /api/v1/requests/{number}/attachments": {requestsOfX, num},
		"POST /api/v1/requests/{number}/attachments": {requestsOfX.with(201), func(f *fixture, _ string) call {
			return call{params: map[string]string{"number": f.xRequest()}, raw: []byte("log line xsecret"), query: "?name=log.txt"}
		}},
		"GET /api/v1/requests/{number}/attachments/{id}": {requestsOfX, func(f *fixture, _ string) call {
			n := f.xRequest()
			att, err := f.desk.AddAttachment(context.Background(), f.actors["agent"], n, "trace.txt", false, strings.NewReader("trace xsecret"))
			if err != nil {
				f.t.Fatal(err)
			}
			return call{params: map[string]string{"number": n, "id": strconv.FormatInt(att.ID, 10)}}
		}},
		"GET /api/v1/requests/{number}/history": {requestsOfX, num},
		"GET /api/v1/organizations":             {signedIn, nil},
		"POST /api/v1/organizations": {operatorOnly.with(201), func(*fixture, string) call {
			return call{body: map[string]string{"kind": "customer", "name": "New " + uniq(), "time_zone": "Asia/Tokyo"}}
		}},
		"GET /api/v1/organizations/{id}": {orgReadX, xCall},
		"PATCH /api/v1/organizations/{id}": {orgManageX, func(f *fixture, _ string) call {
			return call{params: x(f), body: map[string]string{"language": "en"}}
		}},
		"GET /api/v1/organizations/{id}/users": {orgReadX, xCall},
		"POST /api/v1/organizations/{id}/users": {orgManageX.with(201), func(f *fixture, _ string) call {
			return call{params: x(f), body: map[string]string{"email": "new" + uniq() + "@x.example", "name": "xsecret new", "role": "user"}}
		}},
		"GET /api/v1/organizations/{id}/users/{user}": {orgReadX, func(f *fixture, _ string) call {
			p := x(f)
			p["user"] = strconv.FormatInt(f.users["supportadmin"].ID, 10)
			return call{params: p}
		}},
		"PATCH /api/v1/organizations/{id}/users/{user}": {orgManageX, func(f *fixture, _ string) call {
			p := x(f)
			p["user"] = strconv.FormatInt(f.users["supportadmin"].ID, 10)
			return call{params: p, body: map[string]string{"name": "xsecret support " + uniq()}}
		}},
		"GET /api/v1/organizations/{id}/subscriptions": {orgReadX, xCall},
		"POST /api/v1/organizations/{id}/subscriptions": {operatorOnly.with(201), func(f *fixture, _ string) call {
			return call{params: x(f), body: map[string]any{"plan_code": "elevated-support", "seats": 1}}
		}},
		"PATCH /api/v1/organizations/{id}/subscriptions/{sub}": {operatorOnly, func(f *fixture, _ string) call {
			subs, _ := f.db.Subscriptions(context.Background(), store.OrgScope(f.x.ID))
			p := x(f)
			p["sub"] = strconv.FormatInt(subs[0].ID, 10)
			return call{params: p, body: map[string]any{"seats": 20}}
		}},
		"GET /api/v1/organizations/{id}/partners": {orgReadX.with(200, "partner", 403), xCall},
		"POST /api/v1/organizations/{id}/partners": {orgManageX.with(201), func(f *fixture, _ string) call {
			p := &casedesk.Organization{Kind: casedesk.OrgPartner, Name: "Partner " + uniq()}
			if err := f.desk.CreateOrganization(context.Background(), f.actors["operator"], p); err != nil {
				f.t.Fatal(err)
			}
			return call{params: x(f), body: map[string]any{"partner_id": p.ID}}
		}},
		"DELETE /api/v1/organizations/{id}/partners/{grant}": {orgManageX.with(204), func(f *fixture, _ string) call {
			p := &casedesk.Organization{Kind: casedesk.OrgPartner, Name: "Partner " + uniq()}
			if err := f.desk.CreateOrganization(context.Background(), f.actors["operator"], p); err != nil {
				f.t.Fatal(err)
			}
			g, err := f.desk.GrantPartner(context.Background(), f.actors["admin"], f.x.ID, desk.NewGrant{PartnerID: p.ID})
			if err != nil {
				f.t.Fatal(err)
			}
			params := x(f)
			params["grant"] = strconv.FormatInt(g.ID, 10)
			return call{params: params}
		}},
		"GET /api/v1/organizations/{id}/history": {requestsOfX, xCall},
		"GET /api/v1/requests/{number}/sla":      {requestsOfX, num},
		"GET /api/v1/queue":                      {staffOnly.with(200, "operator", 403), nil},
		"GET /api/v1/events":                     {requestsOfX.with(200, "otheradmin", 200, "revokedpartner", 200), nil},
		"GET /api/v1/canned-responses":           {staffOnly.with(200, "operator", 403), nil},
		"POST /api/v1/canned-responses": {supervisors.with(201), func(*fixture, string) call {
			return call{body: map[string]string{"name": "Ask for a trace " + uniq(), "body": "Please send a message trace."}}
		}},
		"PATCH /api/v1/canned-responses/{id}": {supervisors, func(f *fixture, _ string) call {
			return call{params: f.canned(), body: map[string]string{"body": "Please send a message trace, {{customer.name}}."}}
		}},
		"DELETE /api/v1/canned-responses/{id}": {supervisors.with(204), func(f *fixture, _ string) call { return call{params: f.canned()} }},
		"GET /api/v1/notifications":            {staffOnly.with(200, "operator", 403), nil},
		"POST /api/v1/notifications/read": {staffOnly.with(200, "operator", 403), func(*fixture, string) call {
			return call{body: map[string]any{"all": true}}
		}},
		"GET /api/v1/sla/policy": {signedIn, nil},
		"PUT /api/v1/sla/policy": {operatorOnly.with(201), func(*fixture, string) call {
			return call{raw: []byte(policyJSON), ctype: "application/json"}
		}},
		"GET /api/v1/sla/policy/versions/{version}": {staffOnly, func(*fixture, string) call { return call{params: map[string]string{"version": "1"}} }},
		"POST /api/v1/sla/preview": {signedIn, func(*fixture, string) call {
			return call{body: map[string]any{"calendar": map[string]any{"type": "24x7"}, "opened_at": "2026-11-02T09:00:00Z", "target_minutes": 60}}
		}},
		"GET /api/v1/calendars": {signedIn, nil},
		"GET /api/v1/mailboxes": {operatorOnly, nil},
		"POST /api/v1/mailboxes": {operatorOnly.with(201), func(*fixture, string) call {
			return call{body: map[string]any{"name": "Support " + uniq(), "host": "imap.example.test", "username": "support",
				"password": "imap-secret", "address": "support@desk.test"}}
		}},
		"GET /api/v1/mailboxes/{id}": {operatorOnly, func(f *fixture, _ string) call { return call{params: f.mailbox()} }},
		"PATCH /api/v1/mailboxes/{id}": {operatorOnly, func(f *fixture, _ string) call {
			return call{params: f.mailbox(), body: map[string]any{"folder": "Support"}}
		}},
		"DELETE /api/v1/mailboxes/{id}": {operatorOnly.with(204), func(f *fixture, _ string) call { return call{params: f.mailbox()} }},
		"GET /api/v1/inbound-mails":     {operatorOnly, nil},
		"GET /api/v1/inbound-mails/{id}/raw": {operatorOnly, func(f *fixture, _ string) call {
			return call{params: map[string]string{"id": f.inboundMail()}}
		}},
		"POST /api/v1/calendars": {operatorOnly.with(201), func(*fixture, string) call {
			return call{body: map[string]any{"name": "Region " + uniq(), "region": casedesk.Countries()[120+seq%100], "spec": json.RawMessage(weekdaySpec)}}
		}},
		"GET /api/v1/calendars/{id}": {signedIn, func(f *fixture, _ string) call { return call{params: map[string]string{"id": f.calendarID("DE")}} }},
		"PUT /api/v1/calendars/{id}": {operatorOnly, func(f *fixture, _ string) call {
			return call{params: map[string]string{"id": f.calendarID("DE")}, body: map[string]any{"name": "Germany", "spec": json.RawMessage(weekdaySpec)}}
		}},
		"GET /api/v1/calendars/{id}/holidays.ics": {signedIn, func(f *fixture, _ string) call { return call{params: map[string]string{"id": f.calendarID("DE")}} }},
		"POST /api/v1/calendars/{id}/holidays": {operatorOnly, func(f *fixture, _ string) call {
			return call{params: map[string]string{"id": f.calendarID("DE")}, raw: []byte(icsHoliday), ctype: "text/calendar"}
		}},
		"GET /api/v1/plans": {signedIn, nil},
		"POST /api/v1/plans": {operatorOnly.with(201), func(*fixture, string) call {
			return call{body: map[string]any{"code": "plan-" + uniq(), "name": "P", "family": "business"}}
		}},
		"GET /api/v1/products": {signedIn, nil},
		"POST /api/v1/products": {operatorOnly.with(201), func(*fixture, string) call {
			return call{body: map[string]any{"code": "prod-" + uniq(), "name": "P"}}
		}},

		"GET /api/v1/webhooks": {operatorOnly, nil},
		"POST /api/v1/webhooks": {operatorOnly.with(201), func(*fixture, string) call {
			return call{body: map[string]any{"url": "https://hooks.example.com/" + uniq()}}
		}},
		"GET /api/v1/webhooks/{id}": {operatorOnly, func(f *fixture, _ string) call { return call{params: f.webhook()} }},
		"PATCH /api/v1/webhooks/{id}": {operatorOnly, func(f *fixture, _ string) call {
			return call{params: f.webhook(), body: map[string]any{"description": "CRM"}}
		}},
		"DELETE /api/v1/webhooks/{id}":             {operatorOnly.with(204), func(f *fixture, _ string) call { return call{params: f.webhook()} }},
		"POST /api/v1/webhooks/{id}/rotate-secret": {operatorOnly, func(f *fixture, _ string) call { return call{params: f.webhook()} }},
		"POST /api/v1/webhooks/{id}/ping":          {operatorOnly.with(202), func(f *fixture, _ string) call { return call{params: f.webhook()} }},
		"GET /api/v1/webhooks/{id}/attempts":       {operatorOnly, func(f *fixture, _ string) call { return call{params: f.webhook()} }},
		"GET /api/v1/outbox":                       {outboxView, nil},
		"GET /api/v1/outbox/counts":                {outboxView, nil},
		"POST /api/v1/outbox/{id}/retry": {outboxView.with(204), func(f *fixture, _ string) call {
			d, err := f.desk.PingWebhook(context.Background(), f.actors["operator"], mustID(f.webhook()))
			if err != nil {
				f.t.Fatal(err)
			}
			return call{params: map[string]string{"id": strconv.FormatInt(d.ID, 10)}}
		}},
	}
}

// webhook registers a webhook endpoint and returns its id as path
// parameters.
func (f *fixture) webhook() map[string]string {
	e, err := f.desk.CreateWebhookEndpoint(context.Background(), f.actors["operator"], desk.WebhookInput{URL: "https://hooks.example.com/" + uniq()})
	if err != nil {
		f.t.Fatal(err)
	}
	return map[string]string{"id": strconv.FormatInt(e.ID, 10)}
}

func mustID(p map[string]string) int64 {
	id, _ := strconv.ParseInt(p["id"], 10, 64)
	return id
}

// snapshot is everything of X's that a route could change or reveal.
func (f *fixture) snapshot() string {
	ctx := context.Background()
	all := store.AllOrgs
	reqs, _ := f.db.Requests(ctx, all, store.RequestFilter{OrgID: f.x.ID, Limit: 200})
	users, _ := f.db.Users(ctx, store.OrgScope(f.x.ID), store.UserFilter{Limit: 200})
	org, _ := f.db.Organization(ctx, all, f.x.ID)
	subs, _ := f.db.Subscriptions(ctx, store.OrgScope(f.x.ID))
	grants, _ := f.db.Grants(ctx, store.OrgScope(f.x.ID), false)
	events, _ := f.db.Events(ctx, store.OrgScope(f.x.ID), store.EventFilter{Internal: true, Limit: 200})
	b, _ := json.Marshal([]any{reqs, users, org, subs, grants, events})
	return string(b)
}

// TestAuthorizationMatrix calls every route of the router as every role on
// customer X's objects. A route without an entry here fails the test. Roles
// that may not act on X get the expected 401/403/404, never see X's data
// (everything of X's is marked "xsecret") and change nothing.
func TestAuthorizationMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := matrix()
		seen := map[string]bool{}
		for _, rt := range f.api.Routes() {
			key := rt.Method + " " + rt.Pattern
			seen[key] = true
			rc, ok := m[key]
			if !ok {
				t.Errorf("route %s has no entry in the authorization matrix", key)
				continue
			}
			for _, role := range roles {
				c := call{}
				if rc.setup != nil {
					c = rc.setup(f, role)
				}
				path := rt.Pattern
				for k, v := range c.params {
					path = strings.ReplaceAll(path, "{"+k+"}", v)
				}
				path += c.query
				before := f.snapshot()
				tok := f.tokens[role]
				if c.token != "" {
					tok = c.token
				}
				saved := f.tokens["matrix"]
				f.tokens["matrix"] = tok
				who := "matrix"
				if role == "" {
					who = ""
				}
				var body any = c.body
				hdr := map[string]string{}
				if c.raw != nil {
					body = c.raw
					hdr["Content-Type"] = "application/octet-stream"
					if c.ctype != "" {
						hdr["Content-Type"] = c.ctype
					}
				}
				res := f.raw(who, rt.Method, path, body, hdr)
				var b []byte
				if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
					b = make([]byte, 64) // a stream does not end: its first bytes say it opened
					n, _ := res.Body.Read(b)
					b = b[:n]
				} else {
					b, _ = io.ReadAll(res.Body)
				}
				res.Body.Close()
				f.tokens["matrix"] = saved
				want := rc.expect[role]
				if res.StatusCode != want {
					t.Errorf("%s as %q: status %d, want %d: %s", key, role, res.StatusCode, want, b)
				}
				if res.StatusCode >= 400 {
					if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
						t.Errorf("%s as %q: error content type %q", key, role, ct)
					}
					if after := f.snapshot(); after != before {
						t.Errorf("%s as %q was refused (%d) but changed X's data", key, role, res.StatusCode)
					}
				}
				if outsider(role) && strings.Contains(string(b), "xsecret") {
					t.Errorf("%s as %q revealed X's data: %s", key, role, b)
				}
			}
		}
		for key := range m {
			if !seen[key] {
				t.Errorf("matrix entry %s is not a route", key)
			}
		}
	})
}

// outsider reports whether role must never see customer X's data.
func outsider(role string) bool {
	return role == "otheradmin" || role == "revokedpartner" || role == ""
}

const weekdaySpec = `{"type":"business_hours","tz":"Europe/Berlin","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},"holidays":[{"date":"12-25","name":"Weihnachten"}]}`

const icsHoliday = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//casedesk tests//EN\r\nBEGIN:VEVENT\r\nUID:reformation@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261031\r\nSUMMARY:Reformationstag\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

var policyJSON = func() string {
	b, _ := json.Marshal(sla.DefaultPolicy())
	return string(b)
}()

// supervisorFollowsX makes the supervisor X's technical account manager,
// notified of its requests.
func (f *fixture) supervisorFollowsX() {
	f.t.Helper()
	if err := f.desk.SetTAM(context.Background(), f.actors["supervisor"], f.x.ID, f.users["supervisor"].ID); err != nil {
		f.t.Fatal(err)
	}
}

// canned makes a canned response and returns its id as the path parameter.
func (f *fixture) canned() map[string]string {
	f.t.Helper()
	c, err := f.desk.CreateCanned(context.Background(), f.actors["supervisor"], "Canned "+uniq(), "en", "Hello {{customer.name}}")
	if err != nil {
		f.t.Fatal(err)
	}
	return map[string]string{"id": strconv.FormatInt(c.ID, 10)}
}

func (f *fixture) calendarID(region string) string {
	f.t.Helper()
	cs, err := f.db.Calendars(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Region == region {
			return strconv.FormatInt(c.ID, 10)
		}
	}
	f.t.Fatalf("no calendar for %s", region)
	return ""
}

// mailbox adds a mailbox and returns its id as the route's parameter.
func (f *fixture) mailbox() map[string]string {
	f.t.Helper()
	str := func(v string) *string { return &v }
	m, err := f.desk.CreateMailbox(context.Background(), f.actors["operator"], desk.MailboxInput{Name: str("Support " + uniq()),
		Host: str("imap.example.test"), Username: str("support"), Password: str("imap-secret"), Address: str("support@desk.test")})
	if err != nil {
		f.t.Fatal(err)
	}
	return map[string]string{"id": strconv.FormatInt(m.ID, 10)}
}

// inboundMail receives a stranger's mail in a new mailbox and returns the
// id of its log line.
func (f *fixture) inboundMail() string {
	f.t.Helper()
	ctx := context.Background()
	id, _ := strconv.ParseInt(f.mailbox()["id"], 10, 64)
	mb, err := f.db.Mailbox(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	raw := "From: xsecret stranger <stranger@example.test>\r\nTo: support@desk.test\r\nSubject: Hello\r\nMessage-ID: <" + uniq() +
		"@example.test>\r\n\r\nHi.\r\n"
	line, _, err := f.desk.ReceiveMail(ctx, mb, 1, uint32(seq), []byte(raw))
	if err != nil {
		f.t.Fatal(err)
	}
	return strconv.FormatInt(line.ID, 10)
}
