// Package webhook calls the provider's webhook endpoints: Standard Webhooks
// signatures (https://www.standardwebhooks.com), an HTTP client that will
// not be turned against the provider's own network (SSRF), and the outbox's
// sender of webhook deliveries. It knows no SQL: what it needs of the
// endpoints it asks through the small Endpoints interface desk implements.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The three headers of a signed delivery.
const (
	HeaderID        = "webhook-id"        // stable per delivery: a repeat has the same id
	HeaderTimestamp = "webhook-timestamp" // Unix seconds of this attempt
	HeaderSignature = "webhook-signature" // "v1,<base64 HMAC-SHA256>", space-separated when several
)

// SecretPrefix starts every signing secret; the rest is base64 of the key.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a delivery's timestamp may lie from the
// receiver's clock before Verify refuses it as a replay.
const DefaultTolerance = 5 * time.Minute

// MessageID is the webhook-id of a delivery: the same on every attempt, so
// that a receiver that got a delivery twice (casedesk crashed between
// sending and recording it) can drop the repeat.
func MessageID(deliveryID int64) string { return "msg_" + strconv.FormatInt(deliveryID, 10) }

// key returns the HMAC key of a secret: the base64 after "whsec_" decoded
// (a secret without the prefix is taken as the bare base64).
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, errors.New("webhook: the secret is not whsec_ followed by base64")
	}
	return k, nil
}

// Sign returns the webhook-signature value of body sent with id at ts:
// "v1," and the base64 HMAC-SHA256, keyed by the decoded secret, of
// "{id}.{unix seconds}.{body}".
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, id, strconv.FormatInt(ts.Unix(), 10), body)), nil
}

func mac(k []byte, id, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id))
	m.Write([]byte("."))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery as a receiver should: the three headers are
// present, the timestamp lies within tolerance of now (DefaultTolerance
// when 0), and one of the v1 signatures is that of the body under secret,
// compared in constant time. Receivers should also drop a webhook-id they
// have already handled: it marks a repeat.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature")
	}
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: webhook-timestamp %q is not Unix seconds", tsText)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: webhook-timestamp is %v away from now (tolerance %v)", d.Round(time.Second), tolerance)
	}
	k, err := key(secret)
	if err != nil {
		return err
	}
	want := mac(k, id, tsText, body)
	for s := range strings.FieldsSeq(sigs) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("webhook: no valid v1 signature")
}
