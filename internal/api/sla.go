package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
)

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	p, err := s.desk.SLAPolicy(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	v, moved, err := s.desk.SetSLAPolicy(r.Context(), a, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"version": v, "clocks_moved": moved})
	return nil
}

func (s *Server) getPolicyVersion(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	v, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil || v < 1 {
		return casedesk.Errorf(casedesk.ENOTFOUND, "policy version %q not found", r.PathValue("version"))
	}
	p, err := s.desk.SLAPolicyVersion(r.Context(), a, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) preview(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	res, err := sla.PreviewOne(body)
	if err != nil {
		p := PreviewProblem(err)
		return &transportError{code: p.Code, field: p.Field, msg: p.Detail}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// PreviewProblem is the problem document for a preview input that failed
// (sla.PreviewOne's error): malformed when it is not JSON, invalid naming
// the offending field otherwise. POST /api/v1/sla/preview answers with it,
// and `casedesk sla due` writes it for the input.
func PreviewProblem(err error) Problem {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return NewProblem(CodeMalformed, "", "the body is not valid JSON (at byte "+strconv.FormatInt(syn.Offset, 10)+"): "+syn.Error())
	}
	var fe *sla.FieldError
	if errors.As(err, &fe) {
		return NewProblem(casedesk.EINVALID, fe.Field, fe.Msg)
	}
	return NewProblem(casedesk.EINVALID, "", err.Error())
}

func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	cs, err := s.desk.Calendars(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[desk.CalendarView]{Items: cs})
	return nil
}

func (s *Server) createCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in desk.NewCalendar
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.desk.CreateCalendar(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.desk.Calendar(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) updateCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in desk.NewCalendar
	if err := decode(r, &in); err != nil {
		return err
	}
	c, moved, err := s.desk.UpdateCalendar(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"calendar": c, "clocks_moved": moved})
	return nil
}

func (s *Server) importHolidays(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/calendar" {
		return &transportError{code: casedesk.EUNSUPPORTED, field: "Content-Type", msg: "send an iCalendar file as text/calendar"}
	}
	res, err := s.desk.ImportHolidays(r.Context(), a, id, io.LimitReader(r.Body, maxBody))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// holidayFeed serves a calendar's holidays as text/calendar for calendar
// apps to subscribe to, with a strong ETag of the body so that polling
// subscribers get 304 until the calendar (or the window, at a new year)
// changes.
func (s *Server) holidayFeed(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := s.desk.HolidayFeed(r.Context(), a, id)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}

// etagMatch reports whether an If-None-Match header names etag (weak
// comparison, RFC 9110 section 13.1.2).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func (s *Server) requestSLA(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	cs, err := s.desk.RequestClocks(r.Context(), a, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[desk.ClockView]{Items: cs})
	return nil
}
