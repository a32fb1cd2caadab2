package desk

import (
	"context"
	crand "crypto/rand"
	"encoding/base32"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// The outbox's verbs: the worker claims deliveries and reports how each
// went; operators list them and retry dead ones. Deliveries are queued by
// notify (notice.go) and the account mails, in the transaction of their
// cause.

// wakeOutbox tells the outbox worker that deliveries were queued.
func (d *Desk) wakeOutbox() {
	select {
	case d.outboxWake <- struct{}{}:
	default:
	}
}

// OutboxWake is ready when deliveries were queued on this instance.
func (d *Desk) OutboxWake() <-chan struct{} { return d.outboxWake }

// ClaimDeliveries takes up to n due deliveries for a sender and holds them
// for the policy's DeliveryLease (store.ClaimDeliveries): system work, on
// every organization.
func (d *Desk) ClaimDeliveries(ctx context.Context, n int) ([]*casedesk.Delivery, error) {
	var out []*casedesk.Delivery
	err := d.db.Write(ctx, func(tx *store.Tx) error {
		now := d.now()
		var err error
		out, err = tx.ClaimDeliveries(ctx, store.AllOrgs, now, now.Add(d.policy.DeliveryLease), n)
		return err
	})
	return out, err
}

// NextDelivery returns when the next pending delivery falls due.
func (d *Desk) NextDelivery(ctx context.Context) (time.Time, bool, error) {
	return d.db.NextDelivery(ctx, store.AllOrgs)
}

// DeliveryDone records how a try of the claimed delivery went: sent when
// err is nil; else tried again after a backoff that doubles with each
// attempt (30 s, 1 min, 2 min … up to an hour, each drawn at random between
// half and all of it, so that failures spread out), or dead once it is
// older than the policy's DeliveryMaxAge or the recipient refused it for
// good (casedesk.IsRefused). A sent mail's secret link is blanked from the
// stored payload.
func (d *Desk) DeliveryDone(ctx context.Context, del *casedesk.Delivery, sendErr error) error {
	now := d.now()
	o := store.DeliveryOutcome{ID: del.ID, At: now}
	switch {
	case sendErr == nil:
		o.Status = casedesk.DeliverySent
		o.Payload = withoutSecret(del)
	case casedesk.IsRefused(sendErr) || now.Sub(del.CreatedAt) >= d.policy.DeliveryMaxAge:
		o.Status, o.Error = casedesk.DeliveryDead, errorText(sendErr)
	default:
		o.Status, o.Error, o.Next = casedesk.DeliveryPending, errorText(sendErr), now.Add(Backoff(del.Attempts))
	}
	scope := store.AllOrgs
	if del.OrgID != 0 {
		scope = store.OrgScope(del.OrgID)
	}
	return d.db.Write(ctx, func(tx *store.Tx) error {
		ok, err := tx.RecordDelivery(ctx, scope, o)
		if err == nil && ok && o.Status == casedesk.DeliveryDead {
			d.log.Warn("delivery dead", "id", del.ID, "route", del.Route, "topic", del.Topic, "err", o.Error)
		}
		return err
	})
}

// Backoff is the wait before the next try of a delivery tried attempts
// times: 30 s doubling per attempt up to an hour, with full jitter over its
// upper half.
func Backoff(attempts int) time.Duration {
	base := 30 * time.Second
	for i := 1; i < attempts && base < time.Hour; i++ {
		base *= 2
	}
	base = min(base, time.Hour)
	return base/2 + rand.N(base/2+1)
}

// errorText keeps a sender's error short enough to store and show.
func errorText(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}

// withoutSecret returns del's payload with a secret link blanked, or nil
// when there is nothing to blank.
func withoutSecret(del *casedesk.Delivery) []byte {
	if del.Route != casedesk.RouteMail {
		return nil
	}
	var n casedesk.Notice
	if json.Unmarshal(del.Payload, &n) != nil || !n.Secret {
		return nil
	}
	n.Link, n.Secret = "", false
	b, _ := json.Marshal(n)
	return b
}

// Deliveries lists the outbox for an operator or supervisor, newest first,
// a page at a time (limit 1–200, default 50); the cursor returned fetches
// the next page ("" at the end).
func (d *Desk) Deliveries(ctx context.Context, a *casedesk.Actor, f store.DeliveryFilter, cursor string) ([]*casedesk.Delivery, string, error) {
	scope, err := outboxScope(a)
	if err != nil {
		return nil, "", err
	}
	switch f.Status {
	case "", casedesk.DeliveryPending, casedesk.DeliverySent, casedesk.DeliveryDead:
	default:
		return nil, "", casedesk.Invalid("status", "status must be pending, sent or dead")
	}
	switch f.Route {
	case "", casedesk.RouteMail, casedesk.RouteWebhook:
	default:
		return nil, "", casedesk.Invalid("route", "route must be mail or webhook")
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > 200 {
		return nil, "", casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	if cursor != "" {
		if f.Before, err = strconv.ParseInt(cursor, 10, 64); err != nil || f.Before <= 0 {
			return nil, "", casedesk.Invalid("cursor", "cursor is not one this API returned")
		}
	}
	want := f.Limit
	f.Limit++
	ds, err := d.db.Deliveries(ctx, scope, f)
	if err != nil {
		return nil, "", err
	}
	if len(ds) > want {
		ds = ds[:want]
		return ds, strconv.FormatInt(ds[want-1].ID, 10), nil
	}
	return ds, "", nil
}

// DeliveryCounts counts the outbox by status, for an operator or supervisor.
func (d *Desk) DeliveryCounts(ctx context.Context, a *casedesk.Actor) (map[casedesk.DeliveryStatus]int, error) {
	scope, err := outboxScope(a)
	if err != nil {
		return nil, err
	}
	return d.db.DeliveryCounts(ctx, scope)
}

// RetryDelivery makes a dead (or waiting) delivery due now, for an operator
// or supervisor; a sent one is not sent again.
func (d *Desk) RetryDelivery(ctx context.Context, a *casedesk.Actor, id int64) error {
	scope, err := outboxScope(a)
	if err != nil {
		return err
	}
	err = d.db.Write(ctx, func(tx *store.Tx) error {
		return tx.RetryDelivery(ctx, scope, id, d.now())
	})
	if err == nil {
		d.wakeOutbox()
	}
	return err
}

// NotificationSettings returns the topics a may switch and which of them
// are on.
func (d *Desk) NotificationSettings(ctx context.Context, a *casedesk.Actor) (map[casedesk.Topic]bool, []casedesk.Topic, error) {
	topics, err := noticeTopics(a)
	if err != nil {
		return nil, nil, err
	}
	off, err := d.db.NotificationOptOuts(ctx, store.OrgScope(a.User.OrgID), []int64{a.User.ID})
	if err != nil {
		return nil, nil, err
	}
	on := map[casedesk.Topic]bool{}
	for _, t := range topics {
		on[t] = !off[a.User.ID][t]
	}
	return on, topics, nil
}

// SetNotificationSettings switches a's topics: those in on are on, the
// others of a's side off. A topic that is not one of a's side is EINVALID
// (field "topics").
func (d *Desk) SetNotificationSettings(ctx context.Context, a *casedesk.Actor, on []casedesk.Topic) error {
	topics, err := noticeTopics(a)
	if err != nil {
		return err
	}
	want := map[casedesk.Topic]bool{}
	for _, t := range on {
		if !contains(topics, t) {
			return casedesk.Invalid("topics", "unknown notification topic %q", t)
		}
		want[t] = true
	}
	var off []casedesk.Topic
	for _, t := range topics {
		if !want[t] {
			off = append(off, t)
		}
	}
	return d.db.Write(ctx, func(tx *store.Tx) error {
		return tx.SetNotificationOptOuts(ctx, store.OrgScope(a.User.OrgID), a.User.ID, off)
	})
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// newReplyToken returns a reply-address token: 130 random bits in lower-case
// base32, because mail systems may change the case of a local part.
func newReplyToken() string {
	b := make([]byte, 16)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// requestMail returns r's mail identity, minting it in tx with its first
// mail.
func (d *Desk) requestMail(ctx context.Context, tx *store.Tx, r *casedesk.Request) (store.RequestMail, error) {
	m, ok, err := tx.RequestMail(ctx, scopeOf(r), r.ID)
	if err != nil || ok {
		return m, err
	}
	m = store.RequestMail{RequestID: r.ID, OrgID: r.OrgID, ReplyToken: newReplyToken()}
	return m, tx.CreateRequestMail(ctx, scopeOf(r), m)
}
