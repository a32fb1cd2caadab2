package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// CalendarSpec is a calendar's hours and holidays (docs/sla.md).
type CalendarSpec struct {
	Type     string              `json:"type"`             // 24x7 or business_hours
	TZ       string              `json:"tz,omitempty"`     // IANA name; required for business_hours
	Weekly   map[string][]string `json:"weekly,omitempty"` // mon…sun → "09:00-17:00" intervals
	Holidays []Holiday           `json:"holidays,omitempty"`
}

// Holiday is a whole local day on which nothing counts: Date is YYYY-MM-DD
// (that date) or MM-DD (every year).
type Holiday struct {
	Date string `json:"date"`
	Name string `json:"name,omitempty"`
}

// UnmarshalJSON accepts both forms of a holiday: a bare date string and an
// object with a date and a name.
func (h *Holiday) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*h = Holiday{}
		return json.Unmarshal(b, &h.Date)
	}
	type plain Holiday
	return json.Unmarshal(b, (*plain)(h))
}

// Calendar is a stored region calendar.
type Calendar struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Region    string       `json:"region"` // ISO 3166-1 alpha-2, "" for the default
	Version   int64        `json:"version"`
	UpdatedAt time.Time    `json:"updated_at"`
	Spec      CalendarSpec `json:"spec"`
}

// NewCalendar is the body of POST /api/v1/calendars and PUT
// /api/v1/calendars/{id} (where Region is ignored).
type NewCalendar struct {
	Name   string       `json:"name"`
	Region string       `json:"region,omitempty"`
	Spec   CalendarSpec `json:"spec"`
}

// CalendarUpdate is the answer to replacing a calendar or importing
// holidays into it.
type CalendarUpdate struct {
	Calendar    Calendar `json:"calendar"`
	ClocksMoved int      `json:"clocks_moved,omitempty"` // replace: running clocks whose due time moved
	Imported    int      `json:"imported,omitempty"`     // import: the file's holidays now in the calendar
	Replaced    int      `json:"replaced,omitempty"`     // import: holidays an earlier import of the same events had added
	Duplicates  int      `json:"duplicates,omitempty"`   // import: days the calendar already had
	// ExpandedUntil, for an import with endless rules other than a fixed
	// yearly date, is the last day they were expanded to.
	ExpandedUntil string   `json:"expanded_until,omitempty"`
	Notes         []string `json:"notes,omitempty"` // import: events skipped and why
}

// ListCalendars returns the region calendars.
func (c *Client) ListCalendars(ctx context.Context) ([]Calendar, error) {
	return list[Calendar](ctx, c, APIPrefix+"/calendars", nil)
}

// CreateCalendar adds a region calendar (operators).
func (c *Client) CreateCalendar(ctx context.Context, in NewCalendar) (*Calendar, error) {
	return call[Calendar](ctx, c, http.MethodPost, APIPrefix+"/calendars", in)
}

// GetCalendar returns a calendar.
func (c *Client) GetCalendar(ctx context.Context, id int64) (*Calendar, error) {
	return call[Calendar](ctx, c, http.MethodGet, idPath(APIPrefix+"/calendars", id), nil)
}

// UpdateCalendar replaces a calendar's name, hours and holidays
// (operators); running clocks are recomputed.
func (c *Client) UpdateCalendar(ctx context.Context, id int64, in NewCalendar) (*CalendarUpdate, error) {
	return call[CalendarUpdate](ctx, c, http.MethodPut, idPath(APIPrefix+"/calendars", id), in)
}

// ImportHolidays adds the holidays of an iCalendar file to a calendar
// (operators).
func (c *Client) ImportHolidays(ctx context.Context, id int64, ics io.Reader) (*CalendarUpdate, error) {
	resp, err := c.send(ctx, http.MethodPost, idPath(APIPrefix+"/calendars", id)+"/holidays", nil, ics, "text/calendar", true)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := new(CalendarUpdate)
	if err := decodeBody(resp, out); err != nil {
		return nil, err
	}
	return out, nil
}

// HolidayFeed returns the calendar's holidays as an iCalendar document
// (text/calendar), one all-day event per holiday.
func (c *Client) HolidayFeed(ctx context.Context, id int64) ([]byte, error) {
	h := http.Header{"Accept": {"text/calendar"}}
	resp, err := c.send(ctx, http.MethodGet, idPath(APIPrefix+"/calendars", id)+"/holidays.ics", h, nil, "", true)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("casedesk client: reading the holiday feed: %w", err)
	}
	return b, nil
}
