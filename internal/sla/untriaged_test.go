package sla

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

// Before triage a request is held to the strictest target of its family by
// default, or to the severity the policy names for the family.
func TestUntriagedSeverity(t *testing.T) {
	p := DefaultPolicy()
	for _, f := range casedesk.Families() {
		if got := p.UntriagedSeverity(f); got != casedesk.SeverityA {
			t.Errorf("%s: untriaged held to %s, want A (its strictest)", f, got)
		}
	}
	// A family whose B is stricter than its A: strictest finds it.
	p.Entries[casedesk.FamilyBusiness][casedesk.SeverityB] = rt(casedesk.TargetMinutes, 30)
	if got := p.UntriagedSeverity(casedesk.FamilyBusiness); got != casedesk.SeverityB {
		t.Errorf("strictest = %s, want B (30 minutes)", got)
	}
	p.Untriaged = map[casedesk.Family]UntriagedRule{casedesk.FamilyEnterprise: "C"}
	if got := p.UntriagedSeverity(casedesk.FamilyEnterprise); got != casedesk.SeverityC {
		t.Errorf("named rule: %s, want C", got)
	}
	if got := p.UntriagedSeverity(casedesk.FamilyFrontline); got != casedesk.SeverityA {
		t.Errorf("a family left out is held to the strictest: %s", got)
	}
	e, err := p.Lookup(casedesk.FamilyEnterprise, "")
	if err != nil || e.Target.Kind != casedesk.TargetNone {
		t.Errorf("lookup of an untriaged enterprise request: %+v %v", e, err)
	}

	for _, tt := range []struct {
		a, b Entitlement
		want bool
	}{
		{rt(casedesk.TargetMinutes, 60), rt(casedesk.TargetMinutes, 120), true},
		{rt(casedesk.TargetMinutes, 120), rt(casedesk.TargetMinutes, 60), false},
		{rt(casedesk.TargetMinutes, 2000), rt(casedesk.TargetNextBusinessDay, 0), true},
		{rt(casedesk.TargetNextBusinessDay, 0), rt(casedesk.TargetNone, 0), true},
		{bh(casedesk.TargetNone, 0), rt(casedesk.TargetNone, 0), false},
		{rt(casedesk.TargetMinutes, 60), bh(casedesk.TargetMinutes, 60), true},
		{rt(casedesk.TargetMinutes, 60), rt(casedesk.TargetMinutes, 60), false},
	} {
		if got := Stricter(tt.a, tt.b); got != tt.want {
			t.Errorf("Stricter(%+v, %+v) = %v", tt.a, tt.b, got)
		}
	}
}

// An untriaged clock is the held-to severity's clock, and says so.
func TestUntriagedClock(t *testing.T) {
	p := DefaultPolicy()
	opened := ts(t, "2026-05-04T09:00:00Z")
	c, err := p.NewClock(casedesk.MetricInitialResponse, nil, casedesk.FamilyEnterprise, "", opened, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasDue || !c.Due.Equal(opened.Add(time.Hour)) {
		t.Fatalf("untriaged enterprise: due %v, want an hour after opening", c.Due)
	}
	e := c.Explain()
	if !e.Untriaged || e.Severity != casedesk.SeverityA {
		t.Fatalf("explanation: %+v", e)
	}
	if got := e.String(); !strings.Contains(got, "until triage policy v1 holds enterprise initial response to enterprise/A: a target of 60 minutes") {
		t.Errorf("String() = %s", got)
	}
}

// Old stored policies (without "untriaged") load with the default; the
// rule round-trips and is checked.
func TestUntriagedPolicyJSON(t *testing.T) {
	old := `{"version":1,"warn_share":0.75,"pause_while_waiting":true,"reopen_days":14,"initial_response":` +
		string(mustJSON(t, DefaultPolicy().Entries.toJSON())) + `,"next_reply":{"enabled":false,"targets":{}},"resolution":{"enabled":false,"targets":{}}}`
	p, err := ParsePolicy([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if p.UntriagedSeverity(casedesk.FamilyBusiness) != casedesk.SeverityA {
		t.Fatal("an old policy does not hold untriaged requests to the strictest target")
	}
	b, _ := json.Marshal(p)
	if !strings.Contains(string(b), `"untriaged":{"business":"strictest","elevated":"strictest","enterprise":"strictest","frontline":"strictest"}`) {
		t.Fatalf("export does not state the rule: %s", b)
	}
	p2, err := ParsePolicy([]byte(strings.Replace(old, `"version":1`, `"version":1,"untriaged":{"business":"B"}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if p2.UntriagedSeverity(casedesk.FamilyBusiness) != casedesk.SeverityB || p2.UntriagedSeverity(casedesk.FamilyElevated) != casedesk.SeverityA {
		t.Fatalf("rules: %+v", p2.Untriaged)
	}
	b2, _ := json.Marshal(p2)
	if p3, err := ParsePolicy(b2); err != nil || p3.Untriaged[casedesk.FamilyBusiness] != "B" {
		t.Fatalf("round trip: %+v %v", p3.Untriaged, err)
	}
	for _, tt := range []struct{ in, field, msg string }{
		{`"untriaged":{"gold":"A"}`, "untriaged.gold", "unknown family"},
		{`"untriaged":{"business":"D"}`, "untriaged.business", "unknown rule"},
		{`"untriaged":{"business":1}`, "untriaged.business", "string"},
		{`"untriaged":"A"`, "untriaged", "object"},
	} {
		_, err := ParsePolicy([]byte(strings.Replace(old, `"version":1`, `"version":1,`+tt.in, 1)))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.msg) {
			t.Errorf("%s: %v", tt.in, err)
		}
	}
}

// A pause shorter than a minute removes its seconds, and says so.
func TestPauseRemovesSeconds(t *testing.T) {
	opened := ts(t, "2026-05-04T09:00:00Z")
	c, err := NewClock(ClockInput{OpenedAt: opened, Entitlement: rt(casedesk.TargetMinutes, 60),
		Pauses: []Pause{{From: opened.Add(10 * time.Minute), To: opened.Add(10*time.Minute + 21*time.Second)}}})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Explain()
	if e.Pauses[0].Removed != 21*time.Second || !c.Due.Equal(opened.Add(time.Hour+21*time.Second)) {
		t.Fatalf("pause removed %v, due %v", e.Pauses[0].Removed, c.Due)
	}
	if got := e.String(); !strings.Contains(got, "removed 21s of counting time") {
		t.Errorf("String() = %s", got)
	}
	steps := e.Steps()
	kinds := []StepKind{}
	for _, s := range steps {
		kinds = append(kinds, s.Kind)
	}
	if len(steps) != 3 || kinds[0] != StepOpened || kinds[1] != StepPause || kinds[2] != StepDue || steps[1].Removed != 21*time.Second || !steps[2].At.Equal(c.Due) {
		t.Fatalf("steps: %+v", steps)
	}
}
