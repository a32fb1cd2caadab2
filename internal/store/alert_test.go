package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// The SLA worker finds the next alert and the due ones with one index
// (sla_clocks_alert): if a query stopped matching the index expression, it
// would scan every clock instead. Both engines must plan the index.
func TestAlertQueriesUseTheAlertIndex(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		explain := "EXPLAIN QUERY PLAN "
		if db.Engine() == store.Postgres {
			// On an empty table the planner prefers a scan; forbid it to see
			// whether the index applies at all.
			if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
			explain = "EXPLAIN "
		}
		for name, query := range map[string]string{
			"next": "SELECT MIN(" + store.AlertAt + ") FROM sla_clocks WHERE " + store.AlertPending,
			"due":  "SELECT id FROM sla_clocks WHERE " + store.AlertPending + " AND " + store.AlertAt + " <= 5 ORDER BY " + store.AlertAt + " LIMIT 50",
		} {
			plan := planText(t, conn, explain+query)
			if !strings.Contains(plan, "sla_clocks_alert") {
				t.Errorf("%s alert query does not use sla_clocks_alert:\n%s", name, plan)
			}
		}
	})
}

func planText(t *testing.T, conn *sql.Conn, query string) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch v := v.(type) {
			case string:
				b.WriteString(v + " ")
			case []byte:
				b.WriteString(string(v) + " ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
