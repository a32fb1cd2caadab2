package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/casedesk/casedesk"
)

// Endpoints is what the sender needs of desk: the endpoint a delivery goes
// to (its current URL, secret and state), and a place to log each attempt,
// where desk also decides an endpoint's health (410 Gone, a day of
// failures: disabled).
type Endpoints interface {
	WebhookTarget(ctx context.Context, id int64) (*casedesk.WebhookEndpoint, error)
	WebhookAttempted(ctx context.Context, a *casedesk.WebhookAttempt) error
}

// ExcerptLimit bounds the part of an answer's body kept with an attempt;
// readLimit the part read at all (the rest is not waited for).
const (
	ExcerptLimit = 1024
	readLimit    = 64 << 10
)

// Sender sends webhook deliveries for the outbox worker (worker.Sender):
// it POSTs the delivery's payload — the event's JSON, as GET
// /api/v1/events streams it — to the endpoint's URL, signed with its
// secret. A 2xx answer is success; 410 Gone is a final refusal (and desk
// disables the endpoint); anything else, or no answer, is tried again by
// the outbox. A connection refused by the SSRF guard, a deleted or
// disabled endpoint, are final too. Every attempt that reached the
// network is logged through Endpoints.
type Sender struct {
	Endpoints Endpoints
	Client    *http.Client
	Clock     casedesk.Clock
	Log       *slog.Logger
}

// NewSender returns a Sender on the guarded client of allow (NewClient).
func NewSender(eps Endpoints, allow Allow, clock casedesk.Clock, log *slog.Logger) *Sender {
	if clock == nil {
		clock = casedesk.SystemClock{}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Sender{Endpoints: eps, Client: NewClient(allow), Clock: clock, Log: log}
}

// Send makes one attempt at d.
func (s *Sender) Send(ctx context.Context, d *casedesk.Delivery) error {
	ep, err := s.Endpoints.WebhookTarget(ctx, d.EndpointID)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		return casedesk.Refused(fmt.Errorf("webhook endpoint %d was deleted", d.EndpointID))
	}
	if err != nil {
		return err
	}
	if !ep.Active {
		why := ep.DisabledReason
		if why == "" {
			why = "an operator switched it off"
		}
		return casedesk.Refused(fmt.Errorf("webhook endpoint %d is disabled: %s", ep.ID, why))
	}
	now := s.Clock.Now()
	id := MessageID(d.ID)
	sig, err := Sign(ep.Secret, id, now, d.Payload)
	if err != nil {
		return casedesk.Refused(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return casedesk.Refused(fmt.Errorf("webhook endpoint %d: %w", ep.ID, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "casedesk-webhooks/1")
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)

	att := &casedesk.WebhookAttempt{DeliveryID: d.ID, EndpointID: ep.ID, At: now}
	start := time.Now()
	res, err := s.Client.Do(req)
	var sendErr error
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: not the endpoint's failure
		}
		att.Error = callError(err)
		sendErr = errors.New(att.Error)
		if Blocked(err) != nil {
			sendErr = casedesk.Refused(sendErr)
		}
	} else {
		body, rerr := io.ReadAll(io.LimitReader(res.Body, readLimit))
		res.Body.Close()
		att.Status, att.Response = res.StatusCode, Excerpt(body)
		switch {
		case att.OK():
		case att.Gone():
			sendErr = casedesk.Refused(errors.New("the endpoint answered 410 Gone: it asked not to be called again"))
		default:
			sendErr = fmt.Errorf("the endpoint answered %s", res.Status)
		}
		if rerr != nil && sendErr == nil && ctx.Err() == nil {
			s.Log.Debug("webhook answer body", "delivery", d.ID, "err", rerr)
		}
	}
	att.LatencyMS = time.Since(start).Milliseconds()
	if sendErr != nil {
		att.Error = sendErr.Error()
	}
	if err := s.Endpoints.WebhookAttempted(ctx, att); err != nil && ctx.Err() == nil {
		s.Log.Error("webhook attempt log", "delivery", d.ID, "endpoint", ep.ID, "err", err)
	}
	return sendErr
}

// callError words a failed call without the URL (shown elsewhere) and with
// the cause first.
func callError(err error) string {
	if b := Blocked(err); b != nil {
		return b.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
		return "webhook: no answer within " + TotalTimeout.String()
	}
	return "webhook: " + err.Error()
}

// Excerpt returns at most ExcerptLimit bytes of the start of body as text
// safe to store and show: valid UTF-8, without control characters other
// than tab and newline.
func Excerpt(body []byte) string {
	var b strings.Builder
	for len(body) > 0 {
		r, n := utf8.DecodeRune(body)
		body = body[n:]
		switch {
		case r == utf8.RuneError && n <= 1:
			r = '\uFFFD'
		case r == '\r':
			continue
		case unicode.IsControl(r) && r != '\n' && r != '\t':
			continue
		case unicode.Is(unicode.Cf, r): // bidirectional overrides and other invisible format characters
			continue
		}
		if b.Len()+utf8.RuneLen(r) > ExcerptLimit {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
