package sla

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
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
// gives {"id":"x","due_at":"2026-12-29T09:30:00Z"}.

// Limits on preview input.
const (
	MaxPreviewHolidays = 5000
	MaxPreviewPauses   = 1000
	MaxPreviewBytes    = 1 << 20 // one input value, RunDue
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

// PreviewProblem is an RFC 9457 problem detail for bad input, extended with
// the offending field's path (e.g. "calendar.weekly.mon[0]") and, from
// RunDue, the 1-based input line on which the value began.
type PreviewProblem struct {
	ID     string `json:"id,omitempty"`
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field,omitempty"`
	Line   int    `json:"line,omitempty"`
}

func (p *PreviewProblem) Error() string {
	if p.Field != "" {
		return p.Field + ": " + p.Detail
	}
	return p.Detail
}

func problem(id, field, detail string) *PreviewProblem {
	return &PreviewProblem{ID: id, Type: "about:blank", Title: "invalid input", Status: 400, Detail: detail, Field: field}
}

func problemFrom(id string, err error) *PreviewProblem {
	var fe *FieldError
	if errors.As(err, &fe) {
		return problem(id, fe.Field, fe.Msg)
	}
	return problem(id, "", err.Error())
}

// zoneLoader loads IANA zones, caching successes.
type zoneLoader interface {
	load(name string) (*time.Location, error)
}

func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone name", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return l, nil
}

// sharedZones is the process-wide cache used by PreviewOne.
var sharedZones = &lockedZones{m: map[string]*time.Location{}}

type lockedZones struct {
	mu sync.Mutex
	m  map[string]*time.Location
}

func (z *lockedZones) load(name string) (*time.Location, error) {
	z.mu.Lock()
	l, ok := z.m[name]
	z.mu.Unlock()
	if ok {
		return l, nil
	}
	l, err := loadZone(name)
	if err != nil {
		return nil, err
	}
	z.mu.Lock()
	if len(z.m) < 4096 {
		z.m[name] = l
	}
	z.mu.Unlock()
	return l, nil
}

// localZones is RunDue's single-goroutine cache.
type localZones map[string]*time.Location

func (z localZones) load(name string) (*time.Location, error) {
	if l, ok := z[name]; ok {
		return l, nil
	}
	l, err := loadZone(name)
	if err != nil {
		return nil, err
	}
	z[name] = l
	return l, nil
}

// PreviewOne decodes one JSON preview input and computes its due time.
// Unknown fields are errors; the problem names the offending field.
func PreviewOne(data []byte) (PreviewResult, *PreviewProblem) {
	return previewOne(data, sharedZones)
}

var weekdayKeys = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} // time.Weekday order

func previewOne(data []byte, zones zoneLoader) (PreviewResult, *PreviewProblem) {
	m, err := object(data, "", "id", "calendar", "opened_at", "target_minutes", "pauses")
	if err != nil {
		if !json.Valid(data) {
			return PreviewResult{}, problem("", "", "input is not valid JSON")
		}
		var id string
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(data, &probe) == nil {
			id = probe.ID
		}
		p := problemFrom(id, err)
		if p.Field == "" {
			p.Detail = "input must be a JSON object"
		}
		return PreviewResult{}, p
	}
	var id string
	if raw, ok := m["id"]; ok {
		if id, err = decodeString(raw, "id"); err != nil {
			return PreviewResult{}, problemFrom("", err)
		}
	}
	fail := func(err error) (PreviewResult, *PreviewProblem) { return PreviewResult{}, problemFrom(id, err) }

	raw, ok := m["calendar"]
	if !ok {
		return fail(fieldErr("calendar", "required"))
	}
	cal, err := decodeCalendar(raw, zones)
	if err != nil {
		return fail(err)
	}
	raw, ok = m["opened_at"]
	if !ok {
		return fail(fieldErr("opened_at", "required"))
	}
	opened, err := decodeTime(raw, "opened_at")
	if err != nil {
		return fail(err)
	}
	raw, ok = m["target_minutes"]
	if !ok {
		return fail(fieldErr("target_minutes", "required"))
	}
	minutes, err := decodeInt(raw, "target_minutes")
	if err != nil {
		return fail(err)
	}
	if minutes < 1 || minutes > MaxTargetMinutes {
		return fail(fieldErr("target_minutes", "must be between 1 and %d, got %d", MaxTargetMinutes, minutes))
	}
	var pauses []Pause
	if raw, ok := m["pauses"]; ok && !isNull(raw) {
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
		return fail(fieldErr("target_minutes", "due time would be after the year 9999"))
	}
	return PreviewResult{ID: id, DueAt: clock.Due.UTC()}, nil
}

func decodeTime(raw json.RawMessage, path string) (time.Time, error) {
	s, err := decodeString(raw, path)
	if err != nil {
		return time.Time{}, fieldErr(path, "must be an RFC 3339 timestamp string")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fieldErr(path, "%q is not an RFC 3339 timestamp (e.g. 2026-12-24T16:30:00Z)", s)
	}
	return t, nil
}

