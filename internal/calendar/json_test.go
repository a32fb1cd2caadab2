package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name, in     string
		field, inMsg string // the error's, or none
	}{
		{"business hours", `{"type": "business_hours", "tz": "Europe/London", "weekly": {"mon": ["09:00-12:00", "13:00-17:00"]}, "holidays": ["2026-12-25", "12-26", {"date": "2026-12-28", "name": "Bank holiday"}]}`, "", ""},
		{"24x7 with nulls", `{"type": "24x7", "tz": null, "weekly": null, "holidays": null}`, "", ""},
		{"24x7 checks what it is given", `{"type": "24x7", "tz": "Mars/Olympus"}`, "calendar.tz", "unknown time zone"},
		{"not an object", `[]`, "calendar", "must be an object"},
		{"unknown field", `{"type": "24x7", "zone": "UTC"}`, "calendar.zone", "unknown field"},
		{"missing type", `{}`, "calendar.type", "required"},
		{"bad type", `{"type": "office"}`, "calendar.type", "must be"},
		{"Local", `{"type": "business_hours", "tz": "Local", "weekly": {"mon": ["09:00-17:00"]}}`, "calendar.tz", "not an IANA"},
		{"missing tz", `{"type": "business_hours", "weekly": {"mon": ["09:00-17:00"]}}`, "calendar.tz", "required"},
		{"missing weekly", `{"type": "business_hours", "tz": "UTC"}`, "calendar.weekly", "required"},
		{"no hours", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": []}}`, "calendar.weekly", "no business hours"},
		{"unknown day", `{"type": "business_hours", "tz": "UTC", "weekly": {"monday": []}}`, "calendar.weekly.monday", "unknown field"},
		{"bad interval", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["9-5"]}}`, "calendar.weekly.mon[0]", "HH:MM"},
		{"overlap", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-12:00", "11:00-13:00"]}}`, "calendar.weekly.mon[1]", "overlaps"},
		{"bad holiday", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": ["2026-02-30"]}`, "calendar.holidays[0]", "not a date"},
		{"holiday object without date", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [{"name": "x"}]}`, "calendar.holidays[0].date", "required"},
		{"holiday object bad date", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "12-32"}]}`, "calendar.holidays[0].date", "not a date"},
		{"yearly from a year", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2028-06-12", "yearly": true, "name": "x", "uid": "a@b"}]}`, "", ""},
		{"MM-DD not yearly", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "06-12", "yearly": false}]}`, "calendar.holidays[0].yearly", "MM-DD date is yearly"},
		{"yearly not a boolean", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2028-06-12", "yearly": "yes"}]}`, "calendar.holidays[0].yearly", "true or false"},
		{"uid not a string", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2028-06-12", "uid": 1}]}`, "calendar.holidays[0].uid", "must be a string"},
		{"holiday not a string", `{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": [1225]}`, "calendar.holidays[0]", "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseJSON([]byte(tt.in))
			if tt.field == "" && tt.inMsg == "" {
				if err != nil || c == nil {
					t.Fatalf("ParseJSON: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.inMsg) {
				t.Fatalf("error %v, want field %q saying %q", err, tt.field, tt.inMsg)
			}
		})
	}
}

// TestParseJSONHolidays: dates, yearly dates and named holidays count.
func TestParseJSONHolidays(t *testing.T) {
	c, err := ParseJSON([]byte(`{"type": "business_hours", "tz": "UTC", "weekly": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"]}, "holidays": ["2026-12-28", {"date": "12-29", "name": "Yearly"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	// Monday 28 and Tuesday 29 December 2026 are holidays: an hour from
	// Friday's close runs out on Monday 4 January 2027.
	got := c.Add(time.Date(2026, 12, 25, 17, 0, 0, 0, time.UTC), 60*time.Minute)
	if want := time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("due %s, want %s", got, want)
	}
}

// TestParseJSONLoadsZonesOnce: a zone is loaded once, then taken from the
// cache.
func TestParseJSONLoadsZonesOnce(t *testing.T) {
	in := []byte(`{"type": "business_hours", "tz": "Asia/Kathmandu", "weekly": {"mon": ["09:00-17:00"]}}`)
	for range 3 {
		if _, err := ParseJSON(in); err != nil {
			t.Fatal(err)
		}
	}
	zones.mu.Lock()
	l := zones.m["Asia/Kathmandu"]
	zones.mu.Unlock()
	if l == nil {
		t.Fatal("zone not cached")
	}
	a, _ := ParseJSON(in)
	b, _ := ParseJSON(in)
	if a.Location() != l || b.Location() != l {
		t.Fatal("calendars do not share the cached zone")
	}
}

// TestEncodeHoliday: the JSON form of every kind of holiday decodes back.
func TestEncodeHoliday(t *testing.T) {
	for _, tt := range []struct {
		h    Holiday
		want string
	}{
		{Holiday{Date: Date{2026, 12, 25}}, `{"date":"2026-12-25"}`},
		{Holiday{Date: Date{0, 12, 25}, Yearly: true, Name: "Christmas"}, `{"date":"12-25","name":"Christmas"}`},
		{Holiday{Date: Date{2028, 6, 12}, Yearly: true, Name: "Founders' Day", UID: "f@x"}, `{"date":"2028-06-12","yearly":true,"name":"Founders' Day","uid":"f@x"}`},
	} {
		b := EncodeHoliday(tt.h)
		if string(b) != tt.want {
			t.Errorf("EncodeHoliday(%+v) = %s, want %s", tt.h, b, tt.want)
		}
		if back, err := DecodeHoliday(b); err != nil || back != tt.h {
			t.Errorf("DecodeHoliday(%s) = %+v, %v", b, back, err)
		}
	}
}
