package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

type orgData struct {
	Org       *casedesk.Organization
	Users     []*casedesk.User
	Roles     []casedesk.Role
	Grants    []*casedesk.PartnerGrant
	Partner   bool // the viewer's organization is a partner: Grants are the customers that delegated to it
	History   []eventView
	OneTime   string // an invited user's one-time password, shown once
	Invited   string
	HistoryOK bool
}

type eventView struct {
	*casedesk.Event
	Actor    string
	OnBehalf string // the actor's organization, when it acted for the event's…
	For      string // …organization, the customer's
	Text     string
}

func (s *Server) organization(w http.ResponseWriter, r *http.Request, p *page) error {
	return s.orgPage(w, r, p, &orgData{}, http.StatusOK)
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request, p *page, d *orgData, status int) error {
	ctx := r.Context()
	p.Title, p.Nav = p.T("org.title"), "org"
	org, err := s.desk.Organization(ctx, p.Actor, p.User.OrgID)
	if err != nil {
		return err
	}
	d.Org, d.Partner, d.Roles = org, org.Kind == casedesk.OrgPartner, casedesk.RolesFor(org.Kind)
	if d.Users, err = s.desk.Users(ctx, p.Actor, org.ID, store.UserFilter{Limit: 500}); err != nil {
		return err
	}
	if d.Grants, err = s.desk.Grants(ctx, p.Actor, org.ID); err != nil {
		return err
	}
	if p.CustomerID != 0 {
		evs, err := s.desk.OrgHistory(ctx, p.Actor, p.CustomerID, 0, 10)
		if err == nil {
			d.History, d.HistoryOK = s.events(r, p, evs), true
		} else if casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			return err
		}
	}
	switch r.URL.Query().Get("notice") {
	case "saved":
		p.Notice = p.T("org.saved")
	case "granted":
		p.Notice = p.T("org.granted")
	case "revoked":
		p.Notice = p.T("org.revoked")
	}
	p.Data = d
	return s.render(w, r, p, "org", status)
}

// events labels history lines with names and a sentence in the viewer's language.
func (s *Server) events(r *http.Request, p *page, evs []*casedesk.Event) []eventView {
	var users, orgs []int64
	for _, e := range evs {
		if e.ActorID != nil {
			users = append(users, *e.ActorID)
		}
		if e.OnBehalfOf != nil {
			orgs = append(orgs, *e.OnBehalfOf, e.OrgID)
		}
	}
	slices.Sort(users)
	slices.Sort(orgs)
	un, on, err := s.desk.Names(r.Context(), p.Actor, p.CustomerID, slices.Compact(users), slices.Compact(orgs))
	if err != nil {
		un, on = map[int64]string{}, map[int64]string{}
	}
	out := make([]eventView, 0, len(evs))
	for _, e := range evs {
		v := eventView{Event: e}
		if e.ActorID != nil {
			v.Actor = un[*e.ActorID]
		}
		if v.Actor == "" {
			v.Actor = p.T("event.someone")
		}
		if e.OnBehalfOf != nil {
			v.OnBehalf, v.For = on[*e.OnBehalfOf], on[e.OrgID]
		}
		v.Text = eventText(p, e)
		out = append(out, v)
	}
	return out
}

func eventText(p *page, e *casedesk.Event) string {
	val := func(v string) string {
		switch e.Field {
		case "status":
			return p.T("status." + v)
		case "severity":
			if v == "" {
				return p.T("sev.none")
			}
			return p.T("sev." + v)
		}
		if v == "" {
			return "—"
		}
		return v
	}
	switch e.Kind {
	case casedesk.EventAttachment, casedesk.EventSurvey, casedesk.EventCallbackRequest:
		return p.T("event."+string(e.Kind), e.New)
	case casedesk.EventCreated, casedesk.EventMessage, casedesk.EventReopened, casedesk.EventPhone:
		return p.T("event." + string(e.Kind))
	case casedesk.EventStatusChanged, casedesk.EventSeverityChanged:
		return p.T("event."+string(e.Kind), val(e.Old), val(e.New))
	case casedesk.EventAssigneeChanged:
		return p.T("event.assignee")
	case casedesk.EventUpdated:
		return p.T("event.update", p.T("field."+e.Field))
	case casedesk.EventTransferred:
		return p.T("event.transfer", p.T("cat."+e.New))
	case casedesk.EventSeverityReason:
		return p.T("event.severity_reason", e.New)
	case casedesk.EventLinked:
		return p.T("event.linked", e.New)
	case casedesk.EventMerged:
		if e.Field == casedesk.MergedFrom {
			return p.T("event.merged.from", e.New)
		}
		return p.T("event.merged.into", e.New)
	case casedesk.EventOutOfScope:
		return p.T("event.outofscope")
	}
	return string(e.Kind)
}

