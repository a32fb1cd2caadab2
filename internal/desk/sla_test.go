package desk_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// world: an operator, an agent, and three customers with admins: elevated
// (E3 + elevated support, China), enterprise (E3, US), business (Business, DE).
type world struct {
	t        *testing.T
	db       *store.DB
	clock    *casedesk.FixedClock
	d        *desk.Desk
	op, ag   *casedesk.Actor
	admins   map[string]*casedesk.Actor
	orgs     map[string]*casedesk.Organization
	blobsDir string
}

// Monday 2 November 2026, 09:00 UTC.
var monday = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{t: t, db: db, clock: &casedesk.FixedClock{T: monday}, admins: map[string]*casedesk.Actor{}, orgs: map[string]*casedesk.Organization{}, blobsDir: t.TempDir()}
	w.d = w.newDesk()
	ctx := context.Background()
	op, err := w.d.Bootstrap(ctx, "Provider", "op@p.test", "Op", "operator-password")
	if err != nil {
		t.Fatal(err)
	}
	w.op = &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	prov, _ := db.ProviderOrganization(ctx)
	ag, _, err := w.d.CreateUser(ctx, w.op, prov.ID, desk.NewUser{Email: "agent@p.test", Name: "Agent", Role: casedesk.RoleAgent, Password: "agent-password"})
	if err != nil {
		t.Fatal(err)
	}
	w.ag = &casedesk.Actor{User: ag, OrgKind: casedesk.OrgProvider}
	for _, c := range []struct {
		name, country string
		plans         []string
	}{{"elevated", "CN", []string{"e3", "elevated-support"}}, {"enterprise", "US", []string{"e3"}}, {"business", "DE", []string{"business"}}} {
		o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: c.name, Country: c.country}
		if err := w.d.CreateOrganization(ctx, w.op, o); err != nil {
			t.Fatal(err)
		}
		for _, p := range c.plans {
			if err := w.d.AddSubscription(ctx, w.op, o.ID, &casedesk.Subscription{PlanCode: p, Seats: 5}); err != nil {
				t.Fatal(err)
			}
		}
		u, _, err := w.d.CreateUser(ctx, w.op, o.ID, desk.NewUser{Email: "admin@" + c.name + ".test", Name: "Admin", Role: casedesk.RoleGlobalAdmin, Password: "admin-password"})
		if err != nil {
			t.Fatal(err)
		}
		w.orgs[c.name] = o
		w.admins[c.name] = &casedesk.Actor{User: u, OrgKind: casedesk.OrgCustomer}
	}
	return w
}

