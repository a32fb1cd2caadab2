package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/casedesk/casedesk"
)

// Webhook endpoints and their attempts (migration 0016) are the provider's
// own integrations, the same whichever organization an event concerns, so
// their methods take no Scope (scope_test.go lists them). The deliveries
// they cause are queued with QueueDelivery, in the scope of their event.

const endpointColumns = "id, url, description, events, secret, active, disabled_reason, failing_since, created_at, updated_at"

func scanEndpoint(row interface{ Scan(...any) error }) (*casedesk.WebhookEndpoint, error) {
	var e casedesk.WebhookEndpoint
	var events string
	var failing sql.NullInt64
	var created, updated int64
	if err := row.Scan(&e.ID, &e.URL, &e.Description, &events, &e.Secret, &e.Active, &e.DisabledReason, &failing,
		&created, &updated); err != nil {
		return nil, err
	}
	e.Events = []casedesk.EventKind{}
	for _, k := range splitList(events) {
		e.Events = append(e.Events, casedesk.EventKind(k))
	}
	e.FailingSince, e.CreatedAt, e.UpdatedAt = fromNullTS(failing), fromTS(created), fromTS(updated)
	return &e, nil
}

func joinKinds(ks []casedesk.EventKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return joinList(s)
}

// CreateWebhookEndpoint stores e and sets its ID.
func (q *Queries) CreateWebhookEndpoint(ctx context.Context, e *casedesk.WebhookEndpoint) error {
	err := q.queryRow(ctx, `INSERT INTO webhook_endpoints (url, description, events, secret, active, disabled_reason, failing_since,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		e.URL, e.Description, joinKinds(e.Events), e.Secret, e.Active, e.DisabledReason, tsp(e.FailingSince),
		ts(e.CreatedAt), ts(e.UpdatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create webhook endpoint: %w", err)
	}
	return nil
}

// UpdateWebhookEndpoint saves every field of e but its creation time.
func (q *Queries) UpdateWebhookEndpoint(ctx context.Context, e *casedesk.WebhookEndpoint) error {
	res, err := q.exec(ctx, `UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, secret = $5, active = $6,
		disabled_reason = $7, failing_since = $8, updated_at = $9 WHERE id = $1`,
		e.ID, e.URL, e.Description, joinKinds(e.Events), e.Secret, e.Active, e.DisabledReason, tsp(e.FailingSince), ts(e.UpdatedAt))
	return affectOne(res, err, "webhook endpoint", e.ID)
}

// WebhookEndpoints lists the endpoints by id; only the active ones when
// active is true (what an event is delivered to).
func (q *Queries) WebhookEndpoints(ctx context.Context, active bool) ([]*casedesk.WebhookEndpoint, error) {
	where := ""
	if active {
		where = " WHERE active"
	}
	rows, err := q.query(ctx, "SELECT "+endpointColumns+" FROM webhook_endpoints"+where+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.WebhookEndpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("store: webhook endpoints: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// WebhookEndpoint returns one endpoint; ENOTFOUND (field "id") when there
// is none.
func (q *Queries) WebhookEndpoint(ctx context.Context, id int64) (*casedesk.WebhookEndpoint, error) {
	e, err := scanEndpoint(q.queryRow(ctx, "SELECT "+endpointColumns+" FROM webhook_endpoints WHERE id = $1", id))
	if err == sql.ErrNoRows {
		return nil, &casedesk.Error{Code: casedesk.ENOTFOUND, Field: "id", Message: fmt.Sprintf("webhook endpoint %d not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoint %d: %w", id, err)
	}
	return e, nil
}

// DeleteWebhookEndpoint removes an endpoint and its attempts. Its pending
// deliveries stay, and are refused when tried (the endpoint is gone).
func (q *Queries) DeleteWebhookEndpoint(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, "DELETE FROM webhook_attempts WHERE endpoint_id = $1", id); err != nil {
		return fmt.Errorf("store: delete webhook endpoint %d: %w", id, err)
	}
	res, err := q.exec(ctx, "DELETE FROM webhook_endpoints WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("store: delete webhook endpoint %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &casedesk.Error{Code: casedesk.ENOTFOUND, Field: "id", Message: fmt.Sprintf("webhook endpoint %d not found", id)}
	}
	return nil
}

// RecordWebhookAttempt logs one try of a webhook delivery.
func (q *Queries) RecordWebhookAttempt(ctx context.Context, a *casedesk.WebhookAttempt) error {
	_, err := q.exec(ctx, `INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempted_at, status_code, latency_ms, response, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.DeliveryID, a.EndpointID, ts(a.At), a.Status, a.LatencyMS, a.Response, a.Error)
	if err != nil {
		return fmt.Errorf("store: record webhook attempt of delivery %d: %w", a.DeliveryID, err)
	}
	return nil
}

// WebhookAttemptFilter selects an endpoint's attempts, newest first.
type WebhookAttemptFilter struct {
	EndpointID int64
	DeliveryID int64 // 0: every delivery
	Before     int64 // attempt ids below this one (paging)
	Limit      int
}

// WebhookAttempt is an attempt with its id, the cursor of the list.
type WebhookAttempt struct {
	ID int64 `json:"id"`
	casedesk.WebhookAttempt
}

// WebhookAttempts lists an endpoint's attempts, newest first.
func (q *Queries) WebhookAttempts(ctx context.Context, f WebhookAttemptFilter) ([]*WebhookAttempt, error) {
	var a args
	where := []string{"endpoint_id = " + a.add(f.EndpointID)}
	if f.DeliveryID != 0 {
		where = append(where, "delivery_id = "+a.add(f.DeliveryID))
	}
	if f.Before > 0 {
		where = append(where, "id < "+a.add(f.Before))
	}
	rows, err := q.query(ctx, `SELECT id, delivery_id, endpoint_id, attempted_at, status_code, latency_ms, response, error
		FROM webhook_attempts WHERE `+strings.Join(where, " AND ")+" ORDER BY id DESC LIMIT "+a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: webhook attempts of endpoint %d: %w", f.EndpointID, err)
	}
	defer rows.Close()
	out := []*WebhookAttempt{}
	for rows.Next() {
		var w WebhookAttempt
		var at int64
		if err := rows.Scan(&w.ID, &w.DeliveryID, &w.EndpointID, &at, &w.Status, &w.LatencyMS, &w.Response, &w.Error); err != nil {
			return nil, fmt.Errorf("store: webhook attempts of endpoint %d: %w", f.EndpointID, err)
		}
		w.At = fromTS(at)
		out = append(out, &w)
	}
	return out, rows.Err()
}
