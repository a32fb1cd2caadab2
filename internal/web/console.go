package web

import (
	"cmp"
	"context"
	"html/template"
	"io"
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

// The agent console: queues ordered by the SLA, the work page of a request,
// phone calls and callbacks, the organization panel and the supervisor's
// view, under /console. Like the portal it only renders desk's answers:
// desk refuses customers and partners (EFORBIDDEN → the 403 page).

// consoleRoutes is the console's part of the route table.
func (s *Server) consoleRoutes() []route {
	return []route{
		{"GET /console", signedIn, s.consoleQueue},
		{"GET /console/live", signedIn, s.consoleLive},
		{"GET /console/requests/{number}", signedIn, s.consoleRequest},
		{"POST /console/requests/{number}/severity", signedIn, s.consoleSeverity},
		{"POST /console/requests/{number}/message", signedIn, s.consoleMessage},
		{"POST /console/requests/{number}/status", signedIn, s.consoleStatus},
		{"POST /console/requests/{number}/assign", signedIn, s.consoleAssign},
		{"POST /console/requests/{number}/transfer", signedIn, s.consoleTransfer},
		{"POST /console/requests/{number}/callbacks/{id}/done", signedIn, s.consoleCallbackDone},
		{"POST /console/requests/{number}/outofscope", signedIn, s.consoleOutOfScope},
		{"POST /console/requests/{number}/escalate", signedIn, s.consoleEscalate},
		{"POST /console/requests/{number}/link", signedIn, s.consoleLink},
		{"GET /console/canned", signedIn, s.consoleCanned},
		{"POST /console/canned", signedIn, s.consoleCreateCanned},
		{"POST /console/filters", signedIn, s.consoleSaveFilter},
		{"POST /console/filters/{id}/delete", signedIn, s.consoleDeleteFilter},
		{"GET /console/phone", signedIn, s.consolePhone},
		{"POST /console/phone", signedIn, s.consoleLogCall},
		{"GET /console/callbacks", signedIn, s.consoleCallbacks},
		{"GET /console/organizations/{id}", signedIn, s.consoleOrg},
		{"GET /console/supervisor", signedIn, s.consoleSupervisor},
		{"POST /console/organizations/{id}/tam", signedIn, s.consoleSetTAM},
	}
}

// ---- queues ----

var queueViews = []desk.QueueView{desk.QueueMine, desk.QueueUnassigned, desk.QueueTriage, desk.QueueAtRisk, desk.QueueBreached, desk.QueueAll}

type queueData struct {
	View     string
	Category string
	Views    []string
	Rows     []queueRow
	Lines    []queueLine
	Labels   queueLabels
	Filters  []*store.SavedFilter
	Now      time.Time
}

type queueRow struct {
	desk.QueueEntry
	DueISO string
	Left   string // time left as people read it, "−12m" once breached
}

// queueLine is a queue row flattened and translated in Go: the queue page
// renders up to 100 of them, and html/template's reflection over embedded
// fields and catalogue calls per cell would be most of its cost.
type queueLine struct {
	Number, Title, Severity, Family, OrgName, Lang, Category, Channel, Status, StatusText, State, DueISO, Left string
	OrgID                                                                                                      int64
}

// queueLabels are the column names, the same for every row.
type queueLabels struct{ Left, Number, Title, Severity, Family, Org, Lang, Category, Channel, Status, Answered string }

func (s *Server) lines(p *page, rows []queueRow) []queueLine {
	out := make([]queueLine, len(rows))
	for i, r := range rows {
		l := queueLine{Number: r.Number, Title: r.Title, Severity: string(r.Severity), OrgName: r.OrgName, OrgID: r.OrgID,
			Lang: r.Language, Category: p.T("cat." + string(r.Category)), Channel: p.T("channel." + string(r.Channel)),
			Status: string(r.Status), StatusText: p.T("console.status." + string(r.Status)), State: r.State, DueISO: r.DueISO, Left: r.Left}
		if r.Family != "" {
			l.Family = p.T("family." + r.Family)
		}
		out[i] = l
	}
	return out
}

// leftText writes a duration as "2h 05m", "12m 30s" or "−3m 10s".
func leftText(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "−", -d
	}
	d = d.Truncate(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h >= 48:
		return sign + strconv.Itoa(h/24) + "d " + strconv.Itoa(h%24) + "h"
	case h > 0:
		return sign + strconv.Itoa(h) + "h " + pad2(m) + "m"
	}
	return sign + strconv.Itoa(m) + "m " + pad2(sec) + "s"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func (s *Server) consoleQueue(w http.ResponseWriter, r *http.Request, p *page) error {
	q := r.URL.Query()
	d := &queueData{View: cmp.Or(q.Get("view"), string(desk.QueueMine)), Category: q.Get("category"), Now: s.clock.Now()}
	for _, v := range queueViews {
		d.Views = append(d.Views, string(v))
	}
	d.Views = append(d.Views, accountsView)
	p.Title, p.Nav = p.T("console.queues"), "console"
	var entries []desk.QueueEntry
	var err error
	if d.View == accountsView {
		err = s.accountRows(r.Context(), p, d)
	} else {
		entries, err = s.desk.Queue(r.Context(), p.Actor, desk.QueueView(d.View), casedesk.Category(d.Category), 100)
	}
	if err != nil {
		return err
	}
	families := map[int64]string{} // triage rows come without their plan family
	for _, e := range entries {
		row := queueRow{QueueEntry: e}
		if e.DueAt != nil {
			row.DueISO = p.ISO(*e.DueAt)
			row.Left = leftText(e.DueAt.Sub(d.Now))
		}
		if e.State == "triage" {
			row.Left = p.T("console.waiting", leftText(d.Now.Sub(e.CreatedAt)))
			f, ok := families[e.OrgID]
			if !ok {
				subs, err := s.desk.Subscriptions(r.Context(), p.Actor, e.OrgID)
				if err != nil {
					return err
				}
				fam, _ := casedesk.SupportFamily(subs)
				f, families[e.OrgID] = string(fam), string(fam)
			}
			row.Family = f
		}
		d.Rows = append(d.Rows, row)
	}
	if err := s.queueRest(r.Context(), p, d, 100); err != nil {
		return err
	}
	d.Lines = s.lines(p, d.Rows)
	if d.Filters, err = s.desk.SavedFilters(r.Context(), p.Actor); err != nil {
		return err
	}
	if r.URL.Query().Get("notice") == "filter" {
		p.Notice = p.T("console.filter.saved")
	}
	d.Labels = queueLabels{Left: p.T("console.col.left"), Number: p.T("col.number"), Title: p.T("col.title"), Severity: p.T("col.severity"),
		Family: p.T("console.col.family"), Org: p.T("console.col.org"), Lang: p.T("console.col.lang"), Category: p.T("col.category"),
		Channel: p.T("console.col.channel"), Status: p.T("col.status"), Answered: p.T("console.answered")}
	p.Data = d
	return s.render(w, r, p, "console_queue", http.StatusOK)
}

// accountsView is the queue of the organizations the agent is technical
// account manager of: their active requests, newest first.
const accountsView = "accounts"

func (s *Server) accountRows(ctx context.Context, p *page, d *queueData) error {
	rs, err := s.desk.AccountRequests(ctx, p.Actor, 100)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if d.Category != "" && string(r.Category) != d.Category {
			continue
		}
		org, err := s.desk.Organization(ctx, p.Actor, r.OrgID)
		if err != nil {
			return err
		}
		d.Rows = append(d.Rows, queueRow{QueueEntry: desk.QueueEntry{QueueItem: &store.QueueItem{Request: r, OrgName: org.Name,
			Family: string(casedesk.FamilyElevated)}, State: "account"}})
	}
	return nil
}

