package desk

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// Webhooks (issue 13): operators register the provider's endpoints; every
// history event a transaction writes queues, in that transaction, one
// delivery per active endpoint that wants its kind. Webhooks are the
// provider's own integrations, so they hear of every event, internal notes
// and SLA lines included, of every organization: like the staff's event
// stream, not a customer's. (Bulk SLA recomputes' moved due times, which
// are published from packed batches rather than written as history lines,
// are not delivered.) The outbox worker's webhook sender
// (internal/webhook) signs and sends them, and reports each attempt here
// (WebhookAttempted), where an endpoint that answered 410 Gone, or failed
// for Policy.WebhookFailingFor, is disabled with its reason.

// WebhookInput is a new endpoint.
type WebhookInput struct {
	URL         string               `json:"url"`
	Description string               `json:"description"`
	Events      []casedesk.EventKind `json:"events"`
}

// WebhookPatch changes an endpoint; nil fields stay. Setting Active true
// again clears the reason it was disabled and its failure streak.
type WebhookPatch struct {
	URL         *string               `json:"url"`
	Description *string               `json:"description"`
	Events      *[]casedesk.EventKind `json:"events"`
	Active      *bool                 `json:"active"`
}

// maxWebhookURL bounds an endpoint's URL.
const maxWebhookURL = 2000

// checkWebhookURL accepts an absolute http or https URL of a host, with no
// user name or password (a secret in a URL ends up in logs; the signature
// is how a receiver authenticates casedesk). Where its host resolves is
// checked when each call connects (internal/webhook), not here: DNS
// answers change.
func checkWebhookURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", casedesk.Invalid("url", "url is required")
	}
	if len(raw) > maxWebhookURL {
		return "", casedesk.Invalid("url", "url is longer than %d characters", maxWebhookURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", casedesk.Invalid("url", "url is not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", casedesk.Invalid("url", "url must be http or https")
	}
	if u.User != nil {
		return "", casedesk.Invalid("url", "url must not hold a user name or password; receivers check the signature")
	}
	if u.Hostname() == "" || u.Opaque != "" {
		return "", casedesk.Invalid("url", "url must name a host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", casedesk.Invalid("url", "url's port must be between 1 and 65535")
		}
	}
	if u.Fragment != "" {
		return "", casedesk.Invalid("url", "url must not have a #fragment")
	}
	return u.String(), nil
}

