package sla

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
)

func TestDefaultPolicyMatchesSpec(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	type row struct {
		f   casedesk.Family
		s   casedesk.Severity
		cov casedesk.Coverage
		k   casedesk.TargetKind
		min int
	}
	want := []row{
		{casedesk.FamilyBusiness, casedesk.SeverityA, casedesk.Coverage24x7, casedesk.TargetMinutes, 60},
		{casedesk.FamilyBusiness, casedesk.SeverityB, casedesk.CoverageBusinessHours, casedesk.TargetNone, 0},
		{casedesk.FamilyBusiness, casedesk.SeverityC, casedesk.CoverageBusinessHours, casedesk.TargetNone, 0},
		{casedesk.FamilyEnterprise, casedesk.SeverityA, casedesk.Coverage24x7, casedesk.TargetMinutes, 60},
		{casedesk.FamilyEnterprise, casedesk.SeverityB, casedesk.Coverage24x7, casedesk.TargetNextBusinessDay, 0},
		{casedesk.FamilyEnterprise, casedesk.SeverityC, casedesk.Coverage24x7, casedesk.TargetNone, 0},
		{casedesk.FamilyFrontline, casedesk.SeverityA, casedesk.Coverage24x7, casedesk.TargetMinutes, 60},
		{casedesk.FamilyFrontline, casedesk.SeverityB, casedesk.Coverage24x7, casedesk.TargetNextBusinessDay, 0},
		{casedesk.FamilyFrontline, casedesk.SeverityC, casedesk.Coverage24x7, casedesk.TargetNone, 0},
		{casedesk.FamilyElevated, casedesk.SeverityA, casedesk.Coverage24x7, casedesk.TargetMinutes, 60},
		{casedesk.FamilyElevated, casedesk.SeverityB, casedesk.Coverage24x7, casedesk.TargetMinutes, 120},
		{casedesk.FamilyElevated, casedesk.SeverityC, casedesk.Coverage24x7, casedesk.TargetMinutes, 240},
	}
	n := 0
	for _, r := range p.Entries {
		n += len(r)
	}
	if n != len(want) {
		t.Fatalf("%d entries, want %d", n, len(want))
	}
	for _, w := range want {
		e, err := p.Lookup(w.f, w.s)
		if err != nil {
			t.Fatal(err)
		}
		if e != (Entitlement{Coverage: w.cov, Target: Target{Kind: w.k, Minutes: w.min}}) {
			t.Errorf("%s/%s = %+v, want %+v", w.f, w.s, e, w)
		}
	}
	if p.WarnShare != 0.75 || p.ReopenDays != 14 || !p.PauseWhileWaiting || p.NextReplyEnabled || p.ResolutionEnabled || p.Version != 1 {
		t.Errorf("defaults: %+v", p)
	}
	if _, err := p.Lookup("gold", casedesk.SeverityA); err == nil {
		t.Error("unknown family accepted")
	}
	if _, err := p.Lookup(casedesk.FamilyBusiness, "D"); err == nil {
		t.Error("unknown severity accepted")
	}
	if _, err := p.LookupMetric(casedesk.MetricResolution, casedesk.FamilyBusiness, casedesk.SeverityA); err == nil {
		t.Error("disabled metric accepted")
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	p := DefaultPolicy()
	p.ResolutionEnabled = true
	p.Resolution = Table{}
	for _, f := range casedesk.Families() {
		p.Resolution[f] = map[casedesk.Severity]Entitlement{}
		for _, s := range casedesk.Severities() {
			p.Resolution[f][s] = Entitlement{Coverage: casedesk.CoverageBusinessHours, Target: Target{Kind: casedesk.TargetMinutes, Minutes: 2400}}
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(p)
	if string(b) != string(b2) {
		t.Fatal("encoding is not stable")
	}
	for _, key := range []string{`"version":1`, `"warn_share":0.75`, `"pause_while_waiting":true`, `"reopen_days":14`,
		`"initial_response":{"business":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"business_hours","target":"none"}`,
		`"enterprise":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"24x7","target":"next_business_day"}`,
		`"next_reply":{"enabled":false,"targets":{}}`, `"resolution":{"enabled":true,"targets":{"business"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("encoding lacks %s:\n%s", key, b)
		}
	}
	q, err := ParsePolicy(b)
	if err != nil {
		t.Fatal(err)
	}
	b3, _ := json.Marshal(q)
	if string(b3) != string(b) {
		t.Fatalf("round trip differs:\n%s\n%s", b, b3)
	}
}

func TestPolicyJSONErrors(t *testing.T) {
	good, _ := json.Marshal(DefaultPolicy())
	mod := func(old, new string) string {
		s := strings.Replace(string(good), old, new, 1)
		if s == string(good) {
			t.Fatalf("edit %q did not apply", old)
		}
		return s
	}
	tests := []struct {
		name, in, field, msg string
	}{
		{"unknown top-level field", mod(`"version":1`, `"version":1,"colour":"red"`), "colour", "unknown field"},
		{"missing version", mod(`"version":1,`, ``), "version", "required"},
		{"version zero", mod(`"version":1`, `"version":0`), "version", "at least 1"},
		{"version string", mod(`"version":1`, `"version":"1"`), "version", "integer"},
		{"warn share too big", mod(`"warn_share":0.75`, `"warn_share":1.5`), "warn_share", "less than 1"},
		{"reopen negative", mod(`"reopen_days":14`, `"reopen_days":-1`), "reopen_days", "between"},
		{"unknown family", mod(`"business":{`, `"gold":{`), "initial_response.gold", "unknown family"},
		{"unknown severity", mod(`"B":{"coverage":"business_hours"`, `"D":{"coverage":"business_hours"`), "initial_response.business.D", "unknown severity"},
		{"missing severity after rename", mod(`"C":{"coverage":"business_hours","target":"none"}`, `"X":{"coverage":"business_hours","target":"none"}`), "initial_response.business.X", "unknown severity"},
		{"bad coverage", mod(`"coverage":"24x7","target":"minutes","minutes":60`, `"coverage":"always","target":"minutes","minutes":60`), "initial_response.business.A.coverage", "unknown coverage"},
		{"bad target", mod(`"target":"next_business_day"`, `"target":"tomorrow"`), "initial_response.enterprise.B.target", "unknown target"},
		{"minutes missing", mod(`"target":"minutes","minutes":60}`, `"target":"minutes"}`), "initial_response.business.A.minutes", "required"},
		{"minutes zero", mod(`"minutes":240`, `"minutes":0`), "initial_response.elevated.C.minutes", "between 1"},
		{"minutes with none", mod(`"target":"none"}`, `"target":"none","minutes":5}`), "initial_response.business.B.minutes", "only allowed"},
		{"unknown entitlement field", mod(`"target":"none"}`, `"target":"none","note":""}`), "initial_response.business.B.note", "unknown field"},
		{"missing family", mod(`,"frontline":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"24x7","target":"next_business_day"},"C":{"coverage":"24x7","target":"none"}}`, ``), "initial_response.frontline", "missing"},
		{"enabled without targets", mod(`"next_reply":{"enabled":false`, `"next_reply":{"enabled":true`), "next_reply.targets.business", "missing"},
		{"unknown metric field", mod(`"next_reply":{"enabled":false`, `"next_reply":{"on":true,"enabled":false`), "next_reply.on", "unknown field"},
		{"not an object", `[]`, "", "must be a JSON object"},
	}
	for _, tt := range tests {
		_, err := ParsePolicy([]byte(tt.in))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want a FieldError", tt.name, err)
			continue
		}
		if fe.Field != tt.field || !strings.Contains(fe.Msg, tt.msg) {
			t.Errorf("%s: got %q / %q, want %q / %q", tt.name, fe.Field, fe.Msg, tt.field, tt.msg)
		}
	}
	if _, err := ParsePolicy([]byte(`{"version":`)); err == nil {
		t.Error("syntax error accepted")
	}
	// Optional fields take the defaults.
	p, err := ParsePolicy([]byte(`{"version": 3, "initial_response": ` + string(mustJSON(t, DefaultPolicy().Entries.toJSON())) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 3 || p.WarnShare != 0.75 || p.ReopenDays != 14 || !p.PauseWhileWaiting {
		t.Errorf("defaults not applied: %+v", p)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
