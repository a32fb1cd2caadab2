package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/edge"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/web"
)

// TestResetLinkUsesThePublicURL: whatever Host a request names, the reset
// link is built on the configured public URL; the whole flow, reset
// included, leaves neither the link, its secret nor a password in the log,
// at debug level; without a public URL no link is made at all.
func TestResetLinkUsesThePublicURL(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		links := &linkRecorder{}
		srv := httptest.NewServer(web.New(e.desk, e.log, web.Options{Clock: e.clock, BaseURL: "https://desk.example.com/", ResetLinks: links}).Handler())
		defer srv.Close()
		c := e.client()
		c.url = srv.URL
		_, page := c.get("/forgot")
		form := url.Values{"email": {"markus@example.test"}, "csrf_token": {csrfRE.FindStringSubmatch(page)[1]}}
		req, _ := http.NewRequest("POST", srv.URL+"/forgot", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil.example")
		u, _ := url.Parse(srv.URL)
		for _, ck := range c.c.Jar.Cookies(u) { // the jar would file them under the Host
			req.AddCookie(ck)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := io.ReadAll(res.Body)
		res.Body.Close()
		must(t, res.StatusCode == 200, "forgot with a forged Host: %d %s", res.StatusCode, rb)
		sent := links.last("markus@example.test")
		must(t, strings.HasPrefix(sent, "https://desk.example.com/reset?token="), "the link is not on the public URL: %q", sent)
		secret := strings.TrimPrefix(sent, "https://desk.example.com/reset?token=")
		must(t, len(secret) >= 20, "short secret %q", secret)

		const newPass = "markus-new-secret-9"
		link, _ := url.Parse(sent)
		st, body := c.post(link.RequestURI(), "/reset", url.Values{"token": {link.Query().Get("token")}, "new_password": {newPass}, "confirm_password": {newPass}})
		must(t, st == 200 && strings.Contains(body, "Your password has been reset"), "reset: %d", st)
		st, _ = c.post("/signin", "/signin", url.Values{"email": {"markus@example.test"}, "password": {"a-wrong-password"}})
		must(t, st == http.StatusUnauthorized, "wrong password: %d", st)
		st, body = c.post("/signin", "/signin", url.Values{"email": {"markus@example.test"}, "password": {newPass}})
		must(t, st == 200 && strings.Contains(body, `id="signout"`), "sign in with the new password: %d", st)

		logs := e.logs.String()
		for _, s := range []string{secret, url.QueryEscape(secret), "token=", newPass, "a-wrong-password", password, "evil.example"} {
			must(t, !strings.Contains(logs, s), "the log carries %q:\n%s", s, logs)
		}

		// Without a public URL there is no link to send, whatever the Host.
		none := &linkRecorder{}
		bare := httptest.NewServer(web.New(e.desk, e.log, web.Options{Clock: e.clock, ResetLinks: none}).Handler())
		defer bare.Close()
		b := e.client()
		b.url = bare.URL
		st, _ = b.post("/forgot", "/forgot", url.Values{"email": {"anna@example.test"}})
		must(t, st == 200, "forgot without a public URL: %d", st)
		must(t, none.last("anna@example.test") == "", "a link was built without a public URL: %q", none.last("anna@example.test"))
		must(t, strings.Contains(e.logs.String(), "no link can be sent") && !strings.Contains(e.logs.String(), "token="),
			"the log does not say why no link was sent, or carries one:\n%s", e.logs.String())
	})
}

