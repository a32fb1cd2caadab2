package api

import (
	"net/http"
	"strconv"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// Webhook endpoints (operators) and the outbox (operators and supervisors).

// endpointWithSecret is an endpoint as created or rotated: the one answer
// that shows its signing secret.
type endpointWithSecret struct {
	*casedesk.WebhookEndpoint
	Secret string `json:"secret"`
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	es, err := s.desk.WebhookEndpoints(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.WebhookEndpoint]{Items: nonNil(es)})
	return nil
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in desk.WebhookInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := s.desk.CreateWebhookEndpoint(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+strconv.FormatInt(e.ID, 10))
	writeJSON(w, http.StatusCreated, endpointWithSecret{e, e.Secret})
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.desk.WebhookEndpoint(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p desk.WebhookPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	e, err := s.desk.UpdateWebhookEndpoint(r.Context(), a, id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.DeleteWebhookEndpoint(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.desk.RotateWebhookSecret(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endpointWithSecret{e, e.Secret})
	return nil
}

func (s *Server) pingWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.desk.PingWebhook(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, d)
	return nil
}

func (s *Server) listWebhookAttempts(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	if err := onlyQuery(r, "cursor", "limit"); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	as, next, err := s.desk.WebhookAttempts(r.Context(), a, id, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*store.WebhookAttempt]{Items: nonNil(as), NextCursor: next})
	return nil
}

func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	if err := onlyQuery(r, "status", "route", "cursor", "limit"); err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.DeliveryFilter{Status: casedesk.DeliveryStatus(q.Get("status")), Route: casedesk.Route(q.Get("route")), Limit: limit}
	ds, next, err := s.desk.Deliveries(r.Context(), a, f, q.Get("cursor"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Delivery]{Items: nonNil(ds), NextCursor: next})
	return nil
}

// outboxCounts is the outbox's size by status, every status named.
type outboxCounts struct {
	Pending int `json:"pending"`
	Sent    int `json:"sent"`
	Dead    int `json:"dead"`
}

func (s *Server) countOutbox(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	c, err := s.desk.DeliveryCounts(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, outboxCounts{Pending: c[casedesk.DeliveryPending], Sent: c[casedesk.DeliverySent], Dead: c[casedesk.DeliveryDead]})
	return nil
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.RetryDelivery(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
