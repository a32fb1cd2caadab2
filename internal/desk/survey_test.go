package desk_test

import (
	"context"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestSurveyOnceAfterResolution(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		r := w.open(t, "xadmin", w.x.ID)
		if _, err := w.d.AnswerSurvey(ctx, w.actors["xadmin"], r.Number, 5, ""); code(err) != casedesk.ECONFLICT {
			t.Fatalf("survey before resolution: %v", err)
		}
		st := casedesk.StatusResolved
		if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: &st}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			as     string
			rating int
			want   string
		}{{"yadmin", 5, casedesk.ENOTFOUND}, {"xuser", 5, casedesk.EFORBIDDEN}, {"agent", 5, casedesk.EFORBIDDEN}, {"xadmin", 0, casedesk.EINVALID}, {"xadmin", 6, casedesk.EINVALID}} {
			if _, err := w.d.AnswerSurvey(ctx, w.actors[c.as], r.Number, c.rating, ""); code(err) != c.want {
				t.Errorf("%s rating %d: %v, want %s", c.as, c.rating, err, c.want)
			}
		}
		if _, err := w.d.AnswerSurvey(ctx, w.actors["partner"], r.Number, 4, "good"); err != nil {
			t.Fatalf("partner answers on behalf: %v", err)
		}
		if _, err := w.d.AnswerSurvey(ctx, w.actors["xadmin"], r.Number, 2, "again"); code(err) != casedesk.ECONFLICT {
			t.Fatalf("second answer: %v", err)
		}
		s, err := w.d.Survey(ctx, w.actors["xadmin"], r.Number)
		if err != nil || s == nil || s.Rating != 4 || s.Comment != "good" {
			t.Fatalf("survey = %+v, %v", s, err)
		}
		if _, err := w.d.Survey(ctx, w.actors["yadmin"], r.Number); code(err) != casedesk.ENOTFOUND {
			t.Fatalf("another tenant reads the survey: %v", err)
		}
	})
}
