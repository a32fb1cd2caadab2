package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/casedesk/casedesk"
)

// InsertRequests inserts many requests with multi-row statements and sets
// their IDs and Numbers. It writes no history: it is for imports and for
// building benchmark data sets, not for the product's own verbs.
func (q *Queries) InsertRequests(ctx context.Context, rs []*casedesk.Request) error {
	if q.engine == SQLite {
		// SQLite binds $N parameters by name, which costs more the more a
		// statement has: one prepared single-row insert is faster there.
		for _, r := range rs {
			if err := q.CreateRequest(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
	const cols = 15
	const rowsPer = 500
	for start := 0; start < len(rs); start += rowsPer {
		chunk := rs[start:min(start+rowsPer, len(rs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO requests (org_id, requester_id, opened_by_id, category, product, title, description, impact,
			severity, status, language, contact_method, channel, created_at, updated_at) VALUES `)
		a := make(args, 0, len(chunk)*cols)
		for i, r := range chunk {
			impact, err := json.Marshal(r.Impact)
			if err != nil {
				return err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + a.add(r.OrgID) + ", " + a.add(optID(r.RequesterID)) + ", " + a.add(optID(r.OpenedByID)) + ", " +
				a.add(r.Category) + ", " + a.add(r.Product) + ", " + a.add(r.Title) + ", " + a.add(r.Description) + ", " +
				a.add(string(impact)) + ", " + a.add(r.Severity) + ", " + a.add(r.Status) + ", " + a.add(r.Language) + ", " +
				a.add(r.ContactMethod) + ", " + a.add(r.Channel) + ", " + a.add(ts(r.CreatedAt)) + ", " + a.add(ts(r.UpdatedAt)) + ")")
		}
		b.WriteString(" RETURNING id")
		rows, err := q.q.QueryContext(ctx, q.positional(b.String()), a...)
		if err != nil {
			return fmt.Errorf("store: insert requests: %w", err)
		}
		i := 0
		for rows.Next() {
			if err := rows.Scan(&chunk[i].ID); err != nil {
				rows.Close()
				return err
			}
			chunk[i].Number = casedesk.RequestNumber(chunk[i].ID)
			i++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// bulkRows is how many rows one multi-row statement carries.
const bulkRows = 250

// UpdateClockTargets saves the recomputed inputs and targets of many running
// clocks: what RecomputeClocks changes. It writes whole rows as a multi-row
// upsert on the primary key, which both engines execute as one index probe
// per row.
func (q *Queries) UpdateClockTargets(ctx context.Context, cs []*ClockRow) error {
	if q.engine == SQLite {
		// One prepared single-row update per clock beats SQLite's upsert,
		// which probes every unique index first.
		for _, c := range cs {
			if _, err := q.exec(ctx, `UPDATE sla_clocks SET due_at = $2, warn_at = $3, policy_version = $4, family = $5, coverage = $6,
				target_kind = $7, target_minutes = $8, calendar_id = $9, calendar_version = $10, updated_at = $11
				WHERE id = $1 AND stopped_at IS NULL`, c.ID, tsp(c.DueAt), tsp(c.WarnAt), c.PolicyVersion, c.Family, c.Coverage,
				c.TargetKind, c.TargetMinutes, idArg(c.CalendarID), idArg(c.CalendarVersion), ts(c.UpdatedAt)); err != nil {
				return fmt.Errorf("store: update clock %d: %w", c.ID, err)
			}
		}
		return nil
	}
	for start := 0; start < len(cs); start += bulkRows {
		chunk := cs[start:min(start+bulkRows, len(cs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO sla_clocks (id, request_id, org_id, metric, cycle, opened_at, policy_version, family, severity,
			coverage, target_kind, target_minutes, calendar_id, calendar_version, pauses, due_at, warn_at, breached, updated_at) VALUES `)
		a := make(args, 0, len(chunk)*19)
		for i, c := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + a.add(c.ID) + ", " + a.add(c.RequestID) + ", " + a.add(c.OrgID) + ", " + a.add(c.Metric) + ", " +
				a.add(c.Cycle) + ", " + a.add(ts(c.OpenedAt)) + ", " + a.add(c.PolicyVersion) + ", " + a.add(c.Family) + ", " +
				a.add(c.Severity) + ", " + a.add(c.Coverage) + ", " + a.add(c.TargetKind) + ", " + a.add(c.TargetMinutes) + ", " +
				a.add(idArg(c.CalendarID)) + ", " + a.add(idArg(c.CalendarVersion)) + ", " + a.add(c.Pauses) + ", " +
				a.add(tsp(c.DueAt)) + ", " + a.add(tsp(c.WarnAt)) + ", " + a.add(c.Breached) + ", " + a.add(ts(c.UpdatedAt)) + ")")
		}
		b.WriteString(` ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, warn_at = excluded.warn_at,
			policy_version = excluded.policy_version, family = excluded.family, coverage = excluded.coverage,
			target_kind = excluded.target_kind, target_minutes = excluded.target_minutes, calendar_id = excluded.calendar_id,
			calendar_version = excluded.calendar_version, updated_at = excluded.updated_at
			WHERE sla_clocks.stopped_at IS NULL`)
		if _, err := q.exec(ctx, q.positional(b.String()), a...); err != nil {
			return fmt.Errorf("store: update clocks: %w", err)
		}
	}
	return nil
}

// InsertEvents appends many history lines with multi-row statements.
func (q *Queries) InsertEvents(ctx context.Context, es []*casedesk.Event) error {
	for _, e := range es {
		q.noteCreated(e)
	}
	if q.engine == SQLite {
		for _, e := range es {
			var actor any
			if e.ActorID != nil && *e.ActorID != 0 {
				actor = *e.ActorID
			}
			if _, err := q.exec(ctx, `INSERT INTO events (request_id, org_id, actor_id, on_behalf_of_org_id, kind, field, old_value, new_value, internal, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, e.RequestID, e.OrgID, actor, idArg(e.OnBehalfOf), e.Kind, e.Field,
				e.Old, e.New, e.Internal, ts(e.At)); err != nil {
				return fmt.Errorf("store: insert event: %w", err)
			}
		}
		return nil
	}
	for start := 0; start < len(es); start += bulkRows {
		chunk := es[start:min(start+bulkRows, len(es))]
		var b strings.Builder
		b.WriteString(`INSERT INTO events (request_id, org_id, actor_id, on_behalf_of_org_id, kind, field, old_value, new_value, internal, at) VALUES `)
		a := make(args, 0, len(chunk)*10)
		for i, e := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			var actor any
			if e.ActorID != nil && *e.ActorID != 0 {
				actor = *e.ActorID
			}
			b.WriteString("(" + a.add(e.RequestID) + ", " + a.add(e.OrgID) + ", " + a.add(actor) + ", " + a.add(idArg(e.OnBehalfOf)) + ", " +
				a.add(e.Kind) + ", " + a.add(e.Field) + ", " + a.add(e.Old) + ", " + a.add(e.New) + ", " + a.add(e.Internal) + ", " + a.add(ts(e.At)) + ")")
		}
		if _, err := q.exec(ctx, q.positional(b.String()), a...); err != nil {
			return fmt.Errorf("store: insert events: %w", err)
		}
	}
	return nil
}

var dollarParam = regexp.MustCompile(`\$[0-9]+`)

// positional rewrites a statement whose $N parameters each appear once, in
// order, to SQLite's anonymous "?" form. SQLite looks named parameters ($N)
// up by a linear scan, so binding thousands of them costs quadratic time;
// anonymous ones bind directly.
func (q *Queries) positional(query string) string {
	if q.engine != SQLite {
		return query
	}
	return dollarParam.ReplaceAllString(query, "?")
}