// queueRest completes the views of active work: desk.Queue orders the
// requests whose initial response is still pending; those already answered
// (or answered before triage, like a logged call) stay active in "mine",
// "unassigned" and "all", after them, most recently changed first.
func (s *Server) queueRest(ctx context.Context, p *page, d *queueData, limit int) error {
	f := desk.ListFilter{Status: "active", Category: casedesk.Category(d.Category), Limit: 200}
	switch desk.QueueView(d.View) {
	case desk.QueueMine:
		f.AssigneeID = p.User.ID
	case desk.QueueUnassigned:
		f.Unassigned = true
	case desk.QueueAll:
	default:
		return nil
	}
	if len(d.Rows) >= limit {
		return nil
	}
	rs, _, err := s.desk.ListRequests(ctx, p.Actor, f)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, row := range d.Rows {
		seen[row.ID] = true
	}
	var rest []*casedesk.Request
	for _, r := range rs {
		if !seen[r.ID] && !(f.Unassigned && r.Severity == "") {
			rest = append(rest, r)
		}
	}
	slices.SortStableFunc(rest, func(a, b *casedesk.Request) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	if len(rest) == 0 {
		return nil
	}
	type orgInfo struct{ name, family string }
	orgs := map[int64]orgInfo{}
	for _, r := range rest {
		if len(d.Rows) >= limit {
			break
		}
		o, ok := orgs[r.OrgID]
		if !ok {
			org, err := s.desk.Organization(ctx, p.Actor, r.OrgID)
			if err != nil {
				return err
			}
			subs, err := s.desk.Subscriptions(ctx, p.Actor, r.OrgID)
			if err != nil {
				return err
			}
			f, _ := casedesk.SupportFamily(subs)
			o = orgInfo{org.Name, string(f)}
			orgs[r.OrgID] = o
		}
		it := &store.QueueItem{Request: r, OrgName: o.name, Family: o.family}
		d.Rows = append(d.Rows, queueRow{QueueEntry: desk.QueueEntry{QueueItem: it, State: "responded"}})
	}
	return nil
}

// consoleLive streams a signal each time any request the viewer may see
// changes, so the open queue refreshes itself. It is the session-cookie
// counterpart of the API's /api/v1/events: the kind and number only.
func (s *Server) consoleLive(w http.ResponseWriter, r *http.Request, p *page) error {
	allow, err := s.desk.ConsoleEventFilter(p.Actor)
	if err != nil {
		return err
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		return casedesk.Errorf(casedesk.EINTERNAL, "streaming is not supported here")
	}
	events, stop := s.desk.Events().Subscribe(256)
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "retry: 3000\n\n")
	fl.Flush()
	end := time.NewTimer(liveFor)
	defer end.Stop()
	tick := time.NewTicker(20 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-end.C:
			return nil
		case <-tick.C:
			io.WriteString(w, ": keep-alive\n\n")
			fl.Flush()
		case e, ok := <-events:
			if !ok {
				return nil
			}
			if !allow(e) {
				continue
			}
			number := e.Number
			if number == "" {
				number = casedesk.RequestNumber(e.RequestID)
			}
			io.WriteString(w, "event: changed\ndata: "+e.Kind+" "+number+"\n\n")
			fl.Flush()
		}
	}
}

