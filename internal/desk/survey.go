package desk

import (
	"context"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the satisfaction survey of a resolved request.

// Survey returns the answered satisfaction survey of a request, nil when it
// has not been answered.
func (d *Desk) Survey(ctx context.Context, a *casedesk.Actor, number string) (*store.Survey, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return d.db.Survey(ctx, scopeOf(r), r.ID)
}

// AnswerSurvey records the customer's rating (1–5) and comment of a resolved
// or closed request, once: a second answer is ECONFLICT. The provider's
// staff do not answer surveys.
func (d *Desk) AnswerSurvey(ctx context.Context, a *casedesk.Actor, number string, rating int, comment string) (*store.Survey, error) {
	scope, err := needRespondent(a)
	if err != nil {
		return nil, err
	}
	id, err := requestID(number)
	if err != nil {
		return nil, err
	}
	if rating < 1 || rating > 5 {
		return nil, casedesk.Invalid("rating", "rating must be between 1 and 5")
	}
	if err := casedesk.CheckText("comment", comment, 0, 2000); err != nil {
		return nil, err
	}
	s := &store.Survey{UserID: a.User.ID, Rating: rating, Comment: comment, CreatedAt: d.now()}
	err = d.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Request(ctx, scope, id)
		if err != nil {
			return err
		}
		if r.Status != casedesk.StatusResolved && r.Status != casedesk.StatusClosed {
			return casedesk.Errorf(casedesk.ECONFLICT, "request %s is not resolved yet; the survey opens once it is", r.Number)
		}
		s.RequestID, s.OrgID = r.ID, r.OrgID
		if err := tx.CreateSurvey(ctx, scope, s); err != nil {
			return err
		}
		return tx.CreateEvent(ctx, scope, &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, ActorID: &a.User.ID,
			OnBehalfOf: onBehalfOf(a, r.OrgID), Kind: casedesk.EventSurvey, Field: "rating", New: strconv.Itoa(rating), At: s.CreatedAt})
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
