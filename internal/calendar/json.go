package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/casedesk/casedesk/internal/jsonfield"
)

// The JSON form of a calendar, in which casedesk stores calendars, operators
// send them and previews describe them (docs/sla.md):
//
//	{"type": "business_hours", "tz": "Europe/London",
//	 "weekly": {"mon": ["09:00-17:00"], ..., "sun": []},
//	 "holidays": ["2026-12-25", "12-26", {"date": "2026-12-28", "name": "Bank holiday"},
//	              {"date": "2028-10-03", "yearly": true, "name": "…", "uid": "…"}]}
//
// "type" is "business_hours" or "24x7"; on 24x7 the other fields are
// optional, checked when given, and not used.

// Limits on the JSON form.
const (
	MaxHolidays       = 5000
	MaxHolidayNameLen = 200
)

// FieldError is JSON input that does not decode, naming the offending
// value by its path (e.g. "calendar.weekly.mon[0]").
type FieldError = jsonfield.FieldError

// ParseJSON decodes a calendar in its JSON form. Unknown fields are errors;
// errors are *FieldError with paths under "calendar". Time zones are loaded
// once per process.
func ParseJSON(data []byte) (*Calendar, error) {
	const path = "calendar"
	m, err := jsonfield.Object(data, path, "type", "tz", "weekly", "holidays")
	if err != nil {
		return nil, err
	}
	r, ok := m["type"]
	if !ok {
		return nil, jsonfield.Errorf(path+".type", "required")
	}
	typ, err := jsonfield.String(r, path+".type")
	if err != nil {
		return nil, err
	}
	const twentyFourSeven, businessHours = "24x7", "business_hours"
	if typ != twentyFourSeven && typ != businessHours {
		return nil, jsonfield.Errorf(path+".type", "must be %q or %q, got %q", twentyFourSeven, businessHours, typ)
	}
	is247 := typ == twentyFourSeven
	// The other fields are optional on 24x7 but still checked when given.
	var loc *time.Location
	if r, ok := m["tz"]; ok && !(is247 && jsonfield.IsNull(r)) {
		name, err := jsonfield.String(r, path+".tz")
		if err != nil {
			return nil, err
		}
		if loc, err = zones.load(name); err != nil {
			return nil, jsonfield.Errorf(path+".tz", "%v", err)
		}
	} else if !is247 {
		return nil, jsonfield.Errorf(path+".tz", "required for business_hours")
	}
	var weekly [7][]Interval
	if r, ok := m["weekly"]; ok && !(is247 && jsonfield.IsNull(r)) {
		if weekly, err = decodeWeekly(r, path+".weekly", !is247); err != nil {
			return nil, err
		}
	} else if !is247 {
		return nil, jsonfield.Errorf(path+".weekly", "required for business_hours")
	}
	var holidays []Holiday
	if r, ok := m["holidays"]; ok && !jsonfield.IsNull(r) {
		if holidays, err = decodeHolidays(r, path+".holidays"); err != nil {
			return nil, err
		}
	}
	if is247 {
		return TwentyFourSeven(), nil
	}
	cal, err := NewBusinessHours(loc, weekly, holidays)
	if err != nil {
		field := path
		if strings.Contains(err.Error(), "holiday") {
			field = path + ".holidays"
		}
		return nil, jsonfield.Errorf(field, "%s", strings.TrimPrefix(err.Error(), "calendar: "))
	}
	return cal, nil
}

var weekdayKeys = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} // time.Weekday order

// decodeWeekly decodes {"mon": ["09:00-17:00"], …}; a missing day is closed.
// needHours: some day must have hours.
func decodeWeekly(raw json.RawMessage, path string, needHours bool) ([7][]Interval, error) {
	var weekly [7][]Interval
	days, err := jsonfield.Object(raw, path, weekdayKeys...)
	if err != nil {
		return weekly, err
	}
	total := 0
	for wd, key := range weekdayKeys {
		r, ok := days[key]
		if !ok || jsonfield.IsNull(r) {
			continue
		}
		dp := path + "." + key
		items, err := jsonfield.Array(r, dp)
		if err != nil {
			return weekly, jsonfield.Errorf(dp, "must be an array of \"HH:MM-HH:MM\" strings")
		}
		for i, it := range items {
			ip := fmt.Sprintf("%s[%d]", dp, i)
			s, err := jsonfield.String(it, ip)
			if err != nil {
				return weekly, jsonfield.Errorf(ip, "must be a string \"HH:MM-HH:MM\"")
			}
			iv, err := ParseInterval(s)
			if err != nil {
				return weekly, jsonfield.Errorf(ip, "%v", err)
			}
			if n := len(weekly[wd]); n > 0 && iv.Start < weekly[wd][n-1].End {
				return weekly, jsonfield.Errorf(ip, "interval %s overlaps or precedes %s; list a day's intervals in order without overlap", iv, weekly[wd][n-1])
			}
			weekly[wd] = append(weekly[wd], iv)
			total += iv.End - iv.Start
		}
	}
	if total == 0 && needHours {
		return weekly, jsonfield.Errorf(path, "no business hours on any day")
	}
	return weekly, nil
}

