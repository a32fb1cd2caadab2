package main

import (
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
