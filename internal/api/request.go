package api

import (
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/edge"
)

type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	if err := onlyQuery(r, "status", "severity", "category", "organization_id", "assignee_id", "unassigned", "cursor", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := desk.ListFilter{Status: q.Get("status"), Severity: casedesk.Severity(q.Get("severity")),
		Category: casedesk.Category(q.Get("category")), Cursor: q.Get("cursor")}
	var err error
	if f.OrgID, err = queryInt(r, "organization_id"); err != nil {
		return err
	}
	if f.AssigneeID, err = queryInt(r, "assignee_id"); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	if v := q.Get("unassigned"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return casedesk.Invalid("unassigned", "unassigned must be true or false")
		}
		f.Unassigned = b
	}
	items, next, err := s.desk.ListRequests(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Request]{Items: items, NextCursor: next})
	return nil
}

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in desk.NewRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	req, created, err := s.desk.OpenRequest(r.Context(), a, in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/requests/"+req.Number)
	writeCreated(w, req, created)
	return nil
}

// writeCreated answers a create: 201 with the resource, also when it is a
// replay of an Idempotency-Key (the answer the first call had, with
// Idempotent-Replayed: true).
func writeCreated(w http.ResponseWriter, v any, created bool) {
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	req, err := s.desk.Request(r.Context(), a, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

func (s *Server) updateRequest(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var p desk.RequestPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	req, err := s.desk.UpdateRequest(r.Context(), a, r.PathValue("number"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

func (s *Server) reopen(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	req, err := s.desk.Reopen(r.Context(), a, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	ms, err := s.desk.Messages(r.Context(), a, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Message]{Items: ms})
	return nil
}

func (s *Server) addMessage(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in desk.NewMessage
	if err := decode(r, &in); err != nil {
		return err
	}
	m, created, err := s.desk.AddMessageWithKey(r.Context(), a, r.PathValue("number"), in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	writeCreated(w, m, created)
	return nil
}

func (s *Server) history(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	es, err := s.desk.History(r.Context(), a, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Event]{Items: es})
	return nil
}

func (s *Server) listAttachments(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	as, err := s.desk.Attachments(r.Context(), a, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Attachment]{Items: as})
	return nil
}

// uploadAttachment takes multipart/form-data with a "file" part (and an
// optional "internal" part), or a raw application/octet-stream body with
// ?name=; any other media type is 415. The body is streamed to disk, never
// held in memory.
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	limit := s.desk.Policy().AttachmentLimit
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "multipart/form-data" && mt != "application/octet-stream") {
		return &transportError{code: casedesk.EUNSUPPORTED, field: "Content-Type",
			msg: "send multipart/form-data with a file part, or the raw file as application/octet-stream with ?name="}
	}
	internal, _ := strconv.ParseBool(r.URL.Query().Get("internal"))
	var name string
	var content io.Reader
	switch mt {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return malformed("file", "the multipart body cannot be read: "+err.Error())
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return casedesk.Invalid("file", "the form has no file part")
			}
			if edge.BodyTimeout(err) {
				return &transportError{code: CodeTimeout, field: "file", msg: "the file arrived too slowly"}
			}
			if err != nil {
				return malformed("file", "the multipart body cannot be read: "+err.Error())
			}
			if part.FormName() == "file" {
				name, content = part.FileName(), part
				break
			}
		}
	default:
		name, content = r.URL.Query().Get("name"), r.Body
		if name == "" {
			return casedesk.Invalid("name", "name is required: the file's name, as ?name=")
		}
	}
	att, created, err := s.desk.AddAttachmentWithKey(r.Context(), a, r.PathValue("number"), name, internal, content, r.Header.Get("Idempotency-Key"))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return casedesk.Errorf(casedesk.ETOOLARGE, "the file is larger than the limit of %d MiB", limit>>20)
		}
		if edge.BodyTimeout(err) {
			return &transportError{code: CodeTimeout, field: "file", msg: "the file arrived too slowly"}
		}
		return err
	}
	writeCreated(w, att, created)
	return nil
}

func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	att, f, err := s.desk.OpenAttachment(r.Context(), a, r.PathValue("number"), id)
	if err != nil {
		return err
	}
	defer f.Close()
	// Always a download, never rendered in our origin: a sniffed HTML file
	// cannot run script against casedesk.
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(&rangeProblem{ResponseWriter: w, r: r, log: s.log}, r, "", att.CreatedAt, f)
	return nil
}

// rangeProblem turns http.ServeContent's plain-text 416 into a problem
// document, keeping the Content-Range (bytes */size) it set.
type rangeProblem struct {
	http.ResponseWriter
	r    *http.Request
	log  *slog.Logger
	done bool
}

func (w *rangeProblem) WriteHeader(code int) {
	if code != http.StatusRequestedRangeNotSatisfiable {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.done = true
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Disposition")
	size := strings.TrimPrefix(h.Get("Content-Range"), "bytes */")
	writeError(w.ResponseWriter, w.r, w.log, &transportError{code: CodeRangeNotSatisfiable, field: "Range",
		msg: "the range is outside the file, which has " + size + " bytes"})
}

func (w *rangeProblem) Write(b []byte) (int, error) {
	if w.done {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *rangeProblem) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) presales(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in desk.Prospect
	if err := decode(r, &in); err != nil {
		return err
	}
	req, err := s.desk.SubmitPresales(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"number": req.Number, "status": req.Status, "created_at": req.CreatedAt})
	return nil
}

func (s *Server) queue(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	if err := onlyQuery(r, "view", "category", "limit"); err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := s.desk.Queue(r.Context(), a, desk.QueueView(q.Get("view")), casedesk.Category(q.Get("category")), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[desk.QueueEntry]{Items: items})
	return nil
}
