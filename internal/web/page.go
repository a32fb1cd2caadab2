package web

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// page is what every template receives: who is looking, in which language
// and time zone, the form token, and the page's own data.
type page struct {
	Title string
	Lang  string // "en" or "zh-CN"
	Path  string // the request path, for the language switch's way back
	Actor *casedesk.Actor
	User  *casedesk.User
	// Can is what desk says the viewer may do: it only chooses which links
	// and forms the page offers; desk checks every call.
	Can    desk.Abilities
	CSRF   string
	Nav    string // the active navigation entry
	Notice string // a confirmation to show once
	Error  string // a page-level error message
	// Form holds submitted values to show again; Errors the messages by
	// field, in errOrder's order; Failed says a form was refused (the
	// title says so).
	Form     map[string]string
	Errors   map[string]string
	errOrder []string
	Failed   bool
	// CustomerID is the customer organization the viewer works on: their
	// own, or for a partner's user the delegated customer they chose.
	CustomerID int64
	Customers  []*casedesk.Organization // a partner's delegated customers, for the switch
	Customer   *casedesk.Organization   // the chosen customer, when it is not the viewer's own
	// Inbox is set for staff who have a notifications inbox; Unread counts
	// its unread lines, for the badge in the header.
	Inbox  bool
	Unread int
	Data   any

	secret string
	cat    catalog
	loc    *time.Location
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request) *page {
	return &page{Path: r.URL.RequestURI(), Lang: "en", cat: catalogs["en"], loc: time.UTC, Actor: &casedesk.Actor{ClientIP: s.proxies.ClientIP(r)}}
}

// T translates a catalogue key, formatting args into it.
func (p *page) T(key string, args ...any) string { return p.cat.t(key, args...) }

// Or translates key when the catalogue has it, and otherwise shows
// fallback: for catalogue data (plan and product names) that the provider
// may extend beyond the translated defaults.
func (p *page) Or(key, fallback string) string {
	if v, ok := p.cat[key]; ok {
		return v
	}
	return fallback
}

// OnBehalf reports whether the viewer works for another organization's
// customer (a partner's user): everything they do is recorded as on its behalf.
func (p *page) OnBehalf() bool { return p.Customer != nil }

// When formats an instant as date and time in the viewer's time zone.
func (p *page) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format(p.T("fmt.datetime"))
}

// Date formats an instant as a date in the viewer's time zone.
func (p *page) Date(t time.Time) string { return t.In(p.loc).Format(p.T("fmt.date")) }

// ISO formats an instant for a <time datetime> attribute.
func (p *page) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Zone names the viewer's time zone.
func (p *page) Zone() string { return p.loc.String() }

// Field returns a submitted form value.
func (p *page) Field(name string) string { return p.Form[name] }

// Err returns the error message for a form field.
func (p *page) Err(name string) string { return p.Errors[name] }

// formError shows each field error of a desk error next to its field and
// in the form's error summary, or, naming no field, the error at the top of
// the form.
func (p *page) formError(err error) {
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	p.Failed = true
	fields := casedesk.ErrorFields(err)
	if len(fields) == 0 {
		p.Error = p.errorMessage(err)
		return
	}
	for _, e := range fields {
		if _, ok := p.Errors[e.Field]; !ok {
			p.errOrder = append(p.errOrder, e.Field)
		}
		p.Errors[e.Field] = p.fieldMessage(e)
	}
}

// fieldFailed marks field as failed with a message already in the viewer's
// language, as formError does for desk's errors: the error summary, the
// title's prefix and the field's own message all follow.
func (p *page) fieldFailed(field, msg string) {
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	p.Failed = true
	if _, ok := p.Errors[field]; !ok {
		p.errOrder = append(p.errOrder, field)
	}
	p.Errors[field] = msg
}

// fieldMessage says a field error in the viewer's language, from the
// catalogue only (desk's English is the API's): the field's sentence for
// the rule it broke (fielderr.<field>.<rule>, or .<code> for a code other
// than EINVALID), formatted with the rule's values, else the field's
// general sentence (EINVALID only), else the code's.
func (p *page) fieldMessage(e *casedesk.Error) string {
	var keys []string
	if e.Rule != "" {
		keys = append(keys, "fielderr."+e.Field+"."+e.Rule)
	}
	if e.Code == casedesk.EINVALID {
		keys = append(keys, "fielderr."+e.Field)
	} else {
		keys = append(keys, "fielderr."+e.Field+"."+e.Code)
	}
	for _, k := range keys {
		if _, ok := p.cat[k]; ok {
			return p.T(k, e.Args...)
		}
	}
	return p.T("err." + e.Code)
}

// summaryItem is one line of a form's error summary: the message, linking
// to the control with the ID.
type summaryItem struct{ ID, Message string }

