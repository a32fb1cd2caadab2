package casedesk

import (
	"encoding/json"
	"errors"
	"time"
)

// A Delivery is one message casedesk owes the world: a mail to one
// recipient or one webhook call to one endpoint. It is written in the
// transaction of the change that causes it (the outbox), so a committed
// change never loses its mail and a rolled-back one never sends any; a
// worker sends it afterwards, retrying with backoff until it is sent or
// dead.
type Delivery struct {
	ID     int64          `json:"id"`
	Route  Route          `json:"route"`
	Topic  Topic          `json:"topic"`
	Status DeliveryStatus `json:"status"`
	// OrgID is the organization whose data it carries; 0 for mail that
	// concerns no customer (a prospect's answer, a staff invitation).
	OrgID     int64  `json:"organization_id,omitempty"`
	RequestID int64  `json:"-"`
	Number    string `json:"number,omitempty"`
	EventID   int64  `json:"event_id,omitempty"`
	// Recipient is the mail address, or the webhook endpoint's URL.
	Recipient  string `json:"recipient"`
	UserID     int64  `json:"user_id,omitempty"`
	EndpointID int64  `json:"endpoint_id,omitempty"`
	// Payload is what the sender renders: a Notice for mail, the event's
	// JSON for a webhook. Secrets in it (a password-reset link) are
	// blanked once it is sent.
	Payload   json.RawMessage `json:"-"`
	Attempts  int             `json:"attempts"`
	NextAt    time.Time       `json:"next_at"`
	CreatedAt time.Time       `json:"created_at"`
	SentAt    *time.Time      `json:"sent_at"`
	LastError string          `json:"last_error,omitempty"`
}

// Route is how a delivery travels.
type Route string

const (
	RouteMail    Route = "mail"
	RouteWebhook Route = "webhook"
)

// DeliveryStatus is where a delivery stands. A pending one is tried at
// NextAt; a dead one was given up on (too old, or refused for good) and
// waits for an operator to retry it.
type DeliveryStatus string

const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryDead    DeliveryStatus = "dead"
)

// Topic is what a notification or a mail is about. Users switch topics off
// one by one (on by default); the account topics (password reset,
// invitation, pre-sales answer, a mail refused) cannot be switched off.
type Topic string

const (
	// Customer side: a request's admins and the partner who opened it.
	TopicReceived Topic = "received" // the request was opened (number, severity once set, commitment)
	TopicReplied  Topic = "replied"  // a public reply
	TopicWaiting  Topic = "waiting"  // the provider waits on the customer
	TopicResolved Topic = "resolved" // with the survey link
	TopicReopened Topic = "reopened"
	TopicClosed   Topic = "closed"
	// Provider side.
	TopicAssigned  Topic = "assigned"   // assigned to you
	TopicSLAWarn   Topic = "sla_warn"   // to the assignee and the supervisors on shift
	TopicSLABreach Topic = "sla_breach" // likewise
	TopicAccount   Topic = "account"    // the technical account manager hears of their organizations' requests
	TopicCallback  Topic = "callback"   // a customer asked to be called back
	// Mail about the account, never switched off.
	TopicPasswordReset Topic = "password_reset"
	TopicInvitation    Topic = "invitation"
	TopicPresales      Topic = "presales"
	TopicMailRefused   Topic = "mail_refused" // an inbound mail could not become a request or reply
	// Webhooks carry the event kind as their topic.
)

// CustomerTopics and StaffTopics are the switchable topics each side sees
// in its notification settings, in the order shown.
var (
	CustomerTopics = []Topic{TopicReceived, TopicReplied, TopicWaiting, TopicResolved, TopicReopened, TopicClosed}
	StaffTopics    = []Topic{TopicAssigned, TopicSLAWarn, TopicSLABreach, TopicAccount, TopicCallback}
)

// Switchable reports whether a user may turn the topic off.
func (t Topic) Switchable() bool {
	for _, s := range CustomerTopics {
		if s == t {
			return true
		}
	}
	for _, s := range StaffTopics {
		if s == t {
			return true
		}
	}
	return false
}

// Refused marks a delivery error as final: the recipient refused it (a
// mail address that does not exist, a webhook that answered 410), so it is
// not tried again.
func Refused(err error) error { return refused{err} }

type refused struct{ error }

func (r refused) Unwrap() error { return r.error }

// IsRefused reports whether err is final (Refused).
func IsRefused(err error) bool {
	var r refused
	return errors.As(err, &r)
}
