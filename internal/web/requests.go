package web

import (
	"cmp"
	"context"
	"errors"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/sse"
	"github.com/casedesk/casedesk/internal/store"
)

// ---- list ----

type listData struct {
	Rows       []listRow
	Status     string
	Severity   string
	Category   string
	Sort       string
	All        bool
	Next       string // cursor of the next page
	RecentDays int
}

type listRow struct {
	*casedesk.Request
	OpenedBy string // "Priya Patel (Proseware Solutions)" when a partner or the provider opened it
	OnBehalf string // the customer organization they opened it for
}

var sortKeys = []string{"updated", "number", "status", "severity", "category"}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	q := r.URL.Query()
	p.Title, p.Nav = p.T("list.title"), "requests"
	d := &listData{Status: q.Get("status"), Severity: q.Get("severity"), Category: q.Get("category"), Sort: q.Get("sort"),
		All: q.Get("all") == "1", RecentDays: int(s.recent.Hours() / 24)}
	if !slices.Contains(sortKeys, d.Sort) {
		d.Sort = "updated"
	}
	f := desk.ListFilter{Status: d.Status, Severity: casedesk.Severity(d.Severity), Category: casedesk.Category(d.Category),
		OrgID: p.CustomerID, Cursor: q.Get("cursor"), Limit: 100}
	var rs []*casedesk.Request
	var err error
	if d.All || d.Status != "" {
		rs, d.Next, err = s.desk.ListRequests(ctx, p.Actor, f)
	} else {
		rs, d.Next, err = s.desk.RecentRequests(ctx, p.Actor, f, s.clock.Now().Add(-s.recent))
	}
	if casedesk.ErrorCode(err) == casedesk.EINVALID {
		p.formError(err)
		rs, err = nil, nil
	}
	if err != nil {
		return err
	}
	users, orgs := s.names(ctx, p, rs, nil)
	for _, req := range rs {
		row := listRow{Request: req, OpenedBy: users[req.OpenedByID]}
		if req.OnBehalfOfOrgID != nil {
			// The stored organization is the one that acted (partner or
			// provider); it acted on behalf of the request's own.
			if by := orgs[*req.OnBehalfOfOrgID]; by != "" {
				row.OpenedBy = p.T("who.org", row.OpenedBy, by)
			}
			row.OnBehalf = orgs[req.OrgID]
		}
		d.Rows = append(d.Rows, row)
	}
	sortRows(d.Rows, d.Sort)
	p.Data = d
	return s.render(w, r, p, "list", http.StatusOK)
}

var statusOrder = map[casedesk.Status]int{casedesk.StatusNew: 0, casedesk.StatusOpen: 1, casedesk.StatusWaiting: 2, casedesk.StatusResolved: 3, casedesk.StatusClosed: 4}

func sortRows(rows []listRow, key string) {
	slices.SortStableFunc(rows, func(a, b listRow) int {
		switch key {
		case "number":
			return cmp.Compare(b.ID, a.ID)
		case "status":
			return cmp.Compare(statusOrder[a.Status], statusOrder[b.Status])
		case "severity":
			// Unset severities (waiting for triage) sort last.
			return cmp.Compare(cmp.Or(string(a.Severity), "Z"), cmp.Or(string(b.Severity), "Z"))
		case "category":
			return cmp.Compare(a.Category, b.Category)
		}
		return b.UpdatedAt.Compare(a.UpdatedAt)
	})
}

// names asks desk for the names of who opened the requests and wrote the
// messages, and of the organizations they acted for.
func (s *Server) names(ctx context.Context, p *page, rs []*casedesk.Request, ms []*casedesk.Message) (map[int64]string, map[int64]string) {
	var users, orgs []int64
	for _, r := range rs {
		users = append(users, r.OpenedByID)
		if r.OnBehalfOfOrgID != nil {
			orgs = append(orgs, *r.OnBehalfOfOrgID, r.OrgID)
		}
	}
	org := p.CustomerID
	if len(rs) > 0 {
		org = rs[0].OrgID
	}
	for _, m := range ms {
		if m.OnBehalfOf != nil {
			orgs = append(orgs, *m.OnBehalfOf, org)
		}
	}
	slices.Sort(users)
	slices.Sort(orgs)
	u, o, err := s.desk.Names(ctx, p.Actor, org, slices.Compact(users), slices.Compact(orgs))
	if err != nil {
		return map[int64]string{}, map[int64]string{}
	}
	return u, o
}

