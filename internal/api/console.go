package api

import (
	"net/http"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// The agent console's resources: canned responses and the staff's
// notifications inbox.

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

// notificationPage is a page of the caller's inbox with their unread count.
type notificationPage struct {
	Items      []*store.Notification `json:"items"`
	Unread     int                   `json:"unread"`
	NextCursor string                `json:"next_cursor,omitempty"`
}

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	if err := onlyQuery(r, "unread", "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	unread := false
	if v := q.Get("unread"); v != "" {
		if unread, err = strconv.ParseBool(v); err != nil {
			return casedesk.Invalid("unread", "unread must be true or false")
		}
	}
	items, next, err := s.desk.Notifications(r.Context(), a, unread, q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	n, err := s.desk.UnreadNotifications(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notificationPage{Items: items, Unread: n, NextCursor: next})
	return nil
}

func (s *Server) markNotificationsRead(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		IDs []int64 `json:"ids"`
		All bool    `json:"all"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	marked, err := s.desk.MarkNotificationsRead(r.Context(), a, in.IDs, in.All)
	if err != nil {
		return err
	}
	n, err := s.desk.UnreadNotifications(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": marked, "unread": n})
	return nil
}
