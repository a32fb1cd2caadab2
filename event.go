package casedesk

import (
	"strconv"
	"strings"
	"time"
)

// EventKind says what a line of a request's history records. The values are
// stored and sent as they are.
type EventKind string

// Event kinds. Field, Old and New say more, as noted.
const (
	EventCreated         EventKind = "created"         // New: the status it opened in
	EventStatusChanged   EventKind = "status"          // Field "status"
	EventSeverityChanged EventKind = "severity"        // Field "severity"
	EventSeverityReason  EventKind = "severity_reason" // New: why staff set the severity (internal)
	EventAssigneeChanged EventKind = "assignee"        // Old, New: user ids; Field: see TranslatorNeeded
	EventUpdated         EventKind = "update"          // Field: the request field changed
	EventMessage         EventKind = "message"         // New: the message id
	EventNote            EventKind = "note"            // New: the internal note's id
	EventPhone           EventKind = "phone"           // New: the logged call's id
	EventAttachment      EventKind = "attachment"      // New: the file name
	EventReopened        EventKind = "reopened"        // Field "status"
	EventTransferred     EventKind = "transfer"        // Old, New: categories
	EventLinked          EventKind = "linked"          // New: the linked request number
	EventMerged          EventKind = "merged"          // Field MergedInto or MergedFrom, New: the other number
	EventOutOfScope      EventKind = "outcome"         // New: see OutOfScopeReason
	EventSurvey          EventKind = "survey"          // New: the rating
	EventCallbackRequest EventKind = "callback"        // New: the phone number
	EventCallbackDone    EventKind = "callback_done"   // New: the callback's id
	EventEscalated       EventKind = "escalated"       // Old "1", New "2"
	EventUnrouted        EventKind = "unrouted"        // Field: see Tier; New: the category
	EventSLAStarted      EventKind = "sla_started"     // Field: see Clock; New: due time
	EventSLAStopped      EventKind = "sla_stopped"     // Field: see Clock; New: "met", "breached" or ""
	EventSLARecomputed   EventKind = "sla_recomputed"  // Field: see Clock; Old, New: due times
	EventSLAWarn         EventKind = "sla_warn"        // Field: see Clock; New: when it warned
	EventSLABreach       EventKind = "sla_breach"      // Field: see Clock; New: when it breached
)

// EventKinds lists every event kind.
func EventKinds() []EventKind {
	return []EventKind{EventCreated, EventStatusChanged, EventSeverityChanged, EventSeverityReason, EventAssigneeChanged,
		EventUpdated, EventMessage, EventNote, EventPhone, EventAttachment, EventReopened, EventTransferred, EventLinked,
		EventMerged, EventOutOfScope, EventSurvey, EventCallbackRequest, EventCallbackDone, EventEscalated, EventUnrouted,
		EventSLAStarted, EventSLAStopped, EventSLARecomputed, EventSLAWarn, EventSLABreach}
}

// Valid reports whether k is a known event kind.
func (k EventKind) Valid() bool {
	for _, v := range EventKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// SLA reports whether k is about a service-level clock (sla_*), whose Field
// names the clock (Event.Clock).
func (k EventKind) SLA() bool {
	switch k {
	case EventSLAStarted, EventSLAStopped, EventSLARecomputed, EventSLAWarn, EventSLABreach:
		return true
	}
	return false
}

// Event is one line of a request's history: who changed what, when, on
// behalf of whom, from what to what.
type Event struct {
	ID         int64     `json:"id"`
	RequestID  int64     `json:"-"`
	OrgID      int64     `json:"organization_id"`
	Number     string    `json:"number,omitempty"`
	ActorID    *int64    `json:"actor_id"`
	OnBehalfOf *int64    `json:"on_behalf_of_org_id"`
	Kind       EventKind `json:"kind"`
	Field      string    `json:"field,omitempty"`
	Old        string    `json:"old,omitempty"`
	New        string    `json:"new,omitempty"`
	Internal   bool      `json:"internal"` // seen by staff only
	At         time.Time `json:"at"`
	// Notify lists the staff whose notifications inbox got a line for this
	// event, so that a live stream can tell them at once. It is not stored
	// with the event; desk fills it in when it publishes.
	Notify []int64 `json:"-"`
}

// Some kinds keep two values in one of Field and New, as they are stored.
// Writers build those with the functions below and readers ask the methods
// beside them, so each encoding is defined once, here, and no reader takes
// history text apart.

// ClockField is the Field of an SLA event: the clock's metric, followed for
// a recompute by its reason in parentheses ("initial_response (severity B→A)").
func ClockField(m Metric, reason string) string {
	if reason == "" {
		return string(m)
	}
	return string(m) + " (" + reason + ")"
}

// Clock returns the metric and the recompute reason an SLA event's Field
// names (ClockField); both are empty for other kinds.
func (e *Event) Clock() (m Metric, reason string) {
	if !e.Kind.SLA() {
		return "", ""
	}
	f, reason, ok := strings.Cut(e.Field, " (")
	if ok {
		reason = strings.TrimSuffix(reason, ")")
	}
	return Metric(f), reason
}

const (
	assigneeField   = "assignee_id"
	translatorField = assigneeField + " (translator needed: nobody on shift speaks "
)

// AssigneeField is the Field of an assignment: "assignee_id", or, when
// routing found nobody on shift who speaks the request's language (so a
// translator is needed), a note that says so.
func AssigneeField(translatorFor string) string {
	if translatorFor == "" {
		return assigneeField
	}
	return translatorField + translatorFor + ")"
}

// TranslatorNeeded reports whether an assignment was made without a speaker
// of the request's language (AssigneeField).
func (e *Event) TranslatorNeeded() bool {
	return e.Kind == EventAssigneeChanged && strings.HasPrefix(e.Field, translatorField)
}

const outOfScopePrefix = "out_of_scope:"

// OutOfScopeOutcome is the New of an out-of-scope outcome with its reason.
func OutOfScopeOutcome(reason string) string { return outOfScopePrefix + reason }

// OutOfScopeReason returns the reason of an out-of-scope outcome
// (OutOfScopeOutcome), "" for other events.
func (e *Event) OutOfScopeReason() string {
	if e.Kind != EventOutOfScope {
		return ""
	}
	return strings.TrimPrefix(e.New, outOfScopePrefix)
}

// The Field of a merge line says which side of the merge the request was on;
// New is the other request's number.
const (
	MergedInto = "into" // this request was merged into the other
	MergedFrom = "from" // the other request was merged into this one
)

const tierPrefix = "tier "

// TierField is the Field of an unrouted event: the support tier routing
// found nobody in ("tier 2").
func TierField(tier int) string { return tierPrefix + strconv.Itoa(tier) }

// Tier returns the support tier an unrouted event names (TierField), 0 for
// other events.
func (e *Event) Tier() int {
	if e.Kind != EventUnrouted {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(e.Field, tierPrefix))
	return n
}

// DueText is how a history line records a due time (sla_started,
// sla_recomputed, sla_stopped, sla_warn, sla_breach): RFC 3339 in UTC, whole
// seconds, "none" when there is none. ParseDue reads it back.
func DueText(t *time.Time) string {
	if t == nil {
		return "none"
	}
	return t.UTC().Format(time.RFC3339)
}

// ParseDue reads a due time DueText wrote; nil for "none" (or anything else).
func ParseDue(v string) *time.Time {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil
	}
	return &t
}
