package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/live/livetest"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

const (
	testPassword = "test-password-1"
	metricsToken = "metrics-secret"
)

// server is a real casedesk API over httptest on a storetest database, with
// a transport that records which operations answered 2xx.
type server struct {
	t    *testing.T
	desk *desk.Desk
	url  string
	rec  *recorder
	op   *Client // the operator, signed in
}

// recorder is an http.RoundTripper noting the method and path of each
// successful answer.
type recorder struct {
	mu  sync.Mutex
	hit []string // "GET /api/v1/requests/7"
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		r.mu.Lock()
		r.hit = append(r.hit, req.Method+" "+req.URL.Path)
		r.mu.Unlock()
	}
	return resp, err
}

func newServer(t *testing.T, db *store.DB) *server {
	t.Helper()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	pol.AttachmentLimit = 64 << 10
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &casedesk.FixedClock{T: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	d := desk.New(db, blobs, desk.Options{Clock: clock, Policy: &pol, Logger: log})
	srv := httptest.NewServer(api.New(d, log, api.Options{MetricsToken: metricsToken}).Handler())
	t.Cleanup(srv.Close)
	startRelay(t, d)
	if _, err := d.Bootstrap(context.Background(), "Provider", "operator@provider.test", "Olga Operator", testPassword); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, desk: d, url: srv.URL, rec: &recorder{}}
	s.op = s.signIn("operator@provider.test", testPassword)
	return s
}

// startRelay runs d's live relay until the test ends and returns once it
// has caught up: every change committed after that reaches d's subscribers.
func startRelay(t testing.TB, d *desk.Desk) { t.Helper(); livetest.Run(t, d.Relay()) }

// client returns a client of the server that records its calls.
func (s *server) client() *Client {
	return New(s.url, WithHTTPClient(&http.Client{Transport: s.rec}))
}

func (s *server) signIn(email, password string) *Client {
	s.t.Helper()
	c := s.client()
	if _, err := c.Login(context.Background(), email, password); err != nil {
		s.t.Fatalf("sign in %s: %v", email, err)
	}
	return c
}

// must returns v through a function that fails the test on err:
// must(c.Me(ctx))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// next waits for the stream's next event, failing after a long guard (not a
// wait: the change has committed when it is called).
func next(t *testing.T, s *EventStream) LiveEvent {
	t.Helper()
	select {
	case e, ok := <-s.Events:
		if !ok {
			t.Fatalf("the stream ended: %v", s.Err())
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event on the stream")
	}
	return LiveEvent{}
}

// TestUnassign: the client's Unassign leaves a request with nobody, where
// the null it used to send left the assignee unchanged.
func TestUnassign(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newServer(t, db)
		me := must(s.op.Me(ctx))(t)
		x := must(s.op.CreateOrganization(ctx, NewOrganization{Kind: OrgCustomer, Name: "X Corp"}))(t)
		must(s.op.CreateSubscription(ctx, x.ID, NewSubscription{PlanCode: "e3", Seats: 5}))(t)
		agent := must(s.op.CreateUser(ctx, me.User.OrganizationID, NewUser{Email: "agent@provider.test", Name: "Agent", Role: RoleAgent, Password: testPassword}))(t)
		must(s.op.CreateUser(ctx, me.User.OrganizationID, NewUser{Email: "sup@provider.test", Name: "Sup", Role: RoleSupervisor, Password: testPassword}))(t)
		sup := s.signIn("sup@provider.test", testPassword)

		r := must(sup.CreateRequest(ctx, NewRequest{OrganizationID: x.ID, Category: CategoryTechnical, Product: "mail", Title: "t", Description: "d"}, ""))(t)
		r = must(sup.AssignRequest(ctx, r.Number, agent.User.ID))(t)
		if r.AssigneeID == nil || *r.AssigneeID != agent.User.ID {
			t.Fatalf("assigned: assignee %v", r.AssigneeID)
		}
		// What the client used to send changes nothing.
		var raw Request
		if err := sup.Do(ctx, http.MethodPatch, requestPath(r.Number), map[string]any{"assignee_id": nil, "title": "t2"}, &raw); err != nil {
			t.Fatal(err)
		}
		if raw.AssigneeID == nil {
			t.Fatal("the server now reads null as unassign: the client may send either")
		}
		r = must(sup.UpdateRequest(ctx, r.Number, RequestUpdate{Unassign: true}))(t)
		if r.AssigneeID != nil {
			t.Fatalf("after Unassign: assignee %d", *r.AssigneeID)
		}
		if r = must(sup.GetRequest(ctx, r.Number))(t); r.AssigneeID != nil {
			t.Fatalf("read back: assignee %d", *r.AssigneeID)
		}
		must(sup.AssignRequest(ctx, r.Number, agent.User.ID))(t)
		if r = must(sup.UnassignRequest(ctx, r.Number))(t); r.AssigneeID != nil {
			t.Fatalf("after UnassignRequest: assignee %d", *r.AssigneeID)
		}
		var changes []string
		for _, e := range must(sup.RequestHistory(ctx, r.Number))(t) {
			if e.Field == "assignee_id" {
				changes = append(changes, e.Old+"→"+e.New)
			}
		}
		a := fmt.Sprint(agent.User.ID)
		if want := []string{a + "→", "→" + a, a + "→", "→" + a}; fmt.Sprint(changes) != fmt.Sprint(want) {
			t.Errorf("assignee history %v, want %v", changes, want)
		}
		if _, err := sup.UpdateRequest(ctx, r.Number, RequestUpdate{Unassign: true, AssigneeID: Ptr(agent.User.ID)}); err == nil {
			t.Error("AssigneeID with Unassign was sent")
		}
	})
}