// newDesk returns another desk on the same database and clock: another
// casedesk instance.
func (w *world) newDesk() *desk.Desk {
	blobs, _ := blob.Open(w.blobsDir)
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	return desk.New(w.db, blobs, desk.Options{Clock: w.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func (w *world) open(org string, sev casedesk.Severity) *casedesk.Request {
	w.t.Helper()
	r, _, err := w.d.OpenRequest(context.Background(), w.admins[org], desk.NewRequest{Category: "technical", Title: "Mail down", Description: "d", Severity: sev}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) clocks(r *casedesk.Request) []desk.ClockView {
	w.t.Helper()
	cs, err := w.d.RequestClocks(context.Background(), w.ag, r.Number)
	if err != nil {
		w.t.Fatal(err)
	}
	return cs
}

func (w *world) due(r *casedesk.Request) time.Time {
	w.t.Helper()
	cs := w.clocks(r)
	if len(cs) == 0 || cs[len(cs)-1].DueAt == nil {
		w.t.Fatalf("request %s has no due time: %+v", r.Number, cs)
	}
	return *cs[len(cs)-1].DueAt
}

func (w *world) patch(r *casedesk.Request, p desk.RequestPatch) {
	w.t.Helper()
	if _, err := w.d.UpdateRequest(context.Background(), w.ag, r.Number, p); err != nil {
		w.t.Fatal(err)
	}
}

func sev(s casedesk.Severity) *casedesk.Severity { return &s }
func status(s casedesk.Status) *casedesk.Status  { return &s }

func TestClockLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()

		// Elevated support sets severity A at opening: 24/7, one hour.
		r := w.open("elevated", casedesk.SeverityA)
		if got := w.due(r); !got.Equal(monday.Add(time.Hour)) {
			t.Fatalf("A on elevated: due %s", got)
		}

		// Triage 30 minutes after opening: the clock counts from the opening instant.
		r2, _, err := w.d.OpenRequest(ctx, w.admins["enterprise"], desk.NewRequest{Category: "technical", Title: "t", Description: "d"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if cs := w.clocks(r2); len(cs) != 0 {
			t.Fatalf("no severity, no clock: %+v", cs)
		}
		w.clock.Add(30 * time.Minute)
		w.patch(r2, desk.RequestPatch{Severity: sev(casedesk.SeverityA)})
		if got := w.due(r2); !got.Equal(monday.Add(time.Hour)) {
			t.Fatalf("triaged A: due %s, want an hour after opening", got)
		}
		// Severity B on Enterprise: 24/7 next day = 24 hours from opening.
		w.patch(r2, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		if got := w.due(r2); !got.Equal(monday.Add(24 * time.Hour)) {
			t.Fatalf("B on enterprise: due %s", got)
		}
		hist, _ := w.d.History(ctx, w.ag, r2.Number)
		if !hasEvent(hist, "sla_recomputed") {
			t.Fatal("a severity change must write an sla_recomputed event")
		}

		// Waiting on the customer for two hours moves the due time by two hours.
		w.patch(r2, desk.RequestPatch{Status: status(casedesk.StatusWaiting)})
		w.clock.Add(2 * time.Hour)
		if _, err := w.d.AddMessage(ctx, w.admins["enterprise"], r2.Number, desk.NewMessage{Body: "here are the logs"}); err != nil {
			t.Fatal(err)
		}
		if got := w.due(r2); !got.Equal(monday.Add(26 * time.Hour)) {
			t.Fatalf("after a 2 h pause: due %s", got)
		}

		// An internal note is not a response; a public reply is.
		if _, err := w.d.AddMessage(ctx, w.ag, r2.Number, desk.NewMessage{Body: "note", Internal: true}); err != nil {
			t.Fatal(err)
		}
		if cs := w.clocks(r2); cs[0].StoppedAt != nil {
			t.Fatal("an internal note stopped the clock")
		}
		w.clock.Add(time.Hour)
		if _, err := w.d.AddMessage(ctx, w.ag, r2.Number, desk.NewMessage{Body: "we are on it"}); err != nil {
			t.Fatal(err)
		}
		cs := w.clocks(r2)
		if cs[0].StoppedAt == nil || cs[0].Met == nil || !*cs[0].Met || cs[0].State != "met" {
			t.Fatalf("public reply: %+v", cs[0])
		}
		// 30 min + 1 h counted; the 2 h pause not.
		if got := *cs[0].BusinessMinutes; got != 90 {
			t.Fatalf("minutes used = %d, want 90", got)
		}

		// Business plan, severity B: business hours, no commitment: tracked, no due time.
		r3 := w.open("business", "")
		w.patch(r3, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		cs = w.clocks(r3)
		if len(cs) != 1 || cs[0].DueAt != nil || cs[0].Coverage != "business_hours" || cs[0].TargetKind != "none" {
			t.Fatalf("business B: %+v", cs)
		}
		if !strings.Contains(cs[0].Explanation, "Europe/Berlin") {
			t.Fatalf("explanation should name the customer's calendar: %q", cs[0].Explanation)
		}

		// Customers see their clocks, without the explanation.
		cv, err := w.d.RequestClocks(ctx, w.admins["enterprise"], r2.Number)
		if err != nil || len(cv) != 1 || cv[0].Explanation != "" {
			t.Fatalf("customer view: %+v %v", cv, err)
		}

		// Reopening gives the request a response clock of its own, from the reopen instant.
		w.patch(r2, desk.RequestPatch{Status: status(casedesk.StatusResolved)})
		w.clock.Add(time.Hour)
		reopenAt := w.clock.T
		if _, err := w.d.Reopen(ctx, w.admins["enterprise"], r2.Number); err != nil {
			t.Fatal(err)
		}
		cs = w.clocks(r2)
		if len(cs) != 2 || cs[1].Cycle != 1 || !cs[1].OpenedAt.Equal(reopenAt) || !cs[1].DueAt.Equal(reopenAt.Add(24*time.Hour)) {
			t.Fatalf("reopen clock: %+v", cs)
		}
	})
}

func hasEvent(es []*casedesk.Event, kind casedesk.EventKind) bool {
	for _, e := range es {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// A policy change and a calendar change recompute running clocks from the
// opening instant.
func TestRecomputeOnPolicyAndCalendarChange(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		// Friday 6 November 2026, 16:30 in Berlin (15:30 UTC).
		w.clock.T = time.Date(2026, 11, 6, 15, 30, 0, 0, time.UTC)
		p := sla.DefaultPolicy()
		p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = sla.Entitlement{Coverage: casedesk.CoverageBusinessHours, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 120}}
		body, _ := json.Marshal(p)
		v, _, err := w.d.SetSLAPolicy(ctx, w.op, body)
		if err != nil || v != 2 {
			t.Fatalf("set policy: %d %v", v, err)
		}
		r := w.open("business", "")
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		// 30 minutes on Friday, 90 on Monday from 09:00 Berlin: 10:30 Berlin = 09:30 UTC.
		want := time.Date(2026, 11, 9, 9, 30, 0, 0, time.UTC)
		if got := w.due(r); !got.Equal(want) {
			t.Fatalf("business hours B: due %s, want %s", got, want)
		}
		// Open at 08:00 instead: Monday 08:00–09:30 Berlin → 08:30 UTC.
		cals, _ := w.d.Calendars(ctx, w.op)
		var de desk.CalendarView
		for _, c := range cals {
			if c.Region == "DE" {
				de = c
			}
		}
		spec := strings.ReplaceAll(string(de.Spec), "09:00-17:00", "08:00-17:00")
		live, stop := w.d.Events().Subscribe(16)
		defer stop()
		if _, moved, err := w.d.UpdateCalendar(ctx, w.op, de.ID, desk.NewCalendar{Name: de.Name, Spec: json.RawMessage(spec)}); err != nil || moved != 1 {
			t.Fatalf("update calendar: moved %d, %v", moved, err)
		}
		if got := w.due(r); !got.Equal(time.Date(2026, 11, 9, 8, 30, 0, 0, time.UTC)) {
			t.Fatalf("after the calendar change: due %s", got)
		}
		// The move is in the staff history and, on SQLite, was published
		// before UpdateCalendar returned (on PostgreSQL the event relay
		// publishes it: TestEventsReachOtherInstances).
		hist, err := w.d.History(ctx, w.ag, r.Number)
		if err != nil || len(hist) == 0 || hist[0].Kind != "sla_recomputed" || hist[0].New != "2026-11-09T08:30:00Z" ||
			!strings.Contains(hist[0].Field, "calendar Germany v2") {
			t.Fatalf("history after the calendar change: %v %+v", err, hist)
		}
		if db.Engine() == store.SQLite {
			select {
			case e := <-live:
				if e.Kind != "sla_recomputed" || e.RequestID != r.ID || e.New != "2026-11-09T08:30:00Z" {
					t.Fatalf("live event: %+v", e)
				}
			default:
				t.Fatal("the recompute published nothing")
			}
		}
		// Back to the default policy (no commitment for business B): no due time.
		body, _ = json.Marshal(sla.DefaultPolicy())
		if v, moved, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil || v != 3 || moved != 1 {
			t.Fatalf("policy v3: %d %d %v", v, moved, err)
		}
		if cs := w.clocks(r); cs[0].DueAt != nil || cs[0].PolicyVersion != 3 {
			t.Fatalf("under v3: %+v", cs[0])
		}
		// A bad policy names the field and changes nothing.
		_, _, err = w.d.SetSLAPolicy(ctx, w.op, []byte(`{"warn_share": 2}`))
		if casedesk.ErrorCode(err) != casedesk.EINVALID || casedesk.ErrorField(err) == "" {
			t.Fatalf("bad policy: %v", err)
		}
	})
}

// Breaches and warnings are recorded once, with their true instants, even
// when several instances fire at once or an alert fell due during downtime.
func TestAlertsFireOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var rs []*casedesk.Request
		for range 5 {
			rs = append(rs, w.open("elevated", casedesk.SeverityA)) // due at 10:00, warning at 09:45
		}
		if n, err := w.d.FireDue(ctx, w.clock.Now()); err != nil || n != 0 {
			t.Fatalf("nothing is due yet: %d %v", n, err)
		}
		next, ok, err := w.d.NextAlert(ctx)
		if err != nil || !ok || !next.Equal(monday.Add(45*time.Minute)) {
			t.Fatalf("next alert %s %v %v, want the warning at 09:45", next, ok, err)
		}
		// The server was down from 09:10 to 11:00: at start-up both alerts fire once,
		// stamped with their true instants; three instances start at once.
		w.clock.T = monday.Add(2 * time.Hour)
		desks := []*desk.Desk{w.d, w.newDesk(), w.newDesk()}
		var wg sync.WaitGroup
		counts := make([]int, len(desks))
		for i, d := range desks {
			wg.Go(func() {
				n, err := d.FireDue(ctx, w.clock.Now())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		if total := counts[0] + counts[1] + counts[2]; total != 10 {
			t.Fatalf("instances recorded %v alerts, want 10 in all", counts)
		}
		for _, r := range rs {
			hist, _ := w.d.History(ctx, w.ag, r.Number)
			var warn, breach int
			for _, e := range hist {
				switch e.Kind {
				case "sla_warn":
					warn++
					if !e.At.Equal(monday.Add(45 * time.Minute)) {
						t.Errorf("warning stamped %s", e.At)
					}
				case "sla_breach":
					breach++
					if !e.At.Equal(monday.Add(time.Hour)) {
						t.Errorf("breach stamped %s", e.At)
					}
				}
			}
			if warn != 1 || breach != 1 {
				t.Fatalf("request %s: %d warnings, %d breaches", r.Number, warn, breach)
			}
			if cs := w.clocks(r); !cs[0].Breached || cs[0].State != "breached" {
				t.Fatalf("clock not marked breached: %+v", cs[0])
			}
		}
		if n, _ := w.d.FireDue(ctx, w.clock.Now()); n != 0 {
			t.Fatalf("a second round recorded %d more", n)
		}
		if _, ok, _ := w.d.NextAlert(ctx); ok {
			t.Fatal("no alert should be pending")
		}
		// A response after the breach: the clock stops as breached, not met.
		if _, err := w.d.AddMessage(ctx, w.ag, rs[0].Number, desk.NewMessage{Body: "sorry"}); err != nil {
			t.Fatal(err)
		}
		if cs := w.clocks(rs[0]); cs[0].Met == nil || *cs[0].Met {
			t.Fatalf("late response counted as met: %+v", cs[0])
		}
	})
}

// Replaying a clock from its stored inputs reproduces it exactly.
func TestClocksReplay(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		r := w.open("enterprise", "")
		w.clock.Add(17 * time.Minute)
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusWaiting)})
		w.clock.Add(95 * time.Minute)
		w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusOpen)})
		before := w.clocks(r)
		// Recomputing everything with unchanged inputs moves nothing.
		if moved, err := w.d.RecomputeClocks(ctx, store.AllOrgs, "replay", nil); err != nil || moved != 0 {
			t.Fatalf("replay moved %d clocks: %v", moved, err)
		}
		after := w.clocks(r)
		b1, _ := json.Marshal(before)
		b2, _ := json.Marshal(after)
		if string(b1) != string(b2) {
			t.Fatalf("replay changed the clock:\n%s\n%s", b1, b2)
		}
		if !after[0].DueAt.Equal(monday.Add(24*time.Hour + 95*time.Minute)) {
			t.Fatalf("due %s", after[0].DueAt)
		}
	})
}

