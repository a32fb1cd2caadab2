package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// The console's pages beside the queues and the work page: log a call,
// callbacks, the organization panel, the supervisor's view, canned
// responses, saved filters and account managers.

// ---- phone ----

type phoneData struct {
	Query   string
	Orgs    []*casedesk.Organization
	Org     *desk.OrgPanel
	Checks  []string
	OrgTime string // now in the organization's time zone
}

// phoneChecks are what the agent may tick as verified on a call.
var phoneChecks = []string{"name", "email", "org", "callback"}

func (s *Server) consolePhone(w http.ResponseWriter, r *http.Request, p *page) error {
	q := r.URL.Query()
	p.Form = map[string]string{"q": q.Get("q"), "org_id": q.Get("org"), "category": "technical", "number": q.Get("number")}
	return s.phonePage(w, r, p, http.StatusOK)
}

func (s *Server) phonePage(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	ctx := r.Context()
	p.Title, p.Nav = p.T("console.phone"), "console"
	d := &phoneData{Query: p.Form["q"], Checks: phoneChecks}
	if _, err := s.desk.Agents(ctx, p.Actor); err != nil { // staff only, before any search
		return err
	}
	if d.Query != "" {
		orgs, err := s.desk.Organizations(ctx, p.Actor, store.OrgFilter{Kind: casedesk.OrgCustomer, Name: d.Query, Limit: 20})
		if err != nil {
			return err
		}
		d.Orgs = orgs
		if len(orgs) == 1 && p.Form["org_id"] == "" {
			p.Form["org_id"] = strconv.FormatInt(orgs[0].ID, 10)
		}
	}
	if id := atoi64(p.Form["org_id"]); id != 0 {
		org, err := s.desk.OrganizationPanel(ctx, p.Actor, id)
		if err != nil {
			return err
		}
		d.Org, d.OrgTime = org, s.localTime(p, org.Org.TimeZone)
	}
	p.Data = d
	return s.render(w, r, p, "console_phone", status)
}

// consoleLogCall opens a request on an admin's behalf from a call, or adds
// the call to an existing request of the organization; either counts as a
// response to the customer.
func (s *Server) consoleLogCall(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	p.Form = map[string]string{}
	for _, k := range []string{"q", "org_id", "requester_id", "number", "category", "title", "description", "notes", "severity", "phone"} {
		p.Form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	f := p.Form
	var verified []string
	for _, v := range r.PostForm["verified"] {
		if slices.Contains(phoneChecks, v) {
			verified = append(verified, v)
			f["verified_"+v] = "1"
		}
	}
	fail := func(err error) error {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.phonePage(w, r, p, http.StatusBadRequest)
		}
		return err
	}
	if len(verified) == 0 {
		return fail(casedesk.Invalid("verified", "tick what you verified").Because("required"))
	}
	log := p.T("console.phone.log", strings.Join(verified, ", "))
	if f["notes"] != "" {
		log += "\n\n" + f["notes"]
	}
	if f["number"] != "" { // a call about an existing request
		req, err := s.desk.Request(ctx, p.Actor, f["number"])
		if err != nil {
			return fail(casedesk.Invalid("number", "request %s not found", f["number"]).Because("notfound", f["number"]))
		}
		if id := atoi64(f["org_id"]); id != 0 && id != req.OrgID {
			return fail(casedesk.Invalid("number", "request %s belongs to another organization", req.Number).Because("otherorg", req.Number))
		}
		if _, err := s.desk.AddMessage(ctx, p.Actor, req.Number, desk.NewMessage{Body: log, Kind: casedesk.MessagePhone}); err != nil {
			return fail(err)
		}
		http.Redirect(w, r, "/console/requests/"+req.Number+"?notice=phone", http.StatusSeeOther)
		return nil
	}
	in := desk.NewRequest{OrganizationID: atoi64(f["org_id"]), RequesterID: atoi64(f["requester_id"]),
		Category: casedesk.Category(f["category"]), Title: f["title"], Description: f["description"],
		Severity: casedesk.Severity(f["severity"]), Channel: casedesk.ChannelPhone, Phone: f["phone"]}
	if in.OrganizationID == 0 {
		return fail(casedesk.Invalid("org_id", "choose the organization").Because("required"))
	}
	if in.RequesterID == 0 {
		return fail(casedesk.Invalid("requester_id", "choose the admin who is calling").Because("required"))
	}
	if in.Severity == "" {
		return fail(casedesk.Invalid("severity", "set the severity").Because("phone"))
	}
	if in.Phone != "" {
		in.ContactMethod = "phone"
	}
	req, _, err := s.desk.OpenRequest(ctx, p.Actor, in, "")
	if err != nil {
		return fail(err)
	}
	if _, err := s.desk.AddMessage(ctx, p.Actor, req.Number, desk.NewMessage{Body: log, Kind: casedesk.MessagePhone}); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/requests/"+req.Number+"?notice=created", http.StatusSeeOther)
	return nil
}