func decodePauses(raw json.RawMessage) ([]Pause, error) {
	items, err := decodeArray(raw, "pauses")
	if err != nil {
		return nil, fieldErr("pauses", "must be an array of [from, to] pairs")
	}
	if len(items) > MaxPreviewPauses {
		return nil, fieldErr("pauses", "at most %d pauses", MaxPreviewPauses)
	}
	var out []Pause
	for i, it := range items {
		path := fmt.Sprintf("pauses[%d]", i)
		pair, err := decodeArray(it, path)
		if err != nil || len(pair) != 2 {
			return nil, fieldErr(path, "must be a [from, to] pair of RFC 3339 timestamps")
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
			return nil, fieldErr(path+"[1]", "pause ends before it starts")
		}
		out = append(out, Pause{From: from, To: to})
	}
	return out, nil
}

func decodeCalendar(raw json.RawMessage, zones zoneLoader) (*calendar.Calendar, error) {
	m, err := object(raw, "calendar", "type", "tz", "weekly", "holidays")
	if err != nil {
		return nil, err
	}
	r, ok := m["type"]
	if !ok {
		return nil, fieldErr("calendar.type", "required")
	}
	typ, err := decodeString(r, "calendar.type")
	if err != nil {
		return nil, err
	}
	if typ != string(casedesk.Coverage24x7) && typ != string(casedesk.CoverageBusinessHours) {
		return nil, fieldErr("calendar.type", "must be %q or %q, got %q", casedesk.Coverage24x7, casedesk.CoverageBusinessHours, typ)
	}
	is247 := typ == string(casedesk.Coverage24x7)
	// The other fields are optional on 24x7 but still checked when given.
	var loc *time.Location
	if r, ok := m["tz"]; ok && !(is247 && isNull(r)) {
		name, err := decodeString(r, "calendar.tz")
		if err != nil {
			return nil, err
		}
		if loc, err = zones.load(name); err != nil {
			return nil, fieldErr("calendar.tz", "%v", err)
		}
	} else if !is247 {
		return nil, fieldErr("calendar.tz", "required for business_hours")
	}
	var weekly [7][]calendar.Interval
	if r, ok := m["weekly"]; ok && !(is247 && isNull(r)) {
		days, err := object(r, "calendar.weekly", weekdayKeys...)
		if err != nil {
			return nil, err
		}
		total := 0
		for wd, key := range weekdayKeys {
			r, ok := days[key]
			if !ok || isNull(r) {
				continue // a missing day is closed
			}
			path := "calendar.weekly." + key
			items, err := decodeArray(r, path)
			if err != nil {
				return nil, fieldErr(path, "must be an array of \"HH:MM-HH:MM\" strings")
			}
			for i, it := range items {
				ip := fmt.Sprintf("%s[%d]", path, i)
				s, err := decodeString(it, ip)
				if err != nil {
					return nil, fieldErr(ip, "must be a string \"HH:MM-HH:MM\"")
				}
				iv, err := calendar.ParseInterval(s)
				if err != nil {
					return nil, fieldErr(ip, "%v", err)
				}
				if n := len(weekly[wd]); n > 0 && iv.Start < weekly[wd][n-1].End {
					return nil, fieldErr(ip, "interval %s overlaps or precedes %s; list a day's intervals in order without overlap", iv, weekly[wd][n-1])
				}
				weekly[wd] = append(weekly[wd], iv)
				total += iv.End - iv.Start
			}
		}
		if total == 0 && !is247 {
			return nil, fieldErr("calendar.weekly", "no business hours on any day")
		}
	} else if !is247 {
		return nil, fieldErr("calendar.weekly", "required for business_hours")
	}
	var holidays []calendar.Holiday
	if r, ok := m["holidays"]; ok && !isNull(r) {
		items, err := decodeArray(r, "calendar.holidays")
		if err != nil {
			return nil, fieldErr("calendar.holidays", "must be an array of \"YYYY-MM-DD\" or \"MM-DD\" strings")
		}
		if len(items) > MaxPreviewHolidays {
			return nil, fieldErr("calendar.holidays", "at most %d holidays", MaxPreviewHolidays)
		}
		for i, it := range items {
			hp := fmt.Sprintf("calendar.holidays[%d]", i)
			h, err := decodeHoliday(it, hp)
			if err != nil {
				return nil, err
			}
			holidays = append(holidays, h)
		}
	}
	if is247 {
		return calendar.TwentyFourSeven(), nil
	}
	cal, err := calendar.NewBusinessHours(loc, weekly, holidays)
	if err != nil {
		field := "calendar"
		if strings.Contains(err.Error(), "holiday") {
			field = "calendar.holidays"
		}
		return nil, fieldErr(field, "%s", strings.TrimPrefix(err.Error(), "calendar: "))
	}
	return cal, nil
}

