package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestMailboxes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := &store.Mailbox{Name: "support", Host: "imap.test", Port: 993, TLS: "implicit", Username: "u", Password: "secret",
			Folder: "INBOX", Role: "support", Address: "support@desk.test", Active: true, CreatedAt: t0, UpdatedAt: t0}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateMailbox(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		dup := *m
		err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateMailbox(ctx, &dup) })
		if e, ok := err.(*casedesk.Error); !ok || e.Code != casedesk.ECONFLICT || e.Field != "name" {
			t.Fatalf("duplicate name: %v", err)
		}
		m.Active = false
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.UpdateMailbox(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		if act, _ := db.Mailboxes(ctx, true); len(act) != 0 {
			t.Fatalf("active mailboxes = %d, want 0", len(act))
		}
		got, err := db.Mailbox(ctx, m.ID)
		if err != nil || got.Password != "secret" || got.Active {
			t.Fatalf("Mailbox = %+v, %v", got, err)
		}
		// The mark moves forward only, and starts afresh with a new uidvalidity.
		for _, step := range []struct{ v, uid, wantV, wantUID uint32 }{{7, 5, 7, 5}, {7, 3, 7, 5}, {7, 9, 7, 9}, {8, 2, 8, 2}} {
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AdvanceMailbox(ctx, m.ID, step.v, step.uid) }); err != nil {
				t.Fatal(err)
			}
			v, l, ok, err := db.MailboxState(ctx, m.ID)
			if err != nil || !ok || v != step.wantV || l != step.wantUID {
				t.Fatalf("after %+v: state %d/%d %v %v", step, v, l, ok, err)
			}
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteMailbox(ctx, m.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, _, ok, _ := db.MailboxState(ctx, m.ID); ok {
			t.Fatal("state outlived its mailbox")
		}
	})
}

// Two writers claiming the same UID: exactly one wins, on both engines.
func TestClaimInboundMailOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := &store.Mailbox{Name: "s", Host: "h", Port: 1, TLS: "none", Username: "u", Folder: "INBOX", Role: "support",
			Address: "s@desk.test", Active: true, CreatedAt: t0, UpdatedAt: t0}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateMailbox(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wins := make(chan int64, 8)
		for range 8 {
			wg.Go(func() {
				line := &store.InboundMail{MailboxID: m.ID, UIDValidity: 1, UID: 42, MessageID: "x@y", Sender: "a@b", ReceivedAt: t0}
				err := db.Write(ctx, func(tx *store.Tx) error {
					ok, err := tx.ClaimInboundMail(ctx, line)
					if err != nil || !ok {
						return err
					}
					line.Outcome = store.InboundRequest
					wins <- line.ID
					return tx.FinishInboundMail(ctx, line)
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(wins)
		if n := len(wins); n != 1 {
			t.Fatalf("%d claims won, want 1", n)
		}
		id := <-wins
		got, err := db.InboundMail(ctx, store.AllOrgs, id)
		if err != nil || got.Outcome != store.InboundRequest || got.UID != 42 {
			t.Fatalf("line = %+v, %v", got, err)
		}
		if _, err := db.InboundMail(ctx, store.OrgScope(1), id); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("a line of no organization seen in an organization's scope: %v", err)
		}
		if n, _ := db.InboundAnswers(ctx, "a@b", t0.Add(-time.Hour)); n != 1 {
			t.Fatalf("answers = %d", n)
		}
		if h, _ := db.InboundHandled(ctx, "x@y", 0); !h {
			t.Fatal("InboundHandled = false")
		}
		list, err := db.InboundMails(ctx, store.AllOrgs, store.InboundFilter{Outcome: store.InboundRequest})
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
	})
}
