package desk_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

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
		// Until triage it is held to Enterprise's strictest target (A).
		if cs := w.clocks(r2); len(cs) != 1 || cs[0].Severity != "" || cs[0].HeldTo != casedesk.SeverityA || !cs[0].DueAt.Equal(monday.Add(time.Hour)) {
			t.Fatalf("untriaged clock: %+v", cs)
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

// TestUntriagedClock: a request without a severity is measured from its
// opening, held to the strictest target of its family; the customer sees
// the commitment; triage re-targets the clock from the same opening
// instant (a triage to C relaxes it); before triage it warns and breaches.
func TestUntriagedClock(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		r := w.open("enterprise", "")
		cv, err := w.d.RequestClocks(ctx, w.admins["enterprise"], r.Number)
		if err != nil || len(cv) != 1 || cv[0].HeldTo != casedesk.SeverityA || cv[0].DueAt == nil || !cv[0].DueAt.Equal(monday.Add(time.Hour)) || cv[0].State != "running" {
			t.Fatalf("the customer's view from the first minute: %+v %v", cv, err)
		}
		// Untriaged past its warning and its due time: recorded like any other.
		w.clock.T = monday.Add(61 * time.Minute)
		if n, err := w.d.FireDue(ctx, w.clock.T); err != nil || n != 2 {
			t.Fatalf("alerts of the untriaged clock: %d %v", n, err)
		}
		hist, _ := w.d.History(ctx, w.ag, r.Number)
		if !hasEvent(hist, "sla_warn") || !hasEvent(hist, "sla_breach") {
			t.Fatal("no warning or breach before triage")
		}
		if cs := w.clocks(r); cs[0].State != "breached" {
			t.Fatalf("state %s", cs[0].State)
		}
		// Triage to C (no commitment on Enterprise): relaxed, from the opening.
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityC)})
		cs := w.clocks(r)
		if len(cs) != 1 || cs[0].Severity != casedesk.SeverityC || cs[0].HeldTo != "" || cs[0].DueAt != nil || cs[0].State != "running" || !cs[0].OpenedAt.Equal(monday) {
			t.Fatalf("triaged to C: %+v", cs[0])
		}
		// To B: next day from the opening instant.
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		if got := w.due(r); !got.Equal(monday.Add(24 * time.Hour)) {
			t.Fatalf("triaged to B: due %s", got)
		}

		// A policy that holds untriaged Enterprise requests to B: a bulk
		// recompute re-targets a running untriaged clock.
		r2 := w.open("enterprise", "")
		p := sla.DefaultPolicy()
		p.Untriaged[casedesk.FamilyEnterprise] = "B"
		body, _ := json.Marshal(p)
		if _, _, err := w.d.SetSLAPolicy(ctx, w.op, body); err != nil {
			t.Fatal(err)
		}
		cs = w.clocks(r2)
		if cs[0].HeldTo != casedesk.SeverityB || cs[0].TargetKind != casedesk.TargetNextBusinessDay || !cs[0].DueAt.Equal(w.clock.T.Add(24*time.Hour)) {
			t.Fatalf("after the policy change: %+v", cs[0])
		}
		if moved, err := w.d.RecomputeClocks(ctx, store.AllOrgs, "replay", nil); err != nil || moved != 0 {
			t.Fatalf("replaying untriaged clocks moved %d: %v", moved, err)
		}
	})
}

// TestReplyAndWaitBeforeTriage: a public reply before triage is the first
// response, also when the request then waits on the customer; triage keeps
// that verdict.
func TestReplyAndWaitBeforeTriage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		r := w.open("business", "")
		w.clock.Add(40 * time.Minute)
		if _, err := w.d.AddMessage(ctx, w.ag, r.Number, desk.NewMessage{Body: "which mailbox?"}); err != nil {
			t.Fatal(err)
		}
		w.patch(r, desk.RequestPatch{Status: status(casedesk.StatusWaiting)})
		cs := w.clocks(r)
		if len(cs) != 1 || cs[0].StoppedAt == nil || !cs[0].StoppedAt.Equal(monday.Add(40*time.Minute)) || cs[0].State != "met" || *cs[0].BusinessMinutes != 40 {
			t.Fatalf("answered before triage: %+v", cs)
		}
		w.clock.Add(2 * time.Hour)
		w.patch(r, desk.RequestPatch{Severity: sev(casedesk.SeverityB)})
		cs = w.clocks(r)
		if len(cs) != 1 || cs[0].State != "met" || !cs[0].StoppedAt.Equal(monday.Add(40*time.Minute)) {
			t.Fatalf("after triage: %+v", cs)
		}
	})
}
