package desk_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNotificationMail walks a request through its life and checks who is
// mailed at each step (issue 13): the customer's admins and the partner who
// opened it hear of it being received, of public replies, of waiting on
// them and of its resolution; nobody hears of their own change but for the
// confirmation of what they opened; a plain user and another organization
// hear nothing; a switched-off topic still writes the notification but
// sends no mail; staff hear of what is assigned to them. Without mail
// configured nothing is queued.
func TestNotificationMail(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		blobs, _ := blob.Open(t.TempDir())
		pol := desk.DefaultPolicy()
		pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
		d := desk.New(db, blobs, desk.Options{Mail: true, Clock: w.clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

		var seen int64 // deliveries up to this id were checked
		mails := func(step string, want map[string]casedesk.Topic) []casedesk.Notice {
			t.Helper()
			ds, err := db.Deliveries(ctx, store.AllOrgs, store.DeliveryFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]casedesk.Topic{}
			var notices []casedesk.Notice
			for _, del := range slices.Backward(ds) {
				if del.ID <= seen {
					continue
				}
				seen = del.ID
				var n casedesk.Notice
				if err := json.Unmarshal(del.Payload, &n); err != nil {
					t.Fatal(err)
				}
				if _, dup := got[del.Recipient]; dup {
					t.Errorf("%s: %s mailed twice", step, del.Recipient)
				}
				got[del.Recipient] = del.Topic
				notices = append(notices, n)
			}
			for to, topic := range want {
				if got[to] != topic {
					t.Errorf("%s: %s got %q, want %q", step, to, got[to], topic)
				}
			}
			for to, topic := range got {
				if _, ok := want[to]; !ok {
					t.Errorf("%s: %s mailed %q unexpectedly", step, to, topic)
				}
			}
			return notices
		}
		const xadmin, partner = "xadmin@test.example", "partner@test.example"

		r, _, err := d.OpenRequest(ctx, w.actors["partner"], desk.NewRequest{OrganizationID: w.x.ID, Category: casedesk.CategoryTechnical,
			Title: "Sync fails", Description: "d"}, "")
		if err != nil {
			t.Fatal(err)
		}
		ns := mails("opened by the partner", map[string]casedesk.Topic{xadmin: casedesk.TopicReceived, partner: casedesk.TopicReceived})
		token := ns[0].ReplyToken
		if len(token) != 26 || ns[1].ReplyToken != token || ns[0].Request.Number != r.Number || ns[0].Link != "/requests/"+r.Number {
			t.Errorf("the received notices: %+v", ns)
		}

		if _, err := d.AddMessage(ctx, w.actors["agent"], r.Number, desk.NewMessage{Body: "Try **this**."}); err != nil {
			t.Fatal(err)
		}
		// The agent who answers takes the request (issue 12, item 17): their
		// own change, so no "assigned" mail.
		ns = mails("a public reply", map[string]casedesk.Topic{xadmin: casedesk.TopicReplied, partner: casedesk.TopicReplied})
		for _, n := range ns {
			if n.Topic == casedesk.TopicReplied && (n.Text != "Try **this**." || n.ReplyToken != token || n.Actor != "Name agent") {
				t.Errorf("the reply notice: %+v", n)
			}
		}
		if _, err := d.AddMessage(ctx, w.actors["agent"], r.Number, desk.NewMessage{Body: "note", Internal: true}); err != nil {
			t.Fatal(err)
		}
		mails("an internal note", nil)
		if _, err := d.AddMessage(ctx, w.actors["xadmin"], r.Number, desk.NewMessage{Body: "Still failing."}); err != nil {
			t.Fatal(err)
		}
		mails("the customer's own reply", nil)

		if _, err := d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: status(casedesk.StatusWaiting)}); err != nil {
			t.Fatal(err)
		}
		mails("waiting on the customer", map[string]casedesk.Topic{xadmin: casedesk.TopicWaiting, partner: casedesk.TopicWaiting})

		// The admin switches "resolved" off: the partner is still mailed.
		on, topics, err := d.NotificationSettings(ctx, w.actors["xadmin"])
		if err != nil || len(topics) != len(casedesk.CustomerTopics) || !on[casedesk.TopicResolved] {
			t.Fatalf("settings %v %v %v", on, topics, err)
		}
		keep := slices.DeleteFunc(slices.Clone(topics), func(t casedesk.Topic) bool { return t == casedesk.TopicResolved })
		if err := d.SetNotificationSettings(ctx, w.actors["xadmin"], keep); err != nil {
			t.Fatal(err)
		}
		if err := d.SetNotificationSettings(ctx, w.actors["xadmin"], []casedesk.Topic{casedesk.TopicAssigned}); casedesk.ErrorCode(err) != casedesk.EINVALID {
			t.Errorf("a customer switches a staff topic: %v", err)
		}
		if _, _, err := d.NotificationSettings(ctx, w.actors["xuser"]); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Errorf("a plain user has notification settings: %v", err)
		}
		if _, err := d.UpdateRequest(ctx, w.actors["agent"], r.Number, desk.RequestPatch{Status: status(casedesk.StatusResolved)}); err != nil {
			t.Fatal(err)
		}
		ns = mails("resolved, the admin switched it off", map[string]casedesk.Topic{partner: casedesk.TopicResolved})
		if ns[0].Link != "/requests/"+r.Number+"#survey" {
			t.Errorf("the resolved notice links %q, want the survey", ns[0].Link)
		}

		// Another organization's request mails only its own admin.
		if _, _, err := d.OpenRequest(ctx, w.actors["yadmin"], desk.NewRequest{Category: casedesk.CategoryTechnical, Title: "t", Description: "d"}, ""); err != nil {
			t.Fatal(err)
		}
		ns = mails("another organization", map[string]casedesk.Topic{"yadmin@test.example": casedesk.TopicReceived})
		if ns[0].ReplyToken == token {
			t.Error("two requests share a reply token")
		}

		// The same verbs on a desk without mail queue nothing.
		if _, err := w.d.AddMessage(ctx, w.actors["agent"], r.Number, desk.NewMessage{Body: "again"}); err != nil {
			t.Fatal(err)
		}
		mails("mail off", nil)
	})
}
