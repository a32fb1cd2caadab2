package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
)

// rng is the seeded random source with the helpers the plan uses.
type rng struct{ *rand.Rand }

func newRand(seed uint64) *rng { return &rng{rand.New(rand.NewPCG(seed, 0x636173656465736b))} }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// between returns a duration in [lo, hi).
func (r *rng) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// request is the plan of one customer service request.
type request struct {
	org       *orgDef
	t         *topic
	lang      string
	x         loc
	ph        *phrases
	created   time.Time
	opener    string // who types it in: an admin, the partner or an agent
	requester string // the admin it is for
	cust      string // who speaks for the customer in the conversation
	agent     string
	channel   casedesk.Channel
	contact   string // contact method
	sev       casedesk.Severity
	custSev   bool // an elevated-support admin set the severity at opening
	triage    bool // for new requests: support has set severity and assignee
	final     casedesk.Status
	reopen    bool
	closedAt  time.Time
	linked    *request
	idem      string
	number    string
}

// step is one action of a request's script, gap after the one before.
type step struct {
	gap   time.Duration
	close bool
	do    func(ctx context.Context) error
}

// elevated reports whether the organization holds the elevated-support add-on.
func (o *orgDef) elevated() bool {
	for _, s := range o.subs {
		if s.plan == "elevated-support" {
			return true
		}
	}
	return false
}

func (o *orgDef) trial() bool {
	for _, s := range o.subs {
		if s.trial {
			return true
		}
	}
	return false
}

// admin picks the admin who writes about a category.
func (s *seeder) admin(o *orgDef, c casedesk.Category) string {
	r := s.rng
	global, support, billing := o.people[0].email, o.people[1].email, o.people[2].email
	switch c {
	case casedesk.CategoryBilling:
		if r.chance(0.7) {
			return billing
		}
		return global
	case casedesk.CategoryPresales:
		if r.chance(0.7) {
			return global
		}
		return billing
	}
	if r.chance(0.6) {
		return support
	}
	return global
}

// agentFor picks the engineer who speaks the request's language and covers
// the organization's country.
func agentFor(o *orgDef, l string, c casedesk.Category) string {
	switch {
	case l == "zh-CN" || l == "en" && o.country == "CN":
		return "liu.yang@contoso.demo"
	case l == "de" || l == "en" && o.country == "DE":
		return "lukas.fischer@contoso.demo"
	case l == "ja" || l == "en" && o.country == "JP":
		return "yuki.tanaka@contoso.demo"
	case o.country == "GB" || c != casedesk.CategoryTechnical:
		return "oliver.bennett@contoso.demo"
	}
	return "emily.carter@contoso.demo"
}

const supervisor = "sarah.mitchell@contoso.demo"

// pickTopic draws a topic by weight; trial topics only for trial customers,
// who ask about their trial more often.
func (s *seeder) pickTopic(o *orgDef) *topic {
	total := 0
	weight := func(t *topic) int {
		switch {
		case t.trial && !o.trial():
			return 0
		case t.trial:
			return t.weight * 2
		}
		return t.weight
	}
	for _, t := range topics {
		total += weight(t)
	}
	n := s.rng.IntN(total)
	for _, t := range topics {
		if n -= weight(t); n < 0 {
			return t
		}
	}
	return topics[0]
}

// finalStatus draws where a request of this age has got to.
func (s *seeder) finalStatus(age time.Duration) casedesk.Status {
	type w struct {
		s casedesk.Status
		p float64
	}
	var ws []w
	switch d := age / day; {
	case d >= 21:
		ws = []w{{casedesk.StatusClosed, 0.86}, {casedesk.StatusResolved, 0.04}, {casedesk.StatusWaiting, 0.04}, {casedesk.StatusOpen, 0.06}}
	case d >= 7:
		ws = []w{{casedesk.StatusClosed, 0.45}, {casedesk.StatusResolved, 0.2}, {casedesk.StatusWaiting, 0.14}, {casedesk.StatusOpen, 0.16}, {casedesk.StatusNew, 0.05}}
	case d >= 2:
		ws = []w{{casedesk.StatusClosed, 0.1}, {casedesk.StatusResolved, 0.2}, {casedesk.StatusWaiting, 0.22}, {casedesk.StatusOpen, 0.3}, {casedesk.StatusNew, 0.18}}
	default:
		ws = []w{{casedesk.StatusNew, 0.55}, {casedesk.StatusOpen, 0.25}, {casedesk.StatusWaiting, 0.12}, {casedesk.StatusResolved, 0.08}}
	}
	x := s.rng.Float64()
	for _, e := range ws {
		if x -= e.p; x < 0 {
			return e.s
		}
	}
	return ws[0].s
}

