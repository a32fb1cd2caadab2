package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Notification is a line of a staff member's inbox.
type Notification struct {
	ID               int64      `json:"id"`
	OrganizationID   int64      `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	Number           string     `json:"number"`
	Title            string     `json:"title"`
	EventID          int64      `json:"event_id"`
	Kind             string     `json:"kind"` // created, severity, escalated, sla_warn, sla_breach
	Detail           string     `json:"detail,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	ReadAt           *time.Time `json:"read_at"`
}

// NotificationPage is one page of the inbox with the unread count in all.
type NotificationPage struct {
	Items      []Notification `json:"items"`
	Unread     int            `json:"unread"`
	NextCursor string         `json:"next_cursor,omitempty"` // "" on the last page
}

// NotificationOptions filters GET /api/v1/notifications.
type NotificationOptions struct {
	Unread bool
	Limit  int // 1–200; 0 lets the server choose
	Cursor string
}

// ListNotifications returns one page of the caller's notifications, newest
// first (staff).
func (c *Client) ListNotifications(ctx context.Context, opts NotificationOptions) (*NotificationPage, error) {
	q := url.Values{}
	if opts.Unread {
		q.Set("unread", "true")
	}
	if opts.Limit != 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.Cursor != "" {
		q.Set("cursor", opts.Cursor)
	}
	out := new(NotificationPage)
	if err := c.get(ctx, APIPrefix+"/notifications", q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Notifications iterates over the caller's notifications, newest first,
// following next_cursor from page to page.
func (c *Client) Notifications(ctx context.Context, opts NotificationOptions) iter.Seq2[Notification, error] {
	start := opts.Cursor
	return pages(ctx, func(ctx context.Context, cursor string) ([]Notification, string, error) {
		o := opts
		if o.Cursor = cursor; cursor == "" {
			o.Cursor = start
		}
		p, err := c.ListNotifications(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	})
}

// MarkRead is the answer to marking notifications read.
type MarkRead struct {
	Marked int `json:"marked"`
	Unread int `json:"unread"`
}

// MarkNotificationsRead marks the caller's notifications with the ids read,
// or all of them when all is true.
func (c *Client) MarkNotificationsRead(ctx context.Context, ids []int64, all bool) (*MarkRead, error) {
	in := struct {
		IDs []int64 `json:"ids,omitempty"`
		All bool    `json:"all,omitempty"`
	}{ids, all}
	return call[MarkRead](ctx, c, http.MethodPost, APIPrefix+"/notifications/read", in)
}

// NotificationSettings are the caller's notification switches, in the order
// shown, and whether the desk sends mail at all.
type NotificationSettings struct {
	Topics []TopicSwitch `json:"topics"`
	Mail   bool          `json:"mail"`
}

// TopicSwitch is one notification topic and whether it is on.
type TopicSwitch struct {
	Topic string `json:"topic"` // received, replied, … (customers); assigned, sla_warn, … (staff)
	On    bool   `json:"on"`
}

// NotificationSettings returns the caller's notification switches (customer
// admins, partners, agents and supervisors; others 403).
func (c *Client) NotificationSettings(ctx context.Context) (*NotificationSettings, error) {
	out := new(NotificationSettings)
	if err := c.get(ctx, APIPrefix+"/me/notifications", nil, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SetNotificationSettings switches the caller's topics in on on and their
// others off, and returns the switches as saved.
func (c *Client) SetNotificationSettings(ctx context.Context, on []string) (*NotificationSettings, error) {
	if on == nil {
		on = []string{}
	}
	in := struct {
		On []string `json:"on"`
	}{on}
	return call[NotificationSettings](ctx, c, http.MethodPut, APIPrefix+"/me/notifications", in)
}
