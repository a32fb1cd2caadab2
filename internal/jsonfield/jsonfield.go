// Package jsonfield decodes JSON strictly and names what is wrong by its
// JSON path ("calendar.weekly.mon[0]"): unknown fields are errors, and every
// error is a *FieldError. The calendar's and the entitlement policy's JSON
// forms are read with it.
package jsonfield

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// FieldError is JSON input that does not decode, naming the offending
// value by its path.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Errorf returns a FieldError about field.
func Errorf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// IsNull reports whether raw is absent or null.
func IsNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// Join is the path of field inside path.
func Join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// Object decodes raw as a JSON object whose keys must all be in allowed
// (any key when allowed is empty); the first unknown key, in sorted order,
// is the error.
func Object(raw json.RawMessage, path string, allowed ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, Errorf(path, "must be an object")
	}
	if allowed != nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !slices.Contains(allowed, k) {
				return nil, Errorf(Join(path, k), "unknown field (allowed: %s)", strings.Join(allowed, ", "))
			}
		}
	}
	return m, nil
}

// String decodes raw as a string.
func String(raw json.RawMessage, path string) (string, error) {
	var s string
	if IsNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", Errorf(path, "must be a string")
	}
	return s, nil
}

// Int decodes raw as an integer.
func Int(raw json.RawMessage, path string) (int, error) {
	var n int
	if IsNull(raw) || json.Unmarshal(raw, &n) != nil {
		return 0, Errorf(path, "must be an integer")
	}
	return n, nil
}

// Float decodes raw as a number.
func Float(raw json.RawMessage, path string) (float64, error) {
	var f float64
	if IsNull(raw) || json.Unmarshal(raw, &f) != nil {
		return 0, Errorf(path, "must be a number")
	}
	return f, nil
}

// Bool decodes raw as true or false.
func Bool(raw json.RawMessage, path string) (bool, error) {
	var b bool
	if IsNull(raw) || json.Unmarshal(raw, &b) != nil {
		return false, Errorf(path, "must be true or false")
	}
	return b, nil
}

// Array decodes raw as an array of raw values.
func Array(raw json.RawMessage, path string) ([]json.RawMessage, error) {
	var a []json.RawMessage
	if IsNull(raw) || json.Unmarshal(raw, &a) != nil {
		return nil, Errorf(path, "must be an array")
	}
	return a, nil
}
