package webhook_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk/internal/webhook"
)

// The example of the Standard Webhooks specification's reference
// libraries: a known secret, id, timestamp and body give a known signature.
func TestSignMatchesStandardWebhooksExample(t *testing.T) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	ts := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	got, err := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	now := time.Unix(1700000000, 0)
	body := []byte(`{"kind":"created"}`)
	sig, err := webhook.Sign(secret, webhook.MessageID(7), now, body)
	if err != nil {
		t.Fatal(err)
	}
	header := func(id, ts, sig string) http.Header {
		h := http.Header{}
		h.Set(webhook.HeaderID, id)
		h.Set(webhook.HeaderTimestamp, ts)
		h.Set(webhook.HeaderSignature, sig)
		return h
	}
	unix := strconv.FormatInt(now.Unix(), 10)
	if err := webhook.Verify(secret, header("msg_7", unix, sig), body, now, 0); err != nil {
		t.Fatalf("a good delivery: %v", err)
	}
	if err := webhook.Verify(secret, header("msg_7", unix, "v1,bm9wZQ== "+sig), body, now, 0); err != nil {
		t.Fatalf("the good signature among several: %v", err)
	}
	for name, c := range map[string]struct {
		h    http.Header
		body string
		now  time.Time
		want string
	}{
		"body changed":    {header("msg_7", unix, sig), `{"kind":"note"}`, now, "no valid"},
		"id changed":      {header("msg_8", unix, sig), string(body), now, "no valid"},
		"too old":         {header("msg_7", unix, sig), string(body), now.Add(6 * time.Minute), "away from now"},
		"from the future": {header("msg_7", unix, sig), string(body), now.Add(-6 * time.Minute), "away from now"},
		"no signature":    {header("msg_7", unix, ""), string(body), now, "missing"},
		"other scheme":    {header("msg_7", unix, strings.Replace(sig, "v1,", "v1a,", 1)), string(body), now, "no valid"},
		"bad timestamp":   {header("msg_7", "yesterday", sig), string(body), now, "Unix seconds"},
	} {
		err := webhook.Verify(secret, c.h, []byte(c.body), c.now, 0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Verify = %v, want an error with %q", name, err, c.want)
		}
	}
	if err := webhook.Verify("whsec_"+strings.Repeat("A", 32), header("msg_7", unix, sig), body, now, 0); err == nil {
		t.Error("another secret verified the delivery")
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 1000) // 2,000 bytes
	got := webhook.Excerpt([]byte(long))
	if len(got) > webhook.ExcerptLimit || len(got) < webhook.ExcerptLimit-1 || !strings.HasPrefix(long, got) {
		t.Errorf("Excerpt of 2 KB: %d bytes, want ≤ %d on a rune boundary", len(got), webhook.ExcerptLimit)
	}
	if got := webhook.Excerpt([]byte("ok\x00\x1b[31m\r\nline\t2\xff\u202e")); got != "ok[31m\nline\t2\uFFFD" {
		t.Errorf("Excerpt sanitized to %q", got)
	}
}
