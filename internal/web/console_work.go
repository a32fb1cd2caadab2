package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// The console's work page of a request and the actions on it.

// ---- work page ----

type workData struct {
	Request     *casedesk.Request
	Linked      []string // the requests linked with this one, either way
	Org         *desk.OrgPanel
	Messages    []messageView
	History     []eventView
	Clocks      []clockPanel
	Callbacks   []*store.Callback
	Files       []*casedesk.Attachment // attached to the request itself
	Agents      []desk.AgentStatus
	Assignee    string
	AssigneeNum int64
	Description template.HTML
	OpenedBy    string
	Requester   string
	Severities  []severityDef
	Suggested   casedesk.Severity
	Statuses    []casedesk.Status
	Categories  []casedesk.Category
	Now         time.Time
	Canned      []*store.CannedResponse
	Outcome     *store.Outcome
	Tier        int
	Reasons     []string
	NeedReason  bool // elevated support and a severity set: changing it takes a reason
	Supervisor  bool
	// Bounces: mail to the requester or whoever opened it came back (issue
	// 13), so the agent knows replies may not reach them.
	Bounces []*store.MailBounce
}

func (s *Server) consoleRequest(w http.ResponseWriter, r *http.Request, p *page) error {
	switch n := r.URL.Query().Get("notice"); n {
	case "severity", "reply", "note", "phone", "status", "assign", "transfer", "callback", "created", "outofscope", "escalate", "link", "merge":
		p.Notice = p.T("console.done." + n)
	}
	return s.work(w, r, p, r.PathValue("number"), http.StatusOK)
}

