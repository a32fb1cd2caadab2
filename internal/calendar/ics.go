package calendar

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// ICSImport is what an iCalendar file holds as holidays.
type ICSImport struct {
	// Holidays are sorted by date (yearly ones by their first year); each
	// carries the UID of its event.
	Holidays []Holiday
	// UIDs are the UIDs of every event in the file, skipped and cancelled
	// ones included, in file order without repeats: whatever an earlier
	// import of these events added is what this import replaces.
	UIDs []string
	// Notes say which events were skipped and why, one line each.
	Notes []string
	// ExpandedUntil is the last date up to which an endless rule was
	// expanded into dated holidays; zero if no rule needed it.
	ExpandedUntil Date
}

// ImportICS reads holidays from an iCalendar stream (RFC 5545; one or more
// VCALENDAR objects, optionally after a UTF-8 byte-order mark).
//
// An event is all-day when DTSTART is a DATE, or when it is a DATE-TIME at
// midnight ending (DTEND, or a DURATION of whole days) at a later midnight
// of the same zone (Outlook writes all-day events so, floating or with a
// TZID); each of its days, DTSTART up to but not including the end (default
// one day), becomes a holiday named by SUMMARY. Other (timed) events are
// skipped with a note, as are cancelled ones (STATUS:CANCELLED), silently.
//
// Recurrence: FREQ=YEARLY on the start's month and day (INTERVAL 1, no
// COUNT, UNTIL, EXDATE, RDATE or BY rules other than that month/day) becomes a
// Yearly holiday from DTSTART's year on. Any other RRULE is expanded into
// dated holidays: all of them if it is finite (COUNT or UNTIL), and up to and
// including until if it is endless (e.g. "fourth Thursday of November"), in
// which case ExpandedUntil says so.
//
// An error means the file is unusable: it does not parse, holds no
// VCALENDAR, or an event is malformed (no DTSTART, an end before its start,
// a bad RRULE).
func ImportICS(r io.Reader, until Date) (*ICSImport, error) {
	if !until.Valid() {
		return nil, fmt.Errorf("calendar: ics: invalid until date %s", until)
	}
	br := bufio.NewReader(r)
	// Windows tools write a byte-order mark, which RFC 5545 does not
	// foresee and the decoder would take as part of BEGIN.
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	dec := ical.NewDecoder(br)
	res := &ICSImport{}
	seen := map[string]bool{}
	n := 0
	for {
		cal, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("calendar: ics: %w", err)
		}
		n++
		for i, ev := range cal.Events() {
			if p := ev.Props.Get(ical.PropUID); p != nil && p.Value != "" && !seen[p.Value] {
				seen[p.Value] = true
				res.UIDs = append(res.UIDs, p.Value)
			}
			where := fmt.Sprintf("calendar %d, event %d%s", n, i+1, eventLabel(ev))
			hs, skip, expanded, err := eventHolidays(ev, until)
			if err != nil {
				return nil, fmt.Errorf("calendar: ics: %s: %w", where, err)
			}
			if skip != "" {
				res.Notes = append(res.Notes, where+": skipped: "+skip)
			}
			if expanded {
				res.ExpandedUntil = until
			}
			res.Holidays = append(res.Holidays, hs...)
		}
	}
	if n == 0 {
		return nil, errors.New("calendar: ics: no VCALENDAR found")
	}
	sortHolidays(res.Holidays)
	return res, nil
}

func eventLabel(ev ical.Event) string {
	if s, err := ev.Props.Text(ical.PropSummary); err == nil && s != "" {
		return fmt.Sprintf(" (%q)", s)
	}
	if p := ev.Props.Get(ical.PropUID); p != nil {
		return fmt.Sprintf(" (UID %s)", p.Value)
	}
	return ""
}

// icsDay is a DATE or DATE-TIME value read on the wall clock of its own zone.
type icsDay struct {
	date   Date
	isDate bool   // a DATE, not a DATE-TIME
	clock  string // HHMMSS of a DATE-TIME
	zone   string // "Z", the TZID, or "" (floating)
}

func (d icsDay) midnight() bool { return d.isDate || d.clock == "000000" }

func (d icsDay) String() string {
	if d.isDate {
		return d.date.String()
	}
	return fmt.Sprintf("%s %s:%s", d.date, d.clock[:2], d.clock[2:4])
}

