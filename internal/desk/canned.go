package desk

import (
	"context"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
)

// Canned responses: prepared answers with placeholders. Every agent uses
// them; supervisors write, edit and delete them, since a wrong sentence in
// one is sent by everyone.

// CannedResponses lists the canned responses (staff who work requests).
func (d *Desk) CannedResponses(ctx context.Context, a *casedesk.Actor) ([]*store.CannedResponse, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	return d.db.CannedResponses(ctx)
}

// CannedResponse returns one canned response (staff who work requests).
func (d *Desk) CannedResponse(ctx context.Context, a *casedesk.Actor, id int64) (*store.CannedResponse, error) {
	if err := needAgent(a); err != nil {
		return nil, err
	}
	return d.db.Canned(ctx, id)
}

// CreateCanned adds a canned response (supervisors). Its body may use the
// placeholders that ExpandCanned fills in. The same name in the same
// language twice is ECONFLICT.
func (d *Desk) CreateCanned(ctx context.Context, a *casedesk.Actor, name, lang, body string) (*store.CannedResponse, error) {
	if err := needSupervisor(a); err != nil {
		return nil, err
	}
	c := &store.CannedResponse{Name: name, Language: lang, Body: body, CreatedBy: a.User.ID, CreatedAt: d.now()}
	if err := checkCanned(c); err != nil {
		return nil, err
	}
	if err := d.write(ctx, func(tx *store.Tx) error { return tx.CreateCanned(ctx, c) }); err != nil {
		return nil, err
	}
	return c, nil
}

// CannedPatch is a change to a canned response; nil fields stay as they are.
type CannedPatch struct {
	Name     *string `json:"name,omitempty"`
	Language *string `json:"language,omitempty"`
	Body     *string `json:"body,omitempty"`
}

// UpdateCanned changes a canned response (supervisors): ENOTFOUND for an
// unknown id, EINVALID for a bad field, ECONFLICT when another response
// already has the name in the language.
func (d *Desk) UpdateCanned(ctx context.Context, a *casedesk.Actor, id int64, p CannedPatch) (*store.CannedResponse, error) {
	if err := needSupervisor(a); err != nil {
		return nil, err
	}
	var c *store.CannedResponse
	err := d.write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.Canned(ctx, id); err != nil {
			return err
		}
		for _, f := range []struct{ dst, src *string }{{&c.Name, p.Name}, {&c.Language, p.Language}, {&c.Body, p.Body}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if err := checkCanned(c); err != nil {
			return err
		}
		return tx.UpdateCanned(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteCanned removes a canned response (supervisors). Messages already
// sent from it keep their text.
func (d *Desk) DeleteCanned(ctx context.Context, a *casedesk.Actor, id int64) error {
	if err := needSupervisor(a); err != nil {
		return err
	}
	return d.write(ctx, func(tx *store.Tx) error { return tx.DeleteCanned(ctx, id) })
}

// checkCanned trims and checks a canned response's fields; the language
// defaults to English.
func checkCanned(c *store.CannedResponse) error {
	var errs casedesk.FieldErrors
	c.Name = strings.TrimSpace(c.Name)
	errs.Add(casedesk.CheckText("name", c.Name, 1, 100))
	if c.Language = strings.TrimSpace(c.Language); c.Language == "" {
		c.Language = "en"
	}
	if !casedesk.IsLanguage(c.Language) {
		errs.Add(casedesk.Invalid("language", "language must be a BCP 47 tag such as en or zh-CN"))
	}
	errs.Add(casedesk.CheckText("body", c.Body, 1, 20000))
	return errs.Err()
}

// Placeholders are the names a canned response may use, as {{name}}.
var Placeholders = []string{"customer.name", "organization.name", "request.number", "request.title", "agent.name"}

// ExpandCanned returns canned response id with its placeholders filled in
// for a request: the requester's and organization's names, the request's
// number and title, and the agent's name. Unknown placeholders stay as they
// are, so that the agent sees and fixes them before sending.
func (d *Desk) ExpandCanned(ctx context.Context, a *casedesk.Actor, number string, id int64) (string, error) {
	r, err := d.Request(ctx, a, number)
	if err != nil {
		return "", err
	}
	c, err := d.CannedResponse(ctx, a, id)
	if err != nil {
		return "", err
	}
	customer := ""
	if u, err := d.db.User(ctx, store.OrgScope(r.OrgID), r.RequesterID); err == nil {
		customer = u.Name
	}
	org := ""
	if o, err := d.db.Organization(ctx, store.OrgScope(r.OrgID), r.OrgID); err == nil {
		org = o.Name
	}
	rep := strings.NewReplacer("{{customer.name}}", customer, "{{organization.name}}", org, "{{request.number}}", r.Number,
		"{{request.title}}", r.Title, "{{agent.name}}", a.User.Name)
	return rep.Replace(c.Body), nil
}
