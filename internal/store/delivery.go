package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// The outbox (migration 0014): deliveries are queued in the transaction of
// the change that causes them and sent by the outbox worker (desk/outbox.go).

const deliveryColumns = `d.id, d.route, d.topic, d.status, d.org_id, d.request_id, d.event_id, d.recipient, d.user_id,
	d.endpoint_id, d.payload, d.attempts, d.next_at, d.created_at, d.sent_at, d.last_error`

func scanDelivery(row interface{ Scan(...any) error }) (*casedesk.Delivery, error) {
	var d casedesk.Delivery
	var org, req, ev, user, ep, sent sql.NullInt64
	var payload string
	var next, created int64
	if err := row.Scan(&d.ID, &d.Route, &d.Topic, &d.Status, &org, &req, &ev, &d.Recipient, &user, &ep, &payload,
		&d.Attempts, &next, &created, &sent, &d.LastError); err != nil {
		return nil, err
	}
	d.OrgID, d.RequestID, d.EventID, d.UserID, d.EndpointID = org.Int64, req.Int64, ev.Int64, user.Int64, ep.Int64
	if d.RequestID != 0 {
		d.Number = casedesk.RequestNumber(d.RequestID)
	}
	d.Payload = []byte(payload)
	d.NextAt, d.CreatedAt, d.SentAt = fromTS(next), fromTS(created), fromNullTS(sent)
	return &d, nil
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// QueueDelivery adds d to the outbox, pending from d.NextAt, and sets its
// ID. A delivery carrying an organization's data must lie in scope
// (ENOTFOUND otherwise); one that concerns no customer (OrgID 0) needs
// AllOrgs.
func (q *Queries) QueueDelivery(ctx context.Context, scope Scope, d *casedesk.Delivery) error {
	if d.OrgID == 0 && !scope.All() {
		return &casedesk.Error{Code: casedesk.ENOTFOUND, Message: "delivery outside the scope"}
	}
	if d.OrgID != 0 {
		if err := scope.admit(d.OrgID, d.RequestID); err != nil {
			return err
		}
	}
	d.Status = casedesk.DeliveryPending
	err := q.queryRow(ctx, `INSERT INTO deliveries (route, topic, status, org_id, request_id, event_id, recipient, user_id,
		endpoint_id, payload, next_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		d.Route, d.Topic, d.Status, nullable(d.OrgID), nullable(d.RequestID), nullable(d.EventID), d.Recipient,
		nullable(d.UserID), nullable(d.EndpointID), string(d.Payload), ts(d.NextAt), ts(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store: queue delivery: %w", err)
	}
	return nil
}

// ClaimDeliveries takes up to n pending deliveries in scope that are due at
// now, oldest due first, and holds them until lease: their next try moves
// there and their attempt count goes up, so a sender that dies with them
// leaves them to be tried again when the lease ends. On PostgreSQL rows
// another instance is claiming are skipped (FOR UPDATE SKIP LOCKED): no
// delivery is handed to two senders. Call it in a write transaction.
func (q *Queries) ClaimDeliveries(ctx context.Context, scope Scope, now, lease time.Time, n int) ([]*casedesk.Delivery, error) {
	var a args
	lock := ""
	if q.engine == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := q.query(ctx, `UPDATE deliveries SET next_at = `+a.add(ts(lease))+`, attempts = attempts + 1
		WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_at <= `+a.add(ts(now))+` AND `+
		scope.cond(&a, "org_id")+` ORDER BY next_at, id LIMIT `+a.add(n)+lock+`)
		RETURNING `+strings.ReplaceAll(deliveryColumns, "d.", ""), a...)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeliveryOutcome is what became of one try of a delivery.
type DeliveryOutcome struct {
	ID     int64
	Status casedesk.DeliveryStatus // sent, dead, or pending to retry at Next
	Next   time.Time
	At     time.Time
	Error  string
	// Payload, when not nil, replaces the stored one (a sent mail's secret
	// link blanked).
	Payload []byte
}

// RecordDelivery stores the outcome of a try of a delivery in scope. It
// reports false when the delivery is no longer pending (an operator or
// another sender settled it meanwhile), which leaves it as it is.
func (q *Queries) RecordDelivery(ctx context.Context, scope Scope, o DeliveryOutcome) (bool, error) {
	var a args
	set := "status = " + a.add(o.Status) + ", last_error = " + a.add(o.Error)
	switch o.Status {
	case casedesk.DeliverySent:
		set += ", sent_at = " + a.add(ts(o.At))
	case casedesk.DeliveryPending:
		set += ", next_at = " + a.add(ts(o.Next))
	}
	if o.Payload != nil {
		set += ", payload = " + a.add(string(o.Payload))
	}
	res, err := q.exec(ctx, "UPDATE deliveries SET "+set+" WHERE id = "+a.add(o.ID)+" AND status = 'pending' AND "+
		scope.cond(&a, "org_id"), a...)
	if err != nil {
		return false, fmt.Errorf("store: record delivery %d: %w", o.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RetryDelivery makes a dead or pending delivery in scope due at now again,
// for an operator; ENOTFOUND when there is none, EINVALID when it was sent.
func (q *Queries) RetryDelivery(ctx context.Context, scope Scope, id int64, now time.Time) error {
	var a args
	var status casedesk.DeliveryStatus
	err := q.queryRow(ctx, "SELECT status FROM deliveries WHERE id = "+a.add(id)+" AND "+scope.cond(&a, "org_id"), a...).Scan(&status)
	if err == sql.ErrNoRows {
		return &casedesk.Error{Code: casedesk.ENOTFOUND, Field: "id", Message: fmt.Sprintf("delivery %d not found", id)}
	}
	if err != nil {
		return fmt.Errorf("store: retry delivery %d: %w", id, err)
	}
	if status == casedesk.DeliverySent {
		return casedesk.Invalid("id", "the delivery was sent; it is not retried")
	}
	if _, err := q.exec(ctx, "UPDATE deliveries SET status = 'pending', next_at = $1 WHERE id = $2", ts(now), id); err != nil {
		return fmt.Errorf("store: retry delivery %d: %w", id, err)
	}
	return nil
}

// NextDelivery returns when the earliest pending delivery in scope falls
// due (ok false when none is pending): an index seek on deliveries_due.
func (q *Queries) NextDelivery(ctx context.Context, scope Scope) (t time.Time, ok bool, err error) {
	var a args
	var v sql.NullInt64
	err = q.queryRow(ctx, "SELECT MIN(next_at) FROM deliveries WHERE status = 'pending' AND "+scope.cond(&a, "org_id"), a...).Scan(&v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next delivery: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromTS(v.Int64), true, nil
}

// DeliveryFilter selects deliveries for the outbox's view.
type DeliveryFilter struct {
	Status    casedesk.DeliveryStatus // "" for all
	Route     casedesk.Route          // "" for all
	RequestID int64
	Before    int64 // ids below this one (paging)
	Limit     int
}

// Deliveries lists deliveries in scope, newest first.
func (q *Queries) Deliveries(ctx context.Context, scope Scope, f DeliveryFilter) ([]*casedesk.Delivery, error) {
	var a args
	where := scope.cond(&a, "d.org_id")
	if f.Status != "" {
		where += " AND d.status = " + a.add(f.Status)
	}
	if f.Route != "" {
		where += " AND d.route = " + a.add(f.Route)
	}
	if f.RequestID != 0 {
		where += " AND d.request_id = " + a.add(f.RequestID)
	}
	if f.Before > 0 {
		where += " AND d.id < " + a.add(f.Before)
	}
	rows, err := q.query(ctx, "SELECT "+deliveryColumns+" FROM deliveries d WHERE "+where+" ORDER BY d.id DESC LIMIT "+
		a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeliveryCounts counts deliveries in scope by status, for the outbox's
// view and the metrics.
func (q *Queries) DeliveryCounts(ctx context.Context, scope Scope) (map[casedesk.DeliveryStatus]int, error) {
	var a args
	rows, err := q.query(ctx, "SELECT status, COUNT(*) FROM deliveries WHERE "+scope.cond(&a, "org_id")+" GROUP BY status", a...)
	if err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	defer rows.Close()
	out := map[casedesk.DeliveryStatus]int{}
	for rows.Next() {
		var s casedesk.DeliveryStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: delivery counts: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Delivery returns one delivery in scope; ENOTFOUND when there is none.
func (q *Queries) Delivery(ctx context.Context, scope Scope, id int64) (*casedesk.Delivery, error) {
	var a args
	d, err := scanDelivery(q.queryRow(ctx, "SELECT "+deliveryColumns+" FROM deliveries d WHERE d.id = "+a.add(id)+" AND "+
		scope.cond(&a, "d.org_id"), a...))
	if err == sql.ErrNoRows {
		return nil, &casedesk.Error{Code: casedesk.ENOTFOUND, Field: "id", Message: fmt.Sprintf("delivery %d not found", id)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: delivery %d: %w", id, err)
	}
	return d, nil
}