// openedAt draws when a request was opened: in the organization's business
// hours on a weekday, except critical problems, which come at any time.
func (s *seeder) openedAt(o *orgDef, from time.Time, sev casedesk.Severity) time.Time {
	loc, err := time.LoadLocation(o.tz)
	if err != nil {
		loc = time.UTC
	}
	r := s.rng
	latest := s.now.Add(-15 * time.Minute)
	for range 50 {
		// More requests are recent than old: a desk's queue grows with its customers.
		t := latest.Add(-time.Duration(math.Pow(r.Float64(), 1.4) * float64(latest.Sub(from))))
		if sev != casedesk.SeverityA || r.chance(0.6) {
			lt := t.In(loc)
			if wd := lt.Weekday(); (wd == time.Saturday || wd == time.Sunday) && r.chance(0.9) {
				continue
			}
			y, m, d := lt.Date()
			t = time.Date(y, m, d, 8+r.IntN(10), r.IntN(60), r.IntN(60), 0, loc).UTC()
		}
		if t.After(from) && t.Before(latest) {
			return t
		}
	}
	return latest.Add(-r.between(0, 3*time.Hour))
}

// planRequests plans an organization's requests and schedules their scripts.
func (s *seeder) planRequests(o *orgDef) []*request {
	r := s.rng
	from := s.now.Add(-time.Duration(o.days)*day + 2*day)
	var out []*request
	for i := range o.requests {
		t := s.pickTopic(o)
		p := &request{org: o, t: t, sev: t.sev}
		l := o.lang
		if !r.chance(o.native) {
			l = "en"
		}
		if r.chance(0.2) {
			p.sev = shift(p.sev, r)
		}
		switch {
		case o.partner > 0 && r.chance(o.partner):
			p.opener, p.cust, p.requester = partner.people[0].email, partner.people[0].email, partner.people[0].email
			p.channel, l = casedesk.ChannelWeb, "en"
		case r.chance(0.1):
			p.requester = s.admin(o, t.cat)
			p.cust = p.requester
			p.channel = casedesk.ChannelPhone
		default:
			p.requester = s.admin(o, t.cat)
			p.opener, p.cust = p.requester, p.requester
			switch x := r.Float64(); {
			case x < 0.25:
				p.channel, p.idem = casedesk.ChannelAPI, fmt.Sprintf("demo-%s-%d", o.key, i)
			case x < 0.33:
				p.channel = casedesk.ChannelEmail
			default:
				p.channel = casedesk.ChannelWeb
			}
		}
		p.x, p.lang = t.textIn(l)
		p.ph = lang[p.lang]
		p.agent = agentFor(o, p.lang, t.cat)
		if p.channel == casedesk.ChannelPhone {
			p.opener = p.agent
		}
		p.contact = "email"
		if p.channel == casedesk.ChannelPhone || r.chance(0.15) {
			p.contact = "phone"
		}
		p.created = s.openedAt(o, from, p.sev)
		p.final = s.finalStatus(s.now.Sub(p.created))
		if p.final == casedesk.StatusNew && p.channel == casedesk.ChannelPhone {
			p.final = casedesk.StatusOpen // a logged call is already a response
		}
		p.custSev = o.elevated() && p.opener == p.requester && r.chance(0.6)
		p.triage = p.final != casedesk.StatusNew || r.chance(0.45)
		p.reopen = (p.final == casedesk.StatusOpen || p.final == casedesk.StatusResolved || p.final == casedesk.StatusClosed) && r.chance(0.07)
		s.schedule(p, s.script(p))
		out = append(out, p)
	}
	return out
}

// shift moves a severity one step, as triage sometimes judges the impact
// differently from the typical case.
func shift(sev casedesk.Severity, r *rng) casedesk.Severity {
	switch sev {
	case casedesk.SeverityA:
		return casedesk.SeverityB
	case casedesk.SeverityB:
		if r.chance(0.3) {
			return casedesk.SeverityA
		}
		return casedesk.SeverityC
	}
	return casedesk.SeverityB
}