// ---- work page ----

type workData struct {
	Request     *casedesk.Request
	Org         *desk.OrgPanel
	Messages    []messageView
	History     []eventView
	Clocks      []desk.ClockView
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
	d := &workData{Request: req, Org: org, Severities: severityDefs(p), Supervisor: p.Actor.IsSupervisor(), Now: s.clock.Now(),
		Statuses:   []casedesk.Status{casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed},
		Categories: []casedesk.Category{casedesk.CategoryTechnical, casedesk.CategoryBilling, casedesk.CategoryPresales}}
	if req.Category == casedesk.CategoryTechnical {
		d.Suggested = req.Impact.SuggestSeverity()
	}
	d.NeedReason = org.Elevated && req.Severity != ""
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
	if d.Clocks, err = s.desk.RequestClocks(ctx, p.Actor, number); err != nil {
		return err
	}
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
	case "note":
		return p.T("console.ev.note")
	case "assignee":
		if e.New == "" {
			return p.T("console.ev.unassigned")
		}
		name := users[atoi64(e.New)]
		if strings.Contains(e.Field, "translator") {
			return p.T("console.ev.assigned.translator", name)
		}
		return p.T("console.ev.assigned", name)
	case "status":
		return p.T("event.status", p.T("console.status."+e.Old), p.T("console.status."+e.New))
	case "sla_started":
		return p.T("console.ev.sla_started", metricName(p, e.Field), dueText(p, e.New))
	case "sla_stopped":
		return p.T("console.ev.sla_stopped", metricName(p, e.Field), e.New)
	case "sla_recomputed":
		return p.T("console.ev.sla_recomputed", metricName(p, e.Field), dueText(p, e.Old), dueText(p, e.New))
	case "transfer":
		return p.T("console.ev.transfer", p.T("cat."+e.Old), p.T("cat."+e.New))
	case "severity_reason":
		return p.T("console.ev.severity_reason", e.New)
	case "callback_done":
		return p.T("console.ev.callback_done")
	case "outcome":
		_, reason, _ := strings.Cut(e.New, ":")
		return p.T("console.ev.outofscope", p.T("console.oos."+reason))
	case "escalated":
		return p.T("console.ev.escalated")
	case "linked":
		return p.T("console.ev.linked", e.New)
	case "merged":
		if e.Field == "from" {
			return p.T("console.ev.merged.from", e.New)
		}
		return p.T("console.ev.merged.into", e.New)
	}
	return eventText(p, e)
}

// metricName names a clock's metric; a recomputation's reason follows it
// in parentheses ("initial_response (severity B→A)").
func metricName(p *page, field string) string {
	m, rest, _ := strings.Cut(field, " ")
	name := p.Or("console.metric."+m, m)
	if rest != "" {
		name += " " + rest
	}
	return name
}

