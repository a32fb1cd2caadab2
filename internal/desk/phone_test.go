package desk_test

import (
	"context"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestSupportPhones(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newPortalWorld(t, db)
		ctx := context.Background()
		numbers := func(country, lang string, trial bool) []string {
			ps, err := w.d.SupportPhones(ctx, country, lang, trial)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Number)
			}
			return out
		}
		if got := numbers("DE", "de", false); len(got) != 2 {
			t.Errorf("Germany in German: %v", got)
		}
		if got := numbers("DE", "en", false); len(got) != 1 || got[0] != "+49 800 555 0199" {
			t.Errorf("Germany in English: %v", got)
		}
		if got := numbers("BR", "pt", true); len(got) != 2 || got[0] != "+1 425 555 0100" || got[1] != "+1 800 555 0142" {
			t.Errorf("a country without its own line, with the trial line: %v", got)
		}
		if got := numbers("CN", "zh-CN", true); len(got) != 3 || got[2] != "+86 400 555 0142" {
			t.Errorf("China with its own trial line: %v", got)
		}
	})
}
