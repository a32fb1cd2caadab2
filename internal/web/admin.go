package web

import (
	"context"
	"net/http"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// The operator's home: operators run the system (organizations, plans,
// calendars, the SLA policy) and do not work requests, so their landing page
// is an overview of what they administer, read through desk as they may
// read it, instead of the request panels that desk refuses them.

type adminData struct {
	Provider      string
	Organizations []*casedesk.Organization
	More          bool // more organizations than listed
	Plans         []*casedesk.Plan
	Calendars     []desk.CalendarView
	PolicyVersion int
}

// adminOrgLimit is how many organizations the overview lists.
const adminOrgLimit = 50

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	p.Title, p.Nav = p.T("admin.title"), "home"
	d := &adminData{}
	if err := s.adminOverview(ctx, p.Actor, d); err != nil {
		return err
	}
	p.Data = d
	return s.render(w, r, p, "admin", http.StatusOK)
}

func (s *Server) adminOverview(ctx context.Context, a *casedesk.Actor, d *adminData) error {
	if prov, err := s.desk.ProviderOrganization(ctx); err == nil {
		d.Provider = prov.Name
	}
	orgs, err := s.desk.Organizations(ctx, a, store.OrgFilter{Limit: adminOrgLimit + 1})
	if err != nil {
		return err
	}
	if len(orgs) > adminOrgLimit {
		orgs, d.More = orgs[:adminOrgLimit], true
	}
	d.Organizations = orgs
	if d.Plans, err = s.desk.Plans(ctx, a); err != nil {
		return err
	}
	if d.Calendars, err = s.desk.Calendars(ctx, a); err != nil {
		return err
	}
	pol, err := s.desk.SLAPolicy(ctx, a)
	if err != nil {
		return err
	}
	d.PolicyVersion = pol.Version
	return nil
}
