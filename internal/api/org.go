package api

import (
	"net/http"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	after, err := queryInt(r, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	os, err := s.desk.Organizations(r.Context(), a, store.OrgFilter{Kind: casedesk.OrgKind(r.URL.Query().Get("kind")),
		Name: r.URL.Query().Get("name"), After: after, Limit: int(limit)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Organization]{Items: nonNil(os)})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		Kind     casedesk.OrgKind `json:"kind"`
		Name     string           `json:"name"`
		Country  string           `json:"country"`
		TimeZone string           `json:"time_zone"`
		Language string           `json:"language"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	o := &casedesk.Organization{Kind: in.Kind, Name: in.Name, Country: in.Country, TimeZone: in.TimeZone, Language: in.Language}
	created, err := s.desk.CreateOrganizationWithKey(r.Context(), a, o, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	writeCreated(w, o, created)
	return nil
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.desk.Organization(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p desk.OrgPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	o, err := s.desk.UpdateOrganization(r.Context(), a, id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	after, err := queryInt(r, "after")
	if err != nil {
		return err
	}
	us, err := s.desk.Users(r.Context(), a, id, store.UserFilter{Role: casedesk.Role(r.URL.Query().Get("role")), After: after, Limit: 200})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.User]{Items: nonNil(us)})
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in desk.NewUser
	if err := decode(r, &in); err != nil {
		return err
	}
	u, temp, err := s.desk.CreateUser(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	// Customers and partners get the invitation only, never the new id:
	// an email with an account in another organization is answered alike
	// and creates nothing (desk.CreateUser).
	inv := map[string]any{"email": u.Email, "name": u.Name, "role": u.Role}
	if in.Password == "" && s.desk.Mail() {
		inv["mailed"] = true
	}
	out := map[string]any{"invitation": inv}
	if a.IsStaff() {
		out["user"] = u
	}
	if temp != "" {
		out["one_time_password"] = temp
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	u, err := s.desk.User(r.Context(), a, id, uid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var p desk.UserPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	u, err := s.desk.UpdateUser(r.Context(), a, id, uid, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) listSubs(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	subs, err := s.desk.Subscriptions(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[casedesk.Subscription]{Items: subs})
	return nil
}

func (s *Server) createSub(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in casedesk.Subscription
	if err := decode(r, &in); err != nil {
		return err
	}
	sub := &casedesk.Subscription{PlanCode: in.PlanCode, Trial: in.Trial, Seats: in.Seats, StartsAt: in.StartsAt, RenewsAt: in.RenewsAt, Status: in.Status}
	created, err := s.desk.AddSubscriptionWithKey(r.Context(), a, id, sub, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	writeCreated(w, sub, created)
	return nil
}

func (s *Server) updateSub(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sub")
	if err != nil {
		return err
	}
	var p desk.SubscriptionPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	sub, err := s.desk.UpdateSubscription(r.Context(), a, id, sid, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sub)
	return nil
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gs, err := s.desk.Grants(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.PartnerGrant]{Items: nonNil(gs)})
	return nil
}

func (s *Server) createGrant(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in desk.NewGrant
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.desk.GrantPartner(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) revokeGrant(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	if err := s.desk.RevokeGrant(r.Context(), a, id, gid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) orgHistory(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	before, err := queryInt(r, "before")
	if err != nil {
		return err
	}
	es, err := s.desk.OrgHistory(r.Context(), a, id, before, 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Event]{Items: es})
	return nil
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	ps, err := s.desk.Plans(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Plan]{Items: nonNil(ps)})
	return nil
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var p casedesk.Plan
	if err := decode(r, &p); err != nil {
		return err
	}
	p.ID = 0
	if err := s.desk.CreatePlan(r.Context(), a, &p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) listProducts(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	ps, err := s.desk.Products(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[*casedesk.Product]{Items: nonNil(ps)})
	return nil
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var p casedesk.Product
	if err := decode(r, &p); err != nil {
		return err
	}
	p.ID = 0
	if err := s.desk.CreateProduct(r.Context(), a, &p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}
