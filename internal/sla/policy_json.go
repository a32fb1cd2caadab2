package sla

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/jsonfield"
)

// JSON form of a Policy (see docs/sla.md):
//
//	{
//	  "version": 1,
//	  "warn_share": 0.75,
//	  "pause_while_waiting": true,
//	  "reopen_days": 14,
//	  "initial_response": {
//	    "business": {"A": {"coverage": "24x7", "target": "minutes", "minutes": 60}, ...},
//	    ...
//	  },
//	  "next_reply": {"enabled": false, "targets": {}},
//	  "resolution": {"enabled": false, "targets": {}},
//	  "untriaged": {"business": "strictest", ...}
//	}
//
// Object keys are written in sorted order, so the encoding is stable.

type entitlementJSON struct {
	Coverage casedesk.Coverage   `json:"coverage"`
	Target   casedesk.TargetKind `json:"target"`
	Minutes  int                 `json:"minutes,omitempty"`
}

type tableJSON map[casedesk.Family]map[casedesk.Severity]entitlementJSON

type metricJSON struct {
	Enabled bool      `json:"enabled"`
	Targets tableJSON `json:"targets"`
}

type policyJSON struct {
	Version           int        `json:"version"`
	WarnShare         float64    `json:"warn_share"`
	PauseWhileWaiting bool       `json:"pause_while_waiting"`
	ReopenDays        int        `json:"reopen_days"`
	InitialResponse   tableJSON  `json:"initial_response"`
	NextReply         metricJSON `json:"next_reply"`
	Resolution        metricJSON `json:"resolution"`
	// Untriaged is written for every family, so an export says what applies.
	Untriaged map[casedesk.Family]UntriagedRule `json:"untriaged"`
}

func (t Table) toJSON() tableJSON {
	out := tableJSON{}
	for f, row := range t {
		r := map[casedesk.Severity]entitlementJSON{}
		for s, e := range row {
			r[s] = entitlementJSON{Coverage: e.Coverage, Target: e.Target.Kind, Minutes: e.Target.Minutes}
		}
		out[f] = r
	}
	return out
}

// MarshalJSON encodes the policy in its documented export format. It does not
// validate; call Validate first if the policy was built by hand.
func (p Policy) MarshalJSON() ([]byte, error) {
	return json.Marshal(policyJSON{
		Version:           p.Version,
		WarnShare:         p.WarnShare,
		PauseWhileWaiting: p.PauseWhileWaiting,
		ReopenDays:        p.ReopenDays,
		InitialResponse:   p.Entries.toJSON(),
		NextReply:         metricJSON{Enabled: p.NextReplyEnabled, Targets: p.NextReply.toJSON()},
		Resolution:        metricJSON{Enabled: p.ResolutionEnabled, Targets: p.Resolution.toJSON()},
		Untriaged:         p.untriagedRules(),
	})
}

// untriagedRules is the policy's untriaged rule of every family, the
// default filled in.
func (p Policy) untriagedRules() map[casedesk.Family]UntriagedRule {
	m := DefaultUntriaged()
	for f, r := range p.Untriaged {
		if r != "" {
			m[f] = r
		}
	}
	return m
}

