package sla

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDefaultPolicyMatchesSpec(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	type row struct {
		f   Family
		s   Severity
		cov Coverage
		k   TargetKind
		min int
	}
	want := []row{
		{FamilyBusiness, SeverityA, Coverage24x7, TargetMinutes, 60},
		{FamilyBusiness, SeverityB, CoverageBusinessHours, TargetNone, 0},
		{FamilyBusiness, SeverityC, CoverageBusinessHours, TargetNone, 0},
		{FamilyEnterprise, SeverityA, Coverage24x7, TargetMinutes, 60},
		{FamilyEnterprise, SeverityB, Coverage24x7, TargetNextBusinessDay, 0},
		{FamilyEnterprise, SeverityC, Coverage24x7, TargetNone, 0},
		{FamilyFrontline, SeverityA, Coverage24x7, TargetMinutes, 60},
		{FamilyFrontline, SeverityB, Coverage24x7, TargetNextBusinessDay, 0},
		{FamilyFrontline, SeverityC, Coverage24x7, TargetNone, 0},
		{FamilyElevated, SeverityA, Coverage24x7, TargetMinutes, 60},
		{FamilyElevated, SeverityB, Coverage24x7, TargetMinutes, 120},
		{FamilyElevated, SeverityC, Coverage24x7, TargetMinutes, 240},
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
	if _, err := p.Lookup("gold", SeverityA); err == nil {
		t.Error("unknown family accepted")
	}
	if _, err := p.Lookup(FamilyBusiness, "D"); err == nil {
		t.Error("unknown severity accepted")
	}
	if _, err := p.LookupMetric(MetricResolution, FamilyBusiness, SeverityA); err == nil {
		t.Error("disabled metric accepted")
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	p := DefaultPolicy()
	p.ResolutionEnabled = true
	p.Resolution = Table{}
	for _, f := range Families {
		p.Resolution[f] = map[Severity]Entitlement{}
		for _, s := range Severities {
			p.Resolution[f][s] = Entitlement{Coverage: CoverageBusinessHours, Target: Target{Kind: TargetMinutes, Minutes: 2400}}
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