func propDay(p *ical.Prop) (icsDay, error) {
	v := p.Value
	if p.ValueType() == ical.ValueDate || len(v) == len("20060102") {
		t, err := time.Parse("20060102", v)
		if err != nil {
			return icsDay{}, fmt.Errorf("%s %q: not a date", p.Name, v)
		}
		return icsDay{date: DateOf(t), isDate: true}, nil
	}
	zone := p.Params.Get(ical.PropTimezoneID)
	if strings.HasSuffix(v, "Z") {
		v, zone = strings.TrimSuffix(v, "Z"), "Z"
	}
	t, err := time.Parse("20060102T150405", v)
	if err != nil {
		return icsDay{}, fmt.Errorf("%s %q: not a date or date-time", p.Name, p.Value)
	}
	return icsDay{date: DateOf(t), clock: v[9:], zone: zone}, nil
}

// eventHolidays returns the holidays of one event, or why it was skipped, and
// whether an endless rule was cut at until.
func eventHolidays(ev ical.Event, until Date) (hs []Holiday, skip string, expanded bool, err error) {
	if st, err := ev.Status(); err == nil && st == ical.EventCancelled {
		return nil, "", false, nil
	}
	name, err := ev.Props.Text(ical.PropSummary)
	if err != nil {
		return nil, "", false, fmt.Errorf("SUMMARY: %v", err)
	}
	uid := ""
	if p := ev.Props.Get(ical.PropUID); p != nil {
		uid = p.Value
	}
	sp := ev.Props.Get(ical.PropDateTimeStart)
	if sp == nil {
		return nil, "", false, errors.New("missing DTSTART")
	}
	start, err := propDay(sp)
	if err != nil {
		return nil, "", false, err
	}
	days := 1
	var partial string // why the event does not cover whole days
	if ep := ev.Props.Get(ical.PropDateTimeEnd); ep != nil {
		end, err := propDay(ep)
		if err != nil {
			return nil, "", false, err
		}
		days = int(dayNumber(end.date) - dayNumber(start.date))
		switch {
		case days < 0 || (days == 0 && start.isDate):
			return nil, "", false, fmt.Errorf("DTEND %s is not after DTSTART %s", end, start)
		case !start.midnight() || !end.midnight() || days == 0:
			partial = fmt.Sprintf("a timed event (%s to %s), not whole days", start, end)
		case start.isDate != end.isDate || start.zone != end.zone:
			partial = fmt.Sprintf("DTSTART %s and DTEND %s are not in the same zone", start, end)
		}
	} else if dp := ev.Props.Get(ical.PropDuration); dp != nil {
		d, err := dp.Duration()
		if err != nil {
			return nil, "", false, fmt.Errorf("DURATION: %v", err)
		}
		whole := d >= 24*time.Hour && d%(24*time.Hour) == 0
		switch {
		case start.isDate && !whole:
			return nil, "", false, fmt.Errorf("DURATION %s is not a whole number of days", dp.Value)
		case !start.midnight() || !whole:
			partial = fmt.Sprintf("a timed event (%s for %s), not whole days", start, dp.Value)
		}
		days = int(d / (24 * time.Hour))
	} else if !start.isDate {
		// RFC 5545: without DTEND or DURATION a DATE-TIME event ends where it starts.
		partial = fmt.Sprintf("a timed event (at %s), not whole days", start)
	}
	if partial != "" {
		return nil, partial, false, nil
	}
	if days > 366 {
		return nil, "", false, fmt.Errorf("event lasts %d days; refusing more than 366", days)
	}
	span := func(first Date, yearly bool) []Holiday {
		hs := make([]Holiday, 0, days)
		z := dayNumber(first)
		for k := range days {
			d := civil(z + int64(k))
			hs = append(hs, Holiday{Date: d, Yearly: yearly, Name: name, UID: uid})
		}
		return hs
	}
	rp := ev.Props.Get(ical.PropRecurrenceRule)
	if rp == nil {
		return span(start.date, false), "", false, nil
	}
	opt, err := rrule.StrToROption(rp.Value)
	if err != nil {
		return nil, "", false, fmt.Errorf("RRULE %q: %v", rp.Value, err)
	}
	hasEx := len(ev.Props.Values(ical.PropExceptionDates)) > 0 || len(ev.Props.Values(ical.PropRecurrenceDates)) > 0
	if simpleYearly(opt, start.date) && !hasEx {
		return span(start.date, true), "", false, nil
	}
	endless := opt.Count == 0 && opt.Until.IsZero()
	// Occurrences are computed on the event's wall clock; its zone matters
	// only for an UNTIL given as a UTC instant.
	loc := time.UTC
	if start.zone != "" && start.zone != "Z" {
		if l, err := time.LoadLocation(start.zone); err == nil {
			loc = l
		}
	}
	midnight := func(d Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc) }
	opt.Dtstart = midnight(start.date)
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, "", false, fmt.Errorf("RRULE %q: %v", rp.Value, err)
	}
	set := rrule.Set{}
	set.RRule(rule)
	for _, name := range []string{ical.PropExceptionDates, ical.PropRecurrenceDates} {
		for _, p := range ev.Props.Values(name) {
			for _, v := range strings.Split(p.Value, ",") {
				q := p
				q.Value = v
				d, err := propDay(&q)
				if err != nil {
					return nil, "", false, err
				}
				if name == ical.PropExceptionDates {
					set.ExDate(midnight(d.date))
				} else {
					set.RDate(midnight(d.date))
				}
			}
		}
	}
	last := Date{9999, time.December, 31}
	if endless {
		last = until
	}
	const maxOccurrences = 10000
	var out []Holiday
	next := set.Iterator()
	for n := 0; ; n++ {
		t, ok := next()
		if !ok {
			break
		}
		if d := DateOf(t.In(loc)); dayNumber(d) > dayNumber(last) {
			expanded = endless
			break
		}
		if n == maxOccurrences {
			return nil, "", false, fmt.Errorf("RRULE %q expands to more than %d dates", rp.Value, maxOccurrences)
		}
		out = append(out, span(DateOf(t.In(loc)), false)...)
	}
	return out, "", expanded, nil
}