// TestCookieSecurity: with secure cookies the session and form cookies are
// __Host- prefixed, Secure, HttpOnly, for Path=/ and no Domain, and a plain
// cookie of the same name is not read; without, they are plain.
func TestCookieSecurity(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, secure := range []bool{true, false} {
			srv := httptest.NewServer(web.New(e.desk, e.log, web.Options{Clock: e.clock, SecureCookies: secure}).Handler())
			defer srv.Close()
			prefix := ""
			if secure {
				prefix = "__Host-"
			}
			// A browser keeps Secure cookies for HTTPS only, so the test
			// carries them by hand.
			res, err := http.Get(srv.URL + "/signin")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			pre := cookieNamed(res, prefix+"cd_pre")
			must(t, pre != nil, "secure=%v: no %scd_pre cookie among %v", secure, prefix, res.Cookies())
			checkCookie(t, pre, secure)
			form := url.Values{"email": {"anna@example.test"}, "password": {password}, "csrf_token": {csrfRE.FindStringSubmatch(string(b))[1]}}
			req, _ := http.NewRequest("POST", srv.URL+"/signin", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(pre)
			res, err = http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			session := cookieNamed(res, prefix+"cd_session")
			must(t, res.StatusCode == http.StatusSeeOther && session != nil, "secure=%v: sign-in %d, cookies %v", secure, res.StatusCode, res.Cookies())
			checkCookie(t, session, secure)

			home := func(c *http.Cookie) int {
				req, _ := http.NewRequest("GET", srv.URL+"/", nil)
				req.AddCookie(c)
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			must(t, home(session) == 200, "secure=%v: the session cookie does not sign in", secure)
			if secure {
				plain := &http.Cookie{Name: "cd_session", Value: session.Value}
				must(t, home(plain) == http.StatusSeeOther, "a cookie without the __Host- prefix was read")
			}
		}
	})
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func checkCookie(t *testing.T, c *http.Cookie, secure bool) {
	t.Helper()
	must(t, c.Secure == secure && c.HttpOnly && c.Path == "/" && c.Domain == "" && c.SameSite == http.SameSiteLaxMode,
		"cookie %s: Secure %v HttpOnly %v Path %q Domain %q SameSite %v", c.Name, c.Secure, c.HttpOnly, c.Path, c.Domain, c.SameSite)
}

// TestOriginIsThePublicURL: with a public URL, forms are accepted from its
// origin only, even when a proxy passes on another Host.
func TestOriginIsThePublicURL(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	srv := httptest.NewServer(web.New(e.desk, e.log, web.Options{Clock: e.clock, BaseURL: "https://desk.example.com"}).Handler())
	defer srv.Close()
	c := e.client()
	c.url = srv.URL
	for _, tt := range []struct {
		origin string
		want   int
	}{
		{"https://desk.example.com", http.StatusSeeOther},
		{srv.URL, http.StatusForbidden}, // the Host the request names, not the public origin
		{"http://desk.example.com", http.StatusForbidden},
		{"https://evil.example", http.StatusForbidden},
	} {
		_, page := c.get("/signin")
		form := url.Values{"lang": {"zh-CN"}, "next": {"/"}, "csrf_token": {csrfRE.FindStringSubmatch(page)[1]}}
		req, _ := http.NewRequest("POST", srv.URL+"/language", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", tt.origin)
		res, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		must(t, res.StatusCode == tt.want, "Origin %s: %d, want %d", tt.origin, res.StatusCode, tt.want)
	}
}

// TestPortalClientAddress: the portal takes the client's address from a
// trusted proxy's X-Forwarded-For, as the API does (the reset requests of
// one address are limited to 10 an hour).
func TestPortalClientAddress(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	srv := httptest.NewServer(web.New(e.desk, e.log, web.Options{Clock: e.clock,
		Proxies: edge.Proxies{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}}).Handler())
	defer srv.Close()
	c := e.client()
	c.url = srv.URL
	forgot := func(from string) int {
		_, page := c.get("/forgot")
		form := url.Values{"email": {"nobody@example.test"}, "csrf_token": {csrfRE.FindStringSubmatch(page)[1]}}
		req, _ := http.NewRequest("POST", srv.URL+"/forgot", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", from)
		res, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := range 10 {
		must(t, forgot("198.51.100.1") == 200, "reset request %d", i)
	}
	must(t, forgot("198.51.100.1") == http.StatusBadRequest, "the 11th reset request of 198.51.100.1 was not limited")
	must(t, forgot("198.51.100.2") == 200, "another client behind the proxy was limited")
}
