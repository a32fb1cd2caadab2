package web

import (
	"context"
	"net/http"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
)

type homeData struct {
	Org        *casedesk.Organization
	Subs       []subscriptionRow
	Family     casedesk.Family
	Support    []supportRow
	Trial      bool
	Phones     []*store.SupportPhone
	Requests   []*casedesk.Request
	CanRequest bool   // desk lets the viewer open and list requests
	Forbidden  string // desk's reason when it does not
	Admins     []*casedesk.User
	Articles   []Article
	Provider   string
	PartnerID  int64 // a partner's own organization id, which customers grant to
	TAM        *desk.AccountManager
}

type subscriptionRow struct {
	casedesk.Subscription
	PlanName string
}

// supportRow is one severity of the organization's support: SPEC's table
// column for its plan family.
type supportRow struct {
	Severity string
	Coverage string
	Target   string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, p *page) error {
	if p.Can.Administer {
		return s.adminHome(w, r, p)
	}
	ctx := r.Context()
	p.Title, p.Nav = p.T("home.title"), "home"
	if r.URL.Query().Get("notice") == "password" {
		p.Notice = p.T("password.changed")
	}
	d := &homeData{Articles: s.articles.Suggest(ctx, p.Lang, "", 4)}
	p.Data = d
	if prov, err := s.desk.ProviderOrganization(ctx); err == nil {
		d.Provider = prov.Name
	}
	if p.Can.ActForCustomers {
		d.PartnerID = p.User.OrgID
	}
	if p.CustomerID != 0 {
		org, err := s.desk.Organization(ctx, p.Actor, p.CustomerID)
		if err != nil {
			return err
		}
		d.Org = org
		if d.TAM, err = s.desk.AccountManager(ctx, p.Actor, org.ID); err != nil {
			return err
		}
		subs, err := s.desk.Subscriptions(ctx, p.Actor, org.ID)
		if err != nil {
			return err
		}
		if err := s.support(ctx, p, d, subs); err != nil {
			return err
		}
	}
	country := ""
	if d.Org != nil {
		country = d.Org.Country
	}
	phones, err := s.desk.SupportPhones(ctx, country, p.Lang, d.Trial)
	if err != nil {
		return err
	}
	d.Phones = phones
	rs, _, err := s.desk.RecentRequests(ctx, p.Actor, desk.ListFilter{Status: "active", OrgID: p.CustomerID, Limit: 5}, s.clock.Now().Add(-s.recent))
	switch casedesk.ErrorCode(err) {
	case "":
		d.CanRequest, d.Requests = true, rs
	case casedesk.EFORBIDDEN:
		d.Forbidden = p.errorMessage(err)
		if p.Can.AskAdmin {
			d.Admins, _ = s.desk.Users(ctx, p.Actor, p.User.OrgID, store.UserFilter{Admins: true})
		}
	default:
		return err
	}
	return s.render(w, r, p, "home", http.StatusOK)
}

// support fills the subscriptions and the support table of the family they give.
func (s *Server) support(ctx context.Context, p *page, d *homeData, subs []casedesk.Subscription) error {
	plans := map[string]string{}
	if ps, err := s.desk.Plans(ctx, p.Actor); err == nil {
		for _, pl := range ps {
			plans[pl.Code] = pl.Name
		}
	}
	for _, sub := range subs {
		name := plans[sub.PlanCode]
		if name == "" {
			name = sub.PlanCode
		}
		d.Subs = append(d.Subs, subscriptionRow{Subscription: sub, PlanName: name})
		if sub.Trial && sub.Status == casedesk.SubActive {
			d.Trial = true
		}
	}
	f, ok := casedesk.SupportFamily(subs)
	if !ok {
		return nil
	}
	d.Family = f
	pol, err := s.policy.SLAPolicy(ctx, p.Actor)
	if err != nil {
		return err
	}
	for _, sev := range casedesk.Severities() {
		e, err := pol.Lookup(f, sev)
		if err != nil {
			continue
		}
		d.Support = append(d.Support, supportRow{Severity: string(sev), Coverage: p.T("coverage." + string(e.Coverage)), Target: targetText(p, e.Target)})
	}
	return nil
}

// targetText renders an initial-response target in the viewer's language.
func targetText(p *page, t sla.Target) string {
	switch t.Kind {
	case casedesk.TargetMinutes:
		if t.Minutes%60 == 0 {
			if t.Minutes == 60 {
				return p.T("target.hour")
			}
			return p.T("target.hours", t.Minutes/60)
		}
		return p.T("target.minutes", t.Minutes)
	case casedesk.TargetNextBusinessDay:
		return p.T("target.nextday")
	default:
		return p.T("target.none")
	}
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title, p.Nav = p.T("account.title"), "account"
	p.Form = map[string]string{"name": p.User.Name, "language": p.User.Language, "time_zone": p.User.TimeZone, "phone": p.User.Phone}
	switch r.URL.Query().Get("notice") {
	case "saved":
		p.Notice = p.T("account.saved")
	case "notifications":
		p.Notice = p.T("notify.saved")
	}
	ns, err := s.notificationSettings(r, p, "/account/notifications")
	if err != nil {
		return err
	}
	p.Data = &accountData{Notices: ns}
	return s.render(w, r, p, "account", http.StatusOK)
}

func (s *Server) saveAccount(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title, p.Nav = p.T("account.title"), "account"
	f := map[string]string{}
	for _, k := range []string{"name", "language", "time_zone", "phone"} {
		f[k] = r.PostFormValue(k)
	}
	p.Form = f
	name, lang, tz, phone := f["name"], f["language"], f["time_zone"], f["phone"]
	_, err := s.desk.UpdateUser(r.Context(), p.Actor, p.User.OrgID, p.User.ID, desk.UserPatch{Name: &name, Language: &lang, TimeZone: &tz, Phone: &phone})
	if err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID {
			p.formError(err)
			return s.render(w, r, p, "account", http.StatusBadRequest)
		}
		return err
	}
	if l, ok := supported(lang); ok {
		s.setCookie(w, r, langCookie, l, 365*24*3600)
	}
	http.Redirect(w, r, "/account?notice=saved", http.StatusSeeOther)
	return nil
}
