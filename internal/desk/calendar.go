package desk

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/calendar"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the region calendars the clocks count business hours in,
// their holidays, and the parsed calendars cached per version.

// parsedCalendar returns the calendar of a row, parsed once per version.
func (d *Desk) parsedCalendar(row *store.CalendarRow) (*calendar.Calendar, error) {
	d.sla.mu.Lock()
	defer d.sla.mu.Unlock()
	if c, ok := d.sla.cals[row.ID]; ok && c.version == row.Version {
		return c.cal, nil
	}
	cal, err := calendar.ParseJSON([]byte(row.Spec))
	if err != nil {
		return nil, fmt.Errorf("desk: stored calendar %d: %w", row.ID, err)
	}
	d.sla.cals[row.ID] = cachedCal{row.Version, cal}
	return cal, nil
}

// CalendarView is a stored calendar with its spec.
type CalendarView struct {
	*store.CalendarRow
	Spec json.RawMessage `json:"spec"`
}

func calendarView(r *store.CalendarRow) CalendarView {
	return CalendarView{CalendarRow: r, Spec: json.RawMessage(r.Spec)}
}

// Calendars lists the region calendars (anyone signed in).
func (d *Desk) Calendars(ctx context.Context, a *casedesk.Actor) ([]CalendarView, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	rows, err := d.db.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]CalendarView, len(rows))
	for i, r := range rows {
		out[i] = calendarView(r)
	}
	return out, nil
}

// Calendar returns one calendar (anyone signed in).
func (d *Desk) Calendar(ctx context.Context, a *casedesk.Actor, id int64) (CalendarView, error) {
	if a.Anonymous() {
		return CalendarView{}, errUnauthenticated()
	}
	r, err := d.db.Calendar(ctx, id)
	if err != nil {
		return CalendarView{}, err
	}
	return calendarView(r), nil
}

// NewCalendar is a calendar as operators send it.
type NewCalendar struct {
	Name   string          `json:"name"`
	Region string          `json:"region"`
	Spec   json.RawMessage `json:"spec"`
}

func checkCalendar(in NewCalendar) (string, error) {
	if err := casedesk.CheckText("name", in.Name, 1, 100); err != nil {
		return "", err
	}
	if in.Region != "" && !casedesk.IsCountry(in.Region) {
		return "", casedesk.Invalid("region", "region must be a two-letter ISO 3166-1 code such as DE, or empty for the default calendar")
	}
	if len(in.Spec) == 0 {
		return "", casedesk.Invalid("spec", "spec is required: {\"type\", \"tz\", \"weekly\", \"holidays\"} as in docs/sla.md")
	}
	if _, err := calendar.ParseJSON(in.Spec); err != nil {
		return "", slaInvalid("spec", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, in.Spec); err != nil {
		return "", casedesk.Invalid("spec", "spec is not valid JSON")
	}
	return buf.String(), nil
}

// CreateCalendar adds a region calendar (operators).
func (d *Desk) CreateCalendar(ctx context.Context, a *casedesk.Actor, in NewCalendar) (CalendarView, error) {
	if err := needOperator(a); err != nil {
		return CalendarView{}, err
	}
	spec, err := checkCalendar(in)
	if err != nil {
		return CalendarView{}, err
	}
	row := &store.CalendarRow{Name: in.Name, Region: in.Region, Spec: spec, UpdatedAt: d.now()}
	var rc *recompute
	if err := d.write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCalendar(ctx, row); err != nil {
			return err
		}
		// Customers of the region may have counted on the default calendar until now.
		rc, err = d.startRecompute(ctx, tx, store.AllOrgs, "calendar "+row.Name, &a.User.ID)
		return err
	}); err != nil {
		return CalendarView{}, err
	}
	_, err = d.runRecompute(ctx, rc)
	return calendarView(row), err
}

// UpdateCalendar replaces a calendar's name and spec (its region stays) and
// recomputes the running clocks (operators).
func (d *Desk) UpdateCalendar(ctx context.Context, a *casedesk.Actor, id int64, in NewCalendar) (CalendarView, int, error) {
	if err := needOperator(a); err != nil {
		return CalendarView{}, 0, err
	}
	cur, err := d.db.Calendar(ctx, id)
	if err != nil {
		return CalendarView{}, 0, err
	}
	in.Region = cur.Region
	spec, err := checkCalendar(in)
	if err != nil {
		return CalendarView{}, 0, err
	}
	row := &store.CalendarRow{ID: id, Name: in.Name, Region: cur.Region, Spec: spec, UpdatedAt: d.now()}
	var rc *recompute
	if err := d.write(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateCalendar(ctx, row); err != nil {
			return err
		}
		rc, err = d.startRecompute(ctx, tx, store.AllOrgs, "calendar "+row.Name+" v"+fmt.Sprint(row.Version), &a.User.ID)
		return err
	}); err != nil {
		return CalendarView{}, 0, err
	}
	moved, err := d.runRecompute(ctx, rc)
	return calendarView(row), moved, err
}

// horizonYears is how far ahead holiday imports expand recurring holidays
// that are not on a fixed date, and how far ahead the holiday feed reaches:
// to 31 December of the year horizonYears from now.
const horizonYears = 5

// HolidayImport is what importing an iCalendar file did to a calendar.
type HolidayImport struct {
	Calendar CalendarView `json:"calendar"`
	// Imported is how many holidays from the file the calendar now has.
	Imported int `json:"imported"`
	// Replaced is how many holidays an earlier import of the same events
	// (by UID) had added; they were removed first.
	Replaced int `json:"replaced"`
	// Duplicates is how many of the file's holidays were left out because
	// the calendar already has a holiday on that date.
	Duplicates int `json:"duplicates"`
	// ExpandedUntil is the date up to which recurring holidays that are not
	// on a fixed date were expanded ("YYYY-MM-DD"), or empty.
	ExpandedUntil string `json:"expanded_until,omitempty"`
	// Notes say in words what was skipped and where expansion stopped.
	Notes       []string `json:"notes"`
	ClocksMoved int      `json:"clocks_moved"`
}