// UnmarshalJSON decodes and validates a policy. "version" and
// "initial_response" are required; absent optional fields take the defaults
// (warn_share 0.75, pause_while_waiting true, reopen_days 14, next_reply and
// resolution disabled, every family's untriaged rule "strictest", so a
// version stored before the rule existed reads as the default). Unknown fields are errors. Every error is a
// *FieldError naming the JSON path of the offending field.
func (p *Policy) UnmarshalJSON(data []byte) error {
	m, err := jsonfield.Object(data, "", "version", "warn_share", "pause_while_waiting", "reopen_days", "initial_response", "next_reply", "resolution", "untriaged")
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) && fe.Field == "" {
			fe.Msg = "policy must be a JSON object"
		}
		return err
	}
	d := DefaultPolicy()
	q := Policy{WarnShare: d.WarnShare, PauseWhileWaiting: d.PauseWhileWaiting, ReopenDays: d.ReopenDays, Untriaged: DefaultUntriaged()}
	raw, ok := m["version"]
	if !ok {
		return jsonfield.Errorf("version", "required")
	}
	if q.Version, err = jsonfield.Int(raw, "version"); err != nil {
		return err
	}
	if raw, ok := m["warn_share"]; ok {
		if q.WarnShare, err = jsonfield.Float(raw, "warn_share"); err != nil {
			return err
		}
	}
	if raw, ok := m["pause_while_waiting"]; ok {
		if q.PauseWhileWaiting, err = jsonfield.Bool(raw, "pause_while_waiting"); err != nil {
			return err
		}
	}
	if raw, ok := m["reopen_days"]; ok {
		if q.ReopenDays, err = jsonfield.Int(raw, "reopen_days"); err != nil {
			return err
		}
	}
	raw, ok = m["initial_response"]
	if !ok {
		return jsonfield.Errorf("initial_response", "required")
	}
	if q.Entries, err = decodeTable(raw, "initial_response"); err != nil {
		return err
	}
	for _, mt := range []struct {
		name    string
		enabled *bool
		table   *Table
	}{
		{"next_reply", &q.NextReplyEnabled, &q.NextReply},
		{"resolution", &q.ResolutionEnabled, &q.Resolution},
	} {
		raw, ok := m[mt.name]
		if !ok || jsonfield.IsNull(raw) {
			continue
		}
		mm, err := jsonfield.Object(raw, mt.name, "enabled", "targets")
		if err != nil {
			return err
		}
		if r, ok := mm["enabled"]; ok {
			if *mt.enabled, err = jsonfield.Bool(r, mt.name+".enabled"); err != nil {
				return err
			}
		}
		if r, ok := mm["targets"]; ok && !jsonfield.IsNull(r) {
			if *mt.table, err = decodeTable(r, mt.name+".targets"); err != nil {
				return err
			}
		}
	}
	if raw, ok := m["untriaged"]; ok && !jsonfield.IsNull(raw) {
		fams, err := jsonfield.Object(raw, "untriaged")
		if err != nil {
			return err
		}
		for _, f := range sortedKeys(fams) {
			fp := jsonfield.Join("untriaged", f)
			if !casedesk.Family(f).Valid() {
				return jsonfield.Errorf(fp, "unknown family (want business, enterprise, frontline or elevated)")
			}
			r, err := jsonfield.String(fams[f], fp)
			if err != nil {
				return err
			}
			q.Untriaged[casedesk.Family(f)] = UntriagedRule(r)
		}
	}
	if err := q.Validate(); err != nil {
		return err
	}
	*p = q
	return nil
}

func decodeTable(raw json.RawMessage, path string) (Table, error) {
	fams, err := jsonfield.Object(raw, path)
	if err != nil {
		return nil, err
	}
	t := Table{}
	for _, f := range sortedKeys(fams) {
		fp := jsonfield.Join(path, f)
		if !casedesk.Family(f).Valid() {
			return nil, jsonfield.Errorf(fp, "unknown family (want business, enterprise, frontline or elevated)")
		}
		sevs, err := jsonfield.Object(fams[f], fp)
		if err != nil {
			return nil, err
		}
		row := map[casedesk.Severity]Entitlement{}
		for _, s := range sortedKeys(sevs) {
			sp := jsonfield.Join(fp, s)
			if !casedesk.Severity(s).Known() {
				return nil, jsonfield.Errorf(sp, "unknown severity (want A, B or C)")
			}
			e, err := decodeEntitlement(sevs[s], sp)
			if err != nil {
				return nil, err
			}
			row[casedesk.Severity(s)] = e
		}
		t[casedesk.Family(f)] = row
	}
	return t, nil
}

func decodeEntitlement(raw json.RawMessage, path string) (Entitlement, error) {
	m, err := jsonfield.Object(raw, path, "coverage", "target", "minutes")
	if err != nil {
		return Entitlement{}, err
	}
	var e Entitlement
	r, ok := m["coverage"]
	if !ok {
		return e, jsonfield.Errorf(jsonfield.Join(path, "coverage"), "required")
	}
	s, err := jsonfield.String(r, jsonfield.Join(path, "coverage"))
	if err != nil {
		return e, err
	}
	e.Coverage = casedesk.Coverage(s)
	r, ok = m["target"]
	if !ok {
		return e, jsonfield.Errorf(jsonfield.Join(path, "target"), "required")
	}
	if s, err = jsonfield.String(r, jsonfield.Join(path, "target")); err != nil {
		return e, err
	}
	e.Target.Kind = casedesk.TargetKind(s)
	if r, ok := m["minutes"]; ok {
		if e.Target.Minutes, err = jsonfield.Int(r, jsonfield.Join(path, "minutes")); err != nil {
			return e, err
		}
	} else if e.Target.Kind == casedesk.TargetMinutes {
		return e, jsonfield.Errorf(jsonfield.Join(path, "minutes"), "required with target %q", casedesk.TargetMinutes)
	}
	if err := e.validate(path); err != nil {
		return e, err
	}
	return e, nil
}

// ParsePolicy decodes and validates a policy from its JSON form.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	if err := json.Unmarshal(data, &p); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return Policy{}, fe
		}
		return Policy{}, fmt.Errorf("sla: policy: %w", err)
	}
	return p, nil
}
