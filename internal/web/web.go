// Package web serves casedesk's customer portal: server-rendered pages over
// desk, the same verbs the API uses. It never decides who may see what: it
// calls desk with the signed-in actor and renders desk's answers and errors.
//
// Pages are html/template files and static assets embedded in the binary;
// one small script only enhances them, so every flow works without it. All
// text comes from a message catalogue per language (English and Simplified
// Chinese) and every time is shown in the viewer's time zone.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/edge"
	"github.com/casedesk/casedesk/internal/sla"
)

// PolicySource gives the support policy whose initial-response targets the
// home page shows, as seen by the actor. The default is sla.DefaultPolicy;
// *desk.Desk satisfies it with the stored policy (Options{Policy: d}).
type PolicySource interface {
	SLAPolicy(ctx context.Context, a *casedesk.Actor) (sla.Policy, error)
}

// DefaultPolicySource serves sla.DefaultPolicy.
type DefaultPolicySource struct{}

// SLAPolicy returns sla.DefaultPolicy.
func (DefaultPolicySource) SLAPolicy(context.Context, *casedesk.Actor) (sla.Policy, error) {
	return sla.DefaultPolicy(), nil
}

// ArticleSource finds self-service articles; the knowledge base will supply
// one. The default is a small built-in set of guides.
type ArticleSource interface {
	// Suggest returns up to n articles matching the words of query in the
	// language (an empty query returns the most useful ones).
	Suggest(ctx context.Context, lang, query string, n int) []Article
	// Article returns the article with the slug in the language.
	Article(ctx context.Context, lang, slug string) (Article, bool)
}

// Article is a self-service help article.
type Article struct {
	Slug    string
	Title   string
	Summary string
	Body    string // Markdown
}

// Options configure the web surface. The zero value serves the portal with
// the system clock and the default policy.
type Options struct {
	// Clock tells the time for the reopen window and the recent-requests
	// list; nil means the desk's clock.
	Clock casedesk.Clock
	// Policy supplies the support policy shown on the home page.
	Policy PolicySource
	// Articles supplies self-service articles.
	Articles ArticleSource
	// BaseURL is the portal's public URL (https://desk.example.com), the
	// base of every absolute link it makes (password reset) and the one
	// origin its forms are accepted from. Empty means no absolute link is
	// made: the request's Host header is the client's to write, so a link
	// built on it could point anywhere.
	BaseURL string
	// ResetLinks delivers password-reset links; nil means none is made.
	ResetLinks LinkSender
	// Observe, when set, is told of every page request once it is
	// answered, with the page's route pattern: for the HTTP metrics.
	Observe func(method, route string, status int, elapsed time.Duration)
	// Proxies are the reverse proxies trusted to name the client.
	Proxies edge.Proxies
	// RecentDays is how long closed requests stay in the default list (30).
	RecentDays int
	// SecureCookies makes cookies Secure with the __Host- prefix, for a
	// portal reached over HTTPS (casedesk itself speaks plain HTTP behind
	// a proxy that ends TLS).
	SecureCookies bool
}

// LinkSender delivers a link that is as good as a password to its user:
// by mail, or, in the demo, on the operator's terminal; never to a log.
type LinkSender interface {
	SendResetLink(ctx context.Context, u *casedesk.User, link string) error
}

// Server serves the pages.
type Server struct {
	desk       *desk.Desk
	log        *slog.Logger
	clock      casedesk.Clock
	policy     PolicySource
	articles   ArticleSource
	baseURL    string
	proxies    edge.Proxies
	resetLinks LinkSender
	observe    func(method, route string, status int, elapsed time.Duration)
	recent     time.Duration
	secure     bool
	tmpl       *templates
	zones      *zoneCache
	md         *markdown
}

