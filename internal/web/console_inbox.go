package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// The console's notifications inbox: what desk wrote for the viewer (the
// account manager hears of their organizations' requests), newest first,
// with the request each is about. The header's badge counts the unread
// ones; console.js updates it from the live stream's "notification" event.

type inboxData struct {
	Lines  []inboxLine
	Unread bool   // only the unread ones
	Next   string // cursor of the next page
}

type inboxLine struct {
	*store.Notification
	Text string
}

func (s *Server) consoleNotifications(w http.ResponseWriter, r *http.Request, p *page) error {
	q := r.URL.Query()
	d := &inboxData{Unread: q.Get("unread") == "1"}
	ns, next, err := s.desk.Notifications(r.Context(), p.Actor, d.Unread, q.Get("cursor"), 50)
	if err != nil {
		return err
	}
	d.Next = next
	for _, n := range ns {
		d.Lines = append(d.Lines, inboxLine{Notification: n, Text: notificationText(p, n)})
	}
	if q.Get("notice") == "read" {
		p.Notice = p.T("console.inbox.marked")
	}
	p.Title, p.Nav, p.Data = p.T("console.inbox"), "console", d
	return s.render(w, r, p, "console_notifications", http.StatusOK)
}

// notificationText says what happened, in the viewer's language.
func notificationText(p *page, n *store.Notification) string {
	switch n.Kind {
	case casedesk.EventCreated:
		return p.T("console.inbox.created", n.OrgName)
	case casedesk.EventSeverityChanged:
		return p.T("console.inbox.severity", n.Detail)
	case casedesk.EventEscalated:
		return p.T("console.inbox.escalated")
	case casedesk.EventSLAWarn:
		return p.T("console.inbox.sla_warn", metricName(p, casedesk.Metric(n.Detail), ""))
	case casedesk.EventSLABreach:
		return p.T("console.inbox.sla_breach", metricName(p, casedesk.Metric(n.Detail), ""))
	case casedesk.EventAssigneeChanged:
		return p.T("console.inbox.assigned")
	case casedesk.EventCallbackRequest:
		return p.T("console.inbox.callback")
	}
	return string(n.Kind)
}

// consoleMarkRead marks the notifications named in the form (ids) read, or
// all of them (all=1), and goes back to the inbox.
func (s *Server) consoleMarkRead(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if _, err := s.desk.MarkNotificationsRead(r.Context(), p.Actor, ids, r.PostFormValue("all") == "1"); err != nil {
		return err
	}
	back := "/console/notifications?notice=read"
	if r.PostFormValue("unread") == "1" {
		back += "&unread=1"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// consoleOpenNotification marks one notification read and opens its
// request's work page.
func (s *Server) consoleOpenNotification(w http.ResponseWriter, r *http.Request, p *page) error {
	id := atoi64(r.PathValue("id"))
	if _, err := s.desk.MarkNotificationsRead(r.Context(), p.Actor, []int64{id}, false); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/requests/"+url.PathEscape(r.PostFormValue("number")), http.StatusSeeOther)
	return nil
}
