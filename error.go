package casedesk

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Only the transports map them to HTTP statuses.
const (
	EINVALID      = "invalid"      // the input is wrong; Field names what
	ENOTFOUND     = "not_found"    // does not exist or is not visible to the actor
	EFORBIDDEN    = "forbidden"    // visible, but the actor may not do this
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	ECONFLICT     = "conflict"     // the state does not allow it (e.g. reopen too late)
	ERATELIMIT    = "rate_limited" // too many attempts
	ETOOLARGE     = "too_large"    // body or attachment over the limit
	EUNSUPPORTED  = "unsupported"  // wrong content type
	EUNAVAILABLE  = "unavailable"  // the database is unreachable or full; try again after RetryAfter
	EINTERNAL     = "internal"     // a bug; the message is generic
)

// Error is an error whose Message is safe to show to the user who caused it.
type Error struct {
	Code    string
	Field   string // JSON path of the offending input, when there is one
	Message string
	// RetryAfter, for ERATELIMIT and EUNAVAILABLE, is how long until the
	// same call can succeed; the transports send it as Retry-After, so it
	// must be the truth, not a guess.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("casedesk: %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("casedesk: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of err; a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorField returns the field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// RetryLater returns an error with code (ERATELIMIT or EUNAVAILABLE) that
// tells the caller to try again after d.
func RetryLater(code string, d time.Duration, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), RetryAfter: d}
}

// ErrorRetryAfter returns how long err says to wait before trying again, 0
// when it says nothing.
func ErrorRetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
