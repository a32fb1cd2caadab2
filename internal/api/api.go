// Package api is casedesk's REST JSON transport: one route table, each
// handler decoding its input, calling desk and encoding the answer. It holds
// no rules of its own; errors become RFC 9457 problem documents.
package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/edge"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves the API.
type Server struct {
	desk    *desk.Desk
	log     *slog.Logger
	opts    Options
	reg     *prometheus.Registry
	reqs    *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

// Options configure the API. The zero value trusts no proxy and does not
// serve /metrics.
type Options struct {
	// Proxies are the reverse proxies trusted to name the client.
	Proxies edge.Proxies
	// MetricsToken opens GET /metrics to requests bearing it; empty means
	// /metrics is not found here (MetricsHandler serves it elsewhere).
	MetricsToken string
	// CORSOrigins are the web origins ("https://app.example.com", lower
	// case, or "*" for any) whose pages may call the API from a browser;
	// none by default. Credentials (cookies) are never allowed: the API
	// takes bearer tokens.
	CORSOrigins []string
	// ReplayLimit bounds the stored events an event stream resumed with
	// Last-Event-ID replays (500 when 0); past it the client is told to
	// reset.
	ReplayLimit int
}

// New returns the API over d.
func New(d *desk.Desk, log *slog.Logger, o Options) *Server {
	s := &Server{desk: d, log: log, opts: o, reg: prometheus.NewRegistry()}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "casedesk_http_requests_total",
		Help: "HTTP requests by route and status code."}, []string{"method", "route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "casedesk_http_request_duration_seconds",
		Help: "HTTP request latency by route.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
		[]string{"method", "route"})
	s.reg.MustRegister(s.reqs, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(d.DB().SQL(), string(d.DB().Engine())), newDeskCollector(d), buildInfo())
	return s
}

// Registry is the metrics registry, for other surfaces to add to.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Access says who a route is for; the authorization itself is in desk.
type Access string

const (
	Public   Access = "public"    // anyone, signed in or not
	SignedIn Access = "signed-in" // any signed-in user; desk narrows further
	// Metrics is for the monitoring system, bearing the metrics token
	// rather than a user's; not found when no token is configured.
	Metrics Access = "metrics-token"
)

// Route is one line of the route table.
type Route struct {
	Method, Pattern string
	Access          Access
	Summary         string
	handle          func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error
}