// schedule places a script's steps on the timeline, squeezed to end before
// now when the request is young.
func (s *seeder) schedule(p *request, steps []step) {
	var total time.Duration
	for _, st := range steps {
		total += st.gap
	}
	avail := s.now.Add(-time.Minute).Sub(p.created)
	scale := 1.0
	if total > avail {
		scale = float64(avail) / float64(total)
	}
	t := p.created
	for i, st := range steps {
		if i > 0 {
			t = t.Add(max(time.Duration(float64(st.gap)*scale), time.Second))
		}
		if st.close {
			p.closedAt = t
		}
		s.at(t, st.do)
	}
}

// script writes a request's life, from opening to its final status.
func (s *seeder) script(p *request) []step {
	r := s.rng
	var st []step
	add := func(gap time.Duration, f func(ctx context.Context) error) { st = append(st, step{gap: gap, do: f}) }
	a := p.sev == casedesk.SeverityA
	custName := s.people[p.cust].name
	agentName := s.people[p.agent].name
	letter := func(body string) string { return p.ph.letter(custName, agentName, body) }
	triageGap := r.between(20*time.Minute, 5*time.Hour)
	firstGap := r.between(10*time.Minute, 4*time.Hour)
	workGap := r.between(time.Hour, 26*time.Hour)
	if a {
		triageGap, firstGap, workGap = r.between(4*time.Minute, 25*time.Minute), r.between(3*time.Minute, 20*time.Minute), r.between(20*time.Minute, 2*time.Hour)
	}
	triage := desk.RequestPatch{Severity: &p.sev}

	add(0, func(ctx context.Context) error { return s.open(ctx, p) })
	if p.channel == casedesk.ChannelPhone {
		add(r.between(time.Minute, 4*time.Minute), func(ctx context.Context) error {
			return s.message(ctx, p, p.agent, desk.NewMessage{Body: fmt.Sprintf(p.ph.phoneLog, custName), Kind: casedesk.MessagePhone})
		})
		add(r.between(30*time.Second, 2*time.Minute), func(ctx context.Context) error {
			return s.update(ctx, p, p.agent, desk.RequestPatch{AssigneeID: s.idOf(p.agent)})
		})
	}
	if p.final == casedesk.StatusNew {
		if p.triage {
			add(triageGap, func(ctx context.Context) error {
				return s.update(ctx, p, p.agent, desk.RequestPatch{Severity: &p.sev, AssigneeID: s.idOf(p.agent)})
			})
		}
		if r.chance(0.25) {
			add(r.between(2*time.Hour, 20*time.Hour), func(ctx context.Context) error {
				return s.message(ctx, p, p.cust, desk.NewMessage{Body: p.ph.followUp})
			})
		}
		return st
	}
	if p.channel != casedesk.ChannelPhone {
		add(triageGap, func(ctx context.Context) error {
			patch := triage
			patch.AssigneeID = s.idOf(p.agent)
			return s.update(ctx, p, p.agent, patch)
		})
	}
	if r.chance(0.35) {
		note := p.t.note
		if note == "" || r.chance(0.3) {
			note = notes[r.IntN(len(notes))]
		}
		add(r.between(2*time.Minute, 40*time.Minute), func(ctx context.Context) error {
			return s.message(ctx, p, p.agent, desk.NewMessage{Body: note, Internal: true})
		})
	}
	if p.org.elevated() && a {
		add(r.between(time.Minute, 5*time.Minute), func(ctx context.Context) error {
			return s.message(ctx, p, p.agent, desk.NewMessage{Body: "Elevated support customer with a severity A request: technical account manager informed, bridge offered.", Internal: true})
		})
	}
	ask := r.chance(0.5) || p.final == casedesk.StatusWaiting && r.chance(0.6)
	if p.channel != casedesk.ChannelPhone || ask {
		add(firstGap, func(ctx context.Context) error {
			body := fmt.Sprintf(p.ph.ack, p.number)
			if ask {
				body += "\n\n" + cmpOr(p.x.Ask, p.ph.ask)
			}
			return s.message(ctx, p, p.agent, desk.NewMessage{Body: letter(body)})
		})
	}
	if ask {
		add(r.between(30*time.Second, 3*time.Minute), func(ctx context.Context) error {
			return s.status(ctx, p, p.agent, casedesk.StatusWaiting)
		})
		if p.final == casedesk.StatusWaiting {
			return st
		}
		attach := p.t.attach != "" && s.blobs && r.chance(0.6)
		add(r.between(time.Hour, 30*time.Hour), func(ctx context.Context) error {
			info := p.x.Info
			if info == "" {
				info = fmt.Sprintf(p.ph.info, s.people[p.org.people[3].email].name)
			}
			return s.customerInfo(ctx, p, info, attach)
		})
	}
	if p.t.cat == casedesk.CategoryTechnical && p.sev == casedesk.SeverityB && r.chance(0.1) {
		raised := casedesk.SeverityA
		add(r.between(30*time.Minute, 4*time.Hour), func(ctx context.Context) error {
			return s.update(ctx, p, p.agent, desk.RequestPatch{Severity: &raised, Reason: "More users affected and no workaround left."})
		})
		add(r.between(time.Minute, 5*time.Minute), func(ctx context.Context) error {
			return s.message(ctx, p, p.agent, desk.NewMessage{Internal: true,
				Body: "Impact has widened: more users affected and no workaround left. Raised to severity A; on-call engineer paged."})
		})
	}
	if r.chance(0.08) {
		take := p.lang == "en" && r.chance(0.5)
		add(r.between(time.Hour, 8*time.Hour), func(ctx context.Context) error {
			if take {
				if err := s.update(ctx, p, supervisor, desk.RequestPatch{AssigneeID: s.idOf(supervisor)}); err != nil {
					return err
				}
				return s.message(ctx, p, supervisor, desk.NewMessage{Internal: true, Body: "Customer escalated to their account manager; I am taking this one over personally."})
			}
			return s.message(ctx, p, supervisor, desk.NewMessage{Internal: true, Body: "Reviewed in the daily queue meeting: severity and assignment are right, keep the customer updated at least daily."})
		})
	}
	if p.final == casedesk.StatusOpen && !p.reopen {
		switch x := r.Float64(); {
		case x < 0.5:
			add(workGap, func(ctx context.Context) error {
				return s.message(ctx, p, p.agent, desk.NewMessage{Body: letter(p.ph.progress)})
			})
		case x < 0.8:
			add(workGap, func(ctx context.Context) error {
				return s.message(ctx, p, p.cust, desk.NewMessage{Body: p.ph.followUp})
			})
		}
		return st
	}
	add(workGap, func(ctx context.Context) error {
		return s.message(ctx, p, p.agent, desk.NewMessage{Body: letter(p.x.Fix)})
	})
	if p.final == casedesk.StatusWaiting {
		add(r.between(30*time.Second, 3*time.Minute), func(ctx context.Context) error {
			return s.status(ctx, p, p.agent, casedesk.StatusWaiting)
		})
		return st
	}
	add(r.between(30*time.Second, 3*time.Minute), func(ctx context.Context) error {
		return s.status(ctx, p, p.agent, casedesk.StatusResolved)
	})
	if p.reopen {
		if r.chance(0.5) {
			st = append(st, step{gap: r.between(2*time.Hour, day), close: true, do: func(ctx context.Context) error {
				return s.status(ctx, p, p.cust, casedesk.StatusClosed)
			}})
		}
		add(r.between(day, 5*day), func(ctx context.Context) error {
			_, err := s.d.Reopen(ctx, s.actor(p.cust), p.number)
			return err
		})
		add(r.between(time.Minute, 4*time.Minute), func(ctx context.Context) error {
			return s.message(ctx, p, p.cust, desk.NewMessage{Body: p.ph.reopen})
		})
		add(r.between(20*time.Minute, 6*time.Hour), func(ctx context.Context) error {
			return s.message(ctx, p, p.agent, desk.NewMessage{Body: letter(p.ph.progress)})
		})
		if p.final == casedesk.StatusOpen {
			return st
		}
		add(r.between(2*time.Hour, 30*time.Hour), func(ctx context.Context) error {
			if err := s.message(ctx, p, p.agent, desk.NewMessage{Internal: true, Body: "Second occurrence traced to the same cause; fix re-applied and monitored for 24 hours."}); err != nil {
				return err
			}
			return s.status(ctx, p, p.agent, casedesk.StatusResolved)
		})
	}
	if p.final == casedesk.StatusResolved {
		return st
	}
	closeStep := func(gap time.Duration, f func(ctx context.Context) error) {
		st = append(st, step{gap: gap, close: true, do: f})
	}
	switch x := r.Float64(); {
	case x < 0.35:
		closeStep(r.between(time.Hour, 2*day), func(ctx context.Context) error {
			return s.status(ctx, p, p.cust, casedesk.StatusClosed)
		})
	case x < 0.7:
		add(r.between(time.Hour, day), func(ctx context.Context) error {
			return s.message(ctx, p, p.cust, desk.NewMessage{Body: p.ph.thanks})
		})
		closeStep(r.between(time.Minute, 10*time.Minute), func(ctx context.Context) error {
			return s.status(ctx, p, p.cust, casedesk.StatusClosed)
		})
	default:
		add(r.between(3*day, 6*day), func(ctx context.Context) error {
			return s.message(ctx, p, p.agent, desk.NewMessage{Body: letter(p.ph.agentClose)})
		})
		closeStep(r.between(time.Minute, 3*time.Minute), func(ctx context.Context) error {
			return s.status(ctx, p, p.agent, casedesk.StatusClosed)
		})
	}
	return st
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// link makes some recent requests point at an earlier one of the same
// organization about the same problem that was closed too long ago to reopen.
func (s *seeder) link(all []*request) {
	for _, p := range all {
		if p.opener != p.requester || p.t.cat != casedesk.CategoryTechnical || s.now.Sub(p.created) > 20*day || !s.rng.chance(0.25) {
			continue
		}
		for _, q := range all {
			if q.org == p.org && q.t == p.t && q.final == casedesk.StatusClosed && !q.closedAt.IsZero() &&
				q.closedAt.Before(p.created.Add(-15*day)) {
				p.linked = q
				break
			}
		}
	}
}

// idOf returns a pointer to the user id of an account, for patches; it is
// read when the action runs, after the account exists.
func (s *seeder) idOf(email string) *int64 {
	id := s.user(email).ID
	return &id
}

// open opens the request as its opener.
func (s *seeder) open(ctx context.Context, p *request) error {
	o := s.orgs[p.org.key]
	in := desk.NewRequest{Category: p.t.cat, Product: p.t.product, Title: p.x.Title, Description: p.x.Desc,
		Impact: p.t.impact, Language: p.lang, ContactMethod: p.contact, Channel: p.channel}
	if p.t.cat != casedesk.CategoryTechnical {
		in.Impact = casedesk.Impact{}
	}
	if p.contact == "phone" {
		in.Phone = s.people[p.requester].phone
	}
	if p.custSev {
		in.Severity = p.sev
	}
	switch {
	case p.channel == casedesk.ChannelPhone:
		in.OrganizationID, in.RequesterID = o.ID, s.user(p.requester).ID
		in.Severity = p.sev
		in.Description = fmt.Sprintf(p.ph.phoneOpen, s.people[p.requester].name, p.x.Desc)
	case p.opener == partner.people[0].email:
		in.OrganizationID = o.ID
		in.Description = "Our customer " + p.org.name + " reports:\n\n" + p.x.Desc
	}
	if p.linked != nil {
		in.LinkedNumber = p.linked.number
		in.Description += "\n\n" + fmt.Sprintf(p.ph.linked, p.linked.number)
	}
	r, _, err := s.d.OpenRequest(ctx, s.actor(p.opener), in, p.idem)
	if err != nil {
		return fmt.Errorf("open %q for %s: %w", p.x.Title, p.org.name, err)
	}
	p.number = r.Number
	s.requests++
	return nil
}

func (s *seeder) message(ctx context.Context, p *request, who string, m desk.NewMessage) error {
	if p.number == "" {
		return errNoNumber
	}
	if _, err := s.d.AddMessage(ctx, s.actor(who), p.number, m); err != nil {
		return fmt.Errorf("message on %s by %s: %w", p.number, who, err)
	}
	s.messages++
	return nil
}

func (s *seeder) update(ctx context.Context, p *request, who string, patch desk.RequestPatch) error {
	if p.number == "" {
		return errNoNumber
	}
	if _, err := s.d.UpdateRequest(ctx, s.actor(who), p.number, patch); err != nil {
		return fmt.Errorf("update %s by %s: %w", p.number, who, err)
	}
	return nil
}

func (s *seeder) status(ctx context.Context, p *request, who string, st casedesk.Status) error {
	return s.update(ctx, p, who, desk.RequestPatch{Status: &st})
}

// customerInfo is the customer's answer to the engineer's questions, with a
// file when the topic has one.
func (s *seeder) customerInfo(ctx context.Context, p *request, info string, attach bool) error {
	m := desk.NewMessage{Body: info}
	if attach {
		content := attachment(p)
		att, err := s.d.AddAttachment(ctx, s.actor(p.cust), p.number, p.t.attach, false, strings.NewReader(content))
		if err != nil {
			return fmt.Errorf("attach to %s: %w", p.number, err)
		}
		m.AttachmentIDs = []int64{att.ID}
		m.Body += "\n\n" + p.ph.attached
	}
	return s.message(ctx, p, p.cust, m)
}

// attachment is the content of a file a customer attaches.
func attachment(p *request) string {
	at := p.created.Add(-90 * time.Minute).Format("2006-01-02 15:04:05")
	domain := p.org.people[0].email[strings.IndexByte(p.org.people[0].email, '@')+1:]
	switch p.t.attach {
	case "message-trace.csv":
		return "received,sender,recipient,subject,status\n" +
			at + ",orders@wingtiptoys.example,sales@" + domain + ",PO 48213,Pending\n" +
			at + ",billing@adventure-works.example,accounts@" + domain + ",Invoice 2291,Pending\n"
	case "sync-eventlog.txt":
		return at + " Error  Directory Synchronization  6900  stopped-credential-error: the connector account could not sign in.\n" +
			at + " Warning  Directory Synchronization  6100  Export skipped: no valid credentials for connector " + domain + ".\n"
	case "network-assessment.txt":
		return "Network assessment from branch office, " + at + "\n" +
			"Media relay reachable: yes\nPacket loss: 7.8 %\nJitter: 64 ms\nRound trip: 41 ms\nResult: FAILED (loss > 1 %, jitter > 30 ms)\n"
	case "setup-log.txt":
		return at + " Install: preparing\n" + at + " Install: 60 %\n" + at + " ERROR 30015-11: a conflicting MSI-based product is installed ({90160000-0011-0000-0000-0000000FF1CE})\n"
	}
	return "Client version 2408 (build 17928.20156), Windows 11 23H2, display language " + p.lang + "\nCaptured " + at + "\n"
}

// planProspect schedules a prospect's pre-sales question and its answer.
func (s *seeder) planProspect(i int, pr prospect) {
	r := s.rng
	p := &request{}
	created := s.now.Add(-time.Duration(pr.days * float64(day)))
	ip := fmt.Sprintf("198.51.100.%d", 20+i)
	s.at(created, func(ctx context.Context) error {
		q, err := s.d.SubmitPresales(ctx, &casedesk.Actor{ClientIP: ip}, desk.Prospect{Name: pr.name, Company: pr.company,
			Email: pr.email, Country: pr.country, Question: pr.question, PlanInterest: pr.plan, Language: pr.lang})
		if err != nil {
			return fmt.Errorf("pre-sales from %s: %w", pr.email, err)
		}
		p.number = q.Number
		s.requests++
		return nil
	})
	t := created.Add(r.between(20*time.Minute, 3*time.Hour))
	s.at(t, func(ctx context.Context) error {
		return s.update(ctx, p, pr.agent, desk.RequestPatch{AssigneeID: s.idOf(pr.agent)})
	})
	if pr.final == casedesk.StatusNew {
		return
	}
	ph := lang[pr.lang]
	t = t.Add(r.between(10*time.Minute, 2*time.Hour))
	s.at(t, func(ctx context.Context) error {
		return s.message(ctx, p, pr.agent, desk.NewMessage{Body: ph.letter(pr.name, s.people[pr.agent].name, pr.reply)})
	})
	next := func(st casedesk.Status, gap time.Duration) {
		t = t.Add(gap)
		s.at(t, func(ctx context.Context) error { return s.status(ctx, p, pr.agent, st) })
	}
	switch pr.final {
	case casedesk.StatusWaiting:
		next(casedesk.StatusWaiting, time.Minute)
	case casedesk.StatusResolved:
		next(casedesk.StatusResolved, 2*time.Minute)
	case casedesk.StatusClosed:
		next(casedesk.StatusResolved, 2*time.Minute)
		next(casedesk.StatusClosed, 4*day)
	}
}
