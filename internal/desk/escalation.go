package desk

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds how the staff hand a request on or close it without fixing
// it: transfer to another group, escalation to tier 2, out of scope, and the
// outcome recorded. All are for staff who work requests (needAgent).

// Transfer moves a request to another group (category) with a note for the
// group that takes it: the note is internal, the request is unassigned and
// routed again within the new group at its tier; if nobody there is on
// shift, the history says it waits in the group's pool.
func (d *Desk) Transfer(ctx context.Context, a *casedesk.Actor, number string, to casedesk.Category, note string) (*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	if !to.Valid() {
		return nil, casedesk.Invalid("category", "category must be one of presales, billing or technical")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, casedesk.Invalid("note", "say in a note what the group taking it over needs to know")
	}
	if err := casedesk.CheckText("note", note, 1, 5000); err != nil {
		return nil, err
	}
	return d.workActive(ctx, number, "transferred", func(tx *store.Tx, r *casedesk.Request) error {
		if r.Category == to {
			return casedesk.Invalid("category", "request %s is already with %s", r.Number, to)
		}
		now := d.now()
		ch, err := d.staffNote(ctx, tx, a, r, note, now)
		if err != nil {
			return err
		}
		ch.note(casedesk.EventTransferred, "category", string(r.Category), string(to))
		r.Category = to
		if r.AssigneeID != nil {
			ch.note(casedesk.EventAssigneeChanged, "assignee_id", idString(r.AssigneeID), "")
			ch.events[len(ch.events)-1].Internal = true
			r.AssigneeID = nil
		}
		r.UpdatedAt = now
		if err := tx.UpdateRequest(ctx, staffScope, r); err != nil {
			return err
		}
		if err := ch.record(ctx, tx); err != nil {
			return err
		}
		if d.policy.AutoAssign {
			return d.autoAssign(ctx, tx, r, &a.User.ID, true)
		}
		return nil
	})
}

// OutOfScopeReasons are SPEC's out-of-scope cases: the customer's own
// network, third-party services and add-ins, scripts.
var OutOfScopeReasons = []string{"network", "addin", "script"}

// OutOfScope answers a request with the guidance for its out-of-scope
// reason (a public reply: it counts as the response), resolves it, and
// records the outcome, which is reported apart from fixed requests. The
// guidance text is the caller's, in the customer's language.
func (d *Desk) OutOfScope(ctx context.Context, a *casedesk.Actor, number, reason, guidance string) (*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	if !slices.Contains(OutOfScopeReasons, reason) {
		return nil, casedesk.Invalid("reason", "reason must be one of network, addin or script")
	}
	if err := casedesk.CheckText("guidance", guidance, 1, 20000); err != nil {
		return nil, err
	}
	return d.workActive(ctx, number, "closed out of scope", func(tx *store.Tx, r *casedesk.Request) error {
		now := d.now()
		m := &casedesk.Message{RequestID: r.ID, AuthorID: a.User.ID, AuthorName: a.User.Name, Body: guidance, Kind: casedesk.MessageText,
			CreatedAt: now, OnBehalfOf: onBehalfOf(a, r.OrgID)}
		if err := tx.CreateMessage(ctx, scopeOf(r), m); err != nil {
			return err
		}
		oldStatus := r.Status
		ch := changes{d: d, a: a, r: r, now: now}
		ch.note(casedesk.EventMessage, "", "", strconv.FormatInt(m.ID, 10))
		ch.note(casedesk.EventOutOfScope, "outcome", "", casedesk.OutOfScopeOutcome(reason))
		if err := ch.setStatus(casedesk.StatusResolved); err != nil {
			return err
		}
		r.UpdatedAt = now
		if err := tx.UpdateRequest(ctx, staffScope, r); err != nil {
			return err
		}
		if err := ch.record(ctx, tx); err != nil {
			return err
		}
		if err := tx.SetOutcome(ctx, scopeOf(r), &store.Outcome{RequestID: r.ID, OrgID: r.OrgID, Outcome: "out_of_scope", Reason: reason, ActorID: a.User.ID, At: now}); err != nil {
			return err
		}
		if err := d.stopClocks(ctx, tx, r, casedesk.MetricInitialResponse, now, &a.User.ID); err != nil {
			return err
		}
		return d.clocksAfterUpdate(ctx, tx, r, r.Severity, oldStatus, now, &a.User.ID)
	})
}

