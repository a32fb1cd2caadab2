package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestPasswordChangeSignsOutOtherBrowsers: changing one's password on the
// password page keeps that browser signed in, signs the user's other
// browsers out and ends their live updates.
func TestPasswordChangeSignsOutOtherBrowsers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		startRelay(t, e.desk)
		r := e.openRequest("anna", e.fabrikam.ID, "Mail is down")
		here, there := e.client(), e.client()
		here.signIn("anna")
		there.signIn("anna")

		// The other browser watches the request live.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", there.url+"/requests/"+r.Number+"/live", nil)
		res, err := there.c.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("live: %v %v", res, err)
		}
		defer res.Body.Close()
		lines := bufio.NewScanner(res.Body)
		if !lines.Scan() || !strings.HasPrefix(lines.Text(), "retry: ") {
			t.Fatal("the live stream did not open")
		}
		ended := make(chan []string)
		go func() {
			var rest []string
			for lines.Scan() {
				if l := lines.Text(); l != "" {
					rest = append(rest, l)
				}
			}
			ended <- rest
		}()

		st, body := here.post("/password", "/password", url.Values{"current_password": {password},
			"new_password": {"a-good-new-password"}, "confirm_password": {"a-good-new-password"}})
		if st != http.StatusOK || strings.Contains(body, `id="signin"`) {
			t.Fatalf("change password: %d", st)
		}
		e.openRequest("agent", e.fabrikam.ID, "After the change") // on the stream's organization
		select {
		case rest := <-ended:
			if len(rest) > 0 {
				t.Fatalf("the other browser's live stream showed %q after the change", rest)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the other browser's live stream goes on after the change")
		}
		if _, body := here.get("/account"); strings.Contains(body, `id="signin"`) {
			t.Fatal("the browser that changed the password was signed out")
		}
		if _, body := there.get("/account"); !strings.Contains(body, `id="signin"`) {
			t.Fatal("the other browser is still signed in")
		}
	})
}
