package casedesk

import (
	"errors"
	"fmt"
	"strings"
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
	// Rule and Args name the rule the input broke and the values it names
	// (EINVALID), or why the actor is refused (EFORBIDDEN: "staff",
	// "supervisor"…), so that a transport can say it in its reader's
	// language (see Because); empty when there is nothing more to say.
	Rule string
	Args []any
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

// Because records which rule of e.Field the input broke (such as
// "required", "min", "max", "email") and the values the rule names (limits,
// the input's length), so that a transport can say it in its reader's
// language; Message stays the English the API sends. It returns e.
func (e *Error) Because(rule string, args ...any) *Error {
	e.Rule, e.Args = rule, args
	return e
}

// FieldErrors is every field error of one input, in the order they were
// found, so that a form can show them all at once. It is an EINVALID error
// whose first member stands for it where one error is enough (ErrorCode,
// ErrorField, ErrorMessage, errors.As).
type FieldErrors []*Error

func (fe FieldErrors) Error() string {
	s := make([]string, len(fe))
	for i, e := range fe {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

// Unwrap returns the members, so errors.As finds the first.
func (fe FieldErrors) Unwrap() []error {
	out := make([]error, len(fe))
	for i, e := range fe {
		out[i] = e
	}
	return out
}

// Add collects err when it is an EINVALID error naming a field (or a
// FieldErrors) and returns nil; it returns any other non-nil error for the
// caller to return at once.
func (fe *FieldErrors) Add(err error) error {
	var many FieldErrors
	var one *Error
	switch {
	case err == nil:
	case errors.As(err, &many):
		*fe = append(*fe, many...)
	case errors.As(err, &one) && one.Code == EINVALID && one.Field != "":
		*fe = append(*fe, one)
	default:
		return err
	}
	return nil
}

// Err returns nil when nothing was collected, the one error when one was,
// and the FieldErrors otherwise.
func (fe FieldErrors) Err() error {
	switch len(fe) {
	case 0:
		return nil
	case 1:
		return fe[0]
	}
	return fe
}

// ErrorFields returns every field error err carries: the members of a
// FieldErrors, the one *Error with a field, or none.
func ErrorFields(err error) []*Error {
	var many FieldErrors
	if errors.As(err, &many) {
		return many
	}
	var one *Error
	if errors.As(err, &one) && one.Field != "" {
		return []*Error{one}
	}
	return nil
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
