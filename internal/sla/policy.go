// Package sla holds the service-level policy (which target applies to which
// plan family and severity) and computes clocks (when counting starts, when a
// target is due, how much of it has been used) on a calendar. It is pure: no
// I/O except decoding the JSON it is handed.
package sla

import (
	"fmt"
	"math"
	"slices"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/jsonfield"
)

// MaxTargetMinutes bounds a minutes target (one year of round-the-clock minutes).
const MaxTargetMinutes = 525600

// Target is what is promised. Minutes is set only for Kind == TargetMinutes.
type Target struct {
	Kind    casedesk.TargetKind
	Minutes int
}

// String renders the target, e.g. "60 minutes", "next business day", "no commitment".
func (t Target) String() string {
	switch t.Kind {
	case casedesk.TargetMinutes:
		if t.Minutes == 1 {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", t.Minutes)
	case casedesk.TargetNextBusinessDay:
		return "next business day"
	case casedesk.TargetNone:
		return "no commitment"
	}
	return string(t.Kind)
}

// Entitlement is a target together with the calendar it counts on.
type Entitlement struct {
	Coverage casedesk.Coverage
	Target   Target
}

// Table maps family and severity to an entitlement.
type Table map[casedesk.Family]map[casedesk.Severity]Entitlement

// Policy is the service-level configuration. DefaultPolicy returns the
// shipped default; every number is configuration.
type Policy struct {
	Version int
	// Entries are the initial-response targets; every family and severity must be present.
	Entries Table
	// WarnShare is the share of a target's counting minutes after which the
	// clock warns (0 < WarnShare < 1; default 0.75).
	WarnShare float64
	// PauseWhileWaiting: time while the request waits on the customer does not count.
	PauseWhileWaiting bool
	// ReopenDays: a closed request can be reopened within this many days (default 14).
	ReopenDays int
	// NextReplyEnabled turns on the next-reply clock with NextReply targets.
	NextReplyEnabled bool
	NextReply        Table
	// ResolutionEnabled turns on the resolution clock with Resolution targets.
	ResolutionEnabled bool
	Resolution        Table
	// Untriaged says, by family, which severity's targets a request is held
	// to until the provider triages it (sets its severity). A family not
	// listed is held to UntriagedStrictest.
	Untriaged map[casedesk.Family]UntriagedRule
}

// UntriagedRule is which severity's targets an untriaged request is held
// to: UntriagedStrictest, or a severity ("A", "B" or "C").
type UntriagedRule string

// UntriagedStrictest holds an untriaged request to the strictest
// initial-response target its family is entitled to (Stricter), the default.
const UntriagedStrictest UntriagedRule = "strictest"

func (r UntriagedRule) valid() bool {
	return r == UntriagedStrictest || casedesk.Severity(r).Known()
}

// UntriagedSeverity returns the severity whose targets a request of the
// family is held to before triage: the policy's rule for the family, and
// for UntriagedStrictest the severity with the strictest initial-response
// entitlement (the most severe of equally strict ones).
func (p Policy) UntriagedSeverity(f casedesk.Family) casedesk.Severity {
	rule := p.Untriaged[f]
	if rule != "" && rule != UntriagedStrictest {
		return casedesk.Severity(rule)
	}
	best := casedesk.SeverityA
	for _, s := range casedesk.Severities()[1:] {
		e, ok := p.Entries[f][s]
		if ok && Stricter(e, p.Entries[f][best]) {
			best = s
		}
	}
	return best
}

// Stricter reports whether entitlement a promises more than b, judged on
// the entitlements alone (not on a calendar): a minutes target is stricter
// than next business day, which is stricter than no commitment; of two
// minutes targets the shorter is stricter; at the same target, counting
// round the clock (24x7) is stricter than business hours.
func Stricter(a, b Entitlement) bool {
	rank := func(k casedesk.TargetKind) int {
		switch k {
		case casedesk.TargetMinutes:
			return 0
		case casedesk.TargetNextBusinessDay:
			return 1
		}
		return 2
	}
	if ra, rb := rank(a.Target.Kind), rank(b.Target.Kind); ra != rb {
		return ra < rb
	}
	if a.Target.Kind == casedesk.TargetMinutes && a.Target.Minutes != b.Target.Minutes {
		return a.Target.Minutes < b.Target.Minutes
	}
	return a.Coverage == casedesk.Coverage24x7 && b.Coverage != casedesk.Coverage24x7
}

// DefaultWarnShare is the default Policy.WarnShare.
const DefaultWarnShare = 0.75

// DefaultReopenDays is the default Policy.ReopenDays.
const DefaultReopenDays = 14

func ent(c casedesk.Coverage, k casedesk.TargetKind, minutes int) Entitlement {
	return Entitlement{Coverage: c, Target: Target{Kind: k, Minutes: minutes}}
}

// DefaultPolicy is the support model's default policy (SPEC.md, "Plan
// families and initial-response targets"):
//
//	severity  business              enterprise/frontline   elevated
//	A         24x7, 60 min          24x7, 60 min           24x7, 60 min
//	B         business hours, none  24x7, next day         24x7, 120 min
//	C         business hours, none  24x7, none             24x7, 240 min
//
// Waiting on the customer pauses the clock, a request can be reopened for 14
// days, and next-reply and resolution clocks are off.
func DefaultPolicy() Policy {
	a := ent(casedesk.Coverage24x7, casedesk.TargetMinutes, 60)
	nextDay := ent(casedesk.Coverage24x7, casedesk.TargetNextBusinessDay, 0)
	return Policy{
		Version: 1,
		Entries: Table{
			casedesk.FamilyBusiness: {
				casedesk.SeverityA: a,
				casedesk.SeverityB: ent(casedesk.CoverageBusinessHours, casedesk.TargetNone, 0),
				casedesk.SeverityC: ent(casedesk.CoverageBusinessHours, casedesk.TargetNone, 0),
			},
			casedesk.FamilyEnterprise: {
				casedesk.SeverityA: a,
				casedesk.SeverityB: nextDay,
				casedesk.SeverityC: ent(casedesk.Coverage24x7, casedesk.TargetNone, 0),
			},
			casedesk.FamilyFrontline: {
				casedesk.SeverityA: a,
				casedesk.SeverityB: nextDay,
				casedesk.SeverityC: ent(casedesk.Coverage24x7, casedesk.TargetNone, 0),
			},
			casedesk.FamilyElevated: {
				casedesk.SeverityA: a,
				casedesk.SeverityB: ent(casedesk.Coverage24x7, casedesk.TargetMinutes, 120),
				casedesk.SeverityC: ent(casedesk.Coverage24x7, casedesk.TargetMinutes, 240),
			},
		},
		WarnShare:         DefaultWarnShare,
		PauseWhileWaiting: true,
		ReopenDays:        DefaultReopenDays,
		Untriaged:         DefaultUntriaged(),
	}
}

// DefaultUntriaged holds every family's untriaged requests to its strictest
// target.
func DefaultUntriaged() map[casedesk.Family]UntriagedRule {
	m := map[casedesk.Family]UntriagedRule{}
	for _, f := range casedesk.Families() {
		m[f] = UntriagedStrictest
	}
	return m
}

// FieldError is a validation or decoding error that names the offending
// field by its JSON path, e.g. "initial_response.enterprise.B.minutes". It
// is the calendar's: a preview embeds a calendar in its JSON form, and the
// errors of both read alike.
type FieldError = jsonfield.FieldError

// validate checks the entitlement; path prefixes field names in errors.
func (e Entitlement) validate(path string) error {
	switch e.Coverage {
	case casedesk.Coverage24x7, casedesk.CoverageBusinessHours:
	default:
		return jsonfield.Errorf(path+".coverage", "unknown coverage %q (want %q or %q)", e.Coverage, casedesk.Coverage24x7, casedesk.CoverageBusinessHours)
	}
	switch e.Target.Kind {
	case casedesk.TargetMinutes:
		if e.Target.Minutes < 1 || e.Target.Minutes > MaxTargetMinutes {
			return jsonfield.Errorf(path+".minutes", "must be between 1 and %d, got %d", MaxTargetMinutes, e.Target.Minutes)
		}
	case casedesk.TargetNextBusinessDay, casedesk.TargetNone:
		if e.Target.Minutes != 0 {
			return jsonfield.Errorf(path+".minutes", "only allowed with target %q", casedesk.TargetMinutes)
		}
	default:
		return jsonfield.Errorf(path+".target", "unknown target %q (want %q, %q or %q)", e.Target.Kind, casedesk.TargetMinutes, casedesk.TargetNextBusinessDay, casedesk.TargetNone)
	}
	return nil
}

// Validate checks an entitlement.
func (e Entitlement) Validate() error { return e.validate("entitlement") }

func (t Table) validate(path string, complete bool) error {
	for _, f := range sortedKeys(t) {
		if !f.Valid() {
			return jsonfield.Errorf(path+"."+string(f), "unknown family (want business, enterprise, frontline or elevated)")
		}
		for _, s := range sortedKeys(t[f]) {
			if !s.Known() {
				return jsonfield.Errorf(path+"."+string(f)+"."+string(s), "unknown severity (want A, B or C)")
			}
			if err := t[f][s].validate(path + "." + string(f) + "." + string(s)); err != nil {
				return err
			}
		}
	}
	if complete {
		for _, f := range casedesk.Families() {
			if t[f] == nil {
				return jsonfield.Errorf(path+"."+string(f), "missing")
			}
			for _, s := range casedesk.Severities() {
				if _, ok := t[f][s]; !ok {
					return jsonfield.Errorf(path+"."+string(f)+"."+string(s), "missing")
				}
			}
		}
	}
	return nil
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Validate checks the policy. Errors are *FieldError naming the JSON path.
func (p Policy) Validate() error {
	if p.Version < 1 {
		return jsonfield.Errorf("version", "must be at least 1, got %d", p.Version)
	}
	if math.IsNaN(p.WarnShare) || p.WarnShare <= 0 || p.WarnShare >= 1 {
		return jsonfield.Errorf("warn_share", "must be greater than 0 and less than 1, got %v", p.WarnShare)
	}
	if p.ReopenDays < 0 || p.ReopenDays > 3650 {
		return jsonfield.Errorf("reopen_days", "must be between 0 and 3650, got %d", p.ReopenDays)
	}
	if err := p.Entries.validate("initial_response", true); err != nil {
		return err
	}
	for _, f := range sortedKeys(p.Untriaged) {
		if !f.Valid() {
			return jsonfield.Errorf("untriaged."+string(f), "unknown family (want business, enterprise, frontline or elevated)")
		}
		if r := p.Untriaged[f]; !r.valid() {
			return jsonfield.Errorf("untriaged."+string(f), "unknown rule %q (want %q, \"A\", \"B\" or \"C\")", r, UntriagedStrictest)
		}
	}
	if err := p.NextReply.validate("next_reply.targets", p.NextReplyEnabled); err != nil {
		return err
	}
	return p.Resolution.validate("resolution.targets", p.ResolutionEnabled)
}

// Lookup returns the initial-response entitlement for a family and
// severity; severity "" (untriaged) gives that of UntriagedSeverity.
func (p Policy) Lookup(f casedesk.Family, s casedesk.Severity) (Entitlement, error) {
	return p.LookupMetric(casedesk.MetricInitialResponse, f, s)
}

// LookupMetric returns the entitlement of a metric for a family and
// severity, "" for an untriaged request (UntriagedSeverity). A disabled
// metric is an error.
func (p Policy) LookupMetric(m casedesk.Metric, f casedesk.Family, s casedesk.Severity) (Entitlement, error) {
	var t Table
	switch m {
	case casedesk.MetricInitialResponse:
		t = p.Entries
	case casedesk.MetricNextReply:
		if !p.NextReplyEnabled {
			return Entitlement{}, fmt.Errorf("sla: policy v%d: next-reply clock is disabled", p.Version)
		}
		t = p.NextReply
	case casedesk.MetricResolution:
		if !p.ResolutionEnabled {
			return Entitlement{}, fmt.Errorf("sla: policy v%d: resolution clock is disabled", p.Version)
		}
		t = p.Resolution
	default:
		return Entitlement{}, fmt.Errorf("sla: unknown metric %q", m)
	}
	if !f.Valid() {
		return Entitlement{}, fmt.Errorf("sla: unknown plan family %q", f)
	}
	if s == casedesk.SeverityNone {
		s = p.UntriagedSeverity(f)
	}
	if !s.Known() {
		return Entitlement{}, fmt.Errorf("sla: unknown severity %q", s)
	}
	e, ok := t[f][s]
	if !ok {
		return Entitlement{}, fmt.Errorf("sla: policy v%d has no %s target for %s/%s", p.Version, m, f, s)
	}
	return e, nil
}