// ---- new request ----

type newData struct {
	Products     []*casedesk.Product
	Elevated     bool
	Linked       string
	Idem         string
	Articles     []Article
	Guidance     string // out-of-scope topic chosen: its guidance instead of filing
	Severities   []severityDef
	Suggested    string
	AttachLimit  int64
	ContactPhone string
}

type severityDef struct{ Code, Name, Definition, Examples string }

var outOfScope = []string{"network", "addin", "script"}

func severityDefs(p *page) []severityDef {
	var out []severityDef
	for _, sev := range casedesk.Severities() {
		c := string(sev)
		out = append(out, severityDef{c, p.T("sev." + c), p.T("sev." + c + ".def"), p.T("sev." + c + ".examples")})
	}
	return out
}

func (s *Server) newRequestData(ctx context.Context, p *page) (*newData, error) {
	d := &newData{Idem: auth.RandomString(12), Severities: severityDefs(p), AttachLimit: s.desk.Policy().AttachmentLimit >> 20}
	prods, err := s.desk.Products(ctx, p.Actor)
	if err != nil {
		return nil, err
	}
	for _, pr := range prods {
		if pr.Active {
			d.Products = append(d.Products, pr)
		}
	}
	if p.CustomerID != 0 {
		subs, err := s.desk.Subscriptions(ctx, p.Actor, p.CustomerID)
		if err != nil {
			return nil, err
		}
		f, _ := casedesk.SupportFamily(subs)
		d.Elevated = f == casedesk.FamilyElevated
	}
	d.Articles = s.articles.Suggest(ctx, p.Lang, p.Form["title"], 3)
	return d, nil
}

func (s *Server) newRequestForm(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	p.Title, p.Nav = p.T("new.title"), "new"
	// Ask desk first, so that a user who may not open requests is told so.
	if _, _, err := s.desk.ListRequests(ctx, p.Actor, desk.ListFilter{OrgID: p.CustomerID, Limit: 1}); err != nil {
		return err
	}
	q := r.URL.Query()
	p.Form = map[string]string{"category": cmp.Or(q.Get("category"), "technical"), "language": p.Lang, "contact_method": "email",
		"phone": p.User.Phone, "callback_phone": p.User.Phone, "linked_number": q.Get("linked"), "title": q.Get("title")}
	d, err := s.newRequestData(ctx, p)
	if err != nil {
		return err
	}
	p.Data = d
	return s.render(w, r, p, "new", http.StatusOK)
}

