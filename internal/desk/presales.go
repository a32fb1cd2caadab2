package desk

import (
	"context"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// Prospect is an anonymous visitor's pre-sales question.
type Prospect struct {
	Name         string `json:"name"`
	Company      string `json:"company"`
	Email        string `json:"email"`
	Country      string `json:"country"`
	Question     string `json:"question"`
	PlanInterest string `json:"plan_interest,omitempty"`
	Language     string `json:"preferred_language,omitempty"`
	// Website is a honeypot: people never see the field, bots fill it in.
	Website string `json:"website,omitempty"`
}

// SubmitPresales files a pre-sales request for an anonymous prospect. It is
// rate limited per client address; the request is held by the provider's
// organization, where only staff see it.
func (d *Desk) SubmitPresales(ctx context.Context, a *casedesk.Actor, p Prospect) (*casedesk.Request, error) {
	now := d.now()
	if ok, retry := d.limits.allow("presales:"+a.ClientIP, d.policy.PresalesPerHour, time.Hour, now); !ok {
		return nil, casedesk.RetryLater(casedesk.ERATELIMIT, retry, "too many pre-sales requests from your address; try again later or call us")
	}
	if p.Website != "" {
		return nil, casedesk.Invalid("website", "leave this field empty")
	}
	var errs casedesk.FieldErrors
	errs.Add(casedesk.CheckText("name", p.Name, 1, 200))
	errs.Add(casedesk.CheckText("company", p.Company, 0, 200))
	p.Email = casedesk.NormalizeEmail(p.Email)
	errs.Add(casedesk.ValidateEmail("email", p.Email))
	if p.Country != "" && !casedesk.IsCountry(p.Country) {
		errs.Add(casedesk.Invalid("country", "country must be a two-letter ISO 3166-1 code such as DE"))
	}
	errs.Add(casedesk.CheckText("plan_interest", p.PlanInterest, 0, 100))
	if err := errs.Err(); err != nil {
		return nil, err
	}
	r := &casedesk.Request{Category: casedesk.CategoryPresales, Title: firstLine(p.Question), Description: p.Question,
		Status: casedesk.StatusNew, Language: p.Language, ContactMethod: "email", Channel: casedesk.ChannelWeb,
		ProspectName: p.Name, ProspectEmail: p.Email, ProspectCompany: p.Company, CreatedAt: now, UpdatedAt: now}
	if p.PlanInterest != "" {
		r.Product = ""
		r.Description += "\n\nPlan of interest: " + p.PlanInterest
	}
	if p.Country != "" {
		r.Description += "\nCountry: " + p.Country
	}
	if err := casedesk.CheckText("question", p.Question, 1, 5000); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err := d.write(ctx, func(tx *store.Tx) error { return d.createPresales(ctx, tx, r) })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// createPresales writes the pre-sales request r in tx, for SubmitPresales
// and for mail to the pre-sales mailbox (inbound.go).
func (d *Desk) createPresales(ctx context.Context, tx *store.Tx, r *casedesk.Request) error {
	prov, err := tx.ProviderOrganization(ctx)
	if err != nil {
		return err
	}
	// A prospect's question is a request of the provider's own organization.
	r.OrgID = prov.ID
	if err := tx.CreateRequest(ctx, store.OrgScope(prov.ID), r); err != nil {
		return err
	}
	tx.AfterCommit(func() { d.counts.add(OpenedKey{Channel: r.Channel, Category: r.Category}) })
	return tx.CreateEvent(ctx, scopeOf(r), &casedesk.Event{RequestID: r.ID, OrgID: r.OrgID, Kind: casedesk.EventCreated, New: string(r.Status), At: r.CreatedAt})
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			s = s[:i]
			break
		}
	}
	r := []rune(s)
	if len(r) > 120 {
		return string(r[:117]) + "..."
	}
	if len(r) == 0 {
		return "Pre-sales question"
	}
	return s
}