// Routes is the route table, top to bottom.
func (s *Server) Routes() []Route {
	return []Route{
		{"GET", "/healthz", Public, "Liveness", s.healthz},
		{"GET", "/readyz", Public, "Readiness: the database answers and takes writes", s.readyz},
		{"GET", "/metrics", Metrics, "Prometheus metrics (with the metrics token)", s.metrics},
		{"GET", "/api/v1/openapi.json", Public, "This API's OpenAPI 3.1 document", s.openapi},

		{"POST", "/api/v1/auth/login", Public, "Sign in; returns a bearer token", s.login},
		{"POST", "/api/v1/auth/logout", SignedIn, "Revoke the token in use", s.logout},
		{"GET", "/api/v1/me", SignedIn, "The signed-in user", s.me},
		{"POST", "/api/v1/me/password", SignedIn, "Change the signed-in user's password", s.changePassword},
		{"GET", "/api/v1/me/notifications", SignedIn, "Your notification switches", s.getNotificationSettings},
		{"PUT", "/api/v1/me/notifications", SignedIn, "Switch your notifications", s.putNotificationSettings},
		{"GET", "/api/v1/tokens", SignedIn, "List your API tokens", s.listTokens},
		{"POST", "/api/v1/tokens", SignedIn, "Create an API token (the secret is shown once)", s.createToken},
		{"DELETE", "/api/v1/tokens/{id}", SignedIn, "Revoke an API token", s.revokeToken},

		{"POST", "/api/v1/presales", Public, "File a pre-sales question as a prospect (rate limited)", s.presales},

		{"GET", "/api/v1/requests", SignedIn, "List service requests", s.listRequests},
		{"POST", "/api/v1/requests", SignedIn, "Open a service request (Idempotency-Key supported)", s.createRequest},
		{"GET", "/api/v1/requests/{number}", SignedIn, "Read a service request", s.getRequest},
		{"PATCH", "/api/v1/requests/{number}", SignedIn, "Change a service request", s.updateRequest},
		{"POST", "/api/v1/requests/{number}/reopen", SignedIn, "Reopen a request (within 14 days of closing)", s.reopen},
		{"GET", "/api/v1/requests/{number}/messages", SignedIn, "The conversation", s.listMessages},
		{"POST", "/api/v1/requests/{number}/messages", SignedIn, "Reply, add an internal note or log a call", s.addMessage},
		{"GET", "/api/v1/requests/{number}/attachments", SignedIn, "List attachments", s.listAttachments},
		{"POST", "/api/v1/requests/{number}/attachments", SignedIn, "Upload an attachment", s.uploadAttachment},
		{"GET", "/api/v1/requests/{number}/attachments/{id}", SignedIn, "Download an attachment", s.downloadAttachment},
		{"GET", "/api/v1/requests/{number}/history", SignedIn, "The request's history", s.history},

		{"GET", "/api/v1/organizations", SignedIn, "List organizations you may see", s.listOrgs},
		{"POST", "/api/v1/organizations", SignedIn, "Create a customer or partner organization (operators)", s.createOrg},
		{"GET", "/api/v1/organizations/{id}", SignedIn, "Read an organization", s.getOrg},
		{"PATCH", "/api/v1/organizations/{id}", SignedIn, "Change an organization", s.updateOrg},
		{"GET", "/api/v1/organizations/{id}/users", SignedIn, "List an organization's users", s.listUsers},
		{"POST", "/api/v1/organizations/{id}/users", SignedIn, "Add or invite a user", s.createUser},
		{"GET", "/api/v1/organizations/{id}/users/{user}", SignedIn, "Read a user", s.getUser},
		{"PATCH", "/api/v1/organizations/{id}/users/{user}", SignedIn, "Change a user: roles, activation, profile", s.updateUser},
		{"GET", "/api/v1/organizations/{id}/subscriptions", SignedIn, "List subscriptions", s.listSubs},
		{"POST", "/api/v1/organizations/{id}/subscriptions", SignedIn, "Add a subscription (operators)", s.createSub},
		{"PATCH", "/api/v1/organizations/{id}/subscriptions/{sub}", SignedIn, "Change a subscription (operators)", s.updateSub},
		{"GET", "/api/v1/organizations/{id}/partners", SignedIn, "List partner grants", s.listGrants},
		{"POST", "/api/v1/organizations/{id}/partners", SignedIn, "Grant a partner delegated admin", s.createGrant},
		{"DELETE", "/api/v1/organizations/{id}/partners/{grant}", SignedIn, "Revoke a partner grant", s.revokeGrant},
		{"GET", "/api/v1/organizations/{id}/history", SignedIn, "Who did what on the organization's requests", s.orgHistory},

		{"GET", "/api/v1/queue", SignedIn, "An agent queue ordered by SLA due time (staff)", s.queue},
		{"GET", "/api/v1/events", SignedIn, "Live history of the requests you may see (server-sent events)", s.streamEvents},
		{"GET", "/api/v1/requests/{number}/sla", SignedIn, "The request's service-level clocks (staff: with explanations)", s.requestSLA},

		{"GET", "/api/v1/canned-responses", SignedIn, "The canned responses (staff)", s.listCanned},
		{"POST", "/api/v1/canned-responses", SignedIn, "Add a canned response (supervisors)", s.createCanned},
		{"PATCH", "/api/v1/canned-responses/{id}", SignedIn, "Change a canned response (supervisors)", s.updateCanned},
		{"DELETE", "/api/v1/canned-responses/{id}", SignedIn, "Delete a canned response (supervisors)", s.deleteCanned},

		{"GET", "/api/v1/notifications", SignedIn, "Your notifications, newest first (staff)", s.listNotifications},
		{"POST", "/api/v1/notifications/read", SignedIn, "Mark your notifications read (staff)", s.markNotificationsRead},

		{"GET", "/api/v1/sla/policy", SignedIn, "The entitlement policy in force", s.getPolicy},
		{"PUT", "/api/v1/sla/policy", SignedIn, "Import a policy as a new version (operators); running clocks are recomputed", s.putPolicy},
		{"GET", "/api/v1/sla/policy/versions/{version}", SignedIn, "One stored policy version (staff)", s.getPolicyVersion},
		{"POST", "/api/v1/sla/preview", SignedIn, "Compute a due time from a calendar, an opening instant, a target and pauses", s.preview},
		{"GET", "/api/v1/calendars", SignedIn, "The region calendars", s.listCalendars},
		{"POST", "/api/v1/calendars", SignedIn, "Add a region calendar (operators)", s.createCalendar},
		{"GET", "/api/v1/calendars/{id}", SignedIn, "Read a calendar", s.getCalendar},
		{"PUT", "/api/v1/calendars/{id}", SignedIn, "Replace a calendar's hours and holidays (operators); running clocks are recomputed", s.updateCalendar},
		{"POST", "/api/v1/calendars/{id}/holidays", SignedIn, "Import holidays from an iCalendar file (operators)", s.importHolidays},
		{"GET", "/api/v1/calendars/{id}/holidays.ics", SignedIn, "The calendar's holidays as an iCalendar feed to subscribe to", s.holidayFeed},

		{"GET", "/api/v1/mailboxes", SignedIn, "The mailboxes inbound mail is read from (operators)", s.listMailboxes},
		{"POST", "/api/v1/mailboxes", SignedIn, "Add a mailbox to read inbound mail from (operators)", s.createMailbox},
		{"GET", "/api/v1/mailboxes/{id}", SignedIn, "Read a mailbox (operators)", s.getMailbox},
		{"PATCH", "/api/v1/mailboxes/{id}", SignedIn, "Change a mailbox (operators)", s.updateMailbox},
		{"DELETE", "/api/v1/mailboxes/{id}", SignedIn, "Remove a mailbox (operators)", s.deleteMailbox},
		{"GET", "/api/v1/inbound-mails", SignedIn, "What each received mail became, newest first (operators)", s.listInboundMails},
		{"GET", "/api/v1/inbound-mails/{id}/raw", SignedIn, "A received mail as it came (operators)", s.inboundRaw},
		{"GET", "/api/v1/webhooks", SignedIn, "The webhook endpoints (operators)", s.listWebhooks},
		{"POST", "/api/v1/webhooks", SignedIn, "Register a webhook endpoint (operators; the secret is shown once)", s.createWebhook},
		{"GET", "/api/v1/webhooks/{id}", SignedIn, "Read a webhook endpoint (operators)", s.getWebhook},
		{"PATCH", "/api/v1/webhooks/{id}", SignedIn, "Change a webhook endpoint (operators)", s.updateWebhook},
		{"DELETE", "/api/v1/webhooks/{id}", SignedIn, "Delete a webhook endpoint (operators)", s.deleteWebhook},
		{"POST", "/api/v1/webhooks/{id}/rotate-secret", SignedIn, "Give a webhook endpoint a new secret (operators; shown once)", s.rotateWebhookSecret},
		{"POST", "/api/v1/webhooks/{id}/ping", SignedIn, "Queue a test delivery to a webhook endpoint (operators)", s.pingWebhook},
		{"GET", "/api/v1/webhooks/{id}/attempts", SignedIn, "A webhook endpoint's delivery attempts, newest first (operators)", s.listWebhookAttempts},
		{"GET", "/api/v1/outbox", SignedIn, "The outbox: mail and webhook deliveries, newest first (operators, supervisors)", s.listOutbox},
		{"GET", "/api/v1/outbox/counts", SignedIn, "The outbox's deliveries by status (operators, supervisors)", s.countOutbox},
		{"POST", "/api/v1/outbox/{id}/retry", SignedIn, "Try a dead or waiting delivery again now (operators, supervisors)", s.retryDelivery},

		{"GET", "/api/v1/plans", SignedIn, "The plan catalog", s.listPlans},
		{"POST", "/api/v1/plans", SignedIn, "Add a plan (operators)", s.createPlan},
		{"GET", "/api/v1/products", SignedIn, "The products and services catalog", s.listProducts},
		{"POST", "/api/v1/products", SignedIn, "Add a product or service (operators)", s.createProduct},
	}
}

