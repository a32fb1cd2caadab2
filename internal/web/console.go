package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sse"
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
		{"GET /console/canned/{id}", signedIn, s.consoleEditCanned},
		{"POST /console/canned/{id}", signedIn, s.consoleUpdateCanned},
		{"POST /console/canned/{id}/delete", signedIn, s.consoleDeleteCanned},
		{"POST /console/filters", signedIn, s.consoleSaveFilter},
		{"POST /console/filters/{id}/delete", signedIn, s.consoleDeleteFilter},
		{"GET /console/phone", signedIn, s.consolePhone},
		{"POST /console/phone", signedIn, s.consoleLogCall},
		{"GET /console/callbacks", signedIn, s.consoleCallbacks},
		{"GET /console/organizations/{id}", signedIn, s.consoleOrg},
		{"GET /console/supervisor", signedIn, s.consoleSupervisor},
		{"POST /console/organizations/{id}/tam", signedIn, s.consoleSetTAM},
		{"GET /console/notifications", signedIn, s.consoleNotifications},
		{"GET /console/settings", signedIn, s.consoleSettings},
		{"POST /console/settings", signedIn, s.consoleSaveSettings},
		{"POST /console/notifications/read", signedIn, s.consoleMarkRead},
		{"POST /console/notifications/{id}/open", signedIn, s.consoleOpenNotification},
		{"GET /console/outbox", signedIn, s.consoleOutbox},
		{"POST /console/outbox/{id}/retry", signedIn, s.consoleRetryDelivery},
	}
}

// ---- queues ----

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
	TitleLang                                                                                                  string // the title's lang attribute (langOf)
	OrgID                                                                                                      int64
}

// queueLabels are the column names, the same for every row.
type queueLabels struct{ Left, Number, Title, Severity, Family, Org, Lang, Category, Channel, Status, Answered string }

func (s *Server) lines(p *page, rows []queueRow) []queueLine {
	out := make([]queueLine, len(rows))
	for i, r := range rows {
		l := queueLine{Number: r.Number, Title: r.Title, TitleLang: langOf(p.Lang, r.Title, r.Language), Severity: string(r.Severity), OrgName: r.OrgName, OrgID: r.OrgID,
			Lang: p.LangName(r.Language), Category: p.T("cat." + string(r.Category)), Channel: p.T("channel." + string(r.Channel)),
			Status: string(r.Status), StatusText: p.T("console.status." + string(r.Status)), State: r.State, DueISO: r.DueISO, Left: r.Left}
		if r.Family != "" {
			l.Family = p.T("family." + string(r.Family))
		}
		if l.State == "no_target" && l.Left == "" {
			l.Left = p.T("console.left.notarget") // a clock runs, with no time to meet
		}
		out[i] = l
	}
	return out
}

