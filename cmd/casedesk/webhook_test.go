package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/casedesk/casedesk/client"
	"github.com/casedesk/casedesk/internal/config"
	"github.com/casedesk/casedesk/internal/webhook"
)

// TestServeSendsWebhooks: a served casedesk without any mail configured
// runs the outbox with the webhook sender: an endpoint registered through
// the API, allowed by --webhook-allow on 127.0.0.1, gets a signed ping.
// (Refusals of addresses not allowed are tested in internal/webhook and
// internal/desk.)
func TestServeSendsWebhooks(t *testing.T) {
	got := make(chan error, 1)
	var secret string
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- webhook.Verify(secret, r.Header, body, time.Now(), 0)
	}))
	defer rc.Close()

	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.WebhookAllow = "127.0.0.1:0", t.TempDir(), rc.Listener.Addr().String()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if _, err := a.Desk.Bootstrap(ctx, "Provider", "op@provider.test", "Op", "operator-password"); err != nil {
		t.Fatal(err)
	}
	op := client.New(a.URL())
	if _, err := op.Login(ctx, "op@provider.test", "operator-password"); err != nil {
		t.Fatal(err)
	}
	ep, err := op.CreateWebhook(ctx, client.NewWebhook{URL: rc.URL + "/hook"})
	if err != nil {
		t.Fatal(err)
	}
	secret = ep.Secret
	if _, err := op.PingWebhook(ctx, ep.ID); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("the receiver could not verify the ping: %v", err)
	}

}
