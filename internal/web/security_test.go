package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestSecurity checks the headers, the form tokens and the reset link flow.
func TestSecurity(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	c := e.client()

	resp, err := http.Get(e.srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		must(t, strings.Contains(csp, want), "CSP %q lacks %q", csp, want)
	}
	must(t, !strings.Contains(csp, "unsafe-inline") && !strings.Contains(csp, "unsafe-eval"), "CSP allows inline code: %q", csp)
	must(t, resp.Header.Get("X-Frame-Options") == "DENY" && resp.Header.Get("X-Content-Type-Options") == "nosniff", "frame and sniff headers")
	for _, ck := range resp.Cookies() {
		must(t, ck.HttpOnly && ck.SameSite == http.SameSiteLaxMode, "cookie %s must be HttpOnly and SameSite=Lax", ck.Name)
	}

	// Every POST needs the session's form token.
	c.signIn("anna")
	r := e.openRequest("anna", e.fabrikam.ID, "Token test")
	for _, path := range []string{"/requests/" + r.Number + "/close", "/signout", "/organization/users", "/language"} {
		st, body := c.postRaw(path, url.Values{"lang": {"zh-CN"}})
		must(t, st == http.StatusForbidden && strings.Contains(body, "the form has expired"), "POST %s without token: %d", path, st)
		st, _ = c.postRaw(path, url.Values{"csrf_token": {"forged"}})
		must(t, st == http.StatusForbidden, "POST %s with a forged token: %d", path, st)
	}
	// Another user's token does not fit this session.
	other := e.client()
	other.signIn("markus")
	tok := csrfOf(t, other, "/")
	st, _ := c.postRaw("/requests/"+r.Number+"/close", url.Values{"csrf_token": {tok}})
	must(t, st == http.StatusForbidden, "another session's token: %d", st)
	// A cross-site POST with the right token is refused by its Origin.
	form := url.Values{"csrf_token": {csrfOf(t, c, "/")}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/requests/"+r.Number+"/close", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	must(t, resp.StatusCode == http.StatusForbidden, "cross-origin POST: %d", resp.StatusCode)

	st, body := c.get("/no/such/page")
	must(t, st == http.StatusNotFound && strings.Contains(body, `id="signout"`), "unknown page for a signed-in user: %d", st)

	// Uploads over the limit are refused before they are read to the end.
	{
		var buf strings.Builder
		buf.WriteString("--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + csrfOf(t, c, "/") + "\r\n")
		buf.WriteString("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\n\r\n")
		buf.WriteString(strings.Repeat("x", 7<<20) + "\r\n--b--\r\n")
		req, _ := http.NewRequest("POST", e.srv.URL+"/requests/"+r.Number+"/reply", strings.NewReader(buf.String()))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		resp, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		must(t, resp.StatusCode == http.StatusRequestEntityTooLarge, "oversized upload: %d", resp.StatusCode)
	}

	// Another organization's request is not found, not forbidden.
	y := e.openRequest("wei", e.yunfan.ID, "Yunfan only")
	st, _ = c.get("/requests/" + y.Number)
	must(t, st == http.StatusNotFound, "another tenant's request: %d", st)
	st, _ = c.get("/requests/" + y.Number + "/live")
	must(t, st == http.StatusNotFound, "another tenant's live stream: %d", st)
	st, _ = c.get("/requests/" + y.Number + "/attachments/1")
	must(t, st == http.StatusNotFound, "another tenant's attachment: %d", st)

	// Forgot password: the link is sent (never logged), works once, and signs the user out everywhere.
	a := e.client()
	st, body = a.post("/forgot", "/forgot", url.Values{"email": {"markus@example.test"}})
	must(t, st == 200 && strings.Contains(body, "a reset link is on its way"), "forgot: %d", st)
	st, body = a.post("/forgot", "/forgot", url.Values{"email": {"nobody@example.test"}})
	must(t, st == 200 && strings.Contains(body, "a reset link is on its way"), "forgot for an unknown address answers the same: %d", st)
	sent := e.links.last("markus@example.test")
	must(t, strings.HasPrefix(sent, e.srv.URL+"/reset?token="), "no reset link sent: %q", sent)
	link, _ := url.Parse(sent)
	st, body = a.get(link.RequestURI())
	must(t, st == 200 && strings.Contains(body, `name="token"`), "reset form: %d", st)
	st, body = a.post(link.RequestURI(), "/reset", url.Values{"token": {link.Query().Get("token")}, "new_password": {"markus-new-pass"}, "confirm_password": {"markus-new-pass"}})
	must(t, st == 200 && strings.Contains(body, "Your password has been reset"), "reset: %d\n%s", st, body)
	st, body = a.post(link.RequestURI(), "/reset", url.Values{"token": {link.Query().Get("token")}, "new_password": {"markus-again-1"}, "confirm_password": {"markus-again-1"}})
	must(t, st == 400 && strings.Contains(body, "unknown, used or expired"), "a reset link works once: %d", st)
	_, body = other.get("/")
	must(t, strings.Contains(body, `id="signin"`), "the reset signed markus out")
	st, body = a.post("/signin", "/signin", url.Values{"email": {"markus@example.test"}, "password": {"markus-new-pass"}})
	must(t, st == 200 && strings.Contains(body, `id="signout"`), "sign in with the new password: %d", st)

	// Sign-in keeps the visitor on this site.
	st, body = a.post("/signin", "/signin", url.Values{"email": {"anna@example.test"}, "password": {password}, "next": {"//evil.example/x"}})
	must(t, st == 200 && strings.Contains(body, `id="signout"`), "open redirect guard: %d", st)
}

// TestLanguage checks the language choice: Accept-Language, the switch,
// and the user's setting.
func TestLanguage(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	req, _ := http.NewRequest("GET", e.srv.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	must(t, resp.Header.Get("Content-Language") == "zh-CN", "Accept-Language zh-CN: %s", resp.Header.Get("Content-Language"))

	c := e.client()
	st, body := c.post("/signin", "/language", url.Values{"lang": {"zh-CN"}, "next": {"/presales"}})
	must(t, st == 200 && strings.Contains(body, `<html lang="zh-CN">`) && strings.Contains(body, "咨询销售"), "switch to Chinese: %d", st)
	c.signIn("anna") // anna's setting is English: it wins over the cookie
	_, body = c.get("/")
	must(t, strings.Contains(body, `<html lang="en">`), "the user's setting decides")
	st, body = c.post("/", "/language", url.Values{"lang": {"zh-CN"}, "next": {"/"}})
	must(t, st == 200 && strings.Contains(body, "你的支持服务"), "switching saves the setting: %d", st)
	u, err := e.desk.User(t.Context(), e.actor("anna"), e.fabrikam.ID, e.users["anna"].ID)
	must(t, err == nil && u.Language == "zh-CN", "anna's language is saved: %v %v", u, err)
	_, body = c.get("/organization")
	must(t, strings.Contains(body, "2026年11月2日"), "dates in Chinese format")
}

// TestCatalogues keeps the English and Chinese catalogues complete: the same
// keys, every key the templates and handlers use, and the same format verbs.
func TestCatalogues(t *testing.T) {
	load := func(name string) map[string]string {
		b, err := os.ReadFile(filepath.Join("i18n", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en, zh := load("en.json"), load("zh-CN.json")
	verbs := regexp.MustCompile(`%(\[\d\])?[sdv]`)
	for k, v := range en {
		z, ok := zh[k]
		if !ok {
			t.Errorf("zh-CN lacks %q", k)
			continue
		}
		a, b := verbs.FindAllString(v, -1), verbs.FindAllString(z, -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%q: format verbs differ: en %v, zh-CN %v", k, a, b)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	// Keys used literally in templates and Go code.
	used := map[string]bool{}
	lit := regexp.MustCompile(`(?:\bt|\.T)\(?\s*"([a-z][a-zA-Z0-9_.-]*)"`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix joined with a value, listed below
				used[m[1]] = true
			}
		}
	}
	// Keys built from values: every value must have its entry.
	for prefix, values := range map[string][]string{
		"status.":       {"new", "open", "waiting", "resolved", "closed", "active"},
		"sev.":          {"A", "B", "C", "A.def", "B.def", "C.def", "A.examples", "B.examples", "C.examples"},
		"cat.":          {"technical", "billing", "presales"},
		"role.":         {"global_admin", "billing_admin", "service_support_admin", "user", "partner_admin", "agent", "supervisor", "operator"},
		"family.":       {"business", "enterprise", "frontline", "elevated"},
		"coverage.":     {"24x7", "business_hours"},
		"topic.":        {"setup", "config", "other", "network", "addin", "script"},
		"scope.":        {"network", "addin", "script"},
		"error.":        {"400", "401", "403", "404", "409", "413", "415", "429", "500"},
		"sub.":          {"active", "suspended", "cancelled", "expired"},
		"phone.hours.":  {"24x7", "business"},
		"lang.":         {"en", "zh-CN", "de", "fr", "es", "ja"},
		"event.":        {"created", "message", "attachment", "reopened", "survey", "callback", "phone", "status", "severity", "assignee", "update"},
		"detail.target": {".met", ".missed", ".pending"},
	} {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	for k := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is used but not in the catalogues", k)
		}
	}
}

// TestNoInlineCode keeps the templates within the CSP: no inline script,
// event handler attribute or style.
func TestNoInlineCode(t *testing.T) {
	bad := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=|javascript:`)
	files, _ := filepath.Glob("templates/*.html")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := bad.FindString(string(b)); m != "" {
			t.Errorf("%s: inline code %q (the CSP forbids it)", f, m)
		}
	}
}
