package sla

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Small helpers for strict, path-aware JSON decoding: every error names the
// field by its JSON path, and unknown fields are errors.

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// object decodes raw as a JSON object whose keys must all be in allowed.
func object(raw json.RawMessage, path string, allowed ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fieldErr(path, "must be an object")
	}
	if allowed != nil {
		for _, k := range sortedKeys(m) {
			if !slices.Contains(allowed, k) {
				return nil, fieldErr(join(path, k), "unknown field (allowed: %s)", strings.Join(allowed, ", "))
			}
		}
	}
	return m, nil
}

func decodeString(raw json.RawMessage, path string) (string, error) {
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", fieldErr(path, "must be a string")
	}
	return s, nil
}

func decodeInt(raw json.RawMessage, path string) (int, error) {
	var n int
	if isNull(raw) || json.Unmarshal(raw, &n) != nil {
		return 0, fieldErr(path, "must be an integer")
	}
	return n, nil
}

func decodeFloat(raw json.RawMessage, path string) (float64, error) {
	var f float64
	if isNull(raw) || json.Unmarshal(raw, &f) != nil {
		return 0, fieldErr(path, "must be a number")
	}
	return f, nil
}

func decodeBool(raw json.RawMessage, path string) (bool, error) {
	var b bool
	if isNull(raw) || json.Unmarshal(raw, &b) != nil {
		return false, fieldErr(path, "must be true or false")
	}
	return b, nil
}

func decodeArray(raw json.RawMessage, path string) ([]json.RawMessage, error) {
	var a []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &a) != nil {
		return nil, fieldErr(path, "must be an array")
	}
	return a, nil
}