func checkWebhookEvents(ks []casedesk.EventKind) ([]casedesk.EventKind, error) {
	out := []casedesk.EventKind{}
	for i, k := range ks {
		if !k.Valid() {
			return nil, casedesk.Invalid(fmt.Sprintf("events[%d]", i), "unknown event kind %q", k)
		}
		if !contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

func checkWebhookDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len([]rune(s)) > 500 {
		return "", casedesk.Invalid("description", "description is longer than 500 characters")
	}
	return s, nil
}

// newWebhookSecret returns a Standard Webhooks signing secret: "whsec_"
// and the base64 of 32 random bytes.
func newWebhookSecret() string {
	b := make([]byte, 32)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// WebhookEndpoints lists the endpoints, for operators.
func (d *Desk) WebhookEndpoints(ctx context.Context, a *casedesk.Actor) ([]*casedesk.WebhookEndpoint, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	return d.db.WebhookEndpoints(ctx, false)
}

// WebhookEndpoint returns one endpoint, for operators (without its secret).
func (d *Desk) WebhookEndpoint(ctx context.Context, a *casedesk.Actor, id int64) (*casedesk.WebhookEndpoint, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	return d.db.WebhookEndpoint(ctx, id)
}

// CreateWebhookEndpoint registers an endpoint, active, for operators. It
// returns the endpoint with its Secret set: the one time it is shown.
func (d *Desk) CreateWebhookEndpoint(ctx context.Context, a *casedesk.Actor, in WebhookInput) (*casedesk.WebhookEndpoint, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	u, err := checkWebhookURL(in.URL)
	if err != nil {
		return nil, err
	}
	desc, err := checkWebhookDescription(in.Description)
	if err != nil {
		return nil, err
	}
	events, err := checkWebhookEvents(in.Events)
	if err != nil {
		return nil, err
	}
	now := d.now()
	e := &casedesk.WebhookEndpoint{URL: u, Description: desc, Events: events, Secret: newWebhookSecret(), Active: true,
		CreatedAt: now, UpdatedAt: now}
	if err := d.db.Write(ctx, func(tx *store.Tx) error { return tx.CreateWebhookEndpoint(ctx, e) }); err != nil {
		return nil, err
	}
	d.log.Info("webhook endpoint created", "endpoint", e.ID, "url", e.URL, "by", a.User.ID)
	return e, nil
}

// UpdateWebhookEndpoint changes an endpoint, for operators.
func (d *Desk) UpdateWebhookEndpoint(ctx context.Context, a *casedesk.Actor, id int64, p WebhookPatch) (*casedesk.WebhookEndpoint, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	var e *casedesk.WebhookEndpoint
	err := d.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = tx.WebhookEndpoint(ctx, id); err != nil {
			return err
		}
		if p.URL != nil {
			if e.URL, err = checkWebhookURL(*p.URL); err != nil {
				return err
			}
		}
		if p.Description != nil {
			if e.Description, err = checkWebhookDescription(*p.Description); err != nil {
				return err
			}
		}
		if p.Events != nil {
			if e.Events, err = checkWebhookEvents(*p.Events); err != nil {
				return err
			}
		}
		if p.Active != nil {
			if *p.Active && !e.Active {
				e.DisabledReason, e.FailingSince = "", nil
			}
			e.Active = *p.Active
		}
		e.UpdatedAt = d.now()
		return tx.UpdateWebhookEndpoint(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// RotateWebhookSecret gives an endpoint a new secret, for operators, and
// returns it with the Secret set: the one time it is shown. Deliveries are
// signed with the new secret from now on, retries of older ones included.
func (d *Desk) RotateWebhookSecret(ctx context.Context, a *casedesk.Actor, id int64) (*casedesk.WebhookEndpoint, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	var e *casedesk.WebhookEndpoint
	err := d.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = tx.WebhookEndpoint(ctx, id); err != nil {
			return err
		}
		e.Secret, e.UpdatedAt = newWebhookSecret(), d.now()
		return tx.UpdateWebhookEndpoint(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	d.log.Info("webhook secret rotated", "endpoint", e.ID, "by", a.User.ID)
	return e, nil
}

// DeleteWebhookEndpoint removes an endpoint and its attempts, for
// operators; its deliveries still pending are refused when tried.
func (d *Desk) DeleteWebhookEndpoint(ctx context.Context, a *casedesk.Actor, id int64) error {
	if err := needOperator(a); err != nil {
		return err
	}
	return d.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteWebhookEndpoint(ctx, id) })
}

// WebhookPing is the payload of a test delivery.
type WebhookPing struct {
	Kind       casedesk.Topic `json:"kind"` // "ping"
	EndpointID int64          `json:"endpoint_id"`
	At         time.Time      `json:"at"`
}

// PingWebhook queues a test delivery to an endpoint (payload WebhookPing),
// for operators; it is signed and sent like any other, and its attempts
// show how the endpoint answered. A disabled endpoint is EINVALID.
func (d *Desk) PingWebhook(ctx context.Context, a *casedesk.Actor, id int64) (*casedesk.Delivery, error) {
	if err := needOperator(a); err != nil {
		return nil, err
	}
	var del *casedesk.Delivery
	err := d.db.Write(ctx, func(tx *store.Tx) error {
		e, err := tx.WebhookEndpoint(ctx, id)
		if err != nil {
			return err
		}
		if !e.Active {
			return casedesk.Invalid("id", "the endpoint is disabled; activate it first")
		}
		now := d.now()
		payload, _ := json.Marshal(WebhookPing{Kind: casedesk.TopicPing, EndpointID: e.ID, At: now})
		del = &casedesk.Delivery{Route: casedesk.RouteWebhook, Topic: casedesk.TopicPing, Recipient: e.URL, EndpointID: e.ID,
			Payload: payload, NextAt: now, CreatedAt: now}
		if err := tx.QueueDelivery(ctx, store.AllOrgs, del); err != nil {
			return err
		}
		tx.AfterCommit(d.wakeOutbox)
		return nil
	})
	return del, err
}

// WebhookAttempts lists an endpoint's attempts, newest first, a page at a
// time (limit 1–200, default 50), for operators; the cursor returned
// fetches the next page ("" at the end).
func (d *Desk) WebhookAttempts(ctx context.Context, a *casedesk.Actor, id int64, cursor string, limit int) ([]*store.WebhookAttempt, string, error) {
	if err := needOperator(a); err != nil {
		return nil, "", err
	}
	if _, err := d.db.WebhookEndpoint(ctx, id); err != nil {
		return nil, "", err
	}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 200 {
		return nil, "", casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	f := store.WebhookAttemptFilter{EndpointID: id, Limit: limit + 1}
	if cursor != "" {
		var err error
		if f.Before, err = strconv.ParseInt(cursor, 10, 64); err != nil || f.Before <= 0 {
			return nil, "", casedesk.Invalid("cursor", "cursor is not one this API returned")
		}
	}
	as, err := d.db.WebhookAttempts(ctx, f)
	if err != nil {
		return nil, "", err
	}
	if len(as) > limit {
		as = as[:limit]
		return as, strconv.FormatInt(as[limit-1].ID, 10), nil
	}
	return as, "", nil
}

// WebhookTarget returns the endpoint a delivery goes to, secret included:
// system work, for the webhook sender.
func (d *Desk) WebhookTarget(ctx context.Context, id int64) (*casedesk.WebhookEndpoint, error) {
	return d.db.WebhookEndpoint(ctx, id)
}

// WebhookAttempted logs one attempt of a webhook delivery and keeps its
// endpoint's health: a success ends a failure streak; a 410 Gone disables
// the endpoint at once; a failure starts a streak, or, when the streak is
// Policy.WebhookFailingFor old, disables the endpoint with the reason. A
// disabled endpoint is logged as a warning and shows its reason in the
// API and the console; its pending deliveries are refused when tried.
// System work, for the webhook sender.
func (d *Desk) WebhookAttempted(ctx context.Context, at *casedesk.WebhookAttempt) error {
	var disabled *casedesk.WebhookEndpoint
	err := d.db.Write(ctx, func(tx *store.Tx) error {
		disabled = nil
		e, err := tx.WebhookEndpoint(ctx, at.EndpointID)
		if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
			return nil // deleted meanwhile: nothing to log it on
		}
		if err != nil {
			return err
		}
		if err := tx.RecordWebhookAttempt(ctx, at); err != nil {
			return err
		}
		changed := false
		switch {
		case at.OK():
			changed = e.FailingSince != nil
			e.FailingSince = nil
		case !e.Active:
		case at.Gone():
			e.Active, changed = false, true
			e.DisabledReason = fmt.Sprintf("disabled %s: the endpoint answered 410 Gone", at.At.UTC().Format(time.RFC3339))
		case e.FailingSince == nil:
			t := at.At
			e.FailingSince, changed = &t, true
		case at.At.Sub(*e.FailingSince) >= d.policy.WebhookFailingFor:
			e.Active, changed = false, true
			e.DisabledReason = fmt.Sprintf("disabled %s: failing since %s; last: %s", at.At.UTC().Format(time.RFC3339),
				e.FailingSince.UTC().Format(time.RFC3339), at.Error)
		}
		if !changed {
			return nil
		}
		if !e.Active {
			disabled = e
		}
		e.UpdatedAt = d.now()
		return tx.UpdateWebhookEndpoint(ctx, e)
	})
	if err == nil && disabled != nil {
		d.log.Warn("webhook endpoint disabled", "endpoint", disabled.ID, "url", disabled.URL, "reason", disabled.DisabledReason)
	}
	return err
}

// queueWebhooks queues, in tx, one delivery per event tx wrote and active
// endpoint that wants its kind; the payload is the event's JSON, exactly as
// GET /api/v1/events streams it. notify calls it once per transaction, so
// the endpoints are read once per transaction (one indexed read of a small
// table), and only when it wrote events.
func (d *Desk) queueWebhooks(ctx context.Context, tx *store.Tx) error {
	events := tx.Events()
	if len(events) == 0 {
		return nil
	}
	endpoints, err := tx.WebhookEndpoints(ctx, true)
	if err != nil || len(endpoints) == 0 {
		return err
	}
	now := d.now()
	queued := false
	for _, e := range events {
		var payload []byte
		for _, ep := range endpoints {
			if !ep.Wants(e.Kind) {
				continue
			}
			if payload == nil {
				var err error
				if payload, err = json.Marshal(e); err != nil {
					return err
				}
			}
			del := &casedesk.Delivery{Route: casedesk.RouteWebhook, Topic: casedesk.Topic(e.Kind), OrgID: e.OrgID,
				RequestID: e.RequestID, EventID: e.ID, Recipient: ep.URL, EndpointID: ep.ID, Payload: payload,
				NextAt: now, CreatedAt: now}
			if err := tx.QueueDelivery(ctx, store.OrgScope(e.OrgID), del); err != nil {
				return err
			}
			queued = true
		}
	}
	if queued {
		tx.AfterCommit(d.wakeOutbox)
	}
	return nil
}
