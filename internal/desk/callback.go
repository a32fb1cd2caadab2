package desk

import (
	"context"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds callbacks: a customer asks to be called back about a
// request; the staff see the pending ones and record those placed.

// PendingCallbacks lists the callback requests not yet placed, oldest
// first (staff who work requests).
func (d *Desk) PendingCallbacks(ctx context.Context, a *casedesk.Actor, limit int) ([]*store.PendingCallback, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	return d.db.PendingCallbacks(ctx, store.AllOrgs, limit)
}

// CallbackDone records that a callback of a request was placed.
func (d *Desk) CallbackDone(ctx context.Context, a *casedesk.Actor, number string, id int64) error {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return err
	}
	if err := needAgent(a); err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error {
		now := d.now()
		scope := store.OrgScope(r.OrgID) // r was found in the actor's scope
		if err := tx.MarkCallbackDone(ctx, scope, id, now); err != nil {
			return err
		}
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventCallbackDone, New: strconv.FormatInt(id, 10), Internal: true, At: now})
	})
}

// RequestCallback asks the provider to call the customer back about a
// request, at the phone number and (free text) preferred time given.
func (d *Desk) RequestCallback(ctx context.Context, a *casedesk.Actor, number, phone, when string) (*store.Callback, error) {
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	phone = strings.TrimSpace(phone)
	if err := casedesk.CheckText("callback_phone", phone, 1, 40); err != nil {
		return nil, casedesk.Invalid("callback_phone", "a phone number to call is required (at most 40 characters)")
	}
	if err := casedesk.CheckText("callback_time", when, 0, 200); err != nil {
		return nil, err
	}
	c := &store.Callback{UserID: a.User.ID, Phone: phone, PreferredTime: when, CreatedAt: d.now()}
	err = d.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Request(ctx, scope, id)
		if err != nil {
			return err
		}
		if r.Status == casedesk.StatusClosed {
			return casedesk.Errorf(casedesk.ECONFLICT, "request %s is closed; reopen it first", r.Number)
		}
		c.RequestID, c.OrgID = r.ID, r.OrgID
		if err := tx.CreateCallback(ctx, scope, c); err != nil {
			return err
		}
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventCallbackRequest, Field: "phone", New: phone, At: c.CreatedAt})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Callbacks lists the callback requests of a request.
func (d *Desk) Callbacks(ctx context.Context, a *casedesk.Actor, number string) ([]*store.Callback, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.Callbacks(ctx, scopeOf(r), r.ID)
}
