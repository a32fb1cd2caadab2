package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/desk"
)

// Cookies. The session cookie holds the desk's sign-in token secret; the
// pre-session cookie seeds the CSRF token of anonymous forms (sign-in,
// pre-sales), so that a login form cannot be posted from another site.
const (
	sessionCookie  = "cd_session"
	preCookie      = "cd_pre"
	langCookie     = "cd_lang"
	customerCookie = "cd_customer"
	csrfField      = "csrf_token"
)

// csrfToken derives the form token from the session (or pre-session)
// secret: an HMAC keyed by the secret, which only the HttpOnly cookie
// carries, so a page of another site can neither read nor compute it, and
// every instance computes the same token without shared state.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("casedesk portal form"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// cookieName is the name a cookie goes by: with the __Host- prefix when
// cookies are secure, which browsers accept only from HTTPS, Secure, for
// Path=/ and with no Domain, so that no other site or subdomain, nor plain
// HTTP, can set or shadow it.
func (s *Server) cookieName(name string) string {
	if s.secure {
		return "__Host-" + name
	}
	return name
}

// cookie reads one of the portal's cookies under its name.
func (s *Server) cookie(r *http.Request, name string) (*http.Cookie, error) {
	return r.Cookie(s.cookieName(name))
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// authenticate fills p with the actor behind the session cookie. An expired
// or revoked session is dropped and the visitor continues anonymously.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, p *page) error {
	ip := s.proxies.ClientIP(r)
	p.Actor = &casedesk.Actor{ClientIP: ip}
	if c, err := s.cookie(r, sessionCookie); err == nil && c.Value != "" {
		a, err := s.desk.Authenticate(r.Context(), c.Value, ip)
		switch {
		case err == nil:
			p.Actor, p.User, p.secret = a, a.User, c.Value
			p.Can = desk.Allowed(a)
		case casedesk.ErrorCode(err) == casedesk.EUNAUTHORIZED:
			s.setCookie(w, r, sessionCookie, "", -1)
		default:
			return err
		}
	}
	if p.secret == "" {
		if c, err := s.cookie(r, preCookie); err == nil && len(c.Value) >= 20 {
			p.secret = c.Value
		} else {
			p.secret = auth.RandomString(24)
			s.setCookie(w, r, preCookie, p.secret, 0)
		}
	}
	p.CSRF = csrfToken(p.secret)
	s.localize(r, p)
	if !p.Actor.Anonymous() {
		s.actingFor(r, p)
	}
	return nil
}

// checkCSRF refuses a POST without the form token of this session, or from
// another origin: one other than the public URL's when that is set (a
// proxy may pass on another Host), else one of another host.
func (s *Server) checkCSRF(r *http.Request, p *page) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || (s.baseURL != "" && u.Scheme+"://"+u.Host != s.baseURL) || (s.baseURL == "" && u.Host != r.Host) {
			return casedesk.Errorf(casedesk.EFORBIDDEN, "the form was sent from another site")
		}
	}
	var got string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return s.uploadError(err)
		}
	} else if err := r.ParseForm(); err != nil {
		return casedesk.Invalid("form", "the form could not be read")
	}
	got = r.PostFormValue(csrfField)
	if got == "" || !hmac.Equal([]byte(got), []byte(p.CSRF)) {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "the form has expired; reload the page and try again")
	}
	return nil
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return url.QueryEscape(next)
}

