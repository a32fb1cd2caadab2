package casedesk

import (
	"strconv"
	"time"
)

// Category is what kind of support a request asks for (SPEC's categories).
type Category string

const (
	CategoryPresales  Category = "presales"
	CategoryBilling   Category = "billing"
	CategoryTechnical Category = "technical"
)

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	return c == CategoryPresales || c == CategoryBilling || c == CategoryTechnical
}

// Severity is A (critical), B (high) or C (non-critical); "" until triage.
type Severity string

const (
	SeverityNone Severity = ""
	SeverityA    Severity = "A"
	SeverityB    Severity = "B"
	SeverityC    Severity = "C"
)

// Severities lists the severities a request can be given, most urgent first.
func Severities() []Severity { return []Severity{SeverityA, SeverityB, SeverityC} }

// Valid reports whether s is a severity or unset.
func (s Severity) Valid() bool { return s == "" || s.Known() }

// Known reports whether s is A, B or C: valid and not unset.
func (s Severity) Known() bool { return s == SeverityA || s == SeverityB || s == SeverityC }

// Status is where a request is in its life.
type Status string

const (
	StatusNew      Status = "new"      // waiting for triage
	StatusOpen     Status = "open"     // being worked by the provider
	StatusWaiting  Status = "waiting"  // waiting on the customer
	StatusResolved Status = "resolved" // the provider thinks it is done
	StatusClosed   Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusNew, StatusOpen, StatusWaiting, StatusResolved, StatusClosed:
		return true
	}
	return false
}

// Active reports whether a request in status s still needs work.
func (s Status) Active() bool { return s == StatusNew || s == StatusOpen || s == StatusWaiting }

// transitions lists the status changes an update may make. Reopening a closed
// request is not here: it goes through Reopen, which checks the window.
var transitions = map[Status][]Status{
	StatusNew:      {StatusOpen, StatusWaiting, StatusResolved, StatusClosed},
	StatusOpen:     {StatusWaiting, StatusResolved, StatusClosed},
	StatusWaiting:  {StatusOpen, StatusResolved, StatusClosed},
	StatusResolved: {StatusOpen, StatusClosed},
}

// CanTransition reports whether a request may go from one status to another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Channel is how a request came in.
type Channel string

const (
	ChannelWeb   Channel = "web"
	ChannelPhone Channel = "phone"
	ChannelEmail Channel = "email"
	ChannelAPI   Channel = "api"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	return c == ChannelWeb || c == ChannelPhone || c == ChannelEmail || c == ChannelAPI
}

// Impact holds the customer's answers to the impact questions of a technical request.
type Impact struct {
	ServiceUnreachable bool   `json:"service_unreachable"`
	UsersAffected      string `json:"users_affected,omitempty"` // "one", "several", "many"
	Workaround         bool   `json:"workaround"`
	Deadline           string `json:"deadline,omitempty"` // free text, e.g. "go-live Friday"
}

// Validate checks the answers.
func (im *Impact) Validate() error {
	switch im.UsersAffected {
	case "", "one", "several", "many":
	default:
		return Invalid("impact.users_affected", "impact.users_affected must be one, several or many")
	}
	return checkText("impact.deadline", im.Deadline, 0, 200)
}

// SuggestSeverity maps impact answers to the severity SPEC's definitions point
// to: unreachable for several users is A; degraded without a workaround, or
// for several users, is B; otherwise C.
func (im Impact) SuggestSeverity() Severity {
	many := im.UsersAffected == "several" || im.UsersAffected == "many"
	switch {
	case im.ServiceUnreachable && (many || !im.Workaround):
		return SeverityA
	case !im.Workaround || many || im.Deadline != "":
		return SeverityB
	default:
		return SeverityC
	}
}

// Request is a service request.
type Request struct {
	ID              int64      `json:"-"`
	Number          string     `json:"number"`
	OrgID           int64      `json:"organization_id"`
	RequesterID     int64      `json:"requester_id"`        // the customer admin it is for (0 for prospects)
	OpenedByID      int64      `json:"opened_by_id"`        // who typed it in: the admin, a partner or an agent
	OnBehalfOfOrgID *int64     `json:"on_behalf_of_org_id"` // the partner or provider org that opened it for the customer
	Category        Category   `json:"category"`
	Product         string     `json:"product"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	Impact          Impact     `json:"impact"`
	Severity        Severity   `json:"severity"`
	Status          Status     `json:"status"`
	Language        string     `json:"preferred_language"`
	ContactMethod   string     `json:"contact_method"`
	Phone           string     `json:"phone"`
	Channel         Channel    `json:"channel"`
	AssigneeID      *int64     `json:"assignee_id"`
	LinkedNumber    string     `json:"linked_number,omitempty"`
	ProspectName    string     `json:"prospect_name,omitempty"`
	ProspectEmail   string     `json:"prospect_email,omitempty"`
	ProspectCompany string     `json:"prospect_company,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	ClosedAt        *time.Time `json:"closed_at"`
}

// NumberOffset makes request numbers look like numbers people read out on the
// phone: seven digits from the first request on.
const NumberOffset = 1_000_000

// RequestNumber formats the number of the request with the given id.
func RequestNumber(id int64) string { return strconv.FormatInt(id+NumberOffset, 10) }

// ParseRequestNumber returns the id behind a request number.
func ParseRequestNumber(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= NumberOffset || len(s) > 19 {
		return 0, false
	}
	return n - NumberOffset, true
}

// Validate checks the caller-supplied fields of a new request and reports
// every invalid field (FieldErrors).
func (r *Request) Validate() error {
	var errs FieldErrors
	if !r.Category.Valid() {
		errs.Add(Invalid("category", "category must be one of presales, billing or technical"))
	}
	errs.Add(checkText("product", r.Product, 0, 64))
	errs.Add(checkText("title", r.Title, 1, 200))
	errs.Add(checkText("description", r.Description, 1, 20000))
	errs.Add(r.Impact.Validate())
	if !r.Severity.Valid() {
		errs.Add(Invalid("severity", "severity must be A, B or C"))
	}
	if r.Language == "" {
		r.Language = "en"
	}
	if !IsLanguage(r.Language) {
		errs.Add(Invalid("preferred_language", "preferred_language must be a BCP 47 tag such as en or zh-CN"))
	}
	switch r.ContactMethod {
	case "":
		r.ContactMethod = "email"
	case "email", "phone":
	default:
		errs.Add(Invalid("contact_method", "contact_method must be email or phone"))
	}
	if err := checkText("phone", r.Phone, 0, 40); err != nil {
		errs.Add(err)
	} else if r.ContactMethod == "phone" && r.Phone == "" {
		errs.Add(Invalid("phone", "phone is required when the contact method is phone").Because("required"))
	}
	if !r.Channel.Valid() {
		errs.Add(Invalid("channel", "channel must be one of web, phone, email or api"))
	}
	return errs.Err()
}

// CanReopen reports whether a request closed at closedAt may be reopened at
// now under a window of days. A resolved request may always be reopened.
func CanReopen(r *Request, now time.Time, days int) error {
	switch r.Status {
	case StatusResolved:
		return nil
	case StatusClosed:
	default:
		return Errorf(ECONFLICT, "request %s is %s, not closed or resolved", r.Number, r.Status)
	}
	if r.ClosedAt == nil || now.Sub(*r.ClosedAt) <= time.Duration(days)*24*time.Hour {
		return nil
	}
	return &Error{Code: ECONFLICT, Message: "request " + r.Number + " was closed more than " +
		strconv.Itoa(days) + " days ago and can no longer be reopened; open a new request and link it to " + r.Number +
		" (set linked_number)."}
}
