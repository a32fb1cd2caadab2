package desk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestIdempotencyKeys: a create retried with its key and the same input,
// on this instance or another, returns what the first made (created false)
// and makes nothing; the key with another input is EINVALID on
// Idempotency-Key; keys are per user and per kind of operation.
func TestIdempotencyKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		other := w.newDesk()
		admin := w.admins["enterprise"]
		reused := func(what string, err error) {
			t.Helper()
			if casedesk.ErrorCode(err) != casedesk.EINVALID || casedesk.ErrorField(err) != "Idempotency-Key" {
				t.Fatalf("%s: %v, want EINVALID on Idempotency-Key", what, err)
			}
		}

		in := desk.NewRequest{Category: "technical", Title: "Mail down", Description: "d"}
		r1, created, err := w.d.OpenRequest(ctx, admin, in, "k")
		if err != nil || !created {
			t.Fatalf("open: %v %v", created, err)
		}
		r2, created, err := other.OpenRequest(ctx, admin, in, "k")
		if err != nil || created || r2.ID != r1.ID {
			t.Fatalf("replay: %v %v %v", r2, created, err)
		}
		in.Title = "Mail still down"
		_, _, err = w.d.OpenRequest(ctx, admin, in, "k")
		reused("request with another body", err)

		// Messages: the same key "k" is free for another operation.
		msg := desk.NewMessage{Body: "Any news?"}
		m1, created, err := w.d.AddMessageWithKey(ctx, admin, r1.Number, msg, "k")
		if err != nil || !created {
			t.Fatalf("message: %v %v", created, err)
		}
		m2, created, err := other.AddMessageWithKey(ctx, admin, r1.Number, msg, "k")
		if err != nil || created || m2.ID != m1.ID || m2.Body != m1.Body {
			t.Fatalf("message replay: %+v %v %v", m2, created, err)
		}
		_, _, err = w.d.AddMessageWithKey(ctx, admin, r1.Number, desk.NewMessage{Body: "Hello?"}, "k")
		reused("message with another body", err)
		r3 := w.open("enterprise", "")
		_, _, err = w.d.AddMessageWithKey(ctx, admin, r3.Number, msg, "k")
		reused("message on another request", err)
		if _, created, err := w.d.AddMessageWithKey(ctx, w.ag, r1.Number, msg, "k"); err != nil || !created {
			t.Fatalf("another user's key: %v %v", created, err)
		}
		ms, err := w.d.Messages(ctx, admin, r1.Number)
		if err != nil || len(ms) != 2 {
			t.Fatalf("%d messages, want 2: %v", len(ms), err)
		}

		// Uploads.
		a1, created, err := w.d.AddAttachmentWithKey(ctx, admin, r1.Number, "log.txt", false, strings.NewReader("line 1"), "k")
		if err != nil || !created {
			t.Fatalf("upload: %v %v", created, err)
		}
		a2, created, err := other.AddAttachmentWithKey(ctx, admin, r1.Number, "log.txt", false, strings.NewReader("line 1"), "k")
		if err != nil || created || a2.ID != a1.ID {
			t.Fatalf("upload replay: %+v %v %v", a2, created, err)
		}
		_, _, err = w.d.AddAttachmentWithKey(ctx, admin, r1.Number, "log.txt", false, strings.NewReader("line 2"), "k")
		reused("upload with other content", err)
		as, err := w.d.Attachments(ctx, admin, r1.Number)
		if err != nil || len(as) != 1 {
			t.Fatalf("%d attachments, want 1: %v", len(as), err)
		}

		_, _, err = w.d.AddMessageWithKey(ctx, admin, r1.Number, msg, strings.Repeat("k", 201))
		reused("a key too long", err)
	})
}
