package casedesk

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWireValues pins the strings the vocabulary is stored and sent as:
// changing one is a migration and an API change, not a rename.
func TestWireValues(t *testing.T) {
	for _, c := range []struct {
		got, want string
		valid     bool
	}{
		{string(SeverityA), "A", SeverityA.Valid()},
		{string(SeverityB), "B", SeverityB.Valid()},
		{string(SeverityC), "C", SeverityC.Valid()},
		{string(FamilyBusiness), "business", FamilyBusiness.Valid()},
		{string(FamilyEnterprise), "enterprise", FamilyEnterprise.Valid()},
		{string(FamilyFrontline), "frontline", FamilyFrontline.Valid()},
		{string(FamilyElevated), "elevated", FamilyElevated.Valid()},
		{string(MetricInitialResponse), "initial_response", MetricInitialResponse.Valid()},
		{string(MetricNextReply), "next_reply", MetricNextReply.Valid()},
		{string(MetricResolution), "resolution", MetricResolution.Valid()},
		{string(Coverage24x7), "24x7", Coverage24x7.Valid()},
		{string(CoverageBusinessHours), "business_hours", CoverageBusinessHours.Valid()},
		{string(TargetMinutes), "minutes", TargetMinutes.Valid()},
		{string(TargetNextBusinessDay), "next_business_day", TargetNextBusinessDay.Valid()},
		{string(TargetNone), "none", TargetNone.Valid()},
		{string(MessageText), "message", MessageText.Valid()},
		{string(MessagePhone), "phone", MessagePhone.Valid()},
	} {
		if c.got != c.want || !c.valid {
			t.Errorf("%q: want %q, valid", c.got, c.want)
		}
	}
	want := "created status severity severity_reason assignee update message note phone attachment reopened transfer " +
		"linked merged outcome survey callback callback_done escalated unrouted " +
		"sla_started sla_stopped sla_recomputed sla_warn sla_breach"
	var got []string
	seen := map[EventKind]bool{}
	for _, k := range EventKinds() {
		got = append(got, string(k))
		if !k.Valid() || seen[k] {
			t.Errorf("event kind %q: invalid or listed twice", k)
		}
		seen[k] = true
		if k.SLA() != strings.HasPrefix(string(k), "sla_") {
			t.Errorf("%q.SLA() = %v", k, k.SLA())
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("event kinds\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestInvalidValues(t *testing.T) {
	if Severity("D").Valid() || Severity("a").Valid() || SeverityNone.Known() || !SeverityNone.Valid() {
		t.Error("severity: only A, B, C and unset are valid; unset is not known")
	}
	for _, s := range Severities() {
		if !s.Known() {
			t.Errorf("severity %q is listed but not known", s)
		}
	}
	if len(Families()) != 4 || len(Metrics()) != 3 {
		t.Errorf("families %v, metrics %v", Families(), Metrics())
	}
	for _, bad := range []bool{Family("standalone").Valid(), Metric("first_reply").Valid(), Coverage("24/7").Valid(),
		TargetKind("hours").Valid(), MessageKind("note").Valid(), EventKind("sla_").Valid(), EventKind("").Valid()} {
		if bad {
			t.Error("an unknown value is valid")
		}
	}
}

// TestEventEncodings checks that each two-valued Field or New reads back what
// was written, and is written as history lines were before it had a type.
func TestEventEncodings(t *testing.T) {
	for _, m := range Metrics() {
		for _, reason := range []string{"", "severity B→A", "policy v3 (calendar DE)"} {
			for _, k := range []EventKind{EventSLAStarted, EventSLAStopped, EventSLARecomputed, EventSLAWarn, EventSLABreach} {
				e := Event{Kind: k, Field: ClockField(m, reason)}
				if gm, gr := e.Clock(); gm != m || gr != reason {
					t.Errorf("%s %q: Clock() = %q, %q; want %q, %q", k, e.Field, gm, gr, m, reason)
				}
			}
		}
	}
	if f := ClockField(MetricInitialResponse, "severity B→A"); f != "initial_response (severity B→A)" {
		t.Errorf("ClockField = %q", f)
	}
	if m, r := (&Event{Kind: EventUpdated, Field: "title"}).Clock(); m != "" || r != "" {
		t.Errorf("Clock of an update = %q, %q", m, r)
	}

	if f := AssigneeField(""); f != "assignee_id" {
		t.Errorf("AssigneeField() = %q", f)
	}
	if f := AssigneeField("de"); f != "assignee_id (translator needed: nobody on shift speaks de)" {
		t.Errorf("AssigneeField(de) = %q", f)
	}
	for _, c := range []struct {
		e    Event
		want bool
	}{
		{Event{Kind: EventAssigneeChanged, Field: AssigneeField("zh-CN")}, true},
		{Event{Kind: EventAssigneeChanged, Field: AssigneeField("")}, false},
		{Event{Kind: EventUpdated, Field: AssigneeField("de")}, false},
	} {
		if c.e.TranslatorNeeded() != c.want {
			t.Errorf("%s %q: TranslatorNeeded() = %v", c.e.Kind, c.e.Field, !c.want)
		}
	}

	if v := OutOfScopeOutcome("addin"); v != "out_of_scope:addin" {
		t.Errorf("OutOfScopeOutcome = %q", v)
	}
	if r := (&Event{Kind: EventOutOfScope, New: OutOfScopeOutcome("network")}).OutOfScopeReason(); r != "network" {
		t.Errorf("OutOfScopeReason = %q", r)
	}
	if r := (&Event{Kind: EventLinked, New: OutOfScopeOutcome("network")}).OutOfScopeReason(); r != "" {
		t.Errorf("OutOfScopeReason of a link = %q", r)
	}

	for _, tier := range []int{1, 2} {
		e := Event{Kind: EventUnrouted, Field: TierField(tier)}
		if e.Field != "tier "+string(rune('0'+tier)) || e.Tier() != tier {
			t.Errorf("tier %d: Field %q, Tier() %d", tier, e.Field, e.Tier())
		}
	}
	if n := (&Event{Kind: EventEscalated, Field: "tier", New: "2"}).Tier(); n != 0 {
		t.Errorf("Tier of an escalation = %d", n)
	}
}

// TestDueText pins how history lines record due times and that ParseDue
// reads back exactly what DueText wrote, to the second.
func TestDueText(t *testing.T) {
	due := time.Date(2026, 12, 24, 17, 30, 0, 0, time.FixedZone("CET", 3600))
	if got := DueText(&due); got != "2026-12-24T16:30:00Z" {
		t.Errorf("DueText = %q", got)
	}
	if got := DueText(nil); got != "none" {
		t.Errorf("DueText(nil) = %q", got)
	}
	if back := ParseDue(DueText(&due)); back == nil || !back.Equal(due) {
		t.Errorf("ParseDue(DueText) = %v, want %v", back, due)
	}
	for _, v := range []string{"none", "", "tomorrow"} {
		if got := ParseDue(v); got != nil {
			t.Errorf("ParseDue(%q) = %v, want nil", v, got)
		}
	}
}

// TestCountries: the country list is ISO 3166-1's 249 assigned alpha-2
// codes, sorted (IsCountry searches it) and without reserved codes.
func TestCountries(t *testing.T) {
	cs := Countries()
	if len(cs) != 249 {
		t.Errorf("%d countries, want 249", len(cs))
	}
	if !slices.IsSorted(cs) {
		t.Error("the countries are not sorted")
	}
	for _, c := range cs {
		if len(c) != 2 || strings.ToUpper(c) != c {
			t.Errorf("%q is not an alpha-2 code", c)
		}
	}
	for _, c := range []string{"DE", "CN", "US", "AD", "ZW"} {
		if !IsCountry(c) {
			t.Errorf("IsCountry(%q) = false", c)
		}
	}
	for _, c := range []string{"", "de", "UK", "EU", "XK", "ZZ", "DEU"} {
		if IsCountry(c) {
			t.Errorf("IsCountry(%q) = true", c)
		}
	}
}