func (s *Server) orgHistory(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title, p.Nav = p.T("history.title"), "org"
	before := atoi64(r.URL.Query().Get("before"))
	evs, err := s.desk.OrgHistory(r.Context(), p.Actor, p.CustomerID, before, 100)
	if err != nil {
		return err
	}
	next := int64(0)
	if len(evs) == 100 {
		next = evs[len(evs)-1].ID
	}
	p.Data = struct {
		Events []eventView
		Next   int64
	}{s.events(r, p, evs), next}
	return s.render(w, r, p, "history", http.StatusOK)
}

func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request, p *page) error {
	f := map[string]string{}
	for _, k := range []string{"email", "name", "role", "language"} {
		f[k] = r.PostFormValue(k)
	}
	p.Form = f
	u, temp, err := s.desk.CreateUser(r.Context(), p.Actor, p.User.OrgID, desk.NewUser{Email: f["email"], Name: f["name"],
		Role: casedesk.Role(f["role"]), Language: f["language"], TimeZone: p.User.TimeZone})
	if err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.orgPage(w, r, p, &orgData{}, http.StatusBadRequest)
		}
		return err
	}
	p.Form = nil
	if temp == "" && s.desk.Mail() {
		p.Notice = p.T("org.invited.mailed", u.Email)
	} else {
		p.Notice = p.T("org.invited", u.Email)
	}
	return s.orgPage(w, r, p, &orgData{OneTime: temp, Invited: u.Email}, http.StatusOK)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, p *page) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return casedesk.Errorf(casedesk.ENOTFOUND, "user not found")
	}
	var patch desk.UserPatch
	if v := r.PostFormValue("role"); v != "" {
		role := casedesk.Role(v)
		patch.Role = &role
	}
	switch r.PostFormValue("active") {
	case "true", "false":
		active := r.PostFormValue("active") == "true"
		patch.Active = &active
	}
	if _, err := s.desk.UpdateUser(r.Context(), p.Actor, p.User.OrgID, id, patch); err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID {
			p.Error = p.errorMessage(err)
			return s.orgPage(w, r, p, &orgData{}, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/organization?notice=saved#users", http.StatusSeeOther)
	return nil
}

func (s *Server) grantPartner(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Form = map[string]string{"partner_id": r.PostFormValue("partner_id")}
	id, err := strconv.ParseInt(r.PostFormValue("partner_id"), 10, 64)
	if err != nil || id <= 0 {
		p.formError(casedesk.Invalid("partner_id", "enter the partner ID your partner gave you (a number)").Because("number"))
		return s.orgPage(w, r, p, &orgData{}, http.StatusBadRequest)
	}
	if _, err := s.desk.GrantPartner(r.Context(), p.Actor, p.User.OrgID, desk.NewGrant{PartnerID: id}); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.orgPage(w, r, p, &orgData{}, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/organization?notice=granted#partners", http.StatusSeeOther)
	return nil
}

func (s *Server) revokePartner(w http.ResponseWriter, r *http.Request, p *page) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return casedesk.Errorf(casedesk.ENOTFOUND, "grant not found")
	}
	if err := s.desk.RevokeGrant(r.Context(), p.Actor, p.User.OrgID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/organization?notice=revoked#partners", http.StatusSeeOther)
	return nil
}

// switchCustomer chooses which delegated customer a partner's user works on.
func (s *Server) switchCustomer(w http.ResponseWriter, r *http.Request, p *page) error {
	id := atoi64(r.PostFormValue("customer_id"))
	if _, err := s.desk.Organization(r.Context(), p.Actor, id); err != nil {
		return err
	}
	s.setCookie(w, r, customerCookie, strconv.FormatInt(id, 10), 0)
	http.Redirect(w, r, localNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
