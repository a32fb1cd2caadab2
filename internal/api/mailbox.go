package api

import (
	"net/http"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// Inbound mail for operators: the mailboxes the watcher reads (their
// passwords are write-only) and the log of what each received mail became.

func (s *Server) listMailboxes(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	ms, err := s.desk.Mailboxes(r.Context(), a)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []*desk.MailboxView{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ms})
	return nil
}

func (s *Server) createMailbox(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in desk.MailboxInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.desk.CreateMailbox(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) getMailbox(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.desk.Mailbox(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) updateMailbox(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in desk.MailboxInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.desk.UpdateMailbox(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) deleteMailbox(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.DeleteMailbox(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listInboundMails(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	before, err := queryInt(r, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	if limit < 0 || limit > 500 {
		return casedesk.Invalid("limit", "limit must be between 1 and 500")
	}
	ls, err := s.desk.InboundMails(r.Context(), a, store.InboundFilter{Outcome: r.URL.Query().Get("outcome"), Before: before, Limit: int(limit)})
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []*store.InboundMail{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ls})
	return nil
}

func (s *Server) inboundRaw(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, f, err := s.desk.InboundRaw(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer f.Close()
	// A stranger's message: a download, never rendered in our origin.
	w.Header().Set("Content-Type", "message/rfc822")
	w.Header().Set("Content-Disposition", `attachment; filename="inbound-mail.eml"`)
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(&rangeProblem{ResponseWriter: w, r: r, log: s.log}, r, "", m.ReceivedAt, f)
	return nil
}
