package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestBounceShownToAgents: when mail to a request's customer bounced (issue
// 13), the agent's page of the request says so by the customer's name, with
// the server's diagnostic, in the agent's language; the customer's own page
// does not.
func TestBounceShownToAgents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.openRequest("anna", e.fabrikam.ID, "Sync fails")
		agent := e.client()
		agent.signIn("agent")
		_, page := agent.get("/console/requests/" + r.Number)
		if strings.Contains(page, `class="bounce"`) {
			t.Fatal("a bounce is shown before any")
		}
		anna := e.users["anna"]
		err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.RecordBounce(ctx, store.OrgScope(anna.OrgID), &store.MailBounce{UserID: anna.ID, OrgID: anna.OrgID,
				Address: anna.Email, Status: "5.1.1", Diagnostic: "550 5.1.1 mailbox unavailable", CreatedAt: e.clock.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		_, page = agent.get("/console/requests/" + r.Number)
		if !strings.Contains(page, `class="bounce"`) || !strings.Contains(page, "Mail to "+anna.Email+" bounced on ") ||
			!strings.Contains(page, "550 5.1.1 mailbox unavailable") {
			t.Errorf("the agent's page shows no bounce:\n%s", page)
		}
		customer := e.client()
		customer.signIn("anna")
		if _, own := customer.get("/requests/" + r.Number); strings.Contains(own, "bounced") {
			t.Error("the customer's page shows the bounce")
		}
	})
}
