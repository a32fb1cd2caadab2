package desk

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// Who hears of what (issue 13). Each history event a transaction writes may
// notify people on both sides; for each of them this writes one line in
// notifications (the console's inbox shows the staff's lines) and, unless
// they switched the topic off, one mail in the outbox — two outputs of the
// same row, in the transaction of the change, so a committed change never
// loses its mail and a rolled-back one sends none.
//
// Customer side (the organization's active admins, and the partner's user
// who opened the request on its behalf): received, a public reply, waiting
// on you, resolved, reopened, closed. Provider side: assigned to you; a
// warning and a breach (the assignee and the supervisors on shift); the
// technical account manager of an elevated-support organization hears of
// each of its requests; a callback requested (the assignee, else the
// supervisors on shift). Nobody hears of their own change.

// hearer is one person an event notifies, and why.
type hearer struct {
	user  *casedesk.User
	topic casedesk.Topic
	staff bool
}

// notice is what a transaction's notifications need to know of a request,
// read once per request and transaction.
type noticeRequest struct {
	req    *casedesk.Request
	org    *casedesk.Organization
	admins []*casedesk.User
	opener *casedesk.User // the partner's user who opened it, if one did
}

// notifyCtx caches what notify reads across the events of one transaction.
type notifyCtx struct {
	d           *Desk
	tx          *store.Tx
	reqs        map[int64]*noticeRequest
	tams        map[int64]int64
	supervisors []*casedesk.User
	supRead     bool
	actors      map[int64]*casedesk.User
}

func (n *notifyCtx) request(ctx context.Context, e casedesk.Event) (*noticeRequest, error) {
	if r, ok := n.reqs[e.RequestID]; ok {
		return r, nil
	}
	scope := store.OrgScope(e.OrgID)
	req, err := n.tx.Request(ctx, scope, e.RequestID)
	if err != nil {
		return nil, err
	}
	org, err := n.tx.Organization(ctx, scope, e.OrgID)
	if err != nil {
		return nil, err
	}
	nr := &noticeRequest{req: req, org: org}
	if org.Kind == casedesk.OrgCustomer && n.d.mail { // the customer side is mail only
		if nr.admins, err = n.tx.Users(ctx, scope, store.UserFilter{Admins: true, Limit: 1000}); err != nil {
			return nil, err
		}
	}
	if req.OpenedByID != 0 && n.d.mail {
		u, err := n.tx.User(ctx, store.AllOrgs, req.OpenedByID)
		if err != nil && casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			return nil, err
		}
		if u != nil && u.Role == casedesk.RolePartnerAdmin {
			nr.opener = u
		}
	}
	n.reqs[e.RequestID] = nr
	return nr, nil
}

// onShiftSupervisors returns the active supervisors working now.
func (n *notifyCtx) onShiftSupervisors(ctx context.Context) ([]*casedesk.User, error) {
	if n.supRead {
		return n.supervisors, nil
	}
	n.supRead = true
	all, err := n.tx.Users(ctx, store.AllOrgs, store.UserFilter{Role: casedesk.RoleSupervisor, Limit: 1000})
	if err != nil {
		return nil, err
	}
	now := n.d.now()
	for _, u := range all {
		if !u.Active {
			continue
		}
		on, err := n.d.onShift(ctx, &n.tx.Queries, u, now)
		if err != nil {
			return nil, err
		}
		if on {
			n.supervisors = append(n.supervisors, u)
		}
	}
	return n.supervisors, nil
}

func (n *notifyCtx) staffUser(ctx context.Context, id int64) (*casedesk.User, error) {
	u, err := n.tx.User(ctx, store.AllOrgs, id)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		return nil, nil
	}
	if err != nil || !u.Active || (u.Role != casedesk.RoleAgent && u.Role != casedesk.RoleSupervisor) {
		return nil, err
	}
	return u, nil
}

// customerTopic is the customer-side topic of an event, "" for none.
func customerTopic(e casedesk.Event) casedesk.Topic {
	if e.Internal {
		return ""
	}
	switch e.Kind {
	case casedesk.EventCreated:
		return casedesk.TopicReceived
	case casedesk.EventSeverityChanged:
		if e.Old == "" { // set at triage: the commitment is now known
			return casedesk.TopicReceived
		}
	case casedesk.EventMessage:
		return casedesk.TopicReplied
	case casedesk.EventReopened:
		return casedesk.TopicReopened
	case casedesk.EventStatusChanged:
		switch casedesk.Status(e.New) {
		case casedesk.StatusWaiting:
			return casedesk.TopicWaiting
		case casedesk.StatusResolved:
			return casedesk.TopicResolved
		case casedesk.StatusClosed:
			return casedesk.TopicClosed
		}
	}
	return ""
}