// work renders a request's work page; failed actions render it again with
// their error in p.
func (s *Server) work(w http.ResponseWriter, r *http.Request, p *page, number string, status int) error {
	ctx := r.Context()
	p.Nav = "console"
	req, err := s.desk.Request(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	org, err := s.desk.OrganizationPanel(ctx, p.Actor, req.OrgID)
	if err != nil {
		return err
	}
	p.Title = p.T("detail.title", req.Number, req.Title)
	d := &workData{Request: req, Org: org, Severities: severityDefs(p), Supervisor: p.Can.Supervise, Now: s.clock.Now(),
		Statuses:   []casedesk.Status{casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed},
		Categories: []casedesk.Category{casedesk.CategoryTechnical, casedesk.CategoryBilling, casedesk.CategoryPresales}}
	if req.Category == casedesk.CategoryTechnical {
		d.Suggested = req.Impact.SuggestSeverity()
	}
	d.NeedReason = org.Elevated && req.Severity != ""
	if d.Linked, err = s.linkedNumbers(ctx, p, req); err != nil {
		return err
	}
	d.Description = s.md.render(req.Description)
	if req.AssigneeID != nil {
		d.AssigneeNum = *req.AssigneeID
	}
	msgs, err := s.desk.Messages(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	evs, err := s.desk.History(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	clocks, err := s.desk.RequestClocks(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	d.Clocks = clockPanels(p, clocks)
	if d.Callbacks, err = s.desk.Callbacks(ctx, p.Actor, number); err != nil {
		return err
	}
	if d.Agents, err = s.desk.Agents(ctx, p.Actor); err != nil {
		return err
	}
	atts, err := s.desk.Attachments(ctx, p.Actor, number)
	if err != nil {
		return err
	}
	for _, a := range atts {
		if a.MessageID == nil {
			d.Files = append(d.Files, a)
		}
	}
	if d.Canned, err = s.desk.CannedResponses(ctx, p.Actor); err != nil {
		return err
	}
	if d.Outcome, err = s.desk.RequestOutcome(ctx, p.Actor, number); err != nil {
		return err
	}
	if d.Tier, err = s.desk.Tier(ctx, p.Actor, number); err != nil {
		return err
	}
	d.Reasons = desk.OutOfScopeReasons
	if id := atoi64(r.URL.Query().Get("canned")); id != 0 && p.Form == nil {
		body, err := s.desk.ExpandCanned(ctx, p.Actor, number, id)
		if err != nil {
			return err
		}
		p.Form = map[string]string{"body": body, "kind": "reply"}
	}
	var provider int64
	if prov, err := s.desk.ProviderOrganization(ctx); err == nil {
		provider = prov.ID
	}
	users, _ := s.consoleNames(ctx, p, req.OrgID, evs, []int64{req.OpenedByID, req.RequesterID})
	d.OpenedBy, d.Requester = users[req.OpenedByID], users[req.RequesterID]
	bounced, err := s.desk.MailBounces(ctx, p.Actor, []int64{req.RequesterID, req.OpenedByID})
	if err != nil {
		return err
	}
	for _, id := range []int64{req.RequesterID, req.OpenedByID} {
		if b := bounced[id]; b != nil && !slices.Contains(d.Bounces, b) {
			d.Bounces = append(d.Bounces, b)
		}
	}
	for _, a := range d.Agents {
		users[a.User.ID] = a.User.Name
		if req.AssigneeID != nil && a.User.ID == *req.AssigneeID {
			d.Assignee = a.User.Name
		}
	}
	for _, m := range msgs {
		d.Messages = append(d.Messages, messageView{Message: m, HTML: s.md.render(m.Body), Support: m.OnBehalfOf != nil && *m.OnBehalfOf == provider})
	}
	slices.Reverse(evs) // oldest first, like the conversation
	for _, e := range evs {
		v := eventView{Event: e, Text: consoleEventText(p, e, users)}
		if e.ActorID != nil {
			v.Actor = users[*e.ActorID]
		}
		if v.Actor == "" {
			v.Actor = p.T("console.system")
		}
		d.History = append(d.History, v)
	}
	p.Data = d
	return s.render(w, r, p, "console_request", status)
}

// consoleNames names the actors of history lines.
func (s *Server) consoleNames(ctx context.Context, p *page, org int64, evs []*casedesk.Event, more []int64) (map[int64]string, map[int64]string) {
	ids := append([]int64{}, more...)
	var orgs []int64
	for _, e := range evs {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
		if e.OnBehalfOf != nil {
			orgs = append(orgs, *e.OnBehalfOf)
		}
	}
	slices.Sort(ids)
	slices.Sort(orgs)
	u, o, err := s.desk.Names(ctx, p.Actor, org, slices.Compact(ids), slices.Compact(orgs))
	if err != nil {
		return map[int64]string{}, map[int64]string{}
	}
	return u, o
}

// consoleEventText is a history line for staff: the portal's sentences plus
// the staff-only kinds (notes, clocks, routing, transfers).
func consoleEventText(p *page, e *casedesk.Event, users map[int64]string) string {
	switch e.Kind {
	case casedesk.EventNote:
		return p.T("console.ev.note")
	case casedesk.EventAssigneeChanged:
		if e.New == "" {
			return p.T("console.ev.unassigned")
		}
		name := users[atoi64(e.New)]
		if e.TranslatorNeeded() {
			return p.T("console.ev.assigned.translator", name)
		}
		return p.T("console.ev.assigned", name)
	case casedesk.EventStatusChanged:
		return p.T("event.status", p.T("console.status."+e.Old), p.T("console.status."+e.New))
	case casedesk.EventSLAStarted:
		return p.T("console.ev.sla_started", clockName(p, e), dueText(p, e.New))
	case casedesk.EventSLAStopped:
		return p.T("console.ev.sla_stopped", clockName(p, e), verdictText(p, e.New))
	case casedesk.EventSLARecomputed:
		return p.T("console.ev.sla_recomputed", clockName(p, e), dueText(p, e.Old), dueText(p, e.New))
	case casedesk.EventTransferred:
		return p.T("console.ev.transfer", p.T("cat."+e.Old), p.T("cat."+e.New))
	case casedesk.EventSeverityReason:
		return p.T("console.ev.severity_reason", e.New)
	case casedesk.EventCallbackDone:
		return p.T("console.ev.callback_done")
	case casedesk.EventOutOfScope:
		return p.T("console.ev.outofscope", p.T("console.oos."+e.OutOfScopeReason()))
	case casedesk.EventEscalated:
		return p.T("console.ev.escalated")
	case casedesk.EventUnrouted: // New is the group
		if e.Tier() == 2 {
			return p.T("console.ev.unrouted.tier2", p.T("cat."+e.New))
		}
		return p.T("console.ev.unrouted", p.T("cat."+e.New))
	case casedesk.EventLinked:
		return p.T("console.ev.linked", e.New)
	case casedesk.EventMerged:
		if e.Field == casedesk.MergedFrom {
			return p.T("console.ev.merged.from", e.New)
		}
		return p.T("console.ev.merged.into", e.New)
	}
	return eventText(p, e)
}

// verdictText says how a stopped clock ended, as desk records it in the
// history ("met", "breached", "no target").
func verdictText(p *page, v string) string {
	switch v {
	case "met", "breached":
		return p.T("console.verdict." + v)
	case "no target", "":
		return p.T("console.verdict.none")
	}
	return v
}

// metricName names a clock's metric; a recomputation's reason follows it
// in parentheses ("Initial response (severity B→A)").
func metricName(p *page, m casedesk.Metric, reason string) string {
	name := p.Or("console.metric."+string(m), string(m))
	if reason != "" {
		name += " (" + reasonText(p, reason) + ")"
	}
	return name
}

// reasonText words the reason of a recomputation desk recorded: a change of
// severity ("severity B→A", or "severity →B" at triage) in the viewer's
// language; other reasons (a policy or calendar version) as recorded.
func reasonText(p *page, reason string) string {
	if rest, ok := strings.CutPrefix(reason, "severity "); ok {
		if old, nu, ok := strings.Cut(rest, "→"); ok {
			if old == "" {
				return p.T("console.reason.triaged", nu)
			}
			return p.T("console.reason.severity", old, nu)
		}
	}
	return reason
}

// clockName names the clock an SLA event is about (metricName).
func clockName(p *page, e *casedesk.Event) string {
	m, reason := e.Clock()
	return metricName(p, m, reason)
}

// dueText shows a stored due time ("none" or RFC 3339) in the viewer's zone.
func dueText(p *page, v string) string {
	t := casedesk.ParseDue(v)
	if t == nil {
		return p.T("console.nodue")
	}
	return p.When(*t)
}

// ---- actions on a request ----

// act runs a desk action for the work page: on success back to the page
// with a notice, on a user error the page again with the message.
func (s *Server) act(w http.ResponseWriter, r *http.Request, p *page, notice string, do func() error) error {
	number := r.PathValue("number")
	if err := do(); err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ECONFLICT || code == casedesk.EFORBIDDEN && casedesk.ErrorField(err) != "" {
			p.formError(err)
			return s.work(w, r, p, number, http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/console/requests/"+url.PathEscape(number)+"?notice="+notice, http.StatusSeeOther)
	return nil
}

func (s *Server) consoleSeverity(w http.ResponseWriter, r *http.Request, p *page) error {
	sev := casedesk.Severity(r.PostFormValue("severity"))
	reason := r.PostFormValue("reason")
	p.Form = map[string]string{"severity": string(sev), "reason": reason}
	return s.act(w, r, p, "severity", func() error {
		_, err := s.desk.UpdateRequest(r.Context(), p.Actor, r.PathValue("number"), desk.RequestPatch{Severity: &sev, Reason: reason})
		return err
	})
}

func (s *Server) consoleMessage(w http.ResponseWriter, r *http.Request, p *page) error {
	kind, body := r.PostFormValue("kind"), r.PostFormValue("body")
	p.Form = map[string]string{"body": body, "kind": kind}
	in := desk.NewMessage{Body: body}
	switch kind {
	case "note":
		in.Internal = true
	case "phone":
		in.Kind = casedesk.MessagePhone
	default:
		kind = "reply"
	}
	return s.act(w, r, p, kind, func() error {
		if strings.TrimSpace(body) == "" {
			return casedesk.Invalid("body", "body is required").Because("required")
		}
		// Files go with the message; a note's files are internal like it.
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File["files"] {
				if fh.Size == 0 && fh.Filename == "" {
					continue
				}
				f, err := fh.Open()
				if err != nil {
					return err
				}
				att, err := s.desk.AddAttachment(r.Context(), p.Actor, r.PathValue("number"), fh.Filename, in.Internal, f)
				f.Close()
				if err != nil {
					if casedesk.ErrorCode(err) == casedesk.ETOOLARGE {
						return casedesk.Invalid("files", "%s: %s", fh.Filename, casedesk.ErrorMessage(err)).Because("toolarge", fh.Filename)
					}
					return err
				}
				in.AttachmentIDs = append(in.AttachmentIDs, att.ID)
			}
		}
		_, err := s.desk.AddMessage(r.Context(), p.Actor, r.PathValue("number"), in)
		return err
	})
}

func (s *Server) consoleStatus(w http.ResponseWriter, r *http.Request, p *page) error {
	st := casedesk.Status(r.PostFormValue("status"))
	return s.act(w, r, p, "status", func() error {
		_, err := s.desk.UpdateRequest(r.Context(), p.Actor, r.PathValue("number"), desk.RequestPatch{Status: &st})
		return err
	})
}

func (s *Server) consoleAssign(w http.ResponseWriter, r *http.Request, p *page) error {
	id := atoi64(r.PostFormValue("assignee_id"))
	if r.PostFormValue("me") == "1" {
		id = p.User.ID
	}
	return s.act(w, r, p, "assign", func() error {
		_, err := s.desk.Assign(r.Context(), p.Actor, r.PathValue("number"), id)
		return err
	})
}

func (s *Server) consoleTransfer(w http.ResponseWriter, r *http.Request, p *page) error {
	to, note := casedesk.Category(r.PostFormValue("category")), r.PostFormValue("note")
	p.Form = map[string]string{"transfer_category": string(to), "note": note}
	return s.act(w, r, p, "transfer", func() error {
		_, err := s.desk.Transfer(r.Context(), p.Actor, r.PathValue("number"), to, note)
		return err
	})
}

func (s *Server) consoleCallbackDone(w http.ResponseWriter, r *http.Request, p *page) error {
	id := atoi64(r.PathValue("id"))
	if err := s.desk.CallbackDone(r.Context(), p.Actor, r.PathValue("number"), id); err != nil {
		return err
	}
	http.Redirect(w, r, localNext(cmp.Or(r.PostFormValue("next"), "/console/callbacks")), http.StatusSeeOther)
	return nil
}

// customerCatalog is the catalogue in a request's language, English when
// the console does not have it: for text sent to the customer.
func customerCatalog(lang string) catalog {
	if l, ok := supported(lang); ok {
		return catalogs[l]
	}
	return catalogs["en"]
}

func (s *Server) consoleOutOfScope(w http.ResponseWriter, r *http.Request, p *page) error {
	reason := r.PostFormValue("reason")
	return s.act(w, r, p, "outofscope", func() error {
		req, err := s.desk.Request(r.Context(), p.Actor, r.PathValue("number"))
		if err != nil {
			return err
		}
		cat := customerCatalog(req.Language)
		guidance := cat.t("scope.title") + "\n\n" + cat.t("scope."+reason)
		_, err = s.desk.OutOfScope(r.Context(), p.Actor, req.Number, reason, guidance)
		return err
	})
}

func (s *Server) consoleEscalate(w http.ResponseWriter, r *http.Request, p *page) error {
	note := r.PostFormValue("note")
	p.Form = map[string]string{"escalate_note": note}
	return s.act(w, r, p, "escalate", func() error {
		_, err := s.desk.Escalate(r.Context(), p.Actor, r.PathValue("number"), note)
		return err
	})
}

// consoleLink links the request to another, or merges it into the other
// as a duplicate (the customer is told in their language).
func (s *Server) consoleLink(w http.ResponseWriter, r *http.Request, p *page) error {
	other := strings.TrimSpace(r.PostFormValue("other"))
	p.Form = map[string]string{"other": other}
	merge := r.PostFormValue("merge") == "1"
	notice := "link"
	if merge {
		notice = "merge"
	}
	return s.act(w, r, p, notice, func() error {
		if !merge {
			_, err := s.desk.Link(r.Context(), p.Actor, r.PathValue("number"), other)
			return err
		}
		req, err := s.desk.Request(r.Context(), p.Actor, r.PathValue("number"))
		if err != nil {
			return err
		}
		_, err = s.desk.Merge(r.Context(), p.Actor, req.Number, other, customerCatalog(req.Language).t("console.merge.message", other))
		return err
	})
}