// ---- callbacks ----

type callbackRow struct {
	*store.PendingCallback
	LocalTime string // now in the customer's time zone
}

func (s *Server) consoleCallbacks(w http.ResponseWriter, r *http.Request, p *page) error {
	cbs, err := s.desk.PendingCallbacks(r.Context(), p.Actor, 200)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("console.callbacks"), "console"
	now := s.clock.Now()
	rows := make([]callbackRow, 0, len(cbs))
	for _, c := range cbs {
		rows = append(rows, callbackRow{PendingCallback: c, LocalTime: s.localTimeAt(p, now, c.TimeZone)})
	}
	p.Data = rows
	return s.render(w, r, p, "console_callbacks", http.StatusOK)
}

// ---- organization and supervisor ----

func (s *Server) consoleOrg(w http.ResponseWriter, r *http.Request, p *page) error {
	org, err := s.desk.OrganizationPanel(r.Context(), p.Actor, atoi64(r.PathValue("id")))
	if err != nil {
		return err
	}
	p.Title, p.Nav = org.Org.Name, "console"
	data := struct {
		*desk.OrgPanel
		LocalTime  string
		Supervisor bool
		Agents     []desk.AgentStatus
	}{OrgPanel: org, LocalTime: s.localTime(p, org.Org.TimeZone), Supervisor: p.Can.Supervise}
	if data.Supervisor {
		if data.Agents, err = s.desk.Agents(r.Context(), p.Actor); err != nil {
			return err
		}
	}
	p.Data = data
	return s.render(w, r, p, "console_org", http.StatusOK)
}

type supervisorData struct {
	*desk.SupervisorView
	Categories []casedesk.Category
	Severities []casedesk.Severity
	Grid       map[string]int // "category/severity" → active requests
	Unassigned int
	Total      int
	Rows       []queueRow
	Now        time.Time
}

func (s *Server) consoleSupervisor(w http.ResponseWriter, r *http.Request, p *page) error {
	v, err := s.desk.Supervisor(r.Context(), p.Actor)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("console.supervisor"), "console"
	d := &supervisorData{SupervisorView: v, Grid: map[string]int{},
		Categories: []casedesk.Category{casedesk.CategoryTechnical, casedesk.CategoryBilling, casedesk.CategoryPresales},
		Severities: []casedesk.Severity{casedesk.SeverityA, casedesk.SeverityB, casedesk.SeverityC, casedesk.SeverityNone}}
	for _, c := range v.Counts {
		d.Grid[string(c.Category)+"/"+string(c.Severity)] += c.N
		d.Total += c.N
		if c.Unassigned && c.Severity != "" {
			d.Unassigned += c.N
		}
	}
	now := s.clock.Now()
	d.Now = now
	for _, e := range v.Breaching {
		d.Rows = append(d.Rows, queueRow{QueueEntry: e, DueISO: p.ISO(*e.DueAt), Left: leftText(p, e.DueAt.Sub(now))})
	}
	p.Data = d
	return s.render(w, r, p, "console_supervisor", http.StatusOK)
}

// GridN returns the count of a category and severity, for the template.
func (d *supervisorData) GridN(c casedesk.Category, sev casedesk.Severity) int {
	return d.Grid[string(c)+"/"+string(sev)]
}

// localTime is the time now in a customer's time zone, for the agent who
// is about to call: "Tue 14:05 (Europe/Berlin)", the weekday in the
// viewer's language.
func (s *Server) localTime(p *page, tz string) string { return s.localTimeAt(p, s.clock.Now(), tz) }

func (s *Server) localTimeAt(p *page, t time.Time, tz string) string {
	loc := s.zones.get(tz)
	t = t.In(loc)
	return p.Weekday(t) + " " + t.Format("15:04") + " (" + loc.String() + ")"
}

