package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestInviteDiscovery: on the organization page, inviting an email that has
// an account in another organization looks like inviting a free one; a
// lookalike of a colleague's email comes back with the message beside the
// email field, in the viewer's language.
func TestInviteDiscovery(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.signIn("anna")
		invite := func(email string) (int, string) {
			return c.post("/organization", "/organization/users", url.Values{"email": {email}, "name": {"New"}, "role": {"user"}, "language": {"en"}})
		}
		for _, email := range []string{"free.user@example.test", "wei@example.test"} { // wei is Yunfan's
			st, body := invite(email)
			if st != 200 || !strings.Contains(body, `id="onetime-password"`) || !strings.Contains(body, email) {
				t.Fatalf("invite %s: %d\n%s", email, st, body)
			}
		}
		st, body := invite("\u0430nna@example.test") // Cyrillic а
		if st != 400 || !strings.Contains(body, `id="err-inv-email"`) || !strings.Contains(body, "look alike") {
			t.Fatalf("lookalike: %d\n%s", st, body)
		}
	})
}