// With next-reply and resolution clocks turned on, a customer's message
// starts a next-reply clock that the provider's reply stops, and resolving
// stops the resolution clock.
func TestNextReplyAndResolutionClocks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		p := sla.DefaultPolicy()
		p.NextReplyEnabled, p.ResolutionEnabled = true, true
		p.NextReply, p.Resolution = sla.Table{}, sla.Table{}
		for f, row := range p.Entries {
			p.NextReply[f], p.Resolution[f] = map[casedesk.Severity]sla.Entitlement{}, map[casedesk.Severity]sla.Entitlement{}
			for s := range row {
				p.NextReply[f][s] = sla.Entitlement{Coverage: casedesk.Coverage24x7, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 240}}
				p.Resolution[f][s] = sla.Entitlement{Coverage: casedesk.Coverage24x7, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 2880}}
			}
		}
		body, _ := json.Marshal(p)
		if _, _, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil {
			t.Fatal(err)
		}
		r := w.open("elevated", casedesk.SeverityB)
		byMetric := func() map[casedesk.Metric][]desk.ClockView {
			m := map[casedesk.Metric][]desk.ClockView{}
			for _, c := range w.clocks(r) {
				m[c.Metric] = append(m[c.Metric], c)
			}
			return m
		}
		if m := byMetric(); len(m["initial_response"]) != 1 || len(m["resolution"]) != 1 || len(m["next_reply"]) != 0 {
			t.Fatalf("at opening: %+v", m)
		}
		w.clock.Add(10 * time.Minute)
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "hello"}); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(10 * time.Minute)
		at := w.clock.T
		if _, err := w.d.AddMessage(ctx, w.admins["elevated"], r.Number, desk.NewMessage{Body: "more details"}); err != nil {
			t.Fatal(err)
		}
		m := byMetric()
		if len(m["next_reply"]) != 1 || !m["next_reply"][0].DueAt.Equal(at.Add(4*time.Hour)) {
			t.Fatalf("next reply after the customer's message: %+v", m["next_reply"])
		}
		w.clock.Add(time.Hour)
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "answer"}); err != nil {
			t.Fatal(err)
		}
		if nr := byMetric()["next_reply"][0]; nr.State != "met" {
			t.Fatalf("next reply answered in an hour: %+v", nr)
		}
		w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusResolved)})
		if res := byMetric()["resolution"][0]; res.State != "met" || *res.BusinessMinutes != 80 {
			t.Fatalf("resolution: %+v minutes %v", res, *res.BusinessMinutes)
		}
		// Turning the extra clocks off leaves their records alone.
		body, _ = json.Marshal(sla.DefaultPolicy())
		if _, _, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil {
			t.Fatal(err)
		}
		if m := byMetric(); len(m["resolution"]) != 1 {
			t.Fatalf("after turning clocks off: %+v", m)
		}
	})
}

