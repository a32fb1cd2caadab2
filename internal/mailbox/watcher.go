// Package mailbox watches the operator's IMAP mailboxes and hands each new
// message to desk, which records it exactly once (desk/inbound.go). One
// goroutine per active mailbox logs in, selects the folder, fetches the
// UIDs after the last one recorded, then waits in IDLE for more; it
// reconnects with backoff when the connection fails. A message that cannot
// be read is quarantined by desk and never stops the mailbox.
package mailbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/casedesk/casedesk/internal/store"
)

// Desk is what the watcher needs of desk.
type Desk interface {
	ActiveMailboxes(ctx context.Context) ([]*store.Mailbox, error)
	MailboxState(ctx context.Context, id int64) (uidValidity, lastUID uint32, ok bool, err error)
	ReceiveMail(ctx context.Context, mb *store.Mailbox, uidValidity, uid uint32, raw []byte) (*store.InboundMail, bool, error)
}

// Watcher reads the active mailboxes until its Run's context ends.
type Watcher struct {
	Desk Desk
	Log  *slog.Logger
	// Recheck is how often the list of active mailboxes is read again
	// (default a minute): a mailbox added, changed or deactivated by an
	// operator is picked up then.
	Recheck time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting after a
	// failure (defaults 1 s and 5 min); the wait doubles per failure.
	MinBackoff, MaxBackoff time.Duration
	// SeenFlag marks each recorded message \Seen in the folder.
	SeenFlag bool
	// Idle, when set, is called each time a mailbox's watcher has handled
	// everything in the folder and starts waiting: a readiness signal for
	// tests and benchmarks.
	Idle func(mailboxID int64)
	// Handled, when set, is called after each message desk was given,
	// with whether this watcher's desk recorded it (claimed).
	Handled func(line *store.InboundMail, claimed bool)
}

