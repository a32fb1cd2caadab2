package api

import (
	"net/http"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// The agent console's resources: canned responses.

func (s *Server) listCanned(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	cs, err := s.desk.CannedResponses(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*store.CannedResponse]{Items: nonNil(cs)})
	return nil
}

func (s *Server) createCanned(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		Name     string `json:"name"`
		Language string `json:"language"`
		Body     string `json:"body"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.desk.CreateCanned(r.Context(), a, in.Name, in.Language, in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) updateCanned(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p desk.CannedPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	c, err := s.desk.UpdateCanned(r.Context(), a, id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteCanned(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.DeleteCanned(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