var newFields = []string{"category", "product", "topic", "title", "description", "unreachable", "users", "workaround", "deadline",
	"severity", "language", "contact_method", "phone", "callback", "callback_phone", "callback_time", "linked_number", "idem"}

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	p.Title, p.Nav = p.T("new.title"), "new"
	p.Form = map[string]string{}
	for _, k := range newFields {
		p.Form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	p.Form["description"] = r.PostFormValue("description")
	f := p.Form
	d, err := s.newRequestData(ctx, p)
	if err != nil {
		return err
	}
	d.Idem = cmp.Or(f["idem"], d.Idem)
	p.Data = d
	if f["category"] == "technical" && slices.Contains(outOfScope, f["topic"]) {
		d.Guidance = f["topic"]
		return s.render(w, r, p, "new", http.StatusOK)
	}
	in := desk.NewRequest{OrganizationID: p.CustomerID, Category: casedesk.Category(f["category"]), Product: f["product"],
		Title: f["title"], Description: f["description"], Language: f["language"], ContactMethod: f["contact_method"],
		Phone: f["phone"], Channel: casedesk.ChannelWeb, LinkedNumber: f["linked_number"]}
	if in.Category == casedesk.CategoryTechnical {
		in.Impact = casedesk.Impact{ServiceUnreachable: f["unreachable"] == "yes", UsersAffected: f["users"],
			Workaround: f["workaround"] == "yes", Deadline: f["deadline"]}
	}
	if d.Elevated {
		if sev := casedesk.Severity(f["severity"]); sev.Known() {
			in.Severity = sev
		} else if in.Category == casedesk.CategoryTechnical {
			in.Severity = in.Impact.SuggestSeverity()
		}
	}
	if f["callback"] == "yes" {
		if err := casedesk.CheckText("callback_phone", f["callback_phone"], 1, 40); err != nil {
			// Every error at once: the request's own fields as desk would
			// find them, then the callback's number.
			var errs casedesk.FieldErrors
			rq := casedesk.Request{Category: in.Category, Product: in.Product, Title: in.Title, Description: in.Description,
				Impact: in.Impact, Severity: in.Severity, Language: in.Language, ContactMethod: in.ContactMethod, Phone: in.Phone, Channel: in.Channel}
			errs.Add(rq.Validate())
			errs.Add(casedesk.Invalid("callback_phone", "a phone number to call is required (at most 40 characters)").Because("required"))
			p.formError(errs.Err())
			return s.render(w, r, p, "new", http.StatusBadRequest)
		}
	}
	key := "" // the form's key makes a double submit open one request, not two
	if f["idem"] != "" {
		key = "web:" + f["idem"]
	}
	req, created, err := s.desk.OpenRequest(ctx, p.Actor, in, key)
	if err != nil {
		if casedesk.ErrorField(err) == "Idempotency-Key" {
			// This form was sent before and has been changed since (the
			// back button): a fresh key makes the next send a new request.
			d.Idem = auth.RandomString(12)
			p.Error = p.T("new.resent")
			return s.render(w, r, p, "new", http.StatusConflict)
		}
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.render(w, r, p, "new", http.StatusBadRequest)
		}
		if casedesk.ErrorCode(err) == casedesk.ERATELIMIT { // the organization's limit: keep what was typed
			p.formError(err)
			setRetryAfter(w, err)
			return s.render(w, r, p, "new", http.StatusTooManyRequests)
		}
		return err
	}
	if !created { // the same form again: the request exists with its files
		http.Redirect(w, r, "/requests/"+req.Number+"?notice=created", http.StatusSeeOther)
		return nil
	}
	notice := "created"
	if _, failed := s.upload(ctx, p, r, req.Number); failed != "" {
		notice = "attachfail"
	}
	if f["callback"] == "yes" {
		if _, err := s.desk.RequestCallback(ctx, p.Actor, req.Number, f["callback_phone"], f["callback_time"]); err != nil {
			s.log.Warn("web: callback after create", "request", req.Number, "err", err)
		}
	}
	http.Redirect(w, r, "/requests/"+req.Number+"?notice="+notice, http.StatusSeeOther)
	return nil
}

// upload stores the files of the form's "files" field on the request and
// returns their ids; failed names the first file desk refused.
func (s *Server) upload(ctx context.Context, p *page, r *http.Request, number string) (ids []int64, failed string) {
	if r.MultipartForm == nil {
		return nil, ""
	}
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		att, err := s.addFile(ctx, p, number, fh)
		if err != nil {
			if failed == "" {
				failed = fh.Filename + ": " + p.errorMessage(err)
			}
			continue
		}
		ids = append(ids, att.ID)
	}
	return ids, failed
}

func (s *Server) addFile(ctx context.Context, p *page, number string, fh *multipart.FileHeader) (*casedesk.Attachment, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.desk.AddAttachment(ctx, p.Actor, number, fh.Filename, false, f)
}

func (s *Server) uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return casedesk.Errorf(casedesk.ETOOLARGE, "the files are larger than the limit of %d MiB", s.desk.Policy().AttachmentLimit>>20)
	}
	return casedesk.Invalid("files", "the form could not be read")
}

// ---- detail ----

type detailData struct {
	Linked      []string // the requests linked with this one, either way (linkedNumbers)
	Request     *casedesk.Request
	Description template.HTML
	Messages    []messageView
	Files       []*casedesk.Attachment // attached to the request itself
	OpenedBy    string
	OnBehalf    string // the partner or provider organization that opened it…
	Customer    string // …on behalf of this one, the request's organization
	CanReopen   bool
	TooLate     bool // closed longer ago than the reopen window
	ReopenDays  int
	CanClose    bool
	CanReply    bool
	Survey      *store.Survey
	SurveyOpen  bool
	Callbacks   []*store.Callback
	// Cycles are the initial-response lines, newest first: one per cycle
	// of the request (opened, then each reopen), none without a target.
	Cycles   []responseCycle
	Provider int64
}

type messageView struct {
	*casedesk.Message
	HTML     template.HTML
	OnBehalf string // the author's organization, when it acted for the request's
	Support  bool   // written by the provider's people
}