// Run watches until ctx ends. It returns nil then.
func (w *Watcher) Run(ctx context.Context) error {
	if w.Log == nil {
		w.Log = slog.Default()
	}
	if w.Recheck <= 0 {
		w.Recheck = time.Minute
	}
	if w.MinBackoff <= 0 {
		w.MinBackoff = time.Second
	}
	if w.MaxBackoff <= 0 {
		w.MaxBackoff = 5 * time.Minute
	}
	type running struct {
		mb     store.Mailbox
		cancel context.CancelFunc
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	watching := map[int64]*running{}
	defer func() {
		for _, r := range watching {
			r.cancel()
		}
	}()
	tick := time.NewTicker(w.Recheck)
	defer tick.Stop()
	for {
		mbs, err := w.Desk.ActiveMailboxes(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Warn("mailbox: list mailboxes", "err", err)
		}
		if err == nil {
			seen := map[int64]bool{}
			for _, mb := range mbs {
				seen[mb.ID] = true
				if r, ok := watching[mb.ID]; ok && r.mb == *mb {
					continue
				} else if ok {
					r.cancel() // its settings changed: start afresh
				}
				mctx, cancel := context.WithCancel(ctx)
				watching[mb.ID] = &running{mb: *mb, cancel: cancel}
				m := *mb
				wg.Go(func() { w.watch(mctx, &m) })
			}
			for id, r := range watching {
				if !seen[id] {
					r.cancel()
					delete(watching, id)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// watch keeps one mailbox's session up until ctx ends.
func (w *Watcher) watch(ctx context.Context, mb *store.Mailbox) {
	backoff := w.MinBackoff
	for {
		progressed, err := w.session(ctx, mb)
		if ctx.Err() != nil {
			return
		}
		if progressed {
			backoff = w.MinBackoff
		}
		w.Log.Warn("mailbox: session ended; reconnecting", "mailbox", mb.Name, "in", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, w.MaxBackoff)
	}
}

func dial(mb *store.Mailbox) (*client.Client, error) {
	addr := net.JoinHostPort(mb.Host, strconv.Itoa(mb.Port))
	conf := &tls.Config{ServerName: mb.Host, MinVersion: tls.VersionTLS12}
	switch mb.TLS {
	case "implicit":
		return client.DialTLS(addr, conf)
	case "starttls":
		c, err := client.Dial(addr)
		if err != nil {
			return nil, err
		}
		if err := c.StartTLS(conf); err != nil {
			c.Logout()
			return nil, err
		}
		return c, nil
	default:
		return client.Dial(addr)
	}
}

// session runs one IMAP connection: log in, select, catch up, IDLE, until
// the connection fails or ctx ends. progressed says it got as far as
// selecting the folder (so the backoff starts again from its minimum).
func (w *Watcher) session(ctx context.Context, mb *store.Mailbox) (progressed bool, err error) {
	c, err := dial(mb)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	changed := make(chan struct{}, 1)
	updates := make(chan client.Update, 64)
	c.Updates = updates
	done := make(chan struct{})
	defer func() {
		close(done)
		c.Logout()
	}()
	go func() {
		for {
			select {
			case u := <-updates:
				if _, ok := u.(*client.MailboxUpdate); ok {
					select {
					case changed <- struct{}{}:
					default:
					}
				}
			case <-done:
				return
			}
		}
	}()
	// End the session when ctx ends, whatever command is running.
	stopOnCancel := context.AfterFunc(ctx, func() { c.Terminate() })
	defer stopOnCancel()
	if err := c.Login(mb.Username, mb.Password); err != nil {
		return false, fmt.Errorf("login as %s: %w", mb.Username, err)
	}
	status, err := c.Select(mb.Folder, false)
	if err != nil {
		return false, fmt.Errorf("select %s: %w", mb.Folder, err)
	}
	uidValidity := status.UidValidity
	skip := map[uint32]bool{} // messages that made desk panic, this session
	for {
		if err := w.catchUp(ctx, c, mb, uidValidity, skip); err != nil {
			return true, err
		}
		select {
		case <-changed:
			continue // news arrived while catching up
		default:
		}
		if w.Idle != nil {
			w.Idle(mb.ID)
		}
		stop := make(chan struct{})
		idled := make(chan error, 1)
		go func() { idled <- c.Idle(stop, nil) }()
		select {
		case <-changed:
			close(stop)
			if err := <-idled; err != nil {
				return true, fmt.Errorf("idle: %w", err)
			}
		case err := <-idled:
			if err == nil {
				err = errors.New("server ended IDLE")
			}
			return true, fmt.Errorf("idle: %w", err)
		case <-ctx.Done():
			close(stop)
			<-idled
			return true, ctx.Err()
		}
		if c.Mailbox() != nil && c.Mailbox().UidValidity != uidValidity {
			return true, errors.New("UIDVALIDITY changed")
		}
	}
}

// catchUp hands desk every message with a UID after the last one recorded.
// When the folder's UIDVALIDITY is not the recorded one, every message is
// new to this numbering; desk recognizes those it handled already by their
// Message-ID.
func (w *Watcher) catchUp(ctx context.Context, c *client.Client, mb *store.Mailbox, uidValidity uint32, skip map[uint32]bool) error {
	v, last, ok, err := w.Desk.MailboxState(ctx, mb.ID)
	if err != nil {
		return err
	}
	if !ok || v != uidValidity {
		last = 0
	}
	crit := imap.NewSearchCriteria()
	crit.Uid = new(imap.SeqSet)
	crit.Uid.AddRange(last+1, 0) // last+1:*
	uids, err := c.UidSearch(crit)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for _, uid := range uids {
		// "n:*" holds the highest UID even when it is below n.
		if uid <= last || skip[uid] {
			continue
		}
		raw, err := fetch(c, uid)
		if err != nil {
			return err
		}
		if raw == nil {
			continue // expunged meanwhile
		}
		if err := w.hand(ctx, mb, uidValidity, uid, raw, skip); err != nil {
			return err
		}
		if w.SeenFlag {
			set := new(imap.SeqSet)
			set.AddNum(uid)
			if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.SeenFlag}, nil); err != nil {
				w.Log.Warn("mailbox: mark seen", "mailbox", mb.Name, "uid", uid, "err", err)
			}
		}
	}
	return nil
}

// hand gives one message to desk. A panic there is this message's
// trouble, not the mailbox's: it is logged and the message skipped for the
// session (a later session tries it again).
func (w *Watcher) hand(ctx context.Context, mb *store.Mailbox, uidValidity, uid uint32, raw []byte, skip map[uint32]bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			w.Log.Error("mailbox: handling a message panicked", "mailbox", mb.Name, "uid", uid, "panic", r)
			skip[uid] = true
			err = nil
		}
	}()
	line, claimed, err := w.Desk.ReceiveMail(ctx, mb, uidValidity, uid, raw)
	if err != nil {
		return fmt.Errorf("record uid %d: %w", uid, err)
	}
	if claimed {
		w.Log.Info("mailbox: received", "mailbox", mb.Name, "uid", uid, "from", line.Sender, "outcome", line.Outcome,
			"reason", line.Reason, "request", line.Number)
	}
	if w.Handled != nil {
		w.Handled(line, claimed)
	}
	return nil
}

// fetch returns the raw message with the UID, nil when it is gone.
func fetch(c *client.Client, uid uint32) ([]byte, error) {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	section := &imap.BodySectionName{Peek: true}
	msgs := make(chan *imap.Message, 1)
	errc := make(chan error, 1)
	go func() { errc <- c.UidFetch(set, []imap.FetchItem{imap.FetchUid, section.FetchItem()}, msgs) }()
	var raw []byte
	for m := range msgs {
		if m.Uid != uid {
			continue
		}
		if body := m.GetBody(section); body != nil {
			var b bytes.Buffer
			if _, err := io.Copy(&b, body); err != nil {
				return nil, fmt.Errorf("fetch uid %d: %w", uid, err)
			}
			raw = b.Bytes()
		}
	}
	if err := <-errc; err != nil {
		return nil, fmt.Errorf("fetch uid %d: %w", uid, err)
	}
	return raw, nil
}
