package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// Notification is a line of a staff member's inbox: a change to a request
// they follow, with the request's title and organization to show it.
type Notification struct {
	ID        int64              `json:"id"`
	UserID    int64              `json:"-"`
	OrgID     int64              `json:"organization_id"`
	OrgName   string             `json:"organization_name"`
	RequestID int64              `json:"-"`
	Number    string             `json:"number"`
	Title     string             `json:"title"`
	EventID   int64              `json:"event_id"`
	Kind      casedesk.EventKind `json:"kind"`
	Topic     casedesk.Topic     `json:"topic"`
	Detail    string             `json:"detail,omitempty"`
	CreatedAt time.Time          `json:"created_at"`
	ReadAt    *time.Time         `json:"read_at"`
}

// CreateNotification stores n, about a request of organization n.OrgID, and
// sets its ID; ENOTFOUND when that organization lies outside the scope (see
// Scope.admit).
func (q *Queries) CreateNotification(ctx context.Context, scope Scope, n *Notification) error {
	if err := scope.admit(n.OrgID, n.RequestID); err != nil {
		return err
	}
	err := q.queryRow(ctx, `INSERT INTO notifications (user_id, org_id, request_id, event_id, kind, topic, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		n.UserID, n.OrgID, n.RequestID, n.EventID, n.Kind, n.Topic, n.Detail, ts(n.CreatedAt)).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("store: create notification: %w", err)
	}
	return nil
}

// NotificationFilter selects a user's notifications.
type NotificationFilter struct {
	Unread bool
	Before int64 // the ones listed after this one (paging: its id)
	Limit  int
}

// Notifications lists user's notifications about requests in scope, newest
// first by when the change happened (created_at, then id: an SLA alert
// recorded late still sorts at its instant). Every query here filters on the
// user too: an inbox is its owner's only.
func (q *Queries) Notifications(ctx context.Context, scope Scope, user int64, f NotificationFilter) ([]*Notification, error) {
	var a args
	where := "n.user_id = " + a.add(user) + " AND " + scope.cond(&a, "n.org_id")
	if f.Unread {
		where += " AND n.read_at IS NULL"
	}
	if f.Before > 0 {
		// After the cursor's line in the same order: earlier, or as early
		// with a smaller id.
		b, u := a.add(f.Before), a.add(user)
		at := "(SELECT c.created_at FROM notifications c WHERE c.id = " + b + " AND c.user_id = " + u + ")"
		where += " AND (n.created_at < " + at + " OR (n.created_at = " + at + " AND n.id < " + b + "))"
	}
	rows, err := q.query(ctx, `SELECT n.id, n.user_id, n.org_id, o.name, n.request_id, r.title, n.event_id, n.kind, n.topic, n.detail,
		n.created_at, n.read_at
		FROM notifications n JOIN requests r ON r.id = n.request_id JOIN organizations o ON o.id = n.org_id
		WHERE `+where+" ORDER BY n.created_at DESC, n.id DESC LIMIT "+a.add(limit(f.Limit)), a...)
	if err != nil {
		return nil, fmt.Errorf("store: notifications of user %d: %w", user, err)
	}
	defer rows.Close()
	out := []*Notification{}
	for rows.Next() {
		var n Notification
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.UserID, &n.OrgID, &n.OrgName, &n.RequestID, &n.Title, &n.EventID, &n.Kind, &n.Topic, &n.Detail,
			&created, &read); err != nil {
			return nil, fmt.Errorf("store: notifications: %w", err)
		}
		n.Number, n.CreatedAt, n.ReadAt = casedesk.RequestNumber(n.RequestID), fromTS(created), fromNullTS(read)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// UnreadNotifications counts user's unread notifications about requests in
// scope.
func (q *Queries) UnreadNotifications(ctx context.Context, scope Scope, user int64) (int, error) {
	var n int
	a := args{user}
	if err := q.queryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL AND "+scope.cond(&a, "org_id"), a...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unread notifications of user %d: %w", user, err)
	}
	return n, nil
}

// MarkNotificationsRead marks user's notifications in scope with the ids
// read at at (all of them for nil ids) and returns how many were unread. An
// id that is not one of user's in scope is ENOTFOUND, and nothing is marked.
func (q *Queries) MarkNotificationsRead(ctx context.Context, scope Scope, user int64, ids []int64, at time.Time) (int, error) {
	var a args
	where := "user_id = " + a.add(user) + " AND " + scope.cond(&a, "org_id")
	mineWhere := where
	where += " AND read_at IS NULL"
	if ids != nil {
		in := make([]string, len(ids))
		for i, id := range ids {
			in[i] = a.add(id)
		}
		where += " AND id IN (" + strings.Join(in, ", ") + ")"
		var mine int
		err := q.queryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE "+mineWhere+" AND id IN ("+strings.Join(in, ", ")+")", a...).Scan(&mine)
		if err != nil {
			return 0, fmt.Errorf("store: mark notifications read: %w", err)
		}
		if mine != len(ids) {
			return 0, &casedesk.Error{Code: casedesk.ENOTFOUND, Field: "ids", Message: "a notification of the list is not one of yours"}
		}
	}
	res, err := q.exec(ctx, "UPDATE notifications SET read_at = "+a.add(ts(at))+" WHERE "+where, a...)
	if err != nil {
		return 0, fmt.Errorf("store: mark notifications read: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Notified returns, for each of the history events, the staff notified of
// it in scope: how another instance learns whom to tell live (PostgreSQL
// relay, with AllOrgs).
func (q *Queries) Notified(ctx context.Context, scope Scope, events []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(events) == 0 {
		return out, nil
	}
	var a args
	in := make([]string, len(events))
	for i, id := range events {
		in[i] = a.add(id)
	}
	// Customers' lines are mail only: a console's stream tells staff.
	rows, err := q.query(ctx, "SELECT n.event_id, n.user_id FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.event_id IN ("+
		strings.Join(in, ", ")+") AND u.role IN ('agent', 'supervisor') AND "+scope.cond(&a, "n.org_id"), a...)
	if err != nil {
		return nil, fmt.Errorf("store: notified users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, u int64
		if err := rows.Scan(&e, &u); err != nil {
			return nil, fmt.Errorf("store: notified users: %w", err)
		}
		out[e] = append(out[e], u)
	}
	return out, rows.Err()
}

// NotificationOptOuts returns the topics each of the users in scope has
// switched off (all topics are on by default).
func (q *Queries) NotificationOptOuts(ctx context.Context, scope Scope, users []int64) (map[int64]map[casedesk.Topic]bool, error) {
	out := map[int64]map[casedesk.Topic]bool{}
	if len(users) == 0 {
		return out, nil
	}
	var a args
	rows, err := q.query(ctx, "SELECT n.user_id, n.topic FROM notification_optouts n JOIN users u ON u.id = n.user_id WHERE n.user_id IN ("+
		a.list(users)+") AND "+scope.cond(&a, "u.org_id"), a...)
	if err != nil {
		return nil, fmt.Errorf("store: notification settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		var t casedesk.Topic
		if err := rows.Scan(&u, &t); err != nil {
			return nil, fmt.Errorf("store: notification settings: %w", err)
		}
		if out[u] == nil {
			out[u] = map[casedesk.Topic]bool{}
		}
		out[u][t] = true
	}
	return out, rows.Err()
}

// SetNotificationOptOuts replaces the topics user (in scope) has switched
// off; ENOTFOUND when the user lies outside the scope.
func (q *Queries) SetNotificationOptOuts(ctx context.Context, scope Scope, user int64, off []casedesk.Topic) error {
	var a args
	var n int
	if err := q.queryRow(ctx, "SELECT COUNT(*) FROM users WHERE id = "+a.add(user)+" AND "+scope.cond(&a, "org_id"), a...).Scan(&n); err != nil {
		return fmt.Errorf("store: notification settings of user %d: %w", user, err)
	}
	if n == 0 {
		return &casedesk.Error{Code: casedesk.ENOTFOUND, Message: fmt.Sprintf("user %d not found", user)}
	}
	if _, err := q.exec(ctx, "DELETE FROM notification_optouts WHERE user_id = $1", user); err != nil {
		return fmt.Errorf("store: notification settings of user %d: %w", user, err)
	}
	for _, t := range off {
		if _, err := q.exec(ctx, "INSERT INTO notification_optouts (user_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING", user, t); err != nil {
			return fmt.Errorf("store: notification settings of user %d: %w", user, err)
		}
	}
	return nil
}