// RequestOutcome returns a request's recorded outcome, nil for none.
func (d *Desk) RequestOutcome(ctx context.Context, a *casedesk.Actor, number string) (*store.Outcome, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.RequestOutcome(ctx, scopeOf(r), r.ID)
}

// Tier returns the support tier working a request (staff).
func (d *Desk) Tier(ctx context.Context, a *casedesk.Actor, number string) (int, error) {
	if err := needAgent(a); err != nil {
		return 0, err
	}
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return 0, err
	}
	return d.db.Tier(ctx, scopeOf(r), r.ID)
}

// Escalate hands an active request to the second tier with an internal
// note and routes it there (routing.go): to an on-shift tier-2 engineer who
// speaks its language and covers its group, with the least load; if none
// is on shift it waits unassigned in the tier-2 pool, flagged in the
// history, until one takes it or a supervisor assigns it.
func (d *Desk) Escalate(ctx context.Context, a *casedesk.Actor, number, note string) (*casedesk.Request, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, casedesk.Invalid("escalate_note", "say in a note why it goes to tier 2 and what was tried")
	}
	if err := casedesk.CheckText("escalate_note", note, 1, 5000); err != nil {
		return nil, err
	}
	return d.workActive(ctx, number, "escalated", func(tx *store.Tx, r *casedesk.Request) error {
		if tier, err := tx.Tier(ctx, scopeOf(r), r.ID); err != nil {
			return err
		} else if tier == 2 {
			return casedesk.Errorf(casedesk.ECONFLICT, "request %s is with tier 2 already", r.Number)
		}
		now := d.now()
		ch, err := d.staffNote(ctx, tx, a, r, note, now)
		if err != nil {
			return err
		}
		ch.note(casedesk.EventEscalated, "tier", "1", "2")
		if r.AssigneeID != nil {
			ch.note(casedesk.EventAssigneeChanged, "assignee_id", idString(r.AssigneeID), "")
			r.AssigneeID = nil
		}
		for _, e := range ch.events {
			e.Internal = true
		}
		r.UpdatedAt = now
		if err := tx.UpdateRequest(ctx, staffScope, r); err != nil {
			return err
		}
		if err := tx.SetTier(ctx, scopeOf(r), r.ID, 2, now); err != nil {
			return err
		}
		if err := ch.record(ctx, tx); err != nil {
			return err
		}
		if d.policy.AutoAssign {
			return d.autoAssign(ctx, tx, r, &a.User.ID, true)
		}
		return nil
	})
}

// workActive runs fn in a write on the active request behind number, as
// staff see it: the shared first steps of transferring, escalating and
// closing out of scope. verb completes "only active requests are …".
func (d *Desk) workActive(ctx context.Context, number, verb string, fn func(tx *store.Tx, r *casedesk.Request) error) (*casedesk.Request, error) {
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	var r *casedesk.Request
	err = d.write(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.Request(ctx, staffScope, id); err != nil {
			return err
		}
		if !r.Status.Active() {
			return casedesk.Errorf(casedesk.ECONFLICT, "request %s is %s; only active requests are %s", r.Number, r.Status, verb)
		}
		return fn(tx, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// staffScope is what staff who work requests see: every organization.
var staffScope = store.AllOrgs

// staffNote writes an internal note by a on r and starts the changes that
// record it in the history (a staff-only line pointing to the note).
func (d *Desk) staffNote(ctx context.Context, tx *store.Tx, a *casedesk.Actor, r *casedesk.Request, body string, now time.Time) (*changes, error) {
	m := &casedesk.Message{RequestID: r.ID, AuthorID: a.User.ID, AuthorName: a.User.Name, Body: body, Internal: true,
		Kind: casedesk.MessageText, CreatedAt: now, OnBehalfOf: onBehalfOf(a, r.OrgID)}
	if err := tx.CreateMessage(ctx, scopeOf(r), m); err != nil {
		return nil, err
	}
	ch := &changes{d: d, a: a, r: r, now: now}
	ch.note(casedesk.EventNote, "", "", strconv.FormatInt(m.ID, 10))
	ch.events[0].Internal = true
	return ch, nil
}