// dueText shows a stored due time ("none" or RFC 3339) in the viewer's zone.
func dueText(p *page, v string) string {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return p.T("console.nodue")
	}
	return p.When(t)
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
		in.Kind = "phone"
	default:
		kind = "reply"
	}
	return s.act(w, r, p, kind, func() error {
		if strings.TrimSpace(body) == "" {
			return casedesk.Invalid("body", "%s", p.T("detail.bodyrequired"))
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
						return casedesk.Invalid("files", "%s: %s", fh.Filename, p.errorMessage(err))
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
		d.Org, d.OrgTime = org, s.localTime(org.Org.TimeZone)
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
		return fail(casedesk.Invalid("verified", "%s", p.T("console.phone.verify.required")))
	}
	log := p.T("console.phone.log", strings.Join(verified, ", "))
	if f["notes"] != "" {
		log += "\n\n" + f["notes"]
	}
	if f["number"] != "" { // a call about an existing request
		req, err := s.desk.Request(ctx, p.Actor, f["number"])
		if err != nil {
			return fail(casedesk.Invalid("number", "request %s not found", f["number"]))
		}
		if id := atoi64(f["org_id"]); id != 0 && id != req.OrgID {
			return fail(casedesk.Invalid("number", "request %s belongs to another organization", req.Number))
		}
		if _, err := s.desk.AddMessage(ctx, p.Actor, req.Number, desk.NewMessage{Body: log, Kind: "phone"}); err != nil {
			return fail(err)
		}
		http.Redirect(w, r, "/console/requests/"+req.Number+"?notice=phone", http.StatusSeeOther)
		return nil
	}
	in := desk.NewRequest{OrganizationID: atoi64(f["org_id"]), RequesterID: atoi64(f["requester_id"]),
		Category: casedesk.Category(f["category"]), Title: f["title"], Description: f["description"],
		Severity: casedesk.Severity(f["severity"]), Channel: casedesk.ChannelPhone, Phone: f["phone"]}
	if in.OrganizationID == 0 {
		return fail(casedesk.Invalid("org_id", "%s", p.T("console.phone.org.required")))
	}
	if in.RequesterID == 0 {
		return fail(casedesk.Invalid("requester_id", "%s", p.T("console.phone.admin.required")))
	}
	if in.Severity == "" {
		return fail(casedesk.Invalid("severity", "%s", p.T("console.phone.severity.required")))
	}
	if in.Phone != "" {
		in.ContactMethod = "phone"
	}
	req, _, err := s.desk.OpenRequest(ctx, p.Actor, in, "")
	if err != nil {
		return fail(err)
	}
	if _, err := s.desk.AddMessage(ctx, p.Actor, req.Number, desk.NewMessage{Body: log, Kind: "phone"}); err != nil {
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
		rows = append(rows, callbackRow{PendingCallback: c, LocalTime: s.localTimeAt(now, c.TimeZone)})
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
	}{OrgPanel: org, LocalTime: s.localTime(org.Org.TimeZone), Supervisor: p.Actor.IsSupervisor()}
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
		d.Rows = append(d.Rows, queueRow{QueueEntry: e, DueISO: p.ISO(*e.DueAt), Left: leftText(e.DueAt.Sub(now))})
	}
	p.Data = d
	return s.render(w, r, p, "console_supervisor", http.StatusOK)
}

// GridN returns the count of a category and severity, for the template.
func (d *supervisorData) GridN(c casedesk.Category, sev casedesk.Severity) int {
	return d.Grid[string(c)+"/"+string(sev)]
}

// localTime is the time now in a customer's time zone, for the agent who
// is about to call: "Tue 14:05 (Europe/Berlin)".
func (s *Server) localTime(tz string) string { return s.localTimeAt(s.clock.Now(), tz) }

func (s *Server) localTimeAt(t time.Time, tz string) string {
	loc := s.zones.get(tz)
	return t.In(loc).Format("Mon 15:04") + " (" + loc.String() + ")"
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

type cannedData struct {
	Canned       []*store.CannedResponse
	Placeholders []string
	Supervisor   bool
}

func (s *Server) consoleCanned(w http.ResponseWriter, r *http.Request, p *page) error {
	if r.URL.Query().Get("notice") == "canned" {
		p.Notice = p.T("console.canned.saved")
	}
	return s.cannedPage(w, r, p, http.StatusOK)
}

func (s *Server) cannedPage(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	cs, err := s.desk.CannedResponses(r.Context(), p.Actor)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("console.canned"), "console"
	p.Data = &cannedData{Canned: cs, Placeholders: desk.Placeholders, Supervisor: p.Actor.IsSupervisor()}
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
