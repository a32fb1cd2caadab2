package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func TestPasswordResetLink(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPortalWorld(t, db)
		secret, u, err := w.d.RequestPasswordReset(ctx, "nobody@test.example", "10.0.0.1")
		if err != nil || secret != "" || u != nil {
			t.Fatalf("unknown address: %q %v %v", secret, u, err)
		}
		secret, u, err = w.d.RequestPasswordReset(ctx, "XAdmin@test.example", "10.0.0.1")
		if err != nil || secret == "" || u.Email != "xadmin@test.example" {
			t.Fatalf("reset: %q %v %v", secret, u, err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "short"); code(err) != casedesk.EINVALID {
			t.Fatalf("weak password: %v", err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, "cdr_forged", "a-good-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("forged link: %v", err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "a-good-new-password"); err != nil {
			t.Fatal(err)
		}
		if err := w.d.ResetPasswordWithLink(ctx, secret, "another-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("second use: %v", err)
		}
		if _, _, err := w.d.Login(ctx, "xadmin@test.example", "a-good-new-password", "10.0.0.1"); err != nil {
			t.Fatalf("sign in with the new password: %v", err)
		}
		// Expired links do not work.
		secret, _, _ = w.d.RequestPasswordReset(ctx, "xuser@test.example", "10.0.0.1")
		w.clock.Add(desk.PasswordResetTTL + time.Second)
		if err := w.d.ResetPasswordWithLink(ctx, secret, "a-good-new-password"); code(err) != casedesk.EINVALID {
			t.Fatalf("expired link: %v", err)
		}
		// At most three links an hour per account, quietly.
		for i := range 4 {
			s, _, err := w.d.RequestPasswordReset(ctx, "yadmin@test.example", "10.0.0.2")
			if err != nil || (s == "") != (i == 3) {
				t.Fatalf("link %d: %q %v", i, s, err)
			}
		}
	})
}