// decodeHoliday accepts a date string, or an object {"date": …, "name": …}
// that names the holiday.
func decodeHoliday(raw json.RawMessage, path string) (calendar.Holiday, error) {
	date, name := "", ""
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		m, err := object(raw, path, "date", "name")
		if err != nil {
			return calendar.Holiday{}, err
		}
		r, ok := m["date"]
		if !ok {
			return calendar.Holiday{}, fieldErr(path+".date", "required")
		}
		if date, err = decodeString(r, path+".date"); err != nil {
			return calendar.Holiday{}, err
		}
		if r, ok := m["name"]; ok {
			if name, err = decodeString(r, path+".name"); err != nil {
				return calendar.Holiday{}, err
			}
			if len(name) > 200 {
				return calendar.Holiday{}, fieldErr(path+".name", "at most 200 characters")
			}
		}
		path += ".date"
	} else {
		var err error
		if date, err = decodeString(raw, path); err != nil {
			return calendar.Holiday{}, fieldErr(path, "must be a string \"YYYY-MM-DD\" or \"MM-DD\" (yearly), or {\"date\": …, \"name\": …}")
		}
	}
	h, err := parseHoliday(date)
	if err != nil {
		return calendar.Holiday{}, fieldErr(path, "%v", err)
	}
	h.Name = name
	return h, nil
}

// ParseCalendar decodes a calendar in the preview's JSON form — {"type",
// "tz", "weekly", "holidays"}, holidays as dates or {"date", "name"} — the
// form in which casedesk stores calendars and operators send them. Errors
// are *FieldError with paths under "calendar".
func ParseCalendar(data []byte) (*calendar.Calendar, error) {
	return decodeCalendar(json.RawMessage(data), sharedZones)
}

// parseHoliday accepts "YYYY-MM-DD" (that date) or "MM-DD" (every year).
func parseHoliday(s string) (calendar.Holiday, error) {
	if len(s) == len("12-25") {
		d, err := calendar.ParseDate("2000-" + s)
		if err != nil {
			return calendar.Holiday{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD or MM-DD", s)
		}
		d.Year = 0
		return calendar.Holiday{Date: d, Yearly: true}, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return calendar.Holiday{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD or MM-DD", s)
	}
	return calendar.Holiday{Date: d}, nil
}

// RunDue reads preview inputs from in and writes one output line per input
// to out: a PreviewResult or a PreviewProblem. Input is JSON Lines; a value
// may also span several lines (e.g. one pretty-printed object). Blank lines
// are skipped. A line that cannot start or continue a JSON value yields a
// problem line and reading resumes with the next line. Time zones are loaded
// once per run. The error is non-nil only for read or write failures.
func RunDue(in io.Reader, out io.Writer) error {
	br := bufio.NewReaderSize(in, 64<<10)
	bw := bufio.NewWriter(out)
	zones := localZones{}
	var buf []byte
	bufLine, lineNo := 0, 0

	emit := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
		if br.Buffered() == 0 { // about to block on input: let the reader see results
			return bw.Flush()
		}
		return nil
	}
	process := func(data []byte, line int) error {
		res, prob := previewOne(data, zones)
		if prob != nil {
			prob.Line = line
			return emit(prob)
		}
		return emit(res)
	}
	bad := func(line int, detail string) error {
		p := problem("", "", detail)
		p.Line = line
		return emit(p)
	}

	for {
		line, rerr := br.ReadBytes('\n')
		if len(line) > 0 {
			lineNo++
			trimmed := bytes.TrimSpace(line)
			switch {
			case len(trimmed) == 0 && len(buf) == 0:
				// blank line between values
			case len(buf)+len(line) > MaxPreviewBytes:
				if err := bad(max(bufLine, lineNo), fmt.Sprintf("input value longer than %d bytes", MaxPreviewBytes)); err != nil {
					return err
				}
				buf = buf[:0]
			default:
				if len(buf) == 0 {
					bufLine = lineNo
				}
				buf = append(buf, line...)
				state := jsonState(buf)
				switch {
				case state == jsonComplete:
					if err := process(buf, bufLine); err != nil {
						return err
					}
					buf = buf[:0]
				case state == jsonInvalid && bufLine != lineNo && jsonState(line) != jsonInvalid:
					// The earlier lines were a broken value; this line starts afresh.
					if err := bad(bufLine, "invalid JSON (unterminated value)"); err != nil {
						return err
					}
					buf = append(buf[:0], line...)
					bufLine = lineNo
					if jsonState(buf) == jsonComplete {
						if err := process(buf, bufLine); err != nil {
							return err
						}
						buf = buf[:0]
					}
				case state == jsonInvalid:
					if err := bad(bufLine, "invalid JSON: "+jsonError(buf)); err != nil {
						return err
					}
					buf = buf[:0]
				}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if len(bytes.TrimSpace(buf)) > 0 {
		if err := bad(bufLine, "invalid JSON: unexpected end of input"); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type jsonStatus int

const (
	jsonComplete jsonStatus = iota
	jsonIncomplete
	jsonInvalid
)

func jsonState(b []byte) jsonStatus {
	var v json.RawMessage
	err := json.Unmarshal(b, &v)
	if err == nil {
		return jsonComplete
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(b, " \t\r\n"))) && strings.Contains(se.Error(), "unexpected end of JSON input") {
		return jsonIncomplete
	}
	return jsonInvalid
}

func jsonError(b []byte) string {
	var v json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return ""
}
