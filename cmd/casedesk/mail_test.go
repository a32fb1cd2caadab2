package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/config"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/mailtest"
	"github.com/casedesk/casedesk/internal/store"
)

// TestServeMails: with --smtp-url, a served casedesk runs the outbox: a
// password-reset link reaches the user's mailbox through postfix, on the
// public URL, and is gone from the stored delivery once sent.
func TestServeMails(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	cfg.SMTPURL = "smtp://" + mailtest.SMTPAddr(t) + "?insecure=1"
	cfg.MailFrom, cfg.MailFromName, cfg.PublicURL = "support@desk.test", "Contoso Support", "https://desk.example.com"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !a.Desk.Mail() {
		t.Fatal("mail is off with --smtp-url")
	}
	ctx := t.Context()
	op, err := a.Desk.Bootstrap(ctx, "Provider", mailtest.NewAddress(t, "op", "desk.test"), "Op", "operator-password")
	if err != nil {
		t.Fatal(err)
	}
	opA := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	to := mailtest.NewAddress(t, "agent", "desk.test")
	if _, _, err := a.Desk.CreateUser(ctx, opA, op.OrgID, desk.NewUser{Email: to, Name: "Agent", Role: casedesk.RoleAgent,
		Password: "agent-password"}); err != nil {
		t.Fatal(err)
	}
	box := mailtest.Open(t, to)
	done := make(chan *casedesk.Delivery, 10)
	a.OutboxDone = func(d *casedesk.Delivery, err error) {
		if err != nil {
			t.Errorf("delivery %d: %v", d.ID, err)
		}
		done <- d
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	run, stop := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.Run(run) }()
	defer func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	secret, _, err := a.Desk.RequestPasswordReset(ctx, to, "192.0.2.1")
	if err != nil || secret == "" {
		t.Fatal(secret, err)
	}
	m := box.Wait(ctx, 1)[0]
	body, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(m.Body))) // both parts are quoted-printable
	if m.Subject != "Reset your casedesk password" || !strings.Contains(string(body), "https://desk.example.com/reset?token="+secret) {
		t.Fatalf("reset mail %q:\n%s", m.Subject, body)
	}
	d := <-done // recorded: the stored payload has forgotten the link
	ds, _, err := a.Desk.Deliveries(ctx, opA, store.DeliveryFilter{Limit: 10}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ds {
		if x.ID == d.ID && (x.Status != casedesk.DeliverySent || strings.Contains(string(x.Payload), secret)) {
			t.Fatalf("sent delivery: %s %s", x.Status, x.Payload)
		}
	}
}

// TestMailNeedsAPublicURL: links in mail are absolute, so mail without
// --public-url does not start.
func TestMailNeedsAPublicURL(t *testing.T) {
	err := run(t.Context(), []string{"serve", "--data", t.TempDir(), "--smtp-url", "smtp://u:hunter2-secret@127.0.0.1:2525",
		"--mail-from", "support@desk.test"}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--public-url is required") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err %v", err)
	}
}
