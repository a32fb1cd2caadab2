package jsonfield

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestErrorsNameThePath(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"unknown field", func() error { _, err := Object(json.RawMessage(`{"b":1,"a":2}`), "calendar", "b"); return err }(), "calendar.a"},
		{"not an object", func() error { _, err := Object(json.RawMessage(`[]`), "calendar.weekly"); return err }(), "calendar.weekly"},
		{"null string", func() error { _, err := String(json.RawMessage(`null`), "tz"); return err }(), "tz"},
		{"float for int", func() error { _, err := Int(json.RawMessage(`1.5`), "minutes"); return err }(), "minutes"},
		{"string for bool", func() error { _, err := Bool(json.RawMessage(`"yes"`), "pause"); return err }(), "pause"},
		{"object for array", func() error { _, err := Array(json.RawMessage(`{}`), "holidays"); return err }(), "holidays"},
		{"string for number", func() error { _, err := Float(json.RawMessage(`"1"`), "warn"); return err }(), "warn"},
	} {
		var fe *FieldError
		if !errors.As(tt.err, &fe) || fe.Field != tt.want {
			t.Errorf("%s: %v, want a FieldError on %q", tt.name, tt.err, tt.want)
		}
	}
	if m, err := Object(json.RawMessage(`{"x":1}`), ""); err != nil || len(m) != 1 {
		t.Errorf("any key allowed when none is listed: %v %v", m, err)
	}
	if Join("", "a") != "a" || Join("p", "a") != "p.a" {
		t.Error("Join")
	}
}