// Summary lists the form's field errors in the order desk found them, for
// the "errsummary" template. Each argument is a field the form has, as
// "field" (its control's id is the field's name) or "field=id"; without
// arguments every field error is listed, linked by field name.
func (p *page) Summary(fields ...string) []summaryItem {
	ids := map[string]string{}
	for _, f := range fields {
		name, id, ok := strings.Cut(f, "=")
		if !ok {
			id = name
		}
		ids[name] = id
	}
	var out []summaryItem
	for _, f := range p.errOrder {
		id, ok := ids[f]
		if !ok && len(fields) > 0 {
			continue
		}
		if !ok {
			id = f
		}
		out = append(out, summaryItem{ID: id, Message: p.Errors[f]})
	}
	return out
}

// errorMessage says err in the viewer's language. English pages show desk's
// message (the API's: it names what was refused or not found); other
// languages the catalogue's sentence alone, never desk's English beside it:
// a field's message (fieldMessage), else the reason of a refusal or conflict
// (err.<code>.<rule>), else the code's.
func (p *page) errorMessage(err error) string {
	if p.Lang == "en" {
		return casedesk.ErrorMessage(err)
	}
	var e *casedesk.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return p.fieldMessage(e)
		}
		if k := "err." + e.Code + "." + e.Rule; e.Rule != "" && p.cat[k] != "" {
			return p.T(k, e.Args...)
		}
	}
	return p.T("err." + casedesk.ErrorCode(err))
}

// errorPage is the data of the error page.
type errorPage struct {
	Status   int
	Code     string
	Message  string
	AskAdmin bool
	Admins   []*casedesk.User
}

// fail renders err: sign-in for a missing session, otherwise the error
// page with the status of its code and desk's message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	code := casedesk.ErrorCode(err)
	status := map[string]int{
		casedesk.EINVALID: http.StatusBadRequest, casedesk.ENOTFOUND: http.StatusNotFound, casedesk.EFORBIDDEN: http.StatusForbidden,
		casedesk.EUNAUTHORIZED: http.StatusUnauthorized, casedesk.ECONFLICT: http.StatusConflict, casedesk.ERATELIMIT: http.StatusTooManyRequests,
		casedesk.ETOOLARGE: http.StatusRequestEntityTooLarge, casedesk.EUNSUPPORTED: http.StatusUnsupportedMediaType,
		casedesk.EUNAVAILABLE: http.StatusServiceUnavailable,
	}[code]
	setRetryAfter(w, err)
	if status == 0 {
		status = http.StatusInternalServerError
		s.log.ErrorContext(r.Context(), "web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == casedesk.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	ep := &errorPage{Status: status, Code: code, Message: p.errorMessage(err)}
	// A customer user without an admin role is told whom to ask (SPEC).
	if code == casedesk.EFORBIDDEN && p.Can.AskAdmin {
		ep.AskAdmin = true
		ep.Admins, _ = s.desk.Users(r.Context(), p.Actor, p.User.OrgID, store.UserFilter{Admins: true})
	}
	p.Title = p.T("error." + strconv.Itoa(status))
	p.Data = ep
	if err := s.render(w, r, p, "error", status); err != nil {
		s.log.ErrorContext(r.Context(), "web: render error page", "err", err)
		http.Error(w, http.StatusText(status), status)
	}
}

// render executes the page's template in the viewer's language into a
// buffer, so that a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, p *page, name string, status int) error {
	t := s.tmpl.get(p.Lang, name)
	if t == nil {
		return errors.New("web: no template " + name)
	}
	if p.Can.Inbox {
		// A refusal (the inbox closed since the actor was read) only hides the badge.
		n, err := s.desk.UnreadNotifications(r.Context(), p.Actor)
		p.Inbox, p.Unread = err == nil, n
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// actingFor picks the customer organization a signed-in viewer works on.
func (s *Server) actingFor(r *http.Request, p *page) {
	switch {
	case p.Can.OwnCustomer:
		p.CustomerID = p.User.OrgID
	case p.Can.ActForCustomers:
		if len(p.Actor.Delegated) == 0 {
			return
		}
		p.CustomerID = p.Actor.Delegated[0]
		if c, err := s.cookie(r, customerCookie); err == nil {
			if id := atoi64(c.Value); slices.Contains(p.Actor.Delegated, id) {
				p.CustomerID = id
			}
		}
		orgs, err := s.desk.Organizations(r.Context(), p.Actor, store.OrgFilter{Kind: casedesk.OrgCustomer})
		if err != nil {
			s.log.Warn("web: delegated customers", "err", err)
			return
		}
		p.Customers = orgs
		for _, o := range orgs {
			if o.ID == p.CustomerID {
				p.Customer = o
			}
		}
	}
}

// zoneCache loads each time zone once.
type zoneCache struct{ m sync.Map }

func newZoneCache() *zoneCache { return &zoneCache{} }

func (z *zoneCache) get(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if l, ok := z.m.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	z.m.Store(name, l)
	return l
}

// setRetryAfter sends the Retry-After err tells (ERATELIMIT, EUNAVAILABLE)
// in whole seconds, rounded up so a client that waits that long is not
// refused again.
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := casedesk.ErrorRetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	}
}
