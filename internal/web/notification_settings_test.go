package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestConsoleNotificationSettings: an agent switches staff topics on the
// console's settings page; a customer's plain user, who hears of nothing,
// has no switches on their account page and no console settings.
func TestConsoleNotificationSettings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.signIn("agent")
		st, body := c.get("/console/settings")
		must(t, st == 200 && strings.Count(body, `name="topic"`) == 5 && strings.Contains(body, `id="topic-sla_breach"`) &&
			!strings.Contains(body, `id="topic-replied"`), "settings page: %d\n%s", st, body)
		st, body = c.post("/console/settings", "/console/settings", url.Values{"topic": {"assigned", "sla_breach"}})
		must(t, st == 200 && strings.Contains(body, "Your notification settings have been saved."), "save: %d\n%s", st, body)
		on, _, err := e.desk.NotificationSettings(context.Background(), e.actor("agent"))
		must(t, err == nil && on[casedesk.TopicAssigned] && on[casedesk.TopicSLABreach] && !on[casedesk.TopicSLAWarn] && !on[casedesk.TopicCallback],
			"desk has %v, %v", on, err)

		u := e.client()
		u.signIn("thomas")
		st, body = u.get("/account")
		must(t, st == 200 && !strings.Contains(body, `id="notification-settings"`), "a plain user's account page: %d", st)
		st, _ = u.post("/account", "/account/notifications", url.Values{"topic": {"replied"}})
		must(t, st == 403, "a plain user saved switches: %d", st)
	})
}
