package api_test

import (
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestUntriagedCommitment: through the API the customer sees an untriaged
// request's commitment from the first minute: the clock, the severity it
// is held to and its due time; triage re-targets it from the opening.
func TestUntriagedCommitment(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		r := f.openRequest("admin", f.x.ID, "mail down")
		type clock struct {
			Severity string     `json:"severity"`
			HeldTo   string     `json:"held_to_severity"`
			DueAt    *time.Time `json:"due_at"`
			State    string     `json:"state"`
		}
		var list struct{ Items []clock }
		if st := f.do("admin", "GET", "/api/v1/requests/"+r.Number+"/sla", nil, &list); st != 200 || len(list.Items) != 1 {
			t.Fatalf("%d %+v", st, list)
		}
		c := list.Items[0]
		if c.Severity != "" || c.HeldTo != "A" || c.DueAt == nil || !c.DueAt.Equal(r.CreatedAt.Add(time.Hour)) || c.State != "running" {
			t.Fatalf("untriaged clock: %+v", c)
		}
		if st := f.do("supervisor", "PATCH", "/api/v1/requests/"+r.Number, map[string]any{"severity": "C"}, nil); st != 200 {
			t.Fatalf("triage: %d", st)
		}
		list.Items = nil
		f.do("admin", "GET", "/api/v1/requests/"+r.Number+"/sla", nil, &list)
		if c := list.Items[0]; c.Severity != "C" || c.HeldTo != "" {
			t.Fatalf("triaged clock: %+v", c)
		}
	})
}
