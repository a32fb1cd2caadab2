package casedesk

import (
	"time"
	"unicode/utf8"
)

// OrgKind tells what part an organization plays.
type OrgKind string

const (
	OrgProvider OrgKind = "provider" // the company running casedesk; there is one
	OrgCustomer OrgKind = "customer" // a tenant with subscriptions
	OrgPartner  OrgKind = "partner"  // works requests for customers that delegated to it
)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	return k == OrgProvider || k == OrgCustomer || k == OrgPartner
}

// Organization is a tenant (customer or partner) or the provider itself.
type Organization struct {
	ID        int64     `json:"id"`
	Kind      OrgKind   `json:"kind"`
	Name      string    `json:"name"`
	Country   string    `json:"country"`   // ISO 3166-1 alpha-2, upper case
	TimeZone  string    `json:"time_zone"` // IANA name
	Language  string    `json:"language"`  // BCP 47 tag, e.g. "en", "zh-CN"
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the fields a caller supplies.
func (o *Organization) Validate() error {
	var errs FieldErrors
	if !o.Kind.Valid() {
		errs.Add(Invalid("kind", "kind must be one of customer, partner or provider"))
	}
	errs.Add(checkText("name", o.Name, 1, 200))
	if o.Country != "" && !IsCountry(o.Country) {
		errs.Add(Invalid("country", "country must be a two-letter ISO 3166-1 code such as DE"))
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil || o.TimeZone == "Local" {
		errs.Add(Invalid("time_zone", "time_zone %q is not an IANA time zone name", o.TimeZone))
	}
	if o.Language == "" {
		o.Language = "en"
	}
	if !IsLanguage(o.Language) {
		errs.Add(Invalid("language", "language must be a BCP 47 tag such as en or zh-CN"))
	}
	return errs.Err()
}

// IsLanguage reports whether s looks like a BCP 47 tag: letters and digits in
// subtags of 1–8 separated by hyphens, the first of 2–3 letters.
func IsLanguage(s string) bool {
	if len(s) < 2 || len(s) > 35 {
		return false
	}
	n, first := 0, true
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' {
			if n == 0 || n > 8 || (first && (n < 2 || n > 3)) {
				return false
			}
			n, first = 0, false
			continue
		}
		c := s[i]
		isLetter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !isLetter && !(c >= '0' && c <= '9' && !first) {
			return false
		}
		n++
	}
	return true
}

// checkText validates a user-supplied string: valid UTF-8, no control
// characters other than newline and tab, and a length in runes within bounds.
func checkText(field, s string, min, max int) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "%s is not valid UTF-8", field).Because("utf8")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return Invalid(field, "%s is required", field).Because("required")
		}
		return Invalid(field, "%s must be at least %d characters", field, min).Because("min", min)
	}
	if n > max {
		return Invalid(field, "%s must be at most %d characters (got %d)", field, max, n).Because("max", max, n)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return Invalid(field, "%s contains a control character", field).Because("control")
		}
	}
	return nil
}

// CheckText is checkText for other packages' inputs.
func CheckText(field, s string, min, max int) error { return checkText(field, s, min, max) }
