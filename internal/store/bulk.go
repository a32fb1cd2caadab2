package store

import (
	"context"
	"encoding/json"
	"fmt"
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
		rows, err := q.q.QueryContext(ctx, b.String(), a...)
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
