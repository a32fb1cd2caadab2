package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
	"github.com/casedesk/casedesk/internal/worker"
)

// recordingSender stands in for SMTP: it answers by the request's title
// ("flaky" fails its first try, "refused" is refused for good, "down"
// always fails) and counts what it accepted, per delivery.
type recordingSender struct {
	mu       sync.Mutex
	tries    map[int64]int
	accepted map[int64]int
}

func (s *recordingSender) Send(_ context.Context, d *casedesk.Delivery) error {
	var n casedesk.Notice
	if err := json.Unmarshal(d.Payload, &n); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries[d.ID]++
	switch n.Request.Title {
	case "flaky":
		if s.tries[d.ID] == 1 {
			return errors.New("421 try again later")
		}
	case "refused":
		return casedesk.Refused(errors.New("550 no such user"))
	case "down":
		return errors.New("connection refused")
	}
	s.accepted[d.ID]++
	return nil
}

// TestTwoOutboxWorkersSendEachDeliveryOnce runs two outbox workers — two
// instances — on one database in a synctest bubble. Each "request
// received" mail must be accepted exactly once; a temporary failure is
// tried again after its backoff; a refusal is dead at once with its
// reason; a mail that keeps failing is dead once it is older than the
// policy's DeliveryMaxAge.
func TestTwoOutboxWorkersSendEachDeliveryOnce(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { twoOutboxes(t, storetest.Open(t, e)) })
		})
	}
}

func twoOutboxes(t *testing.T, db *store.DB) {
	ctx := context.Background()
	clock := &stepClock{}
	blobs, _ := blob.Open(t.TempDir())
	pol := desk.DefaultPolicy()
	pol.PasswordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	pol.DeliveryMaxAge = 3 * time.Hour
	newDesk := func() *desk.Desk {
		return desk.New(db, blobs, desk.Options{Mail: true, Clock: clock, Policy: &pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}
	d1, d2 := newDesk(), newDesk()
	admin := customerAdmin(t, d1)
	titles := []string{"ok", "ok", "flaky", "ok", "refused", "flaky", "down", "ok", "ok", "ok"}
	for _, title := range titles {
		if _, _, err := d1.OpenRequest(ctx, admin, desk.NewRequest{Category: "technical", Title: title, Description: "d"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	sender := &recordingSender{tries: map[int64]int{}, accepted: map[int64]int{}}
	type outcome struct {
		d   *casedesk.Delivery
		err error
	}
	done := make(chan outcome, 1000)
	run, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, d := range []*desk.Desk{d1, d2} {
		w := &worker.Outbox{Deliveries: d, Senders: map[casedesk.Route]worker.Sender{casedesk.RouteMail: sender}, Clock: clock,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Concurrency: 2, Recheck: time.Hour,
			Done: func(d *casedesk.Delivery, err error) { done <- outcome{d, err} }}
		wg.Go(func() { w.Run(run) })
	}
	// Every delivery ends sent or dead; "down" only after a day of tries.
	start := time.Now()
	settled := map[int64]bool{}
	for len(settled) < len(titles) {
		var o outcome
		select {
		case o = <-done:
		case <-time.After(2 * pol.DeliveryMaxAge): // the bubble's time
			t.Fatalf("%d of %d deliveries settled", len(settled), len(titles))
		}
		if o.err == nil || casedesk.IsRefused(o.err) {
			settled[o.d.ID] = true
			continue
		}
		if time.Since(start) >= pol.DeliveryMaxAge {
			settled[o.d.ID] = true
		}
	}
	stop()
	wg.Wait()

	ds, err := db.Deliveries(ctx, store.AllOrgs, store.DeliveryFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != len(titles) {
		t.Fatalf("%d deliveries, want one per request: %d", len(ds), len(titles))
	}
	for _, d := range ds {
		var n casedesk.Notice
		if err := json.Unmarshal(d.Payload, &n); err != nil {
			t.Fatal(err)
		}
		if d.Topic != casedesk.TopicReceived || d.Recipient != admin.User.Email || n.To != admin.User.Email {
			t.Errorf("delivery %d: %s to %s, want the confirmation to the admin", d.ID, d.Topic, d.Recipient)
		}
		title := n.Request.Title
		switch title {
		case "ok", "flaky":
			if d.Status != casedesk.DeliverySent || sender.accepted[d.ID] != 1 || d.SentAt == nil {
				t.Errorf("%s delivery %d: %s, accepted %d times", title, d.ID, d.Status, sender.accepted[d.ID])
			}
			if want := map[string]int{"ok": 1, "flaky": 2}[title]; d.Attempts != want || sender.tries[d.ID] != want {
				t.Errorf("%s delivery %d: %d attempts, %d tries, want %d", title, d.ID, d.Attempts, sender.tries[d.ID], want)
			}
		case "refused":
			if d.Status != casedesk.DeliveryDead || d.Attempts != 1 || d.LastError != "550 no such user" {
				t.Errorf("refused delivery %d: %s after %d attempts, error %q", d.ID, d.Status, d.Attempts, d.LastError)
			}
		case "down":
			if d.Status != casedesk.DeliveryDead || d.Attempts < 5 || d.LastError != "connection refused" {
				t.Errorf("failing delivery %d: %s after %d attempts, error %q", d.ID, d.Status, d.Attempts, d.LastError)
			}
		}
	}
	// An operator retries the dead one; a sent one is not sent again.
	op := operator(t, d1)
	for _, d := range ds {
		err := d1.RetryDelivery(ctx, op, d.ID)
		switch {
		case d.Status == casedesk.DeliverySent && casedesk.ErrorCode(err) != casedesk.EINVALID:
			t.Errorf("retrying sent delivery %d: %v", d.ID, err)
		case d.Status == casedesk.DeliveryDead && err != nil:
			t.Errorf("retrying dead delivery %d: %v", d.ID, err)
		}
	}
	if _, _, err := d1.Deliveries(ctx, admin, store.DeliveryFilter{}, ""); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
		t.Errorf("a customer admin reads the outbox: %v", err)
	}
	counts, err := d1.DeliveryCounts(ctx, op)
	if err != nil || counts[casedesk.DeliveryPending] != 2 || counts[casedesk.DeliverySent] != 8 {
		t.Errorf("outbox counts after the retry: %v, %v", counts, err)
	}
}

func operator(t *testing.T, d *desk.Desk) *casedesk.Actor {
	t.Helper()
	u, _, err := d.DB().UserByEmail(context.Background(), "op@p.test")
	if err != nil {
		t.Fatal(err)
	}
	return &casedesk.Actor{User: u, OrgKind: casedesk.OrgProvider}
}
