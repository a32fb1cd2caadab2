package web

import (
	"net/http"
	"net/url"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// The outbox (issue 13): the mail and webhook deliveries casedesk owes,
// newest first, for operators and supervisors (desk.Deliveries decides),
// with each one's attempts and last error; a delivery not yet sent can be
// tried again now.

type outboxData struct {
	Status string // "" for all, pending, sent, dead
	Tabs   []outboxTab
	Lines  []outboxLine
	Next   string // cursor of the next page
	// Disabled are the webhook endpoints casedesk switched off (410 Gone,
	// a day of failures), with the reason: shown to operators, who manage
	// them, as the notice of it.
	Disabled []*casedesk.WebhookEndpoint
}

type outboxTab struct {
	Status, Label string
	Count         int
	Current       bool
}

type outboxLine struct {
	*casedesk.Delivery
	RouteText, StatusText string
	Retry                 bool
}

func (s *Server) consoleOutbox(w http.ResponseWriter, r *http.Request, p *page) error {
	q := r.URL.Query()
	d := &outboxData{Status: q.Get("status")}
	ds, next, err := s.desk.Deliveries(r.Context(), p.Actor, store.DeliveryFilter{Status: casedesk.DeliveryStatus(d.Status)}, q.Get("cursor"))
	if err != nil {
		return err
	}
	counts, err := s.desk.DeliveryCounts(r.Context(), p.Actor)
	if err != nil {
		return err
	}
	all := 0
	for _, n := range counts {
		all += n
	}
	d.Tabs = []outboxTab{{"", p.T("outbox.all"), all, d.Status == ""}}
	for _, st := range []casedesk.DeliveryStatus{casedesk.DeliveryPending, casedesk.DeliverySent, casedesk.DeliveryDead} {
		d.Tabs = append(d.Tabs, outboxTab{string(st), p.T("outbox.status." + string(st)), counts[st], d.Status == string(st)})
	}
	d.Next = next
	if p.Actor.IsOperator() {
		eps, err := s.desk.WebhookEndpoints(r.Context(), p.Actor)
		if err != nil {
			return err
		}
		for _, ep := range eps {
			if !ep.Active && ep.DisabledReason != "" {
				d.Disabled = append(d.Disabled, ep)
			}
		}
	}
	for _, del := range ds {
		d.Lines = append(d.Lines, outboxLine{Delivery: del, RouteText: p.T("outbox.route." + string(del.Route)),
			StatusText: p.T("outbox.status." + string(del.Status)), Retry: del.Status != casedesk.DeliverySent})
	}
	switch q.Get("notice") {
	case "retried":
		p.Notice = p.T("outbox.retried")
	}
	p.Title, p.Nav, p.Data = p.T("outbox.title"), "outbox", d
	return s.render(w, r, p, "console_outbox", http.StatusOK)
}

// consoleRetryDelivery makes a delivery due now and goes back to the
// outbox's tab it came from.
func (s *Server) consoleRetryDelivery(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.desk.RetryDelivery(r.Context(), p.Actor, atoi64(r.PathValue("id"))); err != nil {
		return err
	}
	back := url.Values{"notice": {"retried"}}
	switch st := r.PostFormValue("status"); st {
	case "pending", "sent", "dead":
		back.Set("status", st)
	}
	http.Redirect(w, r, "/console/outbox?"+back.Encode(), http.StatusSeeOther)
	return nil
}
