package main

import (
	"context"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/webhook"
	"github.com/casedesk/casedesk/internal/worker"
)

// webhookSenders are the outbox's senders of webhook deliveries: always
// present, with or without mail configured, on the guarded client of
// --webhook-allow.
func (a *App) webhookSenders() map[casedesk.Route]worker.Sender {
	nets, hosts := a.cfg.WebhookAllowList()
	s := webhook.NewSender(a.Desk, webhook.Allow{Prefixes: nets, Hosts: hosts}, a.clock, a.log)
	return map[casedesk.Route]worker.Sender{casedesk.RouteWebhook: s}
}

// runWebhookOutbox runs the outbox worker with the webhook sender until ctx
// ends. It is the whole outbox worker until outbound mail lands: then the
// mail sender and these share one worker.Outbox (a worker lacking a
// route's sender would fail that route's deliveries).
func (a *App) runWebhookOutbox(ctx context.Context) {
	w := &worker.Outbox{Deliveries: a.Desk, Senders: a.webhookSenders(), Clock: a.clock, Log: a.log}
	if err := w.Run(ctx); err != nil && ctx.Err() == nil {
		a.log.Error("outbox", "err", err)
	}
}
