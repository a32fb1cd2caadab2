package desk_test

import (
	"context"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestCallbacks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		r := w.open(t, "xadmin", w.x.ID)
		if _, err := w.d.RequestCallback(ctx, w.actors["xadmin"], r.Number, " ", ""); code(err) != casedesk.EINVALID {
			t.Fatalf("no phone: %v", err)
		}
		if _, err := w.d.RequestCallback(ctx, w.actors["yadmin"], r.Number, "+1 555", ""); code(err) != casedesk.ENOTFOUND {
			t.Fatalf("other tenant: %v", err)
		}
		if _, err := w.d.RequestCallback(ctx, w.actors["xadmin"], r.Number, "+49 89 1", "mornings"); err != nil {
			t.Fatal(err)
		}
		cbs, err := w.d.Callbacks(ctx, w.actors["agent"], r.Number)
		if err != nil || len(cbs) != 1 || cbs[0].Phone != "+49 89 1" || cbs[0].PreferredTime != "mornings" {
			t.Fatalf("callbacks = %+v, %v", cbs, err)
		}
		evs, err := w.d.History(ctx, w.actors["xadmin"], r.Number)
		if err != nil || evs[0].Kind != "callback" {
			t.Fatalf("history: %+v %v", evs, err)
		}
	})
}