// New returns the web surface over d.
func New(d *desk.Desk, log *slog.Logger, o Options) *Server {
	s := &Server{desk: d, log: log, clock: o.Clock, policy: o.Policy, articles: o.Articles, baseURL: strings.TrimRight(o.BaseURL, "/"),
		proxies: o.Proxies, resetLinks: o.ResetLinks, observe: o.Observe, recent: time.Duration(o.RecentDays) * 24 * time.Hour, secure: o.SecureCookies, zones: newZoneCache(), md: newMarkdown()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.clock == nil {
		s.clock = d.Clock()
	}
	if s.policy == nil {
		s.policy = DefaultPolicySource{}
	}
	if s.articles == nil {
		s.articles = builtinArticles{}
	}
	if s.recent <= 0 {
		s.recent = 30 * 24 * time.Hour
	}
	s.tmpl = mustTemplates()
	return s
}

// access says what a route needs before its handler runs. Whether the actor
// may do what the handler asks is desk's decision, not the route's.
type access int

const (
	public   access = iota // anyone, signed in or not
	signedIn               // a session; others are sent to the sign-in page
)

type route struct {
	pattern string
	access  access
	handle  func(w http.ResponseWriter, r *http.Request, p *page) error
}

// routes is the portal's route table.
func (s *Server) routes() []route {
	return append([]route{
		{"GET /{$}", signedIn, s.home},
		{"GET /signin", public, s.signinForm},
		{"POST /signin", public, s.signin},
		{"POST /signout", public, s.signout},
		{"GET /password", signedIn, s.passwordForm},
		{"POST /password", signedIn, s.changePassword},
		{"GET /forgot", public, s.forgotForm},
		{"POST /forgot", public, s.forgot},
		{"GET /reset", public, s.resetForm},
		{"POST /reset", public, s.reset},
		{"POST /language", public, s.setLanguage},
		{"GET /account", signedIn, s.account},
		{"POST /account", signedIn, s.saveAccount},
		{"POST /account/notifications", signedIn, s.saveAccountNotifications},

		{"GET /requests", signedIn, s.listRequests},
		{"GET /requests/new", signedIn, s.newRequestForm},
		{"POST /requests", signedIn, s.createRequest},
		{"GET /requests/{number}", signedIn, s.showRequest},
		{"POST /requests/{number}/reply", signedIn, s.reply},
		{"POST /requests/{number}/close", signedIn, s.closeRequest},
		{"POST /requests/{number}/reopen", signedIn, s.reopen},
		{"POST /requests/{number}/survey", signedIn, s.survey},
		{"POST /requests/{number}/callback", signedIn, s.callback},
		{"GET /requests/{number}/attachments/{id}", signedIn, s.attachment},
		{"GET /requests/{number}/live", signedIn, s.live},

		{"GET /organization", signedIn, s.organization},
		{"POST /organization/users", signedIn, s.inviteUser},
		{"POST /organization/users/{id}", signedIn, s.updateUser},
		{"POST /organization/partners", signedIn, s.grantPartner},
		{"POST /organization/partners/{id}/revoke", signedIn, s.revokePartner},
		{"GET /organization/history", signedIn, s.orgHistory},
		{"POST /customer", signedIn, s.switchCustomer},

		{"GET /help", public, s.help},
		{"GET /help/suggest", public, s.suggest},
		{"GET /help/{slug}", public, s.article},
		{"GET /presales", public, s.presalesForm},
		{"POST /presales", public, s.presales},
		{"GET /presales/sent", public, s.presalesSent},
	}, s.consoleRoutes()...)
}

// Handler returns the pages' handler, each request with an id and a line
// in the access log (edge.Access), text answers gzipped for clients that
// accept it (edge.Gzip).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.wrap(rt))
	}
	mux.Handle("GET /static/", staticHandler())
	notFound := s.wrap(route{"/", public, func(w http.ResponseWriter, r *http.Request, p *page) error {
		return casedesk.Errorf(casedesk.ENOTFOUND, "page not found")
	}})
	// The catch-all answers every method, so it tells a path that exists
	// for other methods (405 with Allow) from one that does not.
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allow := edge.Allowed(mux, r, "/"); allow != "" {
			w.Header().Set("Allow", allow)
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		notFound.ServeHTTP(w, r)
	}))
	return edge.Access{Log: s.log, Proxies: s.proxies}.Handler(edge.Gzip(securityHeaders(mux)))
}

// securityHeaders sets the headers every answer carries: a strict content
// security policy (no inline script or style, nothing from elsewhere), no
// framing, no type sniffing.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if observe := s.observe; observe != nil {
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			w = sw
			start := time.Now()
			defer func() { observe(r.Method, routeName(rt.pattern), sw.status, time.Since(start)) }()
		}
		p := s.newPage(w, r)
		if err := s.authenticate(w, r, p); err != nil {
			s.fail(w, r, p, err)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 5*s.desk.Policy().AttachmentLimit+1<<20)
			if err := s.checkCSRF(r, p); err != nil {
				s.fail(w, r, p, err)
				return
			}
		}
		if rt.access == signedIn && p.Actor.Anonymous() {
			http.Redirect(w, r, "/signin?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !p.Actor.Anonymous() && p.User.MustChangePass && rt.pattern != "GET /password" && rt.pattern != "POST /password" &&
			rt.pattern != "POST /signout" && rt.pattern != "POST /language" {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		if err := rt.handle(w, r, p); err != nil {
			s.fail(w, r, p, err)
		}
	})
}

// routeName is a route pattern without its method: "GET /requests/{number}"
// → "/requests/{number}".
func routeName(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

// statusWriter remembers the status a page answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes of the
// live updates, read deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