func decodeHolidays(raw json.RawMessage, path string) ([]Holiday, error) {
	items, err := jsonfield.Array(raw, path)
	if err != nil {
		return nil, jsonfield.Errorf(path, "must be an array of \"YYYY-MM-DD\" or \"MM-DD\" strings")
	}
	if len(items) > MaxHolidays {
		return nil, jsonfield.Errorf(path, "at most %d holidays", MaxHolidays)
	}
	var out []Holiday
	for i, it := range items {
		h, err := decodeHoliday(it, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// decodeHoliday accepts a date string, or an object {"date": …, "name": …,
// "yearly": …, "uid": …}. "yearly": true with a full date is a yearly
// holiday from that date's year on; "uid" is the iCalendar UID of the event
// it was imported from.
func decodeHoliday(raw json.RawMessage, path string) (Holiday, error) {
	date, name, uid := "", "", ""
	yearly, yearlyFalse := false, false
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		m, err := jsonfield.Object(raw, path, "date", "name", "yearly", "uid")
		if err != nil {
			return Holiday{}, err
		}
		r, ok := m["date"]
		if !ok {
			return Holiday{}, jsonfield.Errorf(path+".date", "required")
		}
		if date, err = jsonfield.String(r, path+".date"); err != nil {
			return Holiday{}, err
		}
		if r, ok := m["name"]; ok {
			if name, err = jsonfield.String(r, path+".name"); err != nil {
				return Holiday{}, err
			}
			if len(name) > MaxHolidayNameLen {
				return Holiday{}, jsonfield.Errorf(path+".name", "at most %d characters", MaxHolidayNameLen)
			}
		}
		if r, ok := m["uid"]; ok {
			if uid, err = jsonfield.String(r, path+".uid"); err != nil {
				return Holiday{}, err
			}
			if len(uid) > MaxHolidayNameLen {
				return Holiday{}, jsonfield.Errorf(path+".uid", "at most %d characters", MaxHolidayNameLen)
			}
		}
		if r, ok := m["yearly"]; ok {
			if json.Unmarshal(r, &yearly) != nil || jsonfield.IsNull(r) {
				return Holiday{}, jsonfield.Errorf(path+".yearly", "must be true or false")
			}
			yearlyFalse = !yearly
		}
		path += ".date"
	} else {
		var err error
		if date, err = jsonfield.String(raw, path); err != nil {
			return Holiday{}, jsonfield.Errorf(path, "must be a string \"YYYY-MM-DD\" or \"MM-DD\" (yearly), or {\"date\": …, \"name\": …}")
		}
	}
	h, err := parseHoliday(date)
	if err != nil {
		return Holiday{}, jsonfield.Errorf(path, "%v", err)
	}
	if h.Yearly && yearlyFalse {
		return Holiday{}, jsonfield.Errorf(strings.TrimSuffix(path, ".date")+".yearly", "a MM-DD date is yearly; give YYYY-MM-DD for a single date")
	}
	h.Yearly = h.Yearly || yearly
	h.Name, h.UID = name, uid
	return h, nil
}

// DecodeHoliday decodes one entry of a calendar's "holidays" list, in any
// of the forms ParseJSON accepts.
func DecodeHoliday(raw json.RawMessage) (Holiday, error) {
	return decodeHoliday(raw, "holiday")
}

// EncodeHoliday returns the JSON form of h as ParseJSON reads it back:
// {"date": "YYYY-MM-DD"} for a date, {"date": "MM-DD"} for a yearly holiday
// of every year, {"date": "YYYY-MM-DD", "yearly": true} for one from that
// year on, with "name" and "uid" when set.
func EncodeHoliday(h Holiday) json.RawMessage {
	v := struct {
		Date   string `json:"date"`
		Yearly bool   `json:"yearly,omitempty"`
		Name   string `json:"name,omitempty"`
		UID    string `json:"uid,omitempty"`
	}{Date: h.Date.String(), Name: h.Name, UID: h.UID}
	if h.Yearly {
		if h.Date.Year <= 0 {
			v.Date = fmt.Sprintf("%02d-%02d", int(h.Date.Month), h.Date.Day)
		} else {
			v.Yearly = true
		}
	}
	b, _ := json.Marshal(v)
	return b
}

// parseHoliday accepts "YYYY-MM-DD" (that date) or "MM-DD" (every year).
func parseHoliday(s string) (Holiday, error) {
	if len(s) == len("12-25") {
		d, err := ParseDate("2000-" + s)
		if err != nil {
			return Holiday{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD or MM-DD", s)
		}
		d.Year = 0
		return Holiday{Date: d, Yearly: true}, nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return Holiday{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD or MM-DD", s)
	}
	return Holiday{Date: d}, nil
}

// zones caches the IANA zones ParseJSON loaded, so that a zone is read from
// the system's database once per process, not once per calendar.
var zones = &zoneCache{m: map[string]*time.Location{}}

// zoneCache loads IANA zones, keeping up to 4096 successes.
type zoneCache struct {
	mu sync.Mutex
	m  map[string]*time.Location
}

func (z *zoneCache) load(name string) (*time.Location, error) {
	z.mu.Lock()
	l, ok := z.m[name]
	z.mu.Unlock()
	if ok {
		return l, nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone name", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	z.mu.Lock()
	if len(z.m) < 4096 {
		z.m[name] = l
	}
	z.mu.Unlock()
	return l, nil
}
