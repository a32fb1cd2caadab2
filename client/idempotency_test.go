package client

import (
	"context"
	"strings"
	"testing"
)

// TestIdempotencyKeyOptions: PostMessage, CreateOrganization and
// CreateSubscription send their input's IdempotencyKey, and UploadAttachment WithIdempotencyKey as the Idempotency-Key header, and
// neither sends the header without a key; the key is not in the body.
func TestIdempotencyKeyOptions(t *testing.T) {
	f := newFake(t, jsonResp(201, `{"id":3}`))
	c := New(f.srv.URL, WithToken("tok"))
	ctx := context.Background()
	if _, err := c.PostMessage(ctx, "1000042", NewMessage{Body: "hi", IdempotencyKey: "m-1"}); err != nil {
		t.Fatal(err)
	}
	r := f.last()
	if h := r.Header.Get("Idempotency-Key"); h != "m-1" || r.Path != "/api/v1/requests/1000042/messages" {
		t.Errorf("%s: Idempotency-Key = %q", r.Path, h)
	}
	assertJSON(t, r.Body, `{"body":"hi","internal":false}`)
	if _, err := c.AddMessage(ctx, "1000042", "hi", false); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.last().Header["Idempotency-Key"]; ok {
		t.Error("Idempotency-Key sent without a key")
	}
	if _, err := c.CreateOrganization(ctx, NewOrganization{Kind: "customer", Name: "A", IdempotencyKey: "o-1"}); err != nil {
		t.Fatal(err)
	}
	if r := f.last(); r.Header.Get("Idempotency-Key") != "o-1" {
		t.Errorf("organization: Idempotency-Key = %q", r.Header.Get("Idempotency-Key"))
	} else {
		assertJSON(t, r.Body, `{"kind":"customer","name":"A"}`)
	}
	if _, err := c.CreateSubscription(ctx, 5, NewSubscription{PlanCode: "e3", IdempotencyKey: "s-1"}); err != nil {
		t.Fatal(err)
	}
	if h := f.last().Header.Get("Idempotency-Key"); h != "s-1" {
		t.Errorf("subscription: Idempotency-Key = %q", h)
	}
	if _, err := c.UploadAttachment(ctx, "1000042", "log.txt", strings.NewReader("x"), false, WithIdempotencyKey("u-1")); err != nil {
		t.Fatal(err)
	}
	if h := f.last().Header.Get("Idempotency-Key"); h != "u-1" {
		t.Errorf("upload: Idempotency-Key = %q", h)
	}
	if _, err := c.UploadAttachment(ctx, "1000042", "log.txt", strings.NewReader("x"), false); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.last().Header["Idempotency-Key"]; ok {
		t.Error("upload: Idempotency-Key sent without a key")
	}
}