// TestFlow drives every operation of the API through the client, as the
// people of a small service desk would, and then checks that each
// operation of the OpenAPI document answered 2xx at least once.
func TestFlow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := newServer(t, db)
		op := s.op
		anon := s.client()

		// Meta.
		if h := must(anon.Healthz(ctx))(t); h.Status != "ok" {
			t.Errorf("healthz %+v", h)
		}
		if h := must(anon.Readyz(ctx))(t); h.Status != "ready" || h.Database != string(db.Engine()) {
			t.Errorf("readyz %+v", h)
		}
		if m := must(anon.Metrics(ctx, metricsToken))(t); !strings.Contains(m, "casedesk_http_requests_total") {
			t.Errorf("metrics lack the request counter:\n%.300s", m)
		}
		if _, err := anon.Metrics(ctx, "wrong"); !IsStatus(err, http.StatusUnauthorized) {
			t.Errorf("metrics with a wrong token: %v", err)
		}
		var doc struct{ OpenAPI string }
		if err := json.Unmarshal(must(anon.OpenAPI(ctx))(t), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Errorf("openapi %q, %v", doc.OpenAPI, err)
		}

		// The operator sets up the catalog, a customer and a partner.
		me := must(op.Me(ctx))(t)
		provider := me.User.OrganizationID
		if me.OrganizationKind != OrgProvider || me.User.Role != RoleOperator {
			t.Errorf("me %+v", me)
		}
		must(op.CreatePlan(ctx, Plan{Code: "gold", Name: "Gold", Family: FamilyEnterprise, Standalone: true}))(t)
		if ps := must(op.ListPlans(ctx))(t); !hasCode(ps, func(p Plan) string { return p.Code }, "gold") {
			t.Errorf("plans %+v", ps)
		}
		must(op.CreateProduct(ctx, Product{Code: "vpn", Name: "VPN"}))(t)
		if ps := must(op.ListProducts(ctx))(t); !hasCode(ps, func(p Product) string { return p.Code }, "vpn") {
			t.Errorf("products %+v", ps)
		}
		x := must(op.CreateOrganization(ctx, NewOrganization{Kind: OrgCustomer, Name: "X Corp", Country: "DE", TimeZone: "Europe/Berlin"}))(t)
		p := must(op.CreateOrganization(ctx, NewOrganization{Kind: OrgPartner, Name: "P Partners"}))(t)
		if o := must(op.UpdateOrganization(ctx, x.ID, OrganizationUpdate{Name: Ptr("X Corporation")}))(t); o.Name != "X Corporation" {
			t.Errorf("renamed %+v", o)
		}
		if o := must(op.GetOrganization(ctx, x.ID))(t); o.Name != "X Corporation" || o.Kind != OrgCustomer {
			t.Errorf("org %+v", o)
		}
		if os := must(op.ListOrganizations(ctx, OrgListOptions{Kind: OrgPartner}))(t); len(os) != 1 || os[0].ID != p.ID {
			t.Errorf("partners %+v", os)
		}
		// One organization a page: the iterator walks three pages.
		orgs := must(Collect(op.Organizations(ctx, OrgListOptions{Limit: 1})))(t)
		if len(orgs) != 3 || orgs[0].ID != provider || orgs[2].ID != p.ID {
			t.Errorf("organizations %+v", orgs)
		}
		sub := must(op.CreateSubscription(ctx, x.ID, NewSubscription{PlanCode: "e3", Seats: 5, Trial: true}))(t)
		if sub = must(op.UpdateSubscription(ctx, x.ID, sub.ID, SubscriptionUpdate{Seats: Ptr(25), Trial: Ptr(false)}))(t); sub.Seats != 25 || sub.Trial {
			t.Errorf("subscription %+v", sub)
		}
		if subs := must(op.ListSubscriptions(ctx, x.ID))(t); len(subs) != 1 || subs[0].PlanCode != "e3" {
			t.Errorf("subscriptions %+v", subs)
		}

		// People.
		newUser := func(org int64, email, role string) int64 {
			t.Helper()
			u := must(op.CreateUser(ctx, org, NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: testPassword}))(t)
			if u.User == nil {
				t.Fatalf("the operator got no user for %s: %+v", email, u)
			}
			return u.User.ID
		}
		agentID := newUser(provider, "agent@provider.test", RoleAgent)
		supID := newUser(provider, "sup@provider.test", RoleSupervisor)
		adminID := newUser(x.ID, "admin@x.test", RoleGlobalAdmin)
		invited := must(op.CreateUser(ctx, x.ID, NewUser{Email: "new@x.test", Name: "New", Role: RoleUser}))(t)
		if invited.OneTimePassword == "" {
			t.Errorf("invitation %+v", invited)
		}
		if u := must(op.UpdateUser(ctx, provider, agentID, UserUpdate{Skills: &[]string{"technical"}, Languages: &[]string{"en", "de"}}))(t); len(u.Skills) != 1 {
			t.Errorf("agent %+v", u)
		}
		if u := must(op.GetUser(ctx, provider, agentID))(t); u.Email != "agent@provider.test" || u.Role != RoleAgent {
			t.Errorf("agent %+v", u)
		}
		if us := must(op.ListUsers(ctx, x.ID, RoleGlobalAdmin, 0))(t); len(us) != 1 || us[0].ID != adminID {
			t.Errorf("admins %+v", us)
		}
		if us := must(Collect(op.Users(ctx, provider, "")))(t); len(us) != 3 {
			t.Errorf("provider users %+v", us)
		}
		agent := s.signIn("agent@provider.test", testPassword)
		sup := s.signIn("sup@provider.test", testPassword)
		admin := s.signIn("admin@x.test", testPassword)
		supActor, err := s.desk.Authenticate(ctx, sup.Token(), "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		// The account manager is set in the console only; it makes the
		// supervisor's inbox fill.
		if err := s.desk.SetTAM(ctx, supActor, x.ID, supID); err != nil {
			t.Fatal(err)
		}

		// The customer delegates to the partner, and takes it back.
		g := must(admin.GrantPartner(ctx, x.ID, p.ID, nil))(t)
		if gs := must(admin.ListPartnerGrants(ctx, x.ID))(t); len(gs) != 1 || gs[0].PartnerID != p.ID {
			t.Errorf("grants %+v", gs)
		}
		if err := admin.RevokePartnerGrant(ctx, x.ID, g.ID); err != nil {
			t.Fatal(err)
		}

		// The supervisor watches the live stream while the customer opens
		// requests.
		stream := must(sup.StreamEvents(ctx, ""))(t)
		defer stream.Close()
		var numbers []string
		opening := func(i int) NewRequest {
			return NewRequest{Category: CategoryTechnical, Product: "mail", Title: fmt.Sprintf("Mail down %d", i),
				Description: "Nothing arrives", Impact: &Impact{ServiceUnreachable: true, UsersAffected: "many"}}
		}
		for i := range 3 {
			r := must(admin.CreateRequest(ctx, opening(i), fmt.Sprintf("key-%d", i)))(t)
			numbers = append(numbers, r.Number)
			if e := next(t, stream); e.Kind != "created" || e.Event.Number != r.Number || e.ID == "" {
				t.Errorf("live event %+v", e)
			}
			// Its clock starts at opening, held to the strictest target until triage.
			if e := next(t, stream); e.Kind != "sla_started" || e.Event.Number != r.Number || e.Event.New != "2026-11-02T10:00:00Z" {
				t.Errorf("live event %+v", e)
			}
		}
		if again := must(admin.CreateRequest(ctx, opening(0), "key-0"))(t); again.Number != numbers[0] {
			t.Errorf("replay opened %s", again.Number)
		}
		page := must(admin.ListRequests(ctx, ListOptions{Limit: 2}))(t)
		if len(page.Items) != 2 || page.NextCursor == "" {
			t.Errorf("first page %d items, cursor %q", len(page.Items), page.NextCursor)
		}
		// Two requests a page: the iterator follows next_cursor.
		var walked []string
		for r, err := range admin.Requests(ctx, ListOptions{Limit: 2, Status: StatusActive}) {
			if err != nil {
				t.Fatal(err)
			}
			walked = append(walked, r.Number)
		}
		if want := []string{numbers[2], numbers[1], numbers[0]}; fmt.Sprint(walked) != fmt.Sprint(want) {
			t.Errorf("walked %v, want %v", walked, want)
		}
		for r, err := range admin.Requests(ctx, ListOptions{Limit: 1}) { // stopping early is fine
			if err != nil || r.Number != numbers[2] {
				t.Errorf("first %s, %v", r.Number, err)
			}
			break
		}
		num := numbers[0]

		// Staff triage and work the request.
		if q := must(agent.Queue(ctx, QueueOptions{View: QueueTriage}))(t); len(q) != 3 || q[0].SLAState != "running" || q[0].DueAt == nil {
			t.Errorf("triage queue %+v", q)
		}
		r := must(sup.UpdateRequest(ctx, num, RequestUpdate{Severity: Ptr("B"), AssigneeID: Ptr(agentID)}))(t)
		if r.Severity != "B" || r.AssigneeID == nil || *r.AssigneeID != agentID {
			t.Errorf("triaged %+v", r)
		}
		if r = must(sup.UnassignRequest(ctx, num))(t); r.AssigneeID != nil {
			t.Errorf("unassigned, assignee %d", *r.AssigneeID)
		}
		if r = must(agent.AssignRequest(ctx, num, agentID))(t); r.AssigneeID == nil {
			t.Error("the agent did not take the request")
		}
		if q := must(agent.Queue(ctx, QueueOptions{View: QueueMine, Limit: 10}))(t); len(q) != 1 || q[0].Number != num {
			t.Errorf("my queue %+v", q)
		}
		clocks := must(agent.RequestClocks(ctx, num))(t)
		if len(clocks) == 0 || clocks[0].Metric == "" || clocks[0].Explanation == "" {
			t.Errorf("clocks %+v", clocks)
		}

		// Files and messages.
		content := bytes.Repeat([]byte("0123456789"), 12)
		att := must(admin.UploadAttachment(ctx, num, "log.txt", bytes.NewReader(content), false))(t)
		if att.Size != int64(len(content)) || att.Name != "log.txt" || att.MessageID != nil {
			t.Errorf("attachment %+v", att)
		}
		m := must(admin.PostMessage(ctx, num, NewMessage{Body: "Here is the log", AttachmentIDs: []int64{att.ID}}))(t)
		if len(m.Attachments) != 1 || m.Attachments[0].ID != att.ID {
			t.Errorf("message %+v", m)
		}
		if as := must(agent.ListAttachments(ctx, num))(t); len(as) != 1 || as[0].MessageID == nil {
			t.Errorf("attachments %+v", as)
		}
		dl := must(agent.DownloadAttachment(ctx, num, att.ID, ""))(t)
		got, _ := io.ReadAll(dl.Body)
		dl.Body.Close()
		if !bytes.Equal(got, content) || dl.Partial || dl.Name != "log.txt" || dl.Size != int64(len(content)) {
			t.Errorf("download %+v: %q", dl, got)
		}
		dl = must(agent.DownloadAttachment(ctx, num, att.ID, ByteRange(10, 19)))(t)
		got, _ = io.ReadAll(dl.Body)
		dl.Body.Close()
		if string(got) != "0123456789" || !dl.Partial || dl.ContentRange != "bytes 10-19/120" || dl.Size != 120 || dl.Length != 10 {
			t.Errorf("range %+v: %q", dl, got)
		}
		if _, err := agent.DownloadAttachment(ctx, num, att.ID, ByteRange(500, -1)); !IsStatus(err, http.StatusRequestedRangeNotSatisfiable) {
			t.Errorf("range beyond the end: %v", err)
		}
		must(agent.AddMessage(ctx, num, "Looking into it", false))(t)
		must(agent.PostMessage(ctx, num, NewMessage{Body: "Customer called", Internal: true, Kind: KindPhone}))(t)
		if ms := must(agent.ListMessages(ctx, num))(t); len(ms) != 3 || ms[2].Kind != KindPhone {
			t.Errorf("agent's messages %+v", ms)
		}
		if ms := must(admin.ListMessages(ctx, num))(t); len(ms) != 2 {
			t.Errorf("customer sees %d messages, want 2 (no internal note)", len(ms))
		}

		// Resolve, reopen, and read the history.
		must(agent.UpdateRequest(ctx, num, RequestUpdate{Status: Ptr(StatusResolved)}))(t)
		if r = must(admin.Reopen(ctx, num))(t); r.Status == StatusResolved {
			t.Errorf("reopened request is %s", r.Status)
		}
		if r = must(admin.GetRequest(ctx, num))(t); r.Status == StatusResolved || r.Severity != "B" {
			t.Errorf("read back %+v", r)
		}
		kinds := map[string]bool{}
		for _, e := range must(admin.RequestHistory(ctx, num))(t) {
			kinds[e.Kind] = true
		}
		if !kinds["created"] || !kinds["reopened"] {
			t.Errorf("history kinds %v", kinds)
		}
		var orgEvents int
		for e, err := range admin.OrganizationEvents(ctx, x.ID) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Internal {
				t.Errorf("the customer sees an internal event %+v", e)
			}
			orgEvents++
		}
		if first := must(sup.OrganizationHistory(ctx, x.ID, 0))(t); len(first) < orgEvents || orgEvents == 0 {
			t.Errorf("organization history: %d events for staff, %d for the customer", len(first), orgEvents)
		}

		// The account manager's inbox: three openings, one severity.
		ns := must(Collect(sup.Notifications(ctx, NotificationOptions{Limit: 1})))(t)
		if len(ns) < 3 {
			t.Errorf("notifications %+v", ns)
		}
		np := must(sup.ListNotifications(ctx, NotificationOptions{Unread: true}))(t)
		if np.Unread != len(ns) {
			t.Errorf("unread %d of %d", np.Unread, len(ns))
		}
		if mr := must(sup.MarkNotificationsRead(ctx, nil, true))(t); mr.Marked != len(ns) || mr.Unread != 0 {
			t.Errorf("marked %+v", mr)
		}

		// Canned responses.
		cr := must(sup.CreateCanned(ctx, "Greeting", "", "Hello {{name}}"))(t)
		if cr = must(sup.UpdateCanned(ctx, cr.ID, CannedUpdate{Body: Ptr("Hi {{name}}")}))(t); cr.Body != "Hi {{name}}" || cr.Language != "en" {
			t.Errorf("canned %+v", cr)
		}
		if cs := must(agent.ListCanned(ctx))(t); len(cs) != 1 {
			t.Errorf("canned %+v", cs)
		}
		if err := sup.DeleteCanned(ctx, cr.ID); err != nil {
			t.Fatal(err)
		}

		// SLA: policy, calendars, preview.
		pol := must(op.GetSLAPolicy(ctx))(t)
		if len(pol.InitialResponse) == 0 {
			t.Fatalf("policy %+v", pol)
		}
		pol.Version, pol.ReopenDays = 1, Ptr(30)
		imp := must(op.PutSLAPolicy(ctx, *pol))(t)
		if pv := must(agent.GetSLAPolicyVersion(ctx, imp.Version))(t); pv.Policy.ReopenDays == nil || *pv.Policy.ReopenDays != 30 {
			t.Errorf("policy version %+v", pv)
		}
		// Inbound mail: the operator sets up a mailbox; a mail nobody may
		// act on is logged, and its raw message can be read back.
		str := func(v string) *string { return &v }
		mb := must(op.CreateMailbox(ctx, MailboxInput{Name: str("Support"), Host: str("imap.example.test"), Username: str("support"),
			Password: str("imap-secret"), Address: str("support@desk.test")}))(t)
		if !mb.PasswordSet || mb.Port != 993 || mb.TLS != "implicit" || mb.Role != "support" {
			t.Errorf("mailbox %+v", mb)
		}
		if ms := must(op.ListMailboxes(ctx))(t); len(ms) != 1 || ms[0].ID != mb.ID {
			t.Errorf("mailboxes %+v", ms)
		}
		if m := must(op.UpdateMailbox(ctx, mb.ID, MailboxInput{Folder: str("Support")}))(t); m.Folder != "Support" || !m.PasswordSet {
			t.Errorf("mailbox update %+v", m)
		}
		if m := must(op.Mailbox(ctx, mb.ID))(t); m.Folder != "Support" {
			t.Errorf("mailbox %+v", m)
		}
		raw := "From: Stranger <stranger@example.test>\r\nTo: support@desk.test\r\nSubject: Hello\r\nMessage-ID: <hello@example.test>\r\n\r\nHi.\r\n"
		stored, err := db.Mailbox(ctx, mb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.desk.ReceiveMail(ctx, stored, 1, 1, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		lines := must(op.ListInboundMails(ctx, InboundMailOptions{}))(t)
		if len(lines) != 1 || lines[0].From != "stranger@example.test" || lines[0].Subject != "Hello" {
			t.Fatalf("inbound mails %+v", lines)
		}
		rc := must(op.InboundMailRaw(ctx, lines[0].ID))(t)
		if b, _ := io.ReadAll(rc); string(b) != raw {
			t.Errorf("raw inbound mail %q", b)
		}
		rc.Close()
		if err := op.DeleteMailbox(ctx, mb.ID); err != nil {
			t.Errorf("delete mailbox: %v", err)
		}

		week := map[string][]string{"mon": {"09:00-17:00"}, "tue": {"09:00-17:00"}, "wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}}
		spec := CalendarSpec{Type: "business_hours", TZ: "Europe/Vienna", Weekly: week, Holidays: []Holiday{{Date: "12-25", Name: "Christmas"}}}
		cal := must(op.CreateCalendar(ctx, NewCalendar{Name: "Austria", Region: "AT", Spec: spec}))(t)
		spec.Holidays = append(spec.Holidays, Holiday{Date: "2026-12-24"})
		upd := must(op.UpdateCalendar(ctx, cal.ID, NewCalendar{Name: "Österreich", Spec: spec}))(t)
		if upd.Calendar.Name != "Österreich" || upd.Calendar.Version <= cal.Version || len(upd.Calendar.Spec.Holidays) != 2 {
			t.Errorf("calendar update %+v", upd)
		}
		ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//casedesk tests//EN\r\nBEGIN:VEVENT\r\nUID:reformation@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261031\r\nSUMMARY:Reformationstag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		if hi := must(op.ImportHolidays(ctx, cal.ID, strings.NewReader(ics)))(t); hi.Imported != 1 {
			t.Errorf("holiday import %+v", hi)
		}
		if c := must(agent.GetCalendar(ctx, cal.ID))(t); len(c.Spec.Holidays) != 3 {
			t.Errorf("calendar %+v", c)
		}
		if feed := string(must(agent.HolidayFeed(ctx, cal.ID))(t)); !strings.Contains(feed, "BEGIN:VCALENDAR") || !strings.Contains(feed, "DTSTART;VALUE=DATE:20261031") {
			t.Errorf("holiday feed:\n%s", feed)
		}
		if cs := must(agent.ListCalendars(ctx))(t); len(cs) == 0 {
			t.Error("no calendars")
		}
		opened := time.Date(2026, 12, 23, 16, 0, 0, 0, time.UTC) // a Wednesday, 17:00 in Vienna
		pr := must(agent.PreviewSLA(ctx, PreviewInput{ID: "x", Calendar: spec, OpenedAt: opened, TargetMinutes: 60}))(t)
		if want := time.Date(2026, 12, 28, 9, 0, 0, 0, time.UTC); pr.ID != "x" || !pr.DueAt.Equal(want) { // 24th, 25th, weekend off
			t.Errorf("preview %+v, want due %v", pr, want)
		}

		// Webhooks (operators) and the outbox (operators, supervisors).
		wh := must(op.CreateWebhook(ctx, NewWebhook{URL: "https://hooks.example.com/casedesk", Events: []string{"created", "message"}}))(t)
		if !strings.HasPrefix(wh.Secret, "whsec_") || !wh.Active || len(wh.Events) != 2 {
			t.Errorf("webhook %+v", wh)
		}
		if got := must(op.GetWebhook(ctx, wh.ID))(t); got.Secret != "" || got.URL != wh.URL {
			t.Errorf("read webhook %+v", got)
		}
		if ws := must(op.ListWebhooks(ctx))(t); len(ws) != 1 || ws[0].Secret != "" {
			t.Errorf("webhooks %+v", ws)
		}
		if u := must(op.UpdateWebhook(ctx, wh.ID, WebhookUpdate{Description: Ptr("CRM")}))(t); u.Description != "CRM" {
			t.Errorf("webhook update %+v", u)
		}
		if r := must(op.RotateWebhookSecret(ctx, wh.ID))(t); r.Secret == wh.Secret || !strings.HasPrefix(r.Secret, "whsec_") {
			t.Errorf("rotated %+v", r)
		}
		if _, err := agent.ListWebhooks(ctx); !IsStatus(err, http.StatusForbidden) {
			t.Errorf("an agent lists webhooks: %v", err)
		}
		ping := must(op.PingWebhook(ctx, wh.ID))(t)
		if ping.Route != "webhook" || ping.Topic != "ping" || ping.Status != "pending" {
			t.Errorf("ping %+v", ping)
		}
		if ap := must(op.ListWebhookAttempts(ctx, wh.ID, "", 10))(t); len(ap.Items) != 0 {
			t.Errorf("attempts before any try %+v", ap)
		}
		if ob := must(sup.ListOutbox(ctx, OutboxOptions{Route: "webhook", Status: "pending"}))(t); len(ob.Items) == 0 || ob.Items[0].ID != ping.ID {
			t.Errorf("outbox %+v", ob)
		}
		if oc := must(sup.OutboxCounts(ctx))(t); oc.Pending == 0 {
			t.Errorf("outbox counts %+v", oc)
		}
		if err := sup.RetryDelivery(ctx, ping.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := agent.ListOutbox(ctx, OutboxOptions{}); !IsStatus(err, http.StatusForbidden) {
			t.Errorf("an agent reads the outbox: %v", err)
		}
		if err := op.DeleteWebhook(ctx, wh.ID); err != nil {
			t.Fatal(err)
		}

		// Tokens and passwords.
		exp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		tok := must(admin.CreateToken(ctx, "ci", &exp))(t)
		if ts := must(admin.ListTokens(ctx))(t); !hasCode(ts, func(t Token) string { return t.Name }, "ci") {
			t.Errorf("tokens %+v", ts)
		}
		ci := admin.WithToken(tok.Token)
		if m := must(ci.Me(ctx))(t); m.User.ID != adminID {
			t.Errorf("token's user %+v", m.User)
		}
		if err := admin.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ci.Me(ctx); !IsStatus(err, http.StatusUnauthorized) {
			t.Errorf("revoked token: %v", err)
		}
		// Notification switches.
		if ns := must(admin.NotificationSettings(ctx))(t); len(ns.Topics) != 6 || !ns.Topics[0].On || ns.Mail {
			t.Errorf("notification settings %+v", ns)
		}
		if ns := must(admin.SetNotificationSettings(ctx, []string{"received"}))(t); !ns.Topics[0].On || ns.Topics[1].On {
			t.Errorf("notification settings after switching %+v", ns)
		}
		if err := admin.ChangePassword(ctx, testPassword, "another-password-2"); err != nil {
			t.Fatal(err)
		}
		s.signIn("admin@x.test", "another-password-2")
		if err := admin.Logout(ctx); err != nil || admin.Token() != "" {
			t.Fatalf("logout: %v, token %q", err, admin.Token())
		}

		// A prospect asks without an account.
		if rc := must(anon.SubmitPresales(ctx, Prospect{Name: "Pat", Email: "pat@prospect.test", Question: "Do you do VPNs?"}))(t); rc.Number == "" || rc.Status != StatusNew {
			t.Errorf("presales %+v", rc)
		}

		// The stream ends with the context.
		cancel()
		for range stream.Events {
		}
		if err := stream.Err(); err != nil {
			t.Errorf("stream ended with %v", err)
		}

		s.checkEveryOperation(t)
	})
}

func hasCode[T any](items []T, code func(T) string, want string) bool {
	for _, it := range items {
		if code(it) == want {
			return true
		}
	}
	return false
}

// checkEveryOperation fails for each operation of the OpenAPI document that
// no call of the test answered 2xx.
func (s *server) checkEveryOperation(t *testing.T) {
	t.Helper()
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, op := range documentOperations(t) {
		re := regexp.MustCompile("^" + strings.ToUpper(op.Method) + " " + strings.ReplaceAll(regexp.QuoteMeta(param.ReplaceAllString(op.Path, "PARAM")), "PARAM", "[^/]+") + "$")
		hit := false
		for _, h := range s.rec.hit {
			if re.MatchString(h) {
				hit = true
				break
			}
		}
		if !hit {
			t.Errorf("operation %s (%s %s) was not exercised successfully", op.ID, op.Method, op.Path)
		}
	}
}
