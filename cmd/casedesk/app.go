package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/config"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/edge"
	"github.com/casedesk/casedesk/internal/mail"
	"github.com/casedesk/casedesk/internal/mailbox"
	"github.com/casedesk/casedesk/internal/sse"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/web"
	"github.com/casedesk/casedesk/internal/worker"
)

// App is one running casedesk: store, desk and the HTTP surfaces. Tests boot
// it on port 0 with a temporary data directory.
type App struct {
	cfg   config.Config
	log   *slog.Logger
	DB    *store.DB
	Desk  *desk.Desk
	srv   *http.Server
	clock casedesk.Clock
	ln    net.Listener
	// metrics serves /metrics on --metrics-addr, when that is set.
	metrics   *http.Server
	metricsLn net.Listener
	// stopping closes when the main server begins to shut down, ending the
	// event streams (sse.WithShutdown) so that they do not hold it.
	stopping chan struct{}
	// senders send the outbox's deliveries, one per route (mail with
	// --smtp-url; webhooks when they come); without any the outbox worker
	// does not run.
	senders map[casedesk.Route]worker.Sender
	smtp    *mail.SMTP
	// OutboxDone, if set before Run, is told of each delivery's outcome
	// (tests, benchmarks).
	OutboxDone func(d *casedesk.Delivery, err error)
}

// Open opens and migrates the database and builds the application.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, clock casedesk.Clock) (*App, error) {
	return open(ctx, cfg, log, clock, nil)
}

// open is Open with a sender of password-reset links (the demo's).
func open(ctx context.Context, cfg config.Config, log *slog.Logger, clock casedesk.Clock, links web.LinkSender) (*App, error) {
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, Dir: cfg.DataDir,
		StatementTimeout: cfg.DBStatementTimeout, AcquireTimeout: cfg.DBAcquireTimeout})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	blobs, err := blob.Open(filepath.Join(cfg.DataDir, "attachments"))
	if err != nil {
		db.Close()
		return nil, err
	}
	pol := desk.DefaultPolicy()
	pol.AttachmentLimit = cfg.AttachmentLimit
	pol.RequestLimit, pol.RequestLimitWindow = cfg.RequestLimit, cfg.RequestLimitWindow
	senders := map[casedesk.Route]worker.Sender{}
	var smtp *mail.SMTP
	if cfg.SMTPURL != "" {
		if smtp, err = newSMTP(cfg); err != nil {
			db.Close()
			return nil, err
		}
		senders[casedesk.RouteMail] = smtp
	}
	d := desk.New(db, blobs, desk.Options{Clock: clock, Policy: &pol, Logger: log, Mail: smtp != nil})
	if clock == nil {
		clock = casedesk.SystemClock{}
	}
	a := &App{cfg: cfg, log: log, DB: db, Desk: d, clock: clock, stopping: make(chan struct{}), senders: senders, smtp: smtp}
	proxies := edge.Proxies(cfg.Proxies())
	apiServer := api.New(d, log, api.Options{Proxies: proxies, MetricsToken: cfg.MetricsToken, CORSOrigins: cfg.Origins()})
	apiHandler := apiServer.Handler()
	mux := http.NewServeMux()
	for _, p := range []string{"/api/", "/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, apiHandler)
	}
	mux.Handle("/", web.New(d, log, web.Options{Policy: d, BaseURL: cfg.PublicURL, ResetLinks: links,
		SecureCookies: cfg.CookiesSecure(), Proxies: proxies, Observe: apiServer.ObservePage}).Handler())
	a.srv = a.server(edge.Pace{Grace: cfg.BodyTimeout, MinRate: cfg.BodyMinRate}.Handler(mux))
	a.srv.BaseContext = func(net.Listener) context.Context { return sse.WithShutdown(context.Background(), a.stopping) }
	a.srv.RegisterOnShutdown(sync.OnceFunc(func() { close(a.stopping) }))
	if cfg.MetricsAddr != "" {
		a.metrics = a.server(apiServer.MetricsHandler())
	}
	return a, nil
}