func localNext(v string) string {
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "/\\") {
		return "/"
	}
	return v
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request, p *page) error {
	if !p.Actor.Anonymous() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p.Title = p.T("signin.title")
	p.Form = map[string]string{"next": localNext(r.URL.Query().Get("next"))}
	switch r.URL.Query().Get("notice") {
	case "reset":
		p.Notice = p.T("reset.done")
	case "signedout":
		p.Notice = p.T("signin.signedout")
	}
	return s.render(w, r, p, "signin", http.StatusOK)
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request, p *page) error {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	p.Title = p.T("signin.title")
	p.Form = map[string]string{"email": email, "next": localNext(r.PostFormValue("next"))}
	secret, u, err := s.desk.Login(r.Context(), email, password, p.Actor.ClientIP)
	if err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EUNAUTHORIZED || code == casedesk.EINVALID || code == casedesk.ERATELIMIT {
			p.formError(err)
			status := http.StatusUnauthorized
			if code == casedesk.ERATELIMIT {
				status = http.StatusTooManyRequests
				setRetryAfter(w, err)
			}
			return s.render(w, r, p, "signin", status)
		}
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, int(s.desk.Policy().SessionTTL.Seconds()))
	s.setCookie(w, r, preCookie, "", -1)
	if u.MustChangePass {
		http.Redirect(w, r, "/password", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, p.Form["next"], http.StatusSeeOther)
	return nil
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request, p *page) error {
	if c, err := s.cookie(r, sessionCookie); err == nil && c.Value != "" && !p.Actor.Anonymous() {
		if err := s.desk.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	s.setCookie(w, r, customerCookie, "", -1)
	http.Redirect(w, r, "/signin?notice=signedout", http.StatusSeeOther)
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title = p.T("password.title")
	return s.render(w, r, p, "password", http.StatusOK)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title = p.T("password.title")
	cur, next, again := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("confirm_password")
	if next != again {
		p.formError(mismatch(next))
		return s.render(w, r, p, "password", http.StatusBadRequest)
	}
	if err := s.desk.ChangePassword(r.Context(), p.Actor, cur, next); err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID {
			p.formError(err)
			return s.render(w, r, p, "password", http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/?notice=password", http.StatusSeeOther)
	return nil
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title = p.T("forgot.title")
	return s.render(w, r, p, "forgot", http.StatusOK)
}

// forgot makes a reset link and hands it to the ResetLinks sender. The link
// is built on the public URL only, never on the request's Host, and is
// never logged: it is a password. Without a public URL or a sender no link
// is made, and the log says so. The answer is the same whether or not the
// address has an account.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title = p.T("forgot.title")
	email := r.PostFormValue("email")
	p.Form = map[string]string{"email": email}
	secret, u, err := s.desk.RequestPasswordReset(r.Context(), email, p.Actor.ClientIP)
	if err != nil {
		if code := casedesk.ErrorCode(err); code == casedesk.EINVALID || code == casedesk.ERATELIMIT {
			p.formError(err)
			return s.render(w, r, p, "forgot", http.StatusBadRequest)
		}
		return err
	}
	// With mail on, desk mailed the link already; else the demo shows it on
	// its terminal; else nobody can send it, and the page says so whether
	// or not the address has an account.
	mailed := s.desk.Mail() || (s.baseURL != "" && s.resetLinks != nil)
	if secret != "" && !s.desk.Mail() {
		if s.baseURL == "" || s.resetLinks == nil {
			s.log.Warn("password reset requested, but no link can be sent (no public URL or no mail); "+
				"an operator can set a password with `casedesk user reset-password`", "user_id", u.ID)
		} else if err := s.resetLinks.SendResetLink(r.Context(), u, s.baseURL+"/reset?token="+url.QueryEscape(secret)); err != nil {
			// The sender's error must not carry the link either.
			s.log.Error("password reset link not sent", "user_id", u.ID, "err", err)
		}
	}
	p.Notice = p.T("forgot.sent")
	if !mailed {
		p.Notice = p.T("forgot.nomail")
	}
	p.Form = nil
	return s.render(w, r, p, "forgot", http.StatusOK)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title = p.T("reset.title")
	p.Form = map[string]string{"token": r.URL.Query().Get("token")}
	return s.render(w, r, p, "reset", http.StatusOK)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title = p.T("reset.title")
	p.Form = map[string]string{"token": r.PostFormValue("token")}
	next, again := r.PostFormValue("new_password"), r.PostFormValue("confirm_password")
	if next != again {
		p.formError(mismatch(next))
		return s.render(w, r, p, "reset", http.StatusBadRequest)
	}
	if err := s.desk.ResetPasswordWithLink(r.Context(), p.Form["token"], next); err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID {
			p.formError(err)
			return s.render(w, r, p, "reset", http.StatusBadRequest)
		}
		return err
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/signin?notice=reset", http.StatusSeeOther)
	return nil
}

// setLanguage switches the language: saved in the user's settings when
// signed in, in a cookie otherwise.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, p *page) error {
	lang, ok := supported(r.PostFormValue("lang"))
	if !ok {
		return casedesk.Invalid("lang", "unsupported language")
	}
	s.setCookie(w, r, langCookie, lang, 365*24*3600)
	if !p.Actor.Anonymous() && p.User.Language != lang {
		if _, err := s.desk.UpdateUser(r.Context(), p.Actor, p.User.OrgID, p.User.ID, desk.UserPatch{Language: &lang}); err != nil {
			return err
		}
	}
	http.Redirect(w, r, localNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// mismatch is the error of a new password whose confirmation differs: the
// new password's own errors too, so that the form shows them at once.
func mismatch(next string) error {
	var errs casedesk.FieldErrors
	errs.Add(casedesk.ValidatePassword("new_password", next))
	errs.Add(casedesk.Invalid("confirm_password", "the passwords differ").Because("mismatch"))
	return errs.Err()
}