// simpleYearly reports whether the rule is "every year on start's month and day".
func simpleYearly(o *rrule.ROption, start Date) bool {
	if o.Freq != rrule.YEARLY || o.Interval > 1 || o.Count != 0 || !o.Until.IsZero() {
		return false
	}
	if len(o.Bysetpos)+len(o.Byyearday)+len(o.Byweekno)+len(o.Byweekday)+len(o.Byhour)+len(o.Byminute)+len(o.Bysecond)+len(o.Byeaster) > 0 {
		return false
	}
	if len(o.Bymonth) > 1 || (len(o.Bymonth) == 1 && o.Bymonth[0] != int(start.Month)) {
		return false
	}
	if len(o.Bymonthday) > 1 || (len(o.Bymonthday) == 1 && o.Bymonthday[0] != start.Day) {
		return false
	}
	return true
}

// Feed is a calendar's holidays as an iCalendar feed (WriteICS).
type Feed struct {
	Name        string       // the feed's name (X-WR-CALNAME)
	UIDPrefix   string       // each event's UID is UIDPrefix + YYYYMMDD
	Stamp       time.Time    // every event's DTSTAMP: when the calendar last changed
	Occurrences []Occurrence // one all-day event each
}

// WriteICS writes f as an iCalendar (RFC 5545) object: one all-day,
// transparent VEVENT per occurrence, named by the holiday (or "Holiday"),
// with a UID that stays the same for the same date in every fetch.
func WriteICS(w io.Writer, f Feed) error {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//casedesk//holidays//EN")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, "PUBLISH")
	cal.Props.SetText("X-WR-CALNAME", f.Name)
	stamp := f.Stamp.UTC().Truncate(time.Second)
	for _, o := range f.Occurrences {
		d := time.Date(o.Date.Year, o.Date.Month, o.Date.Day, 0, 0, 0, 0, time.UTC)
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, f.UIDPrefix+d.Format("20060102"))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp)
		ev.Props.SetDate(ical.PropDateTimeStart, d)
		ev.Props.SetDate(ical.PropDateTimeEnd, d.AddDate(0, 0, 1))
		name := o.Holiday.Name
		if name == "" {
			name = "Holiday"
		}
		ev.Props.SetText(ical.PropSummary, name)
		ev.Props.SetText(ical.PropTransparency, "TRANSPARENT")
		cal.Children = append(cal.Children, ev.Component)
	}
	if len(cal.Children) == 0 {
		// go-ical refuses a VCALENDAR without components (RFC 5545 wants
		// one); an empty feed is still what subscribers should see.
		_, err := fmt.Fprintf(w, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//casedesk//holidays//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n")
		return err
	}
	return ical.NewEncoder(w).Encode(cal)
}
