package sla

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
	"github.com/casedesk/casedesk/internal/jsonfield"
)

// Preview: compute a due time from a self-contained JSON description, for
// POST /api/v1/sla/preview and `casedesk sla due`. The format is documented in
// docs/sla.md:
//
//	{"id": "x",
//	 "calendar": {"type": "business_hours", "tz": "Europe/London",
//	              "weekly": {"mon": ["09:00-17:00"], ..., "sun": []},
//	              "holidays": ["2026-12-25", "12-26"]},
//	 "opened_at": "2026-12-24T16:30:00Z",
//	 "target_minutes": 60,
//	 "pauses": [["2026-12-24T16:40:00Z", "2026-12-24T16:50:00Z"]]}
//
// gives {"id":"x","due_at":"2026-12-29T09:30:00Z"}. The calendar is in its
// JSON form (calendar.ParseJSON).

// Limits on preview input.
const (
	MaxPreviewPauses = 1000
	MaxPreviewBytes  = 1 << 20 // one input value (casedesk sla due; the API's body limit is the same)
)

// PreviewResult is the answer to one preview input.
type PreviewResult struct {
	ID    string    `json:"id,omitempty"`
	DueAt time.Time `json:"due_at"`
}

// MarshalJSON writes due_at in UTC, RFC 3339, whole seconds.
func (r PreviewResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID    string `json:"id,omitempty"`
		DueAt string `json:"due_at"`
	}{r.ID, r.DueAt.UTC().Format(time.RFC3339)})
}

// PreviewOne decodes one JSON preview input and computes its due time.
// Input that is not JSON is answered with its *json.SyntaxError; any other
// failure is a *FieldError naming the offending field by its path (none
// when the input is not an object; unknown fields are errors). On failure
// the result carries the input's id, when it has a readable one.
func PreviewOne(data []byte) (PreviewResult, error) {
	m, err := jsonfield.Object(data, "", "id", "calendar", "opened_at", "target_minutes", "pauses")
	if err != nil {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return PreviewResult{}, err
		}
		var probe struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(data, &probe)
		if fe, ok := err.(*FieldError); ok && fe.Field == "" {
			fe.Msg = "input must be a JSON object"
		}
		return PreviewResult{ID: probe.ID}, err
	}
	var id string
	if raw, ok := m["id"]; ok {
		if id, err = jsonfield.String(raw, "id"); err != nil {
			return PreviewResult{}, err
		}
	}
	fail := func(err error) (PreviewResult, error) { return PreviewResult{ID: id}, err }

	raw, ok := m["calendar"]
	if !ok {
		return fail(jsonfield.Errorf("calendar", "required"))
	}
	cal, err := calendar.ParseJSON(raw)
	if err != nil {
		return fail(err)
	}
	raw, ok = m["opened_at"]
	if !ok {
		return fail(jsonfield.Errorf("opened_at", "required"))
	}
	opened, err := decodeTime(raw, "opened_at")
	if err != nil {
		return fail(err)
	}
	raw, ok = m["target_minutes"]
	if !ok {
		return fail(jsonfield.Errorf("target_minutes", "required"))
	}
	minutes, err := jsonfield.Int(raw, "target_minutes")
	if err != nil {
		return fail(err)
	}
	if minutes < 1 || minutes > MaxTargetMinutes {
		return fail(jsonfield.Errorf("target_minutes", "must be between 1 and %d, got %d", MaxTargetMinutes, minutes))
	}
	var pauses []Pause
	if raw, ok := m["pauses"]; ok && !jsonfield.IsNull(raw) {
		if pauses, err = decodePauses(raw); err != nil {
			return fail(err)
		}
	}
	cov := casedesk.CoverageBusinessHours
	if cal.Is24x7() {
		cov = casedesk.Coverage24x7
	}
	clock, err := NewClock(ClockInput{
		Calendar:    cal,
		OpenedAt:    opened,
		Entitlement: Entitlement{Coverage: cov, Target: Target{Kind: casedesk.TargetMinutes, Minutes: minutes}},
		Pauses:      pauses,
	})
	if err != nil {
		return fail(err)
	}
	if clock.Due.UTC().Year() > 9999 {
		return fail(jsonfield.Errorf("target_minutes", "due time would be after the year 9999"))
	}
	return PreviewResult{ID: id, DueAt: clock.Due.UTC()}, nil
}

func decodeTime(raw json.RawMessage, path string) (time.Time, error) {
	s, err := jsonfield.String(raw, path)
	if err != nil {
		return time.Time{}, jsonfield.Errorf(path, "must be an RFC 3339 timestamp string")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, jsonfield.Errorf(path, "%q is not an RFC 3339 timestamp (e.g. 2026-12-24T16:30:00Z)", s)
	}
	return t, nil
}

func decodePauses(raw json.RawMessage) ([]Pause, error) {
	items, err := jsonfield.Array(raw, "pauses")
	if err != nil {
		return nil, jsonfield.Errorf("pauses", "must be an array of [from, to] pairs")
	}
	if len(items) > MaxPreviewPauses {
		return nil, jsonfield.Errorf("pauses", "at most %d pauses", MaxPreviewPauses)
	}
	var out []Pause
	for i, it := range items {
		path := fmt.Sprintf("pauses[%d]", i)
		pair, err := jsonfield.Array(it, path)
		if err != nil || len(pair) != 2 {
			return nil, jsonfield.Errorf(path, "must be a [from, to] pair of RFC 3339 timestamps")
		}
		from, err := decodeTime(pair[0], path+"[0]")
		if err != nil {
			return nil, err
		}
		to, err := decodeTime(pair[1], path+"[1]")
		if err != nil {
			return nil, err
		}
		if to.Before(from) {
			return nil, jsonfield.Errorf(path+"[1]", "pause ends before it starts")
		}
		out = append(out, Pause{From: from, To: to})
	}
	return out, nil
}
