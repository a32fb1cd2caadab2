package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestNamesAndRecentRequests(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		r := w.open(t, "partner", w.x.ID)
		old := w.open(t, "xadmin", w.x.ID)
		w.open(t, "yadmin", w.y.ID)
		closed := casedesk.StatusClosed
		if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], old.Number, desk.RequestPatch{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		users, orgs, err := w.d.Names(ctx, w.actors["xadmin"], w.x.ID,
			[]int64{r.OpenedByID, old.OpenedByID, w.actors["yadmin"].User.ID}, []int64{*r.OnBehalfOfOrgID, w.y.ID})
		if err != nil {
			t.Fatal(err)
		}
		if users[r.OpenedByID] != "Name partner" || users[old.OpenedByID] != "Name xadmin" || users[w.actors["yadmin"].User.ID] != "" {
			t.Errorf("user names: %v (Y's admin never acted on X's requests)", users)
		}
		if orgs[w.p.ID] != "P" || orgs[w.y.ID] != "" {
			t.Errorf("organization names: %v", orgs)
		}
		if _, _, err := w.d.Names(ctx, w.actors["yadmin"], w.x.ID, []int64{1}, nil); code(err) != casedesk.ENOTFOUND {
			t.Errorf("names of another tenant: %v", err)
		}
		if _, _, err := w.d.Names(ctx, w.actors["xuser"], w.x.ID, []int64{1}, nil); code(err) != casedesk.EFORBIDDEN {
			t.Errorf("names for a plain user: %v", err)
		}
		list := func(since time.Time) int {
			rs, _, err := w.d.RecentRequests(ctx, w.actors["xadmin"], desk.ListFilter{}, since)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		w.clock.Add(31 * 24 * time.Hour)
		if n := list(w.clock.Now().Add(-30 * 24 * time.Hour)); n != 1 {
			t.Errorf("open and recently closed after 31 days: %d, want the open one", n)
		}
		if n := list(w.clock.Now().Add(-40 * 24 * time.Hour)); n != 2 {
			t.Errorf("with a 40-day window: %d, want 2", n)
		}
		if rs, _, err := w.d.RecentRequests(ctx, w.actors["partner"], desk.ListFilter{OrgID: w.y.ID}, w.clock.Now()); err != nil || len(rs) != 0 {
			t.Errorf("partner lists an organization that did not delegate: %d %v", len(rs), err)
		}
	})
}

func TestRecentRequestsMergeAndPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		a := w.open(t, "xadmin", w.x.ID)
		b := w.open(t, "xadmin", w.x.ID)
		c := w.open(t, "xadmin", w.x.ID)
		d := w.open(t, "xadmin", w.x.ID)
		closed := casedesk.StatusClosed
		for _, r := range []*casedesk.Request{b, d} {
			if _, err := w.d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
		since := w.clock.Now().Add(-time.Hour)
		var got []string
		cursor := ""
		for range 3 {
			rs, next, err := w.d.RecentRequests(ctx, w.actors["xadmin"], desk.ListFilter{Limit: 3, Cursor: cursor}, since)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				got = append(got, r.Number)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		want := []string{d.Number, c.Number, b.Number, a.Number}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("pages: %v, want %v (active and recently closed merged, newest first)", got, want)
		}
		rs, _, err := w.d.RecentRequests(ctx, w.actors["xadmin"], desk.ListFilter{}, w.clock.Now().Add(time.Hour))
		if err != nil || len(rs) != 2 || rs[0].Number != c.Number || rs[1].Number != a.Number {
			t.Fatalf("only the active ones when nothing changed since: %v", rs)
		}
	})
}

// TestRequestLimit: an organization's customers open at most RequestLimit
// requests in any RequestLimitWindow, counted in the database (another
// instance counts the same); the next is ERATELIMIT with exactly the time
// until the oldest of them leaves the window; a retry with the same
// idempotency key still replays; another organization and the provider's
// staff are not held back.
func TestRequestLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		pol := w.d.Policy()
		other := w.newDesk()
		admin := w.admins["enterprise"]
		open := func(d *desk.Desk, a *casedesk.Actor, key string) error {
			_, _, err := d.OpenRequest(ctx, a, desk.NewRequest{OrganizationID: a.User.OrgID, Category: "technical", Title: "t", Description: "d"}, key)
			return err
		}
		t0 := w.clock.T
		for i := range pol.RequestLimit {
			w.clock.T = t0.Add(time.Duration(i) * time.Second)
			d := w.d
			if i%2 == 1 {
				d = other
			}
			if err := open(d, admin, fmt.Sprint("k", i)); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
		}
		// 99 s after the first, which leaves the 10-minute window at t0+10m.
		for _, d := range []*desk.Desk{w.d, other} {
			err := open(d, admin, "")
			if casedesk.ErrorCode(err) != casedesk.ERATELIMIT || casedesk.ErrorRetryAfter(err) != pol.RequestLimitWindow-99*time.Second {
				t.Fatalf("request %d: %v, retry after %s", pol.RequestLimit+1, err, casedesk.ErrorRetryAfter(err))
			}
		}
		if err := open(w.d, admin, "k0"); err != nil {
			t.Fatalf("replay of an idempotent create: %v", err)
		}
		if err := open(w.d, w.admins["business"], ""); err != nil {
			t.Fatalf("another organization: %v", err)
		}
		if _, _, err := w.d.OpenRequest(ctx, w.ag, desk.NewRequest{OrganizationID: admin.User.OrgID, Category: "technical", Title: "t", Description: "d"}, ""); err != nil {
			t.Fatalf("an agent: %v", err)
		}
		// The first has left the window, but the agent's counts: the next
		// place frees when the second leaves, at t0+1s+10m.
		w.clock.T = t0.Add(pol.RequestLimitWindow)
		err := open(w.d, admin, "")
		if casedesk.ErrorCode(err) != casedesk.ERATELIMIT || casedesk.ErrorRetryAfter(err) != time.Second {
			t.Fatalf("at the window's end: %v, retry after %s", err, casedesk.ErrorRetryAfter(err))
		}
		w.clock.T = t0.Add(pol.RequestLimitWindow + 2*time.Second)
		if err := open(w.d, admin, ""); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// A new request without a title and without a description names both
// fields at once, so a form can show every error after one submit.
func TestOpenRequestReportsEveryFieldError(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		_, _, err := w.d.OpenRequest(ctx, w.actors["xadmin"], desk.NewRequest{Category: casedesk.CategoryTechnical,
			Title: "", Description: "", ContactMethod: "phone"}, "")
		if code(err) != casedesk.EINVALID || casedesk.ErrorField(err) != "title" {
			t.Fatalf("want EINVALID on title first, got %v", err)
		}
		var fields []string
		for _, e := range casedesk.ErrorFields(err) {
			if e.Code != casedesk.EINVALID || e.Rule != "required" {
				t.Errorf("%s: code %s rule %q, want invalid/required", e.Field, e.Code, e.Rule)
			}
			fields = append(fields, e.Field)
		}
		if got := strings.Join(fields, " "); got != "title description phone" {
			t.Errorf("fields %q, want title description phone", got)
		}
	})
}
