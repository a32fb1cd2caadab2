package desk

import (
	"context"
	"slices"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// Notifications: a staff member's inbox of changes to requests they follow.
// Today that is the technical account manager of an organization with
// elevated support, who hears of its requests (issue 5). Lines are written
// by write (events.go) in the transaction of the change, so an inbox never
// misses a committed change nor shows one that rolled back; the live
// streams learn of them from Event.Notify.

// notifyKinds are the history events that notify the account manager of the
// request's organization: opened, severity set or changed, escalated, and
// the SLA's warnings and breaches.
var notifyKinds = map[casedesk.EventKind]bool{
	casedesk.EventCreated: true, casedesk.EventSeverityChanged: true, casedesk.EventEscalated: true,
	casedesk.EventSLAWarn: true, casedesk.EventSLABreach: true,
}

// activeTAM returns the account manager of org if they may still work
// requests (active agent or supervisor), else 0: only staff are notified.
func (d *Desk) activeTAM(ctx context.Context, tx *store.Tx, org int64) (int64, error) {
	id, err := tx.TAM(ctx, store.OrgScope(org), org)
	if err != nil || id == 0 {
		return 0, err
	}
	u, err := tx.User(ctx, store.AllOrgs, id)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !u.Active || (u.Role != casedesk.RoleAgent && u.Role != casedesk.RoleSupervisor) {
		return 0, nil
	}
	return id, nil
}

// inboxScope is the scope of a staff member's inbox (inboxOf): their
// notifications about the requests of every organization.
var inboxScope = store.AllOrgs

// Notifications lists the actor's own notifications, newest first, a page
// at a time (limit 1–200, default 50); the cursor returned fetches the next
// page ("" at the end). Staff who work requests only (authz.go).
func (d *Desk) Notifications(ctx context.Context, a *casedesk.Actor, unread bool, cursor string, limit int) ([]*store.Notification, string, error) {
	user, err := inboxOf(a)
	if err != nil {
		return nil, "", err
	}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 200 {
		return nil, "", casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	f := store.NotificationFilter{Unread: unread, Limit: limit + 1}
	if cursor != "" {
		if f.Before, err = strconv.ParseInt(cursor, 10, 64); err != nil || f.Before <= 0 {
			return nil, "", casedesk.Invalid("cursor", "cursor is not one this API returned")
		}
	}
	ns, err := d.db.Notifications(ctx, inboxScope, user, f)
	if err != nil {
		return nil, "", err
	}
	if len(ns) > limit {
		ns = ns[:limit]
		return ns, strconv.FormatInt(ns[limit-1].ID, 10), nil
	}
	return ns, "", nil
}

// UnreadNotifications counts the actor's unread notifications (staff who
// work requests).
func (d *Desk) UnreadNotifications(ctx context.Context, a *casedesk.Actor) (int, error) {
	user, err := inboxOf(a)
	if err != nil {
		return 0, err
	}
	return d.db.UnreadNotifications(ctx, inboxScope, user)
}

// MarkNotificationsRead marks the actor's notifications with the ids read,
// or all of them when all is set, and returns how many were unread. An id
// that is not one of the actor's own is ENOTFOUND (field "ids") and
// nothing is marked.
func (d *Desk) MarkNotificationsRead(ctx context.Context, a *casedesk.Actor, ids []int64, all bool) (int, error) {
	user, err := inboxOf(a)
	if err != nil {
		return 0, err
	}
	if all == (len(ids) > 0) {
		return 0, casedesk.Invalid("ids", "give the ids of the notifications to mark read, or all")
	}
	if len(ids) > 500 {
		return 0, casedesk.Invalid("ids", "mark at most 500 notifications at once")
	}
	if !all {
		ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	} else {
		ids = nil
	}
	var n int
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MarkNotificationsRead(ctx, inboxScope, user, ids, d.now())
		return err
	})
	return n, err
}