// Handler returns the HTTP handler for every route, each request with an id
// and a line in the access log (edge.Access), text answers gzipped for
// clients that accept it (edge.Gzip). A path with routes for
// other methods answers 405 with Allow (OPTIONS: 204 with Allow), any other
// 404, both as problem documents; cross-origin requests are served as
// Options.CORSOrigins allow.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := edge.Allowed(mux, r, "/"); allow != "" {
			w.Header().Set("Allow", allow)
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			writeError(w, r, s.log, &transportError{code: CodeMethodNotAllowed,
				msg: r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + allow})
			return
		}
		writeError(w, r, s.log, casedesk.Errorf(casedesk.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
	})
	return edge.Access{Log: s.log, Proxies: s.opts.Proxies}.Handler(edge.Gzip(s.cors(mux)))
}

// corsHeaders are the request headers a cross-origin page may send, and
// exposedHeaders the answer's headers it may read.
const (
	corsHeaders    = "Authorization, Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID, X-Request-Id"
	exposedHeaders = "Allow, Content-Disposition, Content-Range, ETag, Idempotent-Replayed, Location, Retry-After, X-Request-Id"
)

// cors applies the CORS policy: closed unless Options.CORSOrigins names the
// request's Origin (or is "*"); an allowed origin's preflight is answered
// here with the methods its path supports. Credentials are never allowed,
// so "*" is safe to answer as such.
func (s *Server) cors(mux *http.ServeMux) http.Handler {
	if len(s.opts.CORSOrigins) == 0 {
		return mux
	}
	anyOrigin := slices.Contains(s.opts.CORSOrigins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" || !anyOrigin && !slices.Contains(s.opts.CORSOrigins, strings.ToLower(origin)) {
			mux.ServeHTTP(w, r)
			return
		}
		if anyOrigin {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			allow := edge.Allowed(mux, r, "/")
			if allow == "" {
				mux.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Methods", allow)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", "600")
			h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
		mux.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap authenticates the caller, runs the handler, turns errors into problem
// documents, gives a GET's JSON answer an ETag (etagWriter) and records
// metrics.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Content-Type-Options", "nosniff")
		var out http.ResponseWriter = sw
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			out = &etagWriter{ResponseWriter: sw, r: r}
		}
		err := func() error {
			if rt.Access == Metrics {
				if err := s.checkMetricsToken(r, s.opts.MetricsToken); err != nil {
					return err
				}
				return rt.handle(out, r, nil)
			}
			a, err := s.actor(r)
			if err != nil {
				return err
			}
			if rt.Access != Public && a.Anonymous() {
				return casedesk.Errorf(casedesk.EUNAUTHORIZED, "sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/login returns one)")
			}
			return rt.handle(out, r, a)
		}()
		if err != nil {
			writeError(out, r, s.log, err)
		}
		if ew, ok := out.(*etagWriter); ok {
			ew.finish()
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.reqs.WithLabelValues(r.Method, rt.Pattern, strconv.Itoa(sw.status)).Inc()
		s.latency.WithLabelValues(r.Method, rt.Pattern).Observe(time.Since(start).Seconds())
	})
}

