package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/web"
)

// TestPagesSayWhetherMailIsSent: with mail on, an invitation and a reset
// link go to the outbox and the pages say a mail is on its way; with mail
// off the invitation shows its one-time password and says no mail was
// sent, and the reset page says no link can be sent, in the reader's
// language.
func TestPagesSayMailIsSent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		{
			e := newEnvMail(t, db, true)
			c := e.client()
			c.signIn("anna")
			st, body := c.post("/organization", "/organization/users", url.Values{"email": {"newbie@example.test"}, "name": {"New"},
				"role": {"user"}, "language": {"en"}})
			must(t, st == 200 && strings.Contains(body, "a mail with a link to choose a password is on its way") &&
				!strings.Contains(body, `id="onetime-password"`), "invite with mail on: %d\n%s", st, body)
			st, body = e.client().post("/forgot", "/forgot", url.Values{"email": {"anna@example.test"}})
			must(t, st == 200 && strings.Contains(body, "a reset link is on its way"), "forgot with mail on: %d\n%s", st, body)
			must(t, e.links.last("anna@example.test") == "", "the link went to the terminal sender too")
			tok, _, err := e.desk.Login(context.Background(), "operator@contoso.test", password, "127.0.0.1")
			must(t, err == nil, "operator login: %v", err)
			op, err := e.desk.Authenticate(context.Background(), tok, "127.0.0.1")
			must(t, err == nil, "operator: %v", err)
			ds, _, err := e.desk.Deliveries(context.Background(), op, store.DeliveryFilter{Limit: 50}, "")
			must(t, err == nil, "deliveries: %v", err)
			topics := map[casedesk.Topic]string{}
			for _, d := range ds {
				topics[d.Topic] = d.Recipient
			}
			must(t, topics[casedesk.TopicInvitation] == "newbie@example.test" && topics[casedesk.TopicPasswordReset] == "anna@example.test",
				"queued mails: %v", topics)
		}
	})
}

func TestPagesSayMailIsOff(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		{
			e := newEnv(t, db)
			c := e.client()
			c.signIn("anna")
			st, body := c.post("/organization", "/organization/users", url.Values{"email": {"newbie@example.test"}, "name": {"New"},
				"role": {"user"}, "language": {"en"}})
			must(t, st == 200 && strings.Contains(body, `id="onetime-password"`) && strings.Contains(body, "This desk sends no mail"),
				"invite with mail off: %d\n%s", st, body)
			// No mail and no other sender: the page says so.
			bare := httptest.NewServer(web.New(e.desk, e.log, web.Options{Clock: e.clock, BaseURL: "https://desk.example.com"}).Handler())
			defer bare.Close()
			b := e.client()
			b.url = bare.URL
			st, body = b.post("/forgot", "/forgot", url.Values{"email": {"wei@example.test"}})
			must(t, st == 200 && strings.Contains(body, "This desk sends no mail, so no reset link can be sent"), "forgot with mail off: %d\n%s", st, body)
			b.post("/forgot", "/language", url.Values{"lang": {"zh-CN"}, "next": {"/forgot"}})
			st, body = b.post("/forgot", "/forgot", url.Values{"email": {"nobody@example.test"}})
			must(t, st == 200 && strings.Contains(body, "本服务台不发送邮件"), "forgot with mail off, in Chinese: %d\n%s", st, body)
		}
	})
}
