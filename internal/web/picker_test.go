package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestCountryAndZonePickers: country and time zone are pickers of ISO 3166-1
// countries (named in the page's language) and IANA zones, and the server
// refuses a value that is not one of them however the form was sent.
func TestCountryAndZonePickers(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))

	anon := e.client()
	_, page := anon.get("/presales")
	must(t, strings.Contains(page, `<select id="country" name="country"`), "presales: country is not a picker")
	must(t, strings.Contains(page, `<option value="DE">Germany</option>`), "presales: Germany is not offered by name")
	must(t, !strings.Contains(page, `value="UK"`), "presales: a reserved code is offered")
	form := url.Values{"name": {"Ada"}, "email": {"ada@example.test"}, "question": {"Do you sell to schools?"}, "country": {"XX"}}
	st, page := anon.post("/presales", "/presales", form)
	must(t, st == http.StatusBadRequest && strings.Contains(page, `id="err-country"`), "presales with country XX: %d", st)
	form.Set("country", "DE")
	st, page = anon.post("/presales", "/presales", form)
	must(t, st == http.StatusOK && strings.Contains(page, `id="presales-number"`), "presales with DE: %d", st)

	c := e.client()
	c.signIn("wei") // works in Chinese
	_, page = c.get("/presales")
	must(t, strings.Contains(page, `<option value="DE">德国</option>`), "presales in zh-CN: Germany is not 德国")
	_, page = c.get("/account")
	must(t, strings.Contains(page, `<select id="time_zone" name="time_zone"`), "account: the time zone is not a picker")
	must(t, strings.Contains(page, `<option selected>Asia/Shanghai</option>`), "account: the saved zone is not selected")
	must(t, strings.Contains(page, `<option>Europe/Berlin</option>`), "account: Europe/Berlin is not offered")
	acct := url.Values{"name": {"张伟"}, "language": {"zh-CN"}, "time_zone": {"Mars/Olympus_Mons"}}
	st, page = c.post("/account", "/account", acct)
	must(t, st == http.StatusBadRequest && strings.Contains(page, `id="err-tz"`), "account with a made-up zone: %d", st)
	acct.Set("time_zone", "Europe/Berlin")
	st, _ = c.post("/account", "/account", acct)
	must(t, st == http.StatusOK, "account with Europe/Berlin: %d", st)
	_, page = c.get("/account")
	must(t, strings.Contains(page, `<option selected>Europe/Berlin</option>`), "account: the new zone is not selected")
}