func (s *Server) actor(r *http.Request) (*casedesk.Actor, error) {
	ip := s.opts.Proxies.ClientIP(r)
	h := r.Header.Get("Authorization")
	if h == "" {
		return &casedesk.Actor{ClientIP: ip}, nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, casedesk.Errorf(casedesk.EUNAUTHORIZED, "the Authorization header must be: Bearer <token>")
	}
	return s.desk.Authenticate(r.Context(), strings.TrimSpace(token), ip)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *casedesk.Actor) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *casedesk.Actor) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.desk.DB().Ready(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", retryAfterSeconds(max(casedesk.ErrorRetryAfter(err), time.Second)))
		p := NewProblem(casedesk.EUNAVAILABLE, "", "the database does not answer or cannot write")
		p.RequestID = edge.RequestID(r.Context())
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(p)
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": string(s.desk.DB().Engine())})
	return nil
}

// checkMetricsToken refuses a metrics request without the token: not found
// when there is none to bear (the endpoint is closed), unauthorized when the
// request does not bear it.
func (s *Server) checkMetricsToken(r *http.Request, token string) error {
	if token == "" {
		return casedesk.Errorf(casedesk.ENOTFOUND, "no such route: %s %s", r.Method, r.URL.Path)
	}
	scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
		return casedesk.Errorf(casedesk.EUNAUTHORIZED, "send the metrics token: Authorization: Bearer <token>")
	}
	return nil
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request, _ *casedesk.Actor) error {
	promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// MetricsHandler serves GET /metrics alone, for a listener of its own; it
// asks for the metrics token when one is configured.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.MetricsToken != "" {
			if err := s.checkMetricsToken(r, s.opts.MetricsToken); err != nil {
				writeError(w, r, s.log, err)
				return
			}
		}
		s.metrics(w, r, nil)
	}))
	return mux
}
