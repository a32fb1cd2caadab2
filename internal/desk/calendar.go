package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

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

// ImportHolidays adds the all-day events of an iCalendar file (RFC 5545,
// yearly RRULEs as yearly holidays) to a calendar's holidays (operators).
func (d *Desk) ImportHolidays(ctx context.Context, a *casedesk.Actor, id int64, ics io.Reader) (CalendarView, int, error) {
	if err := needOperator(a); err != nil {
		return CalendarView{}, 0, err
	}
	hs, err := calendar.ImportICSUntil(ics, calendar.Date{Year: d.now().Year() + 5, Month: 12, Day: 31})
	if err != nil {
		return CalendarView{}, 0, casedesk.Invalid("file", "%v", err)
	}
	cur, err := d.db.Calendar(ctx, id)
	if err != nil {
		return CalendarView{}, 0, err
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(cur.Spec), &spec); err != nil {
		return CalendarView{}, 0, err
	}
	var list []json.RawMessage
	if raw, ok := spec["holidays"]; ok {
		json.Unmarshal(raw, &list)
	}
	for _, h := range hs {
		date := h.Date.String()
		if h.Yearly {
			date = date[5:]
		}
		b, _ := json.Marshal(map[string]string{"date": date, "name": h.Name})
		list = append(list, b)
	}
	spec["holidays"], _ = json.Marshal(list)
	b, _ := json.Marshal(spec)
	v, _, err := d.UpdateCalendar(ctx, a, id, NewCalendar{Name: cur.Name, Spec: b})
	return v, len(hs), err
}
