package desk

import (
	"context"
	"strings"

	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the provider's support phone directory.

// SupportPhones returns the provider's phone lines for a country, anyone may
// read them: the lines for the country and language first, then those for
// every country. trial adds the free-trial lines.
func (d *Desk) SupportPhones(ctx context.Context, country, language string, trial bool) ([]*store.SupportPhone, error) {
	all, err := d.db.SupportPhones(ctx, strings.ToUpper(country))
	if err != nil {
		return nil, err
	}
	var local, generic, trials []*store.SupportPhone
	for _, p := range all {
		if p.Language != "" && !strings.EqualFold(p.Language, language) && !strings.HasPrefix(strings.ToLower(language), strings.ToLower(p.Language)+"-") {
			continue
		}
		switch {
		case p.Purpose == "trial":
			if trial && (len(trials) == 0 || trials[0].Country == p.Country) {
				trials = append(trials, p)
			}
		case p.Country != "":
			local = append(local, p)
		default:
			generic = append(generic, p)
		}
	}
	out := local
	if len(out) == 0 {
		out = generic
	}
	out = append(out, trials...)
	if out == nil {
		out = []*store.SupportPhone{}
	}
	return out, nil
}
