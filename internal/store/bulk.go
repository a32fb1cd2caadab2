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
			if err := q.CreateRequest(ctx, AllOrgs, r); err != nil {
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

// updateClockTargets saves the recomputed inputs and targets of many running
// clocks, the PostgreSQL side of RetargetClocks, as a multi-row upsert on the
// primary key: one index probe per row. It returns the ids it wrote: only a
// clock still running with the severity and pauses it was computed from is
// written. The upsert locks each row and tests that on its newest version,
// so a change committed since the batch was read, or committing meanwhile,
// wins and the recompute leaves that clock to it.
func (q *Queries) updateClockTargets(ctx context.Context, cs []*ClockRow) (map[int64]bool, error) {
	written := make(map[int64]bool, len(cs))
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
			WHERE sla_clocks.stopped_at IS NULL AND sla_clocks.severity = excluded.severity AND sla_clocks.pauses = excluded.pauses
			RETURNING id`)
		rows, err := q.query(ctx, q.positional(b.String()), a...)
		if err != nil {
			return nil, fmt.Errorf("store: update clocks: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: update clocks: %w", err)
			}
			written[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: update clocks: %w", err)
		}
	}
	return written, nil
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