// An answer given before triage counts: the clock starts stopped at it.
func TestResponseBeforeTriage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		r := w.open("enterprise", "")
		w.clock.Add(20 * time.Minute)
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "looking into it"}); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(time.Hour)
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityA)})
		cs := w.clocks(r)
		if len(cs) != 1 || cs[0].StoppedAt == nil || !cs[0].StoppedAt.Equal(monday.Add(20*time.Minute)) || cs[0].State != "met" {
			t.Fatalf("clock after a pre-triage answer: %+v", cs[0])
		}
	})
}

// A change committed by a process that stopped before it recomputed the
// clocks is recomputed when casedesk starts again (ResumeRecomputes).
func TestRecomputeResumesAfterAStop(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		w.clock.T = time.Date(2026, 11, 6, 15, 30, 0, 0, time.UTC) // Friday 16:30 in Berlin
		p := sla.DefaultPolicy()
		p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = sla.Entitlement{Coverage: casedesk.CoverageBusinessHours, Target: sla.Target{Kind: casedesk.TargetMinutes, Minutes: 120}}
		body, _ := json.Marshal(p)
		if _, _, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil {
			t.Fatal(err)
		}
		r := w.open("business", "")
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		before := time.Date(2026, 11, 9, 9, 30, 0, 0, time.UTC)
		if got := w.due(r); !got.Equal(before) {
			t.Fatalf("due %s, want %s", got, before)
		}
		// What UpdateCalendar commits before it recomputes; then the process stops.
		err := db.Write(ctx, func(tx *store.Tx) error {
			row, err := tx.CalendarForRegion(ctx, "DE")
			if err != nil {
				return err
			}
			row.Spec = strings.ReplaceAll(row.Spec, "09:00-17:00", "08:00-17:00")
			if err := tx.UpdateCalendar(ctx, row); err != nil {
				return err
			}
			_, err = tx.CreateRecomputeRun(ctx, store.AllOrgs, "calendar Germany v2", &w.op.User.ID, w.clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := w.due(r); !got.Equal(before) {
			t.Fatalf("due moved without a recompute: %s", got)
		}
		restarted := w.newDesk()
		if moved, err := restarted.ResumeRecomputes(ctx); err != nil || moved != 1 {
			t.Fatalf("resumed: moved %d, %v", moved, err)
		}
		if got := w.due(r); !got.Equal(time.Date(2026, 11, 9, 8, 30, 0, 0, time.UTC)) {
			t.Fatalf("after resuming: due %s", got)
		}
		if left, err := db.UnfinishedRecomputes(ctx); err != nil || len(left) != 0 {
			t.Fatalf("unfinished after resuming: %+v %v", left, err)
		}
		if moved, err := restarted.ResumeRecomputes(ctx); err != nil || moved != 0 {
			t.Fatalf("a second start resumed again: moved %d, %v", moved, err)
		}
		hist, err := restarted.History(ctx, w.ag, r.Number)
		if err != nil || len(hist) == 0 || hist[0].Field != "initial_response (calendar Germany v2 (resumed))" {
			t.Fatalf("history: %v %+v", err, hist[0])
		}
	})
}
