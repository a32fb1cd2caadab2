// Package desk holds casedesk's verbs: open a request, reply, reopen, grant a
// partner… Each takes the acting party, decides in authz.go whether it may,
// and runs its writes in one transaction. Both transports call desk; nothing
// else touches the store for them.
package desk

import (
	"log/slog"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// Policy holds the policy values desk enforces.
type Policy struct {
	ReopenDays      int           // a closed request may be reopened within this many days (SPEC: 14)
	AttachmentLimit int64         // bytes (default 25 MiB)
	SessionTTL      time.Duration // sign-in tokens
	// Sign-in throttling (session.go, loginWait, says how they combine).
	LoginWindow      time.Duration // failed sign-ins counted over this window
	LoginFreePair    int           // failures of one account from one address before delays start
	LoginFreeAccount int           // failures of one account from all addresses before delays start
	LoginFreeAddress int           // failures from one address over all accounts before delays start
	LoginDelay       time.Duration // the first delay; each further failure doubles it
	LoginMaxDelay    time.Duration // delays stop growing here
	LoginKnownFor    time.Duration // a good sign-in makes its (account, address) known this long
	PresalesPerHour  int           // anonymous pre-sales submissions per address per hour
	// RequestLimit requests may be opened per organization in any
	// RequestLimitWindow by its customers and partners (0: no limit);
	// every request of the organization counts, staff-opened ones too.
	RequestLimit       int
	RequestLimitWindow time.Duration
	PasswordParams     auth.Params
	// Outbox: a delivery not sent within DeliveryMaxAge of its queueing
	// becomes dead; a claimed one is held for DeliveryLease before another
	// sender may try it (a sender that died with it).
	DeliveryMaxAge time.Duration
	DeliveryLease  time.Duration
	// WebhookFailingFor: a webhook endpoint whose attempts have all failed
	// for this long is disabled (webhook.go).
	WebhookFailingFor time.Duration
	// AutoAssign routes a request to an agent when it is triaged (routing.go).
	AutoAssign bool
	// Inbound mail (inbound.go): a larger mail is refused unread; one
	// addressed to more than MailRecipients is refused; a sender's mail
	// opens requests and draws answers at most MailPerHour times an hour.
	MailLimit      int64
	MailRecipients int
	MailPerHour    int
}

// DefaultPolicy is SPEC's default.
func DefaultPolicy() Policy {
	return Policy{
		ReopenDays: 14, AttachmentLimit: 25 << 20, SessionTTL: 7 * 24 * time.Hour,
		LoginWindow: 15 * time.Minute, LoginFreePair: 3, LoginFreeAccount: 10, LoginFreeAddress: 20,
		LoginDelay: time.Second, LoginMaxDelay: 5 * time.Minute, LoginKnownFor: 30 * 24 * time.Hour,
		PresalesPerHour: 10, RequestLimit: 100, RequestLimitWindow: 10 * time.Minute,
		PasswordParams: auth.Default, AutoAssign: true, DeliveryMaxAge: 24 * time.Hour, DeliveryLease: 2 * time.Minute,
		MailLimit: 25 << 20, MailRecipients: 100, MailPerHour: 20,
		WebhookFailingFor: 24 * time.Hour,
	}
}

// Desk is the application core. It is safe for concurrent use.
type Desk struct {
	db     *store.DB
	blobs  *blob.Store
	clock  casedesk.Clock
	policy Policy
	log    *slog.Logger
	tokens *tokenCache
	limits *limiter
	sla    slaCache
	// slaWake tells the SLA worker that alert instants may have moved.
	slaWake chan struct{}
	// outboxWake tells the outbox worker that deliveries were queued.
	outboxWake chan struct{}
	events     *live.Broker
	counts     counts
	mail       bool
}

// Options configure New.
type Options struct {
	// Mail says that outbound mail is configured: notifications then queue
	// mails in the outbox; without it they stay in-app and the pages that
	// would mail (password reset, invitations) say mail is off.
	Mail   bool
	Clock  casedesk.Clock
	Policy *Policy
	Logger *slog.Logger
}

// New returns a Desk on db, with attachments in blobs.
func New(db *store.DB, blobs *blob.Store, o Options) *Desk {
	d := &Desk{db: db, blobs: blobs, clock: o.Clock, log: o.Logger, tokens: newTokenCache(), limits: newLimiter(),
		slaWake: make(chan struct{}, 1), outboxWake: make(chan struct{}, 1), events: live.NewBroker()}
	d.sla.cals = map[int64]cachedCal{}
	d.mail = o.Mail
	if d.clock == nil {
		d.clock = casedesk.SystemClock{}
	}
	if o.Policy != nil {
		d.policy = *o.Policy
	} else {
		d.policy = DefaultPolicy()
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	// Access changes announced by other instances (through the relay) reach
	// the token cache here; this instance's own, at commit (accessChanged).
	d.events.WatchAccess(d.tokens.forget)
	return d
}

// Mail reports whether outbound mail is configured.
func (d *Desk) Mail() bool { return d.mail }

// Policy returns the policy in force.
func (d *Desk) Policy() Policy { return d.policy }

// DB returns the store, for the health check and metrics.
func (d *Desk) DB() *store.DB { return d.db }

func (d *Desk) now() time.Time { return d.clock.Now().UTC().Truncate(time.Microsecond) }

// Clock returns the clock desk tells the time by, so that a transport that
// shows time-dependent choices (the reopen window, recent requests) agrees
// with the verbs that enforce them.
func (d *Desk) Clock() casedesk.Clock { return d.clock }