// ImportHolidays merges the all-day events of an iCalendar file (RFC 5545;
// see calendar.ImportICS) into a calendar's holidays and recomputes the
// running clocks (operators). Importing is idempotent: the holidays an
// earlier import of the same events (by UID) added are replaced, and a
// holiday on a date the calendar already has one for is left out. Timed
// events are skipped with a note; a yearly rule on a fixed date is kept as a
// yearly holiday from its first year, other endless rules are expanded to
// 31 December horizonYears from now, which the result states.
func (d *Desk) ImportHolidays(ctx context.Context, a *casedesk.Actor, id int64, ics io.Reader) (HolidayImport, error) {
	if err := needOperator(a); err != nil {
		return HolidayImport{}, err
	}
	until := calendar.Date{Year: d.now().Year() + horizonYears, Month: 12, Day: 31}
	file, err := calendar.ImportICS(ics, until)
	if err != nil {
		return HolidayImport{}, casedesk.Invalid("file", "%v", err)
	}
	cur, err := d.db.Calendar(ctx, id)
	if err != nil {
		return HolidayImport{}, err
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(cur.Spec), &spec); err != nil {
		return HolidayImport{}, fmt.Errorf("desk: stored calendar %d: %w", id, err)
	}
	var stored []json.RawMessage
	if raw, ok := spec["holidays"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &stored); err != nil {
			return HolidayImport{}, fmt.Errorf("desk: stored calendar %d holidays: %w", id, err)
		}
	}
	res := HolidayImport{Notes: file.Notes}
	fromFile := make(map[string]bool, len(file.UIDs))
	for _, uid := range file.UIDs {
		fromFile[uid] = true
	}
	type entry struct {
		h   calendar.Holiday
		raw json.RawMessage
	}
	merged := make([]entry, 0, len(stored)+len(file.Holidays))
	for _, raw := range stored {
		h, err := calendar.DecodeHoliday(raw)
		if err != nil {
			return HolidayImport{}, fmt.Errorf("desk: stored calendar %d holidays: %w", id, err)
		}
		if h.UID != "" && fromFile[h.UID] {
			res.Replaced++
			continue
		}
		merged = append(merged, entry{h, raw})
	}
	for _, h := range file.Holidays {
		if slices.ContainsFunc(merged, func(e entry) bool { return holidayCovers(e.h, h) }) {
			res.Duplicates++
			continue
		}
		merged = append(merged, entry{h, calendar.EncodeHoliday(h)})
		res.Imported++
	}
	// In date order, so that importing again gives the same list.
	slices.SortStableFunc(merged, func(a, b entry) int {
		x, y := a.h.Date, b.h.Date
		return cmp.Or(cmp.Compare(x.Year, y.Year), cmp.Compare(x.Month, y.Month), cmp.Compare(x.Day, y.Day))
	})
	list := make([]json.RawMessage, len(merged))
	for i, e := range merged {
		list[i] = e.raw
	}
	if file.ExpandedUntil != (calendar.Date{}) {
		res.ExpandedUntil = file.ExpandedUntil.String()
		res.Notes = append(res.Notes, fmt.Sprintf("recurring holidays that are not on a fixed date were expanded until %d; import the file again for later years", file.ExpandedUntil.Year))
	}
	if res.Notes == nil {
		res.Notes = []string{}
	}
	spec["holidays"], _ = json.Marshal(list)
	b, _ := json.Marshal(spec)
	res.Calendar, res.ClocksMoved, err = d.UpdateCalendar(ctx, a, id, NewCalendar{Name: cur.Name, Spec: b})
	return res, err
}

// holidayCovers reports whether holiday k already makes every day of h a holiday.
func holidayCovers(k, h calendar.Holiday) bool {
	if k.Date.Month != h.Date.Month || k.Date.Day != h.Date.Day {
		return false
	}
	if k.Yearly {
		return k.Date.Year <= h.Date.Year
	}
	return !h.Yearly && k.Date.Year == h.Date.Year
}

// HolidayFeed returns a calendar's holidays from 1 January of last year to
// 31 December horizonYears from now as an iCalendar file: one all-day event
// per holiday occurrence, with a UID that stays the same for the same
// calendar and date (anyone signed in, as Calendar). A 24x7 calendar has no
// holidays.
func (d *Desk) HolidayFeed(ctx context.Context, a *casedesk.Actor, id int64) ([]byte, error) {
	if a.Anonymous() {
		return nil, errUnauthenticated()
	}
	row, err := d.db.Calendar(ctx, id)
	if err != nil {
		return nil, err
	}
	cal, err := d.parsedCalendar(row)
	if err != nil {
		return nil, err
	}
	year := d.now().Year()
	occ := cal.Occurrences(calendar.Date{Year: year - 1, Month: 1, Day: 1}, calendar.Date{Year: year + horizonYears, Month: 12, Day: 31})
	var b bytes.Buffer
	if err := calendar.WriteICS(&b, calendar.Feed{
		Name:        row.Name,
		UIDPrefix:   fmt.Sprintf("casedesk-calendar-%d-", row.ID),
		Stamp:       row.UpdatedAt,
		Occurrences: occ,
	}); err != nil {
		return nil, fmt.Errorf("desk: calendar %d feed: %w", id, err)
	}
	return b.Bytes(), nil
}
