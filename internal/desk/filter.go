package desk

import (
	"context"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds an agent's saved filters: named queue views (queue.go).

// SaveFilter stores a named queue view and group for the actor, replacing
// one of the same name.
func (d *Desk) SaveFilter(ctx context.Context, a *casedesk.Actor, name string, view QueueView, category casedesk.Category) (*store.SavedFilter, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := casedesk.CheckText("name", name, 1, 60); err != nil {
		return nil, err
	}
	if !view.Valid() {
		return nil, errQueueView()
	}
	if category != "" && !category.Valid() {
		return nil, casedesk.Invalid("category", "category must be one of presales, billing or technical")
	}
	f := &store.SavedFilter{UserID: a.User.ID, Name: name, View: string(view), Category: string(category), CreatedAt: d.now()}
	if err := d.write(ctx, func(tx *store.Tx) error { return tx.SaveFilter(ctx, f) }); err != nil {
		return nil, err
	}
	return f, nil
}

// SavedFilters lists the actor's saved filters.
func (d *Desk) SavedFilters(ctx context.Context, a *casedesk.Actor) ([]*store.SavedFilter, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	return d.db.SavedFilters(ctx, a.User.ID)
}

// DeleteFilter removes one of the actor's saved filters.
func (d *Desk) DeleteFilter(ctx context.Context, a *casedesk.Actor, id int64) error {
	if err := needAgent(a); err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error { return tx.DeleteFilter(ctx, a.User.ID, id) })
}
