package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

func (s *Server) login(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	token, u, err := s.desk.Login(r.Context(), in.Email, in.Password, a.ClientIP)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "user": u})
	return nil
}

func bearer(r *http.Request) string {
	_, t, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(t)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	if err := s.desk.Logout(r.Context(), bearer(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	writeJSON(w, http.StatusOK, map[string]any{"user": a.User, "organization_kind": a.OrgKind, "delegated_organizations": a.Delegated})
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.desk.ChangePassword(r.Context(), a, in.Current, in.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	ts, err := s.desk.APITokens(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ts})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		Name      string     `json:"name"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	secret, t, err := s.desk.NewAPIToken(r.Context(), a, in.Name, in.ExpiresAt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "name": t.Name, "created_at": t.CreatedAt, "expires_at": t.ExpiresAt})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.RevokeAPIToken(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
