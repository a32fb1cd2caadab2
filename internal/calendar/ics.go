package calendar

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// ImportICSUntil reads holidays from an iCalendar stream (RFC 5545; one or
// more VCALENDAR objects). Every VEVENT must be an all-day event
// (DTSTART;VALUE=DATE or an 8-digit date); each of its days (DTSTART up to,
// not including, DTEND, default one day) becomes a holiday named by SUMMARY.
// Cancelled events (STATUS:CANCELLED) are skipped.
//
// Recurrence: FREQ=YEARLY on the start's month and day (INTERVAL 1, no COUNT,
// UNTIL, EXDATE or BY rules other than that month/day) becomes a Yearly
// holiday starting in DTSTART's year. Any other RRULE is expanded into dated
// holidays: all of them if it is finite (COUNT or UNTIL), and up to and
// including until if it is endless (e.g. "fourth Thursday of November").
//
// The result is sorted by date (yearly ones by their first year).
func ImportICSUntil(r io.Reader, until Date) ([]Holiday, error) {
	if !until.Valid() {
		return nil, fmt.Errorf("calendar: ics: invalid until date %s", until)
	}
	return importICS(r, until)
}

func importICS(r io.Reader, until Date) ([]Holiday, error) {
	dec := ical.NewDecoder(r)
	var out []Holiday
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
			hs, err := eventHolidays(ev, until)
			if err != nil {
				return nil, fmt.Errorf("calendar: ics: calendar %d, event %d%s: %w", n, i+1, eventLabel(ev), err)
			}
			out = append(out, hs...)
		}
	}
	if n == 0 {
		return nil, errors.New("calendar: ics: no VCALENDAR found")
	}
	sortHolidays(out)
	return out, nil
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

func propDate(p *ical.Prop) (Date, error) {
	if p.ValueType() != ical.ValueDate && len(p.Value) != len("20060102") {
		return Date{}, fmt.Errorf("%s %q is not an all-day date (want VALUE=DATE)", p.Name, p.Value)
	}
	t, err := time.Parse("20060102", p.Value)
	if err != nil {
		return Date{}, fmt.Errorf("%s %q: %v", p.Name, p.Value, err)
	}
	return DateOf(t), nil
}

func eventHolidays(ev ical.Event, until Date) ([]Holiday, error) {
	if st, err := ev.Status(); err == nil && st == ical.EventCancelled {
		return nil, nil
	}
	name, err := ev.Props.Text(ical.PropSummary)
	if err != nil {
		return nil, fmt.Errorf("SUMMARY: %v", err)
	}
	sp := ev.Props.Get(ical.PropDateTimeStart)
	if sp == nil {
		return nil, errors.New("missing DTSTART")
	}
	start, err := propDate(sp)
	if err != nil {
		return nil, err
	}
	days := 1
	if ep := ev.Props.Get(ical.PropDateTimeEnd); ep != nil {
		end, err := propDate(ep)
		if err != nil {
			return nil, err
		}
		days = int(dayNumber(end) - dayNumber(start))
		if days < 1 {
			return nil, fmt.Errorf("DTEND %s is not after DTSTART %s", end, start)
		}
	} else if dp := ev.Props.Get(ical.PropDuration); dp != nil {
		d, err := dp.Duration()
		if err != nil {
			return nil, fmt.Errorf("DURATION: %v", err)
		}
		if d < 24*time.Hour || d%(24*time.Hour) != 0 {
			return nil, fmt.Errorf("DURATION %s is not a whole number of days", dp.Value)
		}
		days = int(d / (24 * time.Hour))
	}
	if days > 366 {
		return nil, fmt.Errorf("event lasts %d days; refusing more than 366", days)
	}
	span := func(first Date, yearly bool) []Holiday {
		hs := make([]Holiday, 0, days)
		z := dayNumber(first)
		for k := range days {
			d := civil(z + int64(k))
			hs = append(hs, Holiday{Date: d, Yearly: yearly, Name: name})
		}
		return hs
	}
	rp := ev.Props.Get(ical.PropRecurrenceRule)
	if rp == nil {
		return span(start, false), nil
	}
	opt, err := rrule.StrToROption(rp.Value)
	if err != nil {
		return nil, fmt.Errorf("RRULE %q: %v", rp.Value, err)
	}
	hasEx := len(ev.Props.Values(ical.PropExceptionDates)) > 0 || len(ev.Props.Values(ical.PropRecurrenceDates)) > 0
	if simpleYearly(opt, start) && !hasEx {
		return span(start, true), nil
	}
	finite := opt.Count > 0 || !opt.Until.IsZero()
	opt.Dtstart = time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, time.UTC)
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("RRULE %q: %v", rp.Value, err)
	}
	set := rrule.Set{}
	set.RRule(rule)
	for _, p := range ev.Props.Values(ical.PropExceptionDates) {
		for _, v := range strings.Split(p.Value, ",") {
			q := p
			q.Value = v
			d, err := propDate(&q)
			if err != nil {
				return nil, err
			}
			set.ExDate(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
		}
	}
	for _, p := range ev.Props.Values(ical.PropRecurrenceDates) {
		for _, v := range strings.Split(p.Value, ",") {
			q := p
			q.Value = v
			d, err := propDate(&q)
			if err != nil {
				return nil, err
			}
			set.RDate(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
		}
	}
	last := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if !finite {
		last = time.Date(until.Year, until.Month, until.Day, 0, 0, 0, 0, time.UTC)
	}
	const maxOccurrences = 10000
	var out []Holiday
	next := set.Iterator()
	for n := 0; ; n++ {
		t, ok := next()
		if !ok || t.After(last) {
			break
		}
		if n == maxOccurrences {
			return nil, fmt.Errorf("RRULE %q expands to more than %d dates", rp.Value, maxOccurrences)
		}
		out = append(out, span(DateOf(t), false)...)
	}
	return out, nil
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
