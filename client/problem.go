package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Problem is an RFC 9457 problem document returned by the server. Every
// non-2xx response is reported as a *Problem: when the body is not a problem
// document, Title is the status text and Detail holds the start of the body.
type Problem struct {
	Type   string `json:"type,omitempty"`
	Title  string `json:"title,omitempty"`
	Status int    `json:"status,omitempty"` // the HTTP status code of the response
	Detail string `json:"detail,omitempty"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code,omitempty"`
	// Instance is the optional URI reference of this occurrence.
	Instance string `json:"instance,omitempty"`
	// Errors lists every offending input when the server names several;
	// the first is usually Field and Detail.
	Errors []FieldError `json:"errors,omitempty"`
	// RequestID identifies the request in the server's logs: the
	// document's request_id member, else the X-Request-Id header.
	RequestID string `json:"request_id,omitempty"`
	// Extensions holds the document's other members, undecoded, so that
	// members a newer server adds are kept rather than refused.
	Extensions map[string]json.RawMessage `json:"-"`
}

// FieldError is one offending input of a problem document.
type FieldError struct {
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code,omitempty"`
}

// problemMembers are the members Problem decodes into fields.
var problemMembers = map[string]bool{"type": true, "title": true, "status": true, "detail": true, "field": true,
	"code": true, "instance": true, "errors": true, "request_id": true}

func (p *Problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "casedesk: %d", p.Status)
	if p.Title != "" {
		b.WriteString(" " + p.Title)
	}
	if p.Code != "" {
		b.WriteString(" [" + p.Code + "]")
	}
	if p.Field != "" {
		b.WriteString(" (field " + p.Field + ")")
	}
	if p.Detail != "" {
		b.WriteString(": " + p.Detail)
	}
	for i, e := range p.Errors {
		if i == 0 && e.Field == p.Field && e.Detail == p.Detail {
			continue
		}
		b.WriteString("; " + e.Field + ": " + e.Detail)
	}
	if p.RequestID != "" {
		b.WriteString(" (request " + p.RequestID + ")")
	}
	return b.String()
}

// AsProblem returns the *Problem in err's chain, or nil.
func AsProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return nil
}

// StatusOf returns the HTTP status of the *Problem in err's chain, or 0.
func StatusOf(err error) int {
	if p := AsProblem(err); p != nil {
		return p.Status
	}
	return 0
}

// IsStatus reports whether err carries a *Problem with the given status.
func IsStatus(err error, status int) bool { return StatusOf(err) == status }

func decodeProblem(resp *http.Response, body []byte) *Problem {
	p := &Problem{}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	decoded := false
	if mt == "application/problem+json" || mt == "application/json" {
		err := json.Unmarshal(body, p)
		var te *json.UnmarshalTypeError
		decoded = err == nil || errors.As(err, &te)
		var all map[string]json.RawMessage
		if decoded && json.Unmarshal(body, &all) == nil {
			for k, v := range all {
				if !problemMembers[k] {
					if p.Extensions == nil {
						p.Extensions = map[string]json.RawMessage{}
					}
					p.Extensions[k] = v
				}
			}
		}
	}
	if !decoded {
		*p = Problem{Detail: snippet(body)}
	}
	p.Status = resp.StatusCode
	if p.RequestID == "" {
		p.RequestID = resp.Header.Get("X-Request-Id")
	}
	if p.Title == "" {
		p.Title = http.StatusText(resp.StatusCode)
	}
	return p
}

func snippet(b []byte) string {
	const max = 512
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}