// leftText writes a duration as "2h 05m", "12m 30s" or "−3m 10s", with the
// units of the viewer's language (page.Units; console.js writes the same).
func leftText(p *page, d time.Duration) string {
	u := p.Units()
	sign := ""
	if d < 0 {
		sign, d = "−", -d
	}
	d = d.Truncate(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h >= 48:
		return sign + strconv.Itoa(h/24) + u[0] + " " + strconv.Itoa(h%24) + u[1]
	case h > 0:
		return sign + strconv.Itoa(h) + u[1] + " " + pad2(m) + u[2]
	}
	return sign + strconv.Itoa(m) + u[2] + " " + pad2(sec) + u[3]
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func (s *Server) consoleQueue(w http.ResponseWriter, r *http.Request, p *page) error {
	// Operators do not work requests: the console's front door takes them
	// to their own landing page instead of a refusal.
	if p.Can.Administer && !p.Can.WorkRequests {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	q := r.URL.Query()
	d := &queueData{View: cmp.Or(q.Get("view"), string(desk.QueueMine)), Category: q.Get("category"), Now: s.clock.Now()}
	for _, v := range desk.QueueViews() {
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
	families := map[int64]casedesk.Family{} // triage rows come without their plan family
	for _, e := range entries {
		row := queueRow{QueueEntry: e}
		if e.DueAt != nil {
			row.DueISO = p.ISO(*e.DueAt)
			row.Left = leftText(p, e.DueAt.Sub(d.Now))
		}
		if e.State == "triage" {
			row.Left = p.T("console.waiting", leftText(p, d.Now.Sub(e.CreatedAt)))
			f, ok := families[e.OrgID]
			if !ok {
				subs, err := s.desk.Subscriptions(r.Context(), p.Actor, e.OrgID)
				if err != nil {
					return err
				}
				fam, _ := casedesk.SupportFamily(subs)
				f, families[e.OrgID] = fam, fam
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
	orgs := orgInfos{}
	for _, r := range rs {
		if d.Category != "" && string(r.Category) != d.Category {
			continue
		}
		o, err := orgs.get(ctx, s, p, r.OrgID)
		if err != nil {
			return err
		}
		row := queueRow{QueueEntry: desk.QueueEntry{QueueItem: &store.QueueItem{Request: r, OrgName: o.name, Family: o.family}}}
		if err := s.accountClock(ctx, p, d.Now, &row); err != nil {
			return err
		}
		d.Rows = append(d.Rows, row)
	}
	// Like the other queues: the most urgent first (breached, then the
	// soonest due), then those with no clock due.
	slices.SortStableFunc(d.Rows, func(a, b queueRow) int {
		switch {
		case a.DueAt != nil && b.DueAt != nil:
			return a.DueAt.Compare(*b.DueAt)
		case a.DueAt != nil:
			return -1
		case b.DueAt != nil:
			return 1
		}
		return 0
	})
	return nil
}

// accountClock fills an account row's time left from the request's SLA
// clocks: the running clock due soonest (first response, next reply or
// resolution, whichever the request is waiting for); a request waiting for
// triage counts its wait; one with no clock due says it was answered.
func (s *Server) accountClock(ctx context.Context, p *page, now time.Time, row *queueRow) error {
	if row.Severity == "" {
		row.State, row.Left = "triage", p.T("console.waiting", leftText(p, now.Sub(row.CreatedAt)))
		return nil
	}
	clocks, err := s.desk.RequestClocks(ctx, p.Actor, row.Number)
	if err != nil {
		return err
	}
	row.State = "responded"
	for _, c := range clocks {
		if c.StoppedAt != nil || c.State == "paused" {
			continue
		}
		if c.DueAt == nil {
			if row.DueAt == nil {
				row.State = "no_target"
			}
			continue
		}
		if row.DueAt != nil && !c.DueAt.Before(*row.DueAt) {
			continue
		}
		due := *c.DueAt
		row.DueAt = &due
		switch {
		case c.State == "breached" || !due.After(now):
			row.State = "breached"
		case c.State == "warning":
			row.State = "at_risk"
		default:
			row.State = "running"
		}
	}
	if row.DueAt != nil {
		row.DueISO, row.Left = p.ISO(*row.DueAt), leftText(p, row.DueAt.Sub(now))
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
	orgs := orgInfos{}
	for _, r := range rest {
		if len(d.Rows) >= limit {
			break
		}
		o, err := orgs.get(ctx, s, p, r.OrgID)
		if err != nil {
			return err
		}
		it := &store.QueueItem{Request: r, OrgName: o.name, Family: o.family}
		d.Rows = append(d.Rows, queueRow{QueueEntry: desk.QueueEntry{QueueItem: it, State: "responded"}})
	}
	return nil
}

// consoleLive streams a signal each time any request the viewer may see
// changes, so the open queue refreshes itself. It is the session-cookie
// counterpart of the API's /api/v1/events: the kind and number only. When a
// change put a line in the viewer's own notifications inbox, a
// "notification" event follows with their unread count and the number.
func (s *Server) consoleLive(w http.ResponseWriter, r *http.Request, p *page) error {
	v, err := s.desk.Watch(r.Context(), p.secret, s.desk.ConsoleEventFilter)
	if err != nil {
		return err
	}
	defer v.Close()
	return s.streamChanges(w, r, v, 3*time.Second, func(e casedesk.Event) []sse.Message {
		if !v.Allow(e) {
			return nil
		}
		number := e.Number
		if number == "" {
			number = casedesk.RequestNumber(e.RequestID)
		}
		out := []sse.Message{{Event: "changed", Data: string(e.Kind) + " " + number}}
		if slices.Contains(e.Notify, p.User.ID) {
			if n, err := s.desk.UnreadNotifications(r.Context(), v.Actor()); err == nil {
				out = append(out, sse.Message{Event: "notification", Data: strconv.Itoa(n) + " " + number})
			}
		}
		return out
	})
}

// orgInfo is what a queue row shows of its organization.
type orgInfo struct {
	name   string
	family casedesk.Family
}

// orgInfos reads each organization of a page's rows once.
type orgInfos map[int64]orgInfo

func (m orgInfos) get(ctx context.Context, s *Server, p *page, id int64) (orgInfo, error) {
	if o, ok := m[id]; ok {
		return o, nil
	}
	org, err := s.desk.Organization(ctx, p.Actor, id)
	if err != nil {
		return orgInfo{}, err
	}
	subs, err := s.desk.Subscriptions(ctx, p.Actor, id)
	if err != nil {
		return orgInfo{}, err
	}
	f, _ := casedesk.SupportFamily(subs)
	m[id] = orgInfo{org.Name, f}
	return m[id], nil
}