type cannedData struct {
	Canned       []*store.CannedResponse
	Placeholders []string
	Supervisor   bool
}

func (s *Server) consoleCanned(w http.ResponseWriter, r *http.Request, p *page) error {
	switch r.URL.Query().Get("notice") {
	case "canned":
		p.Notice = p.T("console.canned.saved")
	case "deleted":
		p.Notice = p.T("console.canned.deleted")
	}
	return s.cannedPage(w, r, p, http.StatusOK)
}

func (s *Server) cannedPage(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	cs, err := s.desk.CannedResponses(r.Context(), p.Actor)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("console.canned"), "console"
	p.Data = &cannedData{Canned: cs, Placeholders: desk.Placeholders, Supervisor: p.Can.Supervise}
	return s.render(w, r, p, "console_canned", status)
}

func (s *Server) consoleCreateCanned(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Form = map[string]string{"name": r.PostFormValue("name"), "language": r.PostFormValue("language"), "body": r.PostFormValue("body")}
	if _, err := s.desk.CreateCanned(r.Context(), p.Actor, p.Form["name"], p.Form["language"], p.Form["body"]); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.cannedPage(w, r, p, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/console/canned?notice=canned", http.StatusSeeOther)
	return nil
}

// consoleEditCanned shows one canned response's form, to change or delete
// it (desk lets supervisors only save either).
func (s *Server) consoleEditCanned(w http.ResponseWriter, r *http.Request, p *page) error {
	c, err := s.desk.CannedResponse(r.Context(), p.Actor, atoi64(r.PathValue("id")))
	if err != nil {
		return err
	}
	p.Form = map[string]string{"name": c.Name, "language": c.Language, "body": c.Body}
	return s.cannedEditPage(w, r, p, c, http.StatusOK)
}

func (s *Server) cannedEditPage(w http.ResponseWriter, r *http.Request, p *page, c *store.CannedResponse, status int) error {
	p.Title, p.Nav = p.T("console.canned.edit", c.Name), "console"
	p.Data = &cannedEditData{Canned: c, Placeholders: desk.Placeholders, Supervisor: p.Can.Supervise}
	return s.render(w, r, p, "console_canned_edit", status)
}

type cannedEditData struct {
	Canned       *store.CannedResponse
	Placeholders []string
	Supervisor   bool
}

func (s *Server) consoleUpdateCanned(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	c, err := s.desk.CannedResponse(ctx, p.Actor, atoi64(r.PathValue("id")))
	if err != nil {
		return err
	}
	p.Form = map[string]string{"name": r.PostFormValue("name"), "language": r.PostFormValue("language"), "body": r.PostFormValue("body")}
	name, lang, body := p.Form["name"], p.Form["language"], p.Form["body"]
	if _, err := s.desk.UpdateCanned(ctx, p.Actor, c.ID, desk.CannedPatch{Name: &name, Language: &lang, Body: &body}); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.cannedEditPage(w, r, p, c, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/console/canned?notice=canned", http.StatusSeeOther)
	return nil
}

func (s *Server) consoleDeleteCanned(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.desk.DeleteCanned(r.Context(), p.Actor, atoi64(r.PathValue("id"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/canned?notice=deleted", http.StatusSeeOther)
	return nil
}

func (s *Server) consoleSaveFilter(w http.ResponseWriter, r *http.Request, p *page) error {
	view, cat := r.PostFormValue("view"), r.PostFormValue("category")
	if _, err := s.desk.SaveFilter(r.Context(), p.Actor, r.PostFormValue("name"), desk.QueueView(view), casedesk.Category(cat)); err != nil {
		return err
	}
	http.Redirect(w, r, "/console?view="+url.QueryEscape(view)+"&category="+url.QueryEscape(cat)+"&notice=filter", http.StatusSeeOther)
	return nil
}

func (s *Server) consoleDeleteFilter(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.desk.DeleteFilter(r.Context(), p.Actor, atoi64(r.PathValue("id"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/console", http.StatusSeeOther)
	return nil
}

func (s *Server) consoleSetTAM(w http.ResponseWriter, r *http.Request, p *page) error {
	org := atoi64(r.PathValue("id"))
	if err := s.desk.SetTAM(r.Context(), p.Actor, org, atoi64(r.PostFormValue("tam_id"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/organizations/"+strconv.FormatInt(org, 10), http.StatusSeeOther)
	return nil
}