func (s *Server) showRequest(w http.ResponseWriter, r *http.Request, p *page) error {
	switch r.URL.Query().Get("notice") {
	case "created":
		p.Notice = p.T("detail.created")
	case "attachfail":
		p.Notice = p.T("detail.created")
		p.Error = p.T("detail.attachfail")
	case "replied":
		p.Notice = p.T("detail.replied")
	case "closed":
		p.Notice = p.T("detail.closednotice")
	case "reopened":
		p.Notice = p.T("detail.reopened")
	case "survey":
		p.Notice = p.T("survey.thanks")
	case "callback":
		p.Notice = p.T("callback.requested")
	}
	return s.detail(w, r, p, r.PathValue("number"), http.StatusOK)
}

// linkedNumbers are the requests linked with req, either way: the one it
// links to and those that link to it, so a link shows on both requests.
func (s *Server) linkedNumbers(ctx context.Context, p *page, req *casedesk.Request) ([]string, error) {
	from, err := s.desk.LinkedFrom(ctx, p.Actor, req.Number)
	if err != nil {
		return nil, err
	}
	if req.LinkedNumber != "" {
		return append([]string{req.LinkedNumber}, from...), nil
	}
	return from, nil
}

// detail renders a request's page; failed actions render it again with
// their error in p.
func (s *Server) detail(w http.ResponseWriter, r *http.Request, p *page, number string, status int) error {
	ctx := r.Context()
	p.Nav = "requests"
	req, err := s.desk.Request(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	p.Title = p.T("detail.title", req.Number, req.Title)
	msgs, err := s.desk.Messages(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	atts, err := s.desk.Attachments(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	survey, err := s.desk.Survey(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	cbs, err := s.desk.Callbacks(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	d := &detailData{Request: req, Description: s.md.render(req.Description), Survey: survey, Callbacks: cbs,
		ReopenDays: s.desk.Policy().ReopenDays}
	if d.Linked, err = s.linkedNumbers(ctx, p, req); err != nil {
		return err
	}
	if prov, err := s.desk.ProviderOrganization(ctx); err == nil {
		d.Provider = prov.ID
	}
	users, orgs := s.names(ctx, p, []*casedesk.Request{req}, msgs)
	d.OpenedBy = users[req.OpenedByID]
	d.Customer = orgs[req.OrgID]
	if req.OnBehalfOfOrgID != nil {
		d.OnBehalf = orgs[*req.OnBehalfOfOrgID]
	}
	for _, m := range msgs {
		v := messageView{Message: m, HTML: s.md.render(m.Body), Support: m.OnBehalfOf != nil && *m.OnBehalfOf == d.Provider}
		if m.OnBehalfOf != nil && !v.Support {
			v.OnBehalf = orgs[*m.OnBehalfOf]
		}
		d.Messages = append(d.Messages, v)
	}
	for _, a := range atts {
		if a.MessageID == nil {
			d.Files = append(d.Files, a)
		}
	}
	now := s.clock.Now()
	switch req.Status {
	case casedesk.StatusResolved, casedesk.StatusClosed:
		err := casedesk.CanReopen(req, now, d.ReopenDays)
		d.CanReopen, d.TooLate = err == nil, err != nil
		d.SurveyOpen = survey == nil && p.Can.AnswerSurvey
	}
	d.CanClose = req.Status != casedesk.StatusClosed
	d.CanReply = req.Status != casedesk.StatusClosed
	s.initialResponse(ctx, p, d)
	if p.Form == nil {
		p.Form = map[string]string{"callback_phone": cmp.Or(req.Phone, p.User.Phone)}
	}
	p.Data = d
	return s.render(w, r, p, "detail", status)
}

// responseCycle is the initial-response line of one cycle of a request:
// its target, whether the first answer of the provider's people in the
// cycle met it, or until when it is due.
type responseCycle struct {
	Number    int    // 1 for the opening, n+1 after the n-th reopen
	Reopened  string // when the cycle began, for a reopen
	Target    string
	Untriaged bool   // held to the strictest target until the provider sets the severity
	Responded string // the first answer in the cycle
	Met       string // "met", "missed", "pending" or ""
	Due       string // when the first answer is due, while it is pending
}

// initialResponse shows the request's initial-response target and whether
// the first answer of the provider's people met it, for each cycle (the
// opening and each reopen): from the SLA engine's clocks when the request
// has them, otherwise computed here from the policy for targets on a 24/7
// calendar (business-hours ones need the region calendar and are shown
// without a verdict).
func (s *Server) initialResponse(ctx context.Context, p *page, d *detailData) {
	req := d.Request
	// firstAnswer is the provider's first answer at or after from.
	firstAnswer := func(from time.Time, until *time.Time) *casedesk.Message {
		for i := range d.Messages {
			m := d.Messages[i]
			if m.Support && !m.CreatedAt.Before(from) && (until == nil || m.CreatedAt.Before(*until)) {
				return m.Message
			}
		}
		return nil
	}
	if clocks, err := s.desk.RequestClocks(ctx, p.Actor, req.Number); err == nil {
		var cs []desk.ClockView
		for _, c := range clocks {
			if c.Metric == casedesk.MetricInitialResponse {
				cs = append(cs, c)
			}
		}
		for i := len(cs) - 1; i >= 0; i-- {
			c := cs[i]
			var until *time.Time
			if i+1 < len(cs) {
				until = &cs[i+1].OpenedAt
			}
			line := responseCycle{Number: c.Cycle + 1, Untriaged: c.HeldTo != "",
				Target: targetText(p, sla.Target{Kind: c.TargetKind, Minutes: c.TargetMinutes}) + " · " + p.T("coverage."+string(c.Coverage))}
			if c.Cycle > 0 {
				line.Reopened = p.Date(c.OpenedAt)
			}
			if m := firstAnswer(c.OpenedAt, until); m != nil {
				line.Responded = p.When(m.CreatedAt)
			}
			switch c.State {
			case "met":
				line.Met = "met"
			case "breached":
				line.Met = "missed"
			case "running", "warning", "paused":
				if c.DueAt != nil {
					line.Due = p.When(*c.DueAt)
				}
				line.Met = "pending"
			}
			d.Cycles = append(d.Cycles, line)
		}
		if len(cs) > 0 {
			return
		}
	}
	if req.Severity == "" || req.Category == casedesk.CategoryPresales || p.CustomerID == 0 {
		return
	}
	subs, err := s.desk.Subscriptions(ctx, p.Actor, req.OrgID)
	if err != nil {
		return
	}
	f, ok := casedesk.SupportFamily(subs)
	if !ok {
		return
	}
	pol, err := s.policy.SLAPolicy(ctx, p.Actor)
	if err != nil {
		return
	}
	e, err := pol.Lookup(f, req.Severity)
	if err != nil {
		return
	}
	line := responseCycle{Number: 1, Target: targetText(p, e.Target) + " · " + p.T("coverage."+string(e.Coverage))}
	first := firstAnswer(req.CreatedAt, nil)
	if first != nil {
		line.Responded = p.When(first.CreatedAt)
	}
	defer func() { d.Cycles = append(d.Cycles, line) }()
	if e.Coverage != casedesk.Coverage24x7 || e.Target.Kind == casedesk.TargetNone {
		return
	}
	due := req.CreatedAt.Add(24 * time.Hour)
	if e.Target.Kind == casedesk.TargetMinutes {
		due = req.CreatedAt.Add(durationMinutes(e.Target.Minutes))
	}
	switch {
	case first != nil && !first.CreatedAt.After(due):
		line.Met = "met"
	case first != nil || s.clock.Now().After(due):
		line.Met = "missed"
	default:
		line.Due = p.When(due)
		line.Met = "pending"
	}
}

func durationMinutes(m int) time.Duration { return time.Duration(m) * time.Minute }

func (s *Server) reply(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	number := r.PathValue("number")
	body := r.PostFormValue("body")
	p.Form = map[string]string{"body": body}
	if strings.TrimSpace(body) == "" {
		p.formError(casedesk.Invalid("body", "body is required").Because("required"))
		return s.detail(w, r, p, number, http.StatusBadRequest)
	}
	ids, failed := s.upload(ctx, p, r, number)
	if failed != "" {
		p.fieldFailed("files", failed)
		return s.detail(w, r, p, number, http.StatusBadRequest)
	}
	if _, err := s.desk.AddMessage(ctx, p.Actor, number, desk.NewMessage{Body: body, AttachmentIDs: ids}); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			if casedesk.ErrorField(err) == "" {
				p.fieldFailed("body", p.Error)
				p.Error = ""
			}
			return s.detail(w, r, p, number, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/requests/"+url.PathEscape(number)+"?notice=replied#reply", http.StatusSeeOther)
	return nil
}

func (s *Server) closeRequest(w http.ResponseWriter, r *http.Request, p *page) error {
	number := r.PathValue("number")
	st := casedesk.StatusClosed
	if _, err := s.desk.UpdateRequest(r.Context(), p.Actor, number, desk.RequestPatch{Status: &st}); err != nil {
		if casedesk.ErrorCode(err) == casedesk.ECONFLICT {
			p.Error = p.errorMessage(err)
			return s.detail(w, r, p, number, http.StatusConflict)
		}
		return err
	}
	http.Redirect(w, r, "/requests/"+url.PathEscape(number)+"?notice=closed", http.StatusSeeOther)
	return nil
}

func (s *Server) reopen(w http.ResponseWriter, r *http.Request, p *page) error {
	number := r.PathValue("number")
	if _, err := s.desk.Reopen(r.Context(), p.Actor, number); err != nil {
		if casedesk.ErrorCode(err) == casedesk.ECONFLICT {
			p.Error = p.errorMessage(err)
			return s.detail(w, r, p, number, http.StatusConflict)
		}
		return err
	}
	http.Redirect(w, r, "/requests/"+url.PathEscape(number)+"?notice=reopened", http.StatusSeeOther)
	return nil
}

func (s *Server) survey(w http.ResponseWriter, r *http.Request, p *page) error {
	number := r.PathValue("number")
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	comment := r.PostFormValue("comment")
	p.Form = map[string]string{"rating": r.PostFormValue("rating"), "comment": comment}
	if _, err := s.desk.AnswerSurvey(r.Context(), p.Actor, number, rating, comment); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.detail(w, r, p, number, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/requests/"+url.PathEscape(number)+"?notice=survey#survey", http.StatusSeeOther)
	return nil
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request, p *page) error {
	number := r.PathValue("number")
	phone, when := r.PostFormValue("callback_phone"), r.PostFormValue("callback_time")
	p.Form = map[string]string{"callback_phone": phone, "callback_time": when}
	if _, err := s.desk.RequestCallback(r.Context(), p.Actor, number, phone, when); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT {
			p.formError(err)
			return s.detail(w, r, p, number, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/requests/"+url.PathEscape(number)+"?notice=callback", http.StatusSeeOther)
	return nil
}

// attachment sends a file as a download, never rendered by the browser in
// the portal's origin.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request, p *page) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return casedesk.Errorf(casedesk.ENOTFOUND, "attachment not found")
	}
	att, f, err := s.desk.OpenAttachment(r.Context(), p.Actor, r.PathValue("number"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", cmp.Or(att.ContentType, "application/octet-stream"))
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(att.Name))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(att.Size, 10))
	_, err = io.Copy(w, f)
	return err
}

// liveFor bounds one live stream; the browser reconnects after it, so a
// stream never holds a shutdown for long.
const liveFor = 2 * time.Minute

// live streams a signal (server-sent events) each time the request changes,
// so the open page can offer to show the update. It sends only the kind of
// change, for events desk's filter lets the viewer see.
func (s *Server) live(w http.ResponseWriter, r *http.Request, p *page) error {
	req, err := s.desk.Request(r.Context(), p.Actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	v, err := s.desk.Watch(r.Context(), p.secret, s.desk.EventFilter)
	if err != nil {
		return err
	}
	defer v.Close()
	return s.streamChanges(w, r, v, 5*time.Second, func(e casedesk.Event) []sse.Message {
		if e.RequestID != req.ID || !v.Allow(e) {
			return nil
		}
		return []sse.Message{{Event: "changed", Data: string(e.Kind)}}
	})
}

// streamChanges serves the viewer's live updates as server-sent events
// (sse.Serve): messages(e) for each published event, for at most liveFor
// and no longer than the viewer's session, after which the script
// reconnects after retry. It ends when the viewer's access does (v).
func (s *Server) streamChanges(w http.ResponseWriter, r *http.Request, v *desk.Viewer, retry time.Duration, messages func(casedesk.Event) []sse.Message) error {
	d := liveFor
	if left := v.Left(); left > 0 && left < d {
		d = left
	}
	return sse.Serve(w, r, s.desk.Events(), sse.Stream{Retry: retry, For: d, Access: v, Messages: messages})
}