// newSMTP builds the mail sender the configuration asks for (Validate
// checked it).
func newSMTP(cfg config.Config) (*mail.SMTP, error) {
	c, err := mail.NewComposer(mail.Options{From: cfg.MailFrom, FromName: cfg.MailFromName, ReplyTo: cfg.MailReplyTo,
		PublicURL: cfg.PublicURL})
	if err != nil {
		return nil, err
	}
	return mail.NewSMTP(c, mail.SMTPOptions{URL: cfg.SMTPURL, InsecureSkipVerify: cfg.SMTPInsecureSkipVerify})
}

// server returns an http.Server of h with the configured time limits: on
// the headers here, on bodies in edge.Pace.
func (a *App) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: a.cfg.ReadHeaderTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
}

// Listen binds the configured addresses (the main one unless bound
// already).
func (a *App) Listen() error {
	if a.ln == nil {
		ln, err := net.Listen("tcp", a.cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
		}
		a.ln = ln
	}
	ln := a.ln
	if a.metrics != nil {
		mln, err := net.Listen("tcp", a.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s (--metrics-addr): %w", a.cfg.MetricsAddr, err)
		}
		a.metricsLn = mln
	}
	return nil
}

// MetricsURL is the base URL of the metrics listener, once listening; empty
// without --metrics-addr.
func (a *App) MetricsURL() string {
	if a.metricsLn == nil {
		return ""
	}
	return "http://" + a.metricsLn.Addr().String()
}

// PublicURL is the base of the links casedesk makes: --public-url, else
// empty (see serve and demo).
func (a *App) PublicURL() string { return a.cfg.PublicURL }

// URL is the base URL the app serves on, once listening.
func (a *App) URL() string { return "http://" + a.ln.Addr().String() }

// Run serves until ctx ends, then shuts down gracefully: it stops accepting,
// ends the event streams at once (their clients reconnect), lets other
// requests in flight finish within the shutdown timeout, and closes the
// database after the last acknowledged write.
func (a *App) Run(ctx context.Context) error {
	wctx, stopWorkers := context.WithCancel(ctx)
	var workers sync.WaitGroup
	workers.Go(func() {
		w := &worker.SLA{Alerts: a.Desk, Clock: a.clock, Log: a.log}
		w.Run(wctx)
	})
	workers.Go(func() {
		// Inbound mail: the operator's active mailboxes (none until one is configured).
		(&mailbox.Watcher{Desk: a.Desk, Log: a.log, SeenFlag: true}).Run(wctx)
	})
	workers.Go(func() {
		relay := a.Desk.Relay()
		if err := relay.Run(wctx, nil); err != nil {
			a.log.Error("event relay", "err", err)
		}
	})
	workers.Go(func() {
		// A calendar, policy or plan change whose recompute a stopped
		// process left halfway is finished now, beside serving.
		if moved, err := a.Desk.ResumeRecomputes(wctx); err != nil && wctx.Err() == nil {
			a.log.Error("resuming SLA recomputes", "err", err)
		} else if moved > 0 {
			a.log.Info("resumed SLA recomputes", "moved", moved)
		}
	})
	// The outbox worker (issue 13): one for every route, mail (when
	// --smtp-url is set) and webhooks (always), so no route's deliveries
	// fail for want of its sender.
	senders := a.webhookSenders()
	for r, s := range a.senders {
		senders[r] = s
	}
	workers.Go(func() {
		w := &worker.Outbox{Deliveries: a.Desk, Senders: senders, Clock: a.clock, Log: a.log, Done: a.OutboxDone}
		w.Run(wctx)
	})
	defer func() {
		if a.smtp != nil {
			a.smtp.Close() // after the outbox stopped: its kept connections end
		}
	}()
	defer workers.Wait()
	defer stopWorkers()
	errc := make(chan error, 2)
	go func() { errc <- a.srv.Serve(a.ln) }()
	if a.metrics != nil {
		go func() { errc <- a.metrics.Serve(a.metricsLn) }()
		a.log.Info("metrics serving", "url", a.MetricsURL()+"/metrics")
	}
	a.log.Info("casedesk serving", "url", a.URL(), "database", a.DB.Engine())
	var serveErr error
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	a.log.Info("shutting down")
	if err := a.srv.Shutdown(sctx); err != nil {
		a.log.Warn("shutdown", "err", err)
	}
	if a.metrics != nil {
		a.metrics.Shutdown(sctx)
	}
	return serveErr
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }
