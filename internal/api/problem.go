package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/edge"
)

// Problem is an RFC 9457 problem document. Field names the offending input
// (a JSON path, a query parameter or a header) when there is one. Errors, an
// extension member, lists every offending input when desk names fields,
// the first of them being Field and Detail.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code"`
	Field  string         `json:"field,omitempty"`
	Errors []FieldProblem `json:"errors,omitempty"`
	// RequestID, an extension member, is the id of the failed request, as
	// in its X-Request-Id header and the server's log lines.
	RequestID string `json:"request_id,omitempty"`
}

// FieldProblem is one offending input of a problem document.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// CodeMalformed is the one code beyond the domain's (casedesk.E*), for a
// transport-level failure: the input is not well-formed JSON of the right
// shape.
const CodeMalformed = "malformed"

// CodeTimeout is the code of a request whose body arrived too slowly.
const CodeTimeout = "timeout"

// CodeMethodNotAllowed is the code of a request whose path has routes, none
// for its method (the Allow header lists them).
const CodeMethodNotAllowed = "method_not_allowed"

// CodeRangeNotSatisfiable is the code of a Range outside the file.
const CodeRangeNotSatisfiable = "range_not_satisfiable"

var statusOf = map[string]int{
	casedesk.EINVALID:       http.StatusUnprocessableEntity,
	CodeMalformed:           http.StatusBadRequest,
	CodeTimeout:             http.StatusRequestTimeout,
	CodeMethodNotAllowed:    http.StatusMethodNotAllowed,
	CodeRangeNotSatisfiable: http.StatusRequestedRangeNotSatisfiable,
	casedesk.ENOTFOUND:      http.StatusNotFound,
	casedesk.EFORBIDDEN:     http.StatusForbidden,
	casedesk.EUNAUTHORIZED:  http.StatusUnauthorized,
	casedesk.ECONFLICT:      http.StatusConflict,
	casedesk.ERATELIMIT:     http.StatusTooManyRequests,
	casedesk.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	casedesk.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	casedesk.EUNAVAILABLE:   http.StatusServiceUnavailable,
	casedesk.EINTERNAL:      http.StatusInternalServerError,
}

// NewProblem returns the problem document for a failure with code (one of
// casedesk's error codes or CodeMalformed), about field, told by detail:
// type urn:casedesk:problem:<code>, and the status the API answers with and
// its title (an unknown code is an internal error). It is the vocabulary of
// every failure casedesk reports, the API's and `casedesk sla due`'s.
func NewProblem(code, field, detail string) Problem {
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return Problem{Type: "urn:casedesk:problem:" + code, Title: http.StatusText(status), Status: status,
		Detail: detail, Code: code, Field: field}
}

// writeError answers err as a problem document. Internal errors are logged
// with their cause and shown with a generic message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := casedesk.ErrorCode(err)
	var te *transportError
	if errors.As(err, &te) {
		code = te.code
	}
	p := NewProblem(code, casedesk.ErrorField(err), casedesk.ErrorMessage(err))
	if te != nil {
		p.Detail, p.Field = te.msg, te.field
	} else {
		for _, e := range casedesk.ErrorFields(err) {
			p.Errors = append(p.Errors, FieldProblem{Field: e.Field, Detail: e.Message})
		}
	}
	p.RequestID = edge.RequestID(r.Context())
	status := p.Status
	if status == http.StatusInternalServerError {
		log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="casedesk"`)
	}
	if d := casedesk.ErrorRetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", retryAfterSeconds(d))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// transportError is a failure found before desk is reached: a body that is
// not JSON, a wrong content type, a bad query parameter.
type transportError struct {
	code, field, msg string
}

func (e *transportError) Error() string { return e.msg }

func malformed(field, msg string) error {
	return &transportError{code: CodeMalformed, field: field, msg: msg}
}

// retryAfterSeconds is d as Retry-After's whole seconds, rounded up so a
// client that waits exactly that long is not refused again.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}