// hearers returns who e notifies, each once.
func (n *notifyCtx) hearers(ctx context.Context, e casedesk.Event) ([]hearer, *noticeRequest, error) {
	if e.RequestID == 0 {
		return nil, nil, nil
	}
	var out []hearer
	seen := map[int64]bool{}
	add := func(u *casedesk.User, t casedesk.Topic, staff bool) {
		// Nobody hears of their own change, but whoever opens a request
		// gets its confirmation: the number and the commitment.
		if u == nil {
			return
		}
		self := e.ActorID != nil && *e.ActorID == u.ID && t != casedesk.TopicReceived
		if !u.Active || seen[u.ID] || self {
			return
		}
		seen[u.ID] = true
		out = append(out, hearer{user: u, topic: t, staff: staff})
	}
	nr, err := n.request(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	r := nr.req
	// Customers have no inbox: their lines exist to be mailed, so without
	// mail nobody on their side is looked up or written.
	if t := customerTopic(e); t != "" && r.OrgID != 0 && n.d.mail {
		// A customer's own message tells nobody on their side; a staff
		// member's public reply tells them all.
		customerActor := e.ActorID != nil && n.isCustomer(ctx, *e.ActorID)
		if !(t == casedesk.TopicReplied && customerActor) {
			for _, u := range nr.admins {
				add(u, t, false)
			}
			add(nr.opener, t, false)
		}
	}
	switch e.Kind {
	case casedesk.EventAssigneeChanged:
		if id, err := strconv.ParseInt(e.New, 10, 64); err == nil && id > 0 {
			u, err := n.staffUser(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			add(u, casedesk.TopicAssigned, true)
		}
	case casedesk.EventSLAWarn, casedesk.EventSLABreach, casedesk.EventCallbackRequest:
		t := map[casedesk.EventKind]casedesk.Topic{casedesk.EventSLAWarn: casedesk.TopicSLAWarn,
			casedesk.EventSLABreach: casedesk.TopicSLABreach, casedesk.EventCallbackRequest: casedesk.TopicCallback}[e.Kind]
		assigned := false
		if r.AssigneeID != nil {
			u, err := n.staffUser(ctx, *r.AssigneeID)
			if err != nil {
				return nil, nil, err
			}
			add(u, t, true)
			assigned = u != nil
		}
		if e.Kind != casedesk.EventCallbackRequest || !assigned {
			sups, err := n.onShiftSupervisors(ctx)
			if err != nil {
				return nil, nil, err
			}
			for _, u := range sups {
				add(u, t, true)
			}
		}
	}
	if notifyKinds[e.Kind] {
		tam, ok := n.tams[e.OrgID]
		if !ok {
			if tam, err = n.d.activeTAM(ctx, n.tx, e.OrgID); err != nil {
				return nil, nil, err
			}
			n.tams[e.OrgID] = tam
		}
		if tam != 0 {
			u, err := n.staffUser(ctx, tam)
			if err != nil {
				return nil, nil, err
			}
			add(u, casedesk.TopicAccount, true)
		}
	}
	return out, nr, nil
}

func (n *notifyCtx) isCustomer(ctx context.Context, id int64) bool {
	u := n.actor(ctx, id)
	return u != nil && u.Role != casedesk.RoleAgent && u.Role != casedesk.RoleSupervisor && u.Role != casedesk.RoleOperator
}

// actor returns the user who made a change, read once per transaction;
// nil when they can't be read.
func (n *notifyCtx) actor(ctx context.Context, id int64) *casedesk.User {
	if u, ok := n.actors[id]; ok {
		return u
	}
	u, err := n.tx.User(ctx, store.AllOrgs, id)
	if err != nil {
		u = nil
	}
	n.actors[id] = u
	return u
}

// notice builds the mail of e to h.
func (n *notifyCtx) notice(ctx context.Context, e casedesk.Event, nr *noticeRequest, h hearer) (*casedesk.Notice, error) {
	r := nr.req
	nt := &casedesk.Notice{Topic: h.topic, To: h.user.Email, Name: h.user.Name, Language: h.user.Language,
		TimeZone: h.user.TimeZone, Staff: h.staff, Organization: nr.org.Name,
		Request: &casedesk.NoticeRequest{ID: r.ID, Number: r.Number, Title: r.Title, Org: nr.org.Name, Severity: r.Severity, Status: r.Status}}
	if h.staff {
		nt.Link = "/console/requests/" + r.Number
	} else {
		nt.Link = "/requests/" + r.Number
	}
	if e.ActorID != nil {
		if u := n.actor(ctx, *e.ActorID); u != nil {
			nt.Actor = u.Name
		}
	}
	scope := store.OrgScope(r.OrgID)
	switch e.Kind {
	case casedesk.EventMessage:
		id, _ := strconv.ParseInt(e.New, 10, 64)
		msgs, err := n.tx.Messages(ctx, scope, r.ID, false)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.ID != id {
				continue
			}
			nt.Text = m.Body
			for _, a := range m.Attachments {
				nt.Attachments = append(nt.Attachments, casedesk.NoticeFile{Name: a.Name, Size: a.Size,
					Link: "/requests/" + r.Number + "/attachments/" + strconv.FormatInt(a.ID, 10)})
			}
		}
	case casedesk.EventSLAWarn, casedesk.EventSLABreach:
		m, _ := e.Clock()
		nt.Metric = m
		nt.Due = casedesk.ParseDue(e.New)
	case casedesk.EventStatusChanged:
		if h.topic == casedesk.TopicResolved {
			nt.Link = "/requests/" + r.Number + "#survey"
		}
	case casedesk.EventCallbackRequest:
		nt.Text = e.New
	}
	if h.topic == casedesk.TopicReceived {
		clocks, err := n.tx.Clocks(ctx, scope, r.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range clocks {
			if c.Metric == casedesk.MetricInitialResponse && c.StoppedAt == nil && c.DueAt != nil {
				nt.Metric, nt.Due = c.Metric, c.DueAt
			}
		}
	}
	if !h.staff {
		rm, err := n.d.requestMail(ctx, n.tx, r)
		if err != nil {
			return nil, err
		}
		nt.ReplyToken = rm.ReplyToken
		if rm.MessageID != "" {
			nt.Thread = []string{rm.MessageID}
		}
	}
	return nt, nil
}

// notify writes the notifications and mails caused by the events tx wrote
// and returns which staff were notified of which event (Event.Notify).
func (d *Desk) notify(ctx context.Context, tx *store.Tx) (map[int64][]int64, error) {
	var out map[int64][]int64
	n := &notifyCtx{d: d, tx: tx, reqs: map[int64]*noticeRequest{}, tams: map[int64]int64{}, actors: map[int64]*casedesk.User{}}
	for _, e := range tx.Events() {
		hs, nr, err := n.hearers(ctx, e)
		if err != nil {
			return nil, err
		}
		if err := n.answerProspect(ctx, e, nr); err != nil {
			return nil, err
		}
		if len(hs) == 0 {
			continue
		}
		ids := make([]int64, len(hs))
		for i, h := range hs {
			ids[i] = h.user.ID
		}
		off, err := tx.NotificationOptOuts(ctx, store.AllOrgs, ids)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			row := &store.Notification{UserID: h.user.ID, OrgID: e.OrgID, RequestID: e.RequestID, EventID: e.ID, Kind: e.Kind,
				Topic: h.topic, CreatedAt: e.At}
			switch e.Kind {
			case casedesk.EventSeverityChanged:
				row.Detail = e.New
			case casedesk.EventSLAWarn, casedesk.EventSLABreach:
				m, _ := e.Clock()
				row.Detail = string(m)
			}
			if err := tx.CreateNotification(ctx, store.OrgScope(e.OrgID), row); err != nil {
				return nil, err
			}
			if h.staff {
				if out == nil {
					out = map[int64][]int64{}
				}
				out[e.ID] = append(out[e.ID], h.user.ID)
			}
			if !d.mail || off[h.user.ID][h.topic] || h.user.Email == "" {
				continue
			}
			nt, err := n.notice(ctx, e, nr, h)
			if err != nil {
				return nil, err
			}
			if err := d.queueMail(ctx, tx, e.OrgID, e.RequestID, e.ID, h.user.ID, nt); err != nil {
				return nil, err
			}
		}
	}
	if err := d.queueWebhooks(ctx, tx); err != nil {
		return nil, err
	}
	return out, nil
}

// answerProspect mails a staff member's public reply on a pre-sales
// request to the prospect who asked, when mail is on: prospects have no
// account, so the mail is their only way to read it.
func (n *notifyCtx) answerProspect(ctx context.Context, e casedesk.Event, nr *noticeRequest) error {
	if !n.d.mail || nr == nil || e.Kind != casedesk.EventMessage || e.Internal || nr.req.ProspectEmail == "" ||
		e.ActorID == nil || n.isCustomer(ctx, *e.ActorID) {
		return nil
	}
	r := nr.req
	prospect := &casedesk.User{Email: r.ProspectEmail, Name: r.ProspectName, Language: r.Language}
	nt, err := n.notice(ctx, e, nr, hearer{user: prospect, topic: casedesk.TopicPresales})
	if err != nil {
		return err
	}
	// No portal page to link to, nor the organization's name (the
	// provider's own).
	nt.Link, nt.Organization, nt.Request.Org, nt.Attachments = "", "", "", nil
	return n.d.queueMail(ctx, n.tx, e.OrgID, e.RequestID, e.ID, 0, nt)
}

// queueMail puts the mail nt in the outbox, in tx.
func (d *Desk) queueMail(ctx context.Context, tx *store.Tx, org, request, event, user int64, nt *casedesk.Notice) error {
	payload, err := json.Marshal(nt)
	if err != nil {
		return err
	}
	now := d.now()
	del := &casedesk.Delivery{Route: casedesk.RouteMail, Topic: nt.Topic, OrgID: org, RequestID: request, EventID: event,
		Recipient: nt.To, UserID: user, Payload: payload, NextAt: now, CreatedAt: now}
	scope := store.AllOrgs
	if org != 0 {
		scope = store.OrgScope(org)
	}
	if err := tx.QueueDelivery(ctx, scope, del); err != nil {
		return err
	}
	tx.AfterCommit(d.wakeOutbox)
	return nil
}
