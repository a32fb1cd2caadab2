package desk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// QueueView names a queue of the agent console.
type QueueView string

const (
	QueueMine       QueueView = "mine"       // assigned to the caller
	QueueUnassigned QueueView = "unassigned" // triaged, nobody assigned
	QueueTriage     QueueView = "triage"     // new, no severity yet
	QueueAtRisk     QueueView = "at_risk"    // past the warning, before the due time
	QueueBreached   QueueView = "breached"   // past the due time
	QueueAll        QueueView = "all"        // every open request
	QueueTier2      QueueView = "tier2"      // escalated to tier 2, nobody holds it: the tier-2 pool
)

// QueueViews returns every queue view, in the order the console shows them.
func QueueViews() []QueueView {
	return []QueueView{QueueMine, QueueUnassigned, QueueTriage, QueueAtRisk, QueueBreached, QueueAll, QueueTier2}
}

// Valid reports whether v is one of QueueViews.
func (v QueueView) Valid() bool { return slices.Contains(QueueViews(), v) }

// errQueueView is the answer to a view that is not one of QueueViews.
func errQueueView() error {
	names := make([]string, 0, 7)
	for _, v := range QueueViews() {
		names = append(names, string(v))
	}
	return casedesk.Invalid("view", "view must be one of %s", strings.Join(names, ", "))
}

// QueueEntry is a queue line: the request, the clock it is ordered by, and
// its state now.
type QueueEntry struct {
	*store.QueueItem
	State string `json:"sla_state"` // breached, at_risk, running, no_target, triage
	Left  string `json:"time_left,omitempty"`
}

// Queue returns an agent queue ordered by initial-response due time —
// breached first, then soonest — optionally for one category (staff).
func (d *Desk) Queue(ctx context.Context, a *casedesk.Actor, view QueueView, category casedesk.Category, limit int) ([]QueueEntry, error) {
	if err := needStaff(a); err != nil {
		return nil, err
	}
	scope, err := requestScope(a)
	if err != nil {
		return nil, err
	}
	if category != "" && !category.Valid() {
		return nil, casedesk.Invalid("category", "category must be one of presales, billing or technical")
	}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 200 {
		return nil, casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	now := d.now()
	f := store.QueueFilter{Category: category, Now: now, Limit: limit}
	var items []*store.QueueItem
	switch view {
	case QueueMine:
		f.AssigneeID = a.User.ID
	case QueueUnassigned, "":
		f.Unassigned = true
	case QueueTriage:
		f.Triage = true
	case QueueAtRisk:
		f.AtRisk = true
	case QueueBreached:
		f.Breached = true
	case QueueAll, QueueTier2:
	default:
		return nil, errQueueView()
	}
	if view == QueueTier2 {
		items, err = d.db.TierPool(ctx, scope, category, limit)
	} else {
		items, err = d.db.Queue(ctx, scope, f)
	}
	if err != nil {
		return nil, err
	}
	out := make([]QueueEntry, len(items))
	for i, it := range items {
		e := QueueEntry{QueueItem: it}
		switch {
		case f.Triage && it.DueAt == nil:
			e.State = "triage"
		case it.DueAt == nil:
			e.State = "no_target"
		case it.DueAt.Before(now):
			e.State = "breached"
			e.Left = "-" + now.Sub(*it.DueAt).Truncate(time.Second).String()
		case it.WarnAt != nil && !it.WarnAt.After(now):
			e.State = "at_risk"
			e.Left = it.DueAt.Sub(now).Truncate(time.Second).String()
		default:
			e.State = "running"
			e.Left = it.DueAt.Sub(now).Truncate(time.Second).String()
		}
		out[i] = e
	}
	return out, nil
}
