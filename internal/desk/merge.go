package desk

import (
	"context"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the links between requests of one organization: a plain
// link, and a merge that closes a duplicate into the request it repeats.

// Link records that a request relates to another of the same organization.
func (d *Desk) Link(ctx context.Context, a *casedesk.Actor, number, other string) (*casedesk.Request, error) {
	return d.linkOrMerge(ctx, a, number, other, false, "")
}

// Merge closes a duplicate into the request it repeats (same organization,
// both not closed): the duplicate is linked to it, closed, and its customer
// told so with message (public, in their language); the history of both
// says it.
func (d *Desk) Merge(ctx context.Context, a *casedesk.Actor, duplicate, into, message string) (*casedesk.Request, error) {
	if err := casedesk.CheckText("merge_message", message, 1, 5000); err != nil {
		return nil, err
	}
	return d.linkOrMerge(ctx, a, duplicate, into, true, message)
}

// LinkedFrom returns the numbers of the requests that link to request number
// (Link names one other request per request, so a link shows on both sides:
// the request's LinkedNumber, and these), to whoever may read the request.
func (d *Desk) LinkedFrom(ctx context.Context, a *casedesk.Actor, number string) ([]string, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	rs, err := d.db.Requests(ctx, scopeOf(r), store.RequestFilter{LinkedTo: r.ID, Limit: 50})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rs))
	for _, o := range rs {
		if o.Number != r.LinkedNumber {
			out = append(out, o.Number)
		}
	}
	return out, nil
}

func (d *Desk) linkOrMerge(ctx context.Context, a *casedesk.Actor, number, other string, merge bool, message string) (*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	oid, ok := casedesk.ParseRequestNumber(strings.TrimSpace(other))
	if !ok || oid == id {
		return nil, casedesk.Invalid("other", "give the number of another request")
	}
	var r *casedesk.Request
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.Request(ctx, staffScope, id); err != nil {
			return err
		}
		o, err := tx.Request(ctx, store.OrgScope(r.OrgID), oid)
		if err != nil {
			return casedesk.Invalid("other", "request %s is not a request of the same organization", other)
		}
		now := d.now()
		ch := changes{d: d, a: a, r: r, now: now}
		ch.note(casedesk.EventLinked, "linked_number", r.LinkedNumber, o.Number)
		r.LinkedNumber = o.Number
		oldStatus := r.Status
		if merge {
			if r.Status == casedesk.StatusClosed || o.Status == casedesk.StatusClosed {
				return casedesk.Errorf(casedesk.ECONFLICT, "closed requests are not merged; reopen first")
			}
			m := &casedesk.Message{RequestID: r.ID, AuthorID: a.User.ID, AuthorName: a.User.Name, Body: message, Kind: casedesk.MessageText,
				CreatedAt: now, OnBehalfOf: onBehalfOf(a, r.OrgID)}
			if err := tx.CreateMessage(ctx, scopeOf(r), m); err != nil {
				return err
			}
			ch.note(casedesk.EventMessage, "", "", strconv.FormatInt(m.ID, 10))
			ch.note(casedesk.EventMerged, casedesk.MergedInto, "", o.Number)
			if err := ch.setStatus(casedesk.StatusClosed); err != nil {
				return err
			}
			if err := tx.CreateEvent(ctx, scopeOf(o), &casedesk.Event{RequestID: o.ID, OrgID: o.OrgID, ActorID: &a.User.ID, Kind: casedesk.EventMerged,
				Field: casedesk.MergedFrom, New: r.Number, At: now}); err != nil {
				return err
			}
		}
		r.UpdatedAt = now
		if err := tx.UpdateRequest(ctx, staffScope, r); err != nil {
			return err
		}
		if err := ch.record(ctx, tx); err != nil {
			return err
		}
		if merge {
			if err := d.stopClocks(ctx, tx, r, casedesk.MetricInitialResponse, now, &a.User.ID); err != nil {
				return err
			}
			return d.clocksAfterUpdate(ctx, tx, r, r.Severity, oldStatus, now, &a.User.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
