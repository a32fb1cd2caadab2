package casedesk

import (
	"strings"
	"testing"
	"time"
)

func TestCanReopen(t *testing.T) {
	closed := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &Request{Number: "1000001", Status: StatusClosed, ClosedAt: &closed}
	for _, c := range []struct {
		after time.Duration
		ok    bool
	}{{0, true}, {14*24*time.Hour - time.Second, true}, {14 * 24 * time.Hour, true}, {14*24*time.Hour + time.Second, false}, {60 * 24 * time.Hour, false}} {
		err := CanReopen(r, closed.Add(c.after), 14)
		if (err == nil) != c.ok {
			t.Errorf("%v after closing: %v", c.after, err)
		}
		if err != nil && (ErrorCode(err) != ECONFLICT || !strings.Contains(ErrorMessage(err), "link it to 1000001")) {
			t.Errorf("refusal must be a conflict that says to link a new request: %v", err)
		}
	}
	if CanReopen(&Request{Status: StatusResolved}, closed, 14) != nil {
		t.Error("a resolved request reopens")
	}
	if CanReopen(&Request{Status: StatusOpen}, closed, 14) == nil {
		t.Error("an open request cannot be reopened")
	}
}

func TestTransitions(t *testing.T) {
	for _, c := range []struct {
		from, to Status
		ok       bool
	}{
		{StatusNew, StatusOpen, true}, {StatusOpen, StatusWaiting, true}, {StatusWaiting, StatusOpen, true},
		{StatusOpen, StatusResolved, true}, {StatusResolved, StatusClosed, true}, {StatusResolved, StatusOpen, true},
		{StatusClosed, StatusOpen, false}, {StatusOpen, StatusNew, false}, {StatusClosed, StatusResolved, false},
	} {
		if CanTransition(c.from, c.to) != c.ok {
			t.Errorf("%s → %s: want %v", c.from, c.to, c.ok)
		}
	}
}

func TestSuggestSeverity(t *testing.T) {
	for _, c := range []struct {
		im   Impact
		want Severity
	}{
		{Impact{ServiceUnreachable: true, UsersAffected: "many"}, SeverityA},
		{Impact{ServiceUnreachable: true, UsersAffected: "one", Workaround: false}, SeverityA},
		{Impact{UsersAffected: "one", Workaround: false}, SeverityB},
		{Impact{UsersAffected: "several", Workaround: true}, SeverityB},
		{Impact{UsersAffected: "one", Workaround: true}, SeverityC},
	} {
		if got := c.im.SuggestSeverity(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.im, got, c.want)
		}
	}
}

func TestSupportFamily(t *testing.T) {
	subs := []Subscription{{Family: FamilyBusiness, Status: SubActive}, {Family: FamilyElevated, Status: SubCancelled}, {Family: FamilyEnterprise, Status: SubActive}}
	if f, ok := SupportFamily(subs); !ok || f != FamilyEnterprise {
		t.Errorf("got %s %v, want enterprise (cancelled elevated support does not count)", f, ok)
	}
	subs[1].Status = SubActive
	if f, _ := SupportFamily(subs); f != FamilyElevated {
		t.Errorf("got %s, want elevated", f)
	}
	if _, ok := SupportFamily(nil); ok {
		t.Error("no subscriptions, no family")
	}
}

func TestValidation(t *testing.T) {
	for _, s := range []string{"en", "zh-CN", "de-DE", "ja", "sr-Latn-RS"} {
		if !IsLanguage(s) {
			t.Errorf("%q should be a language tag", s)
		}
	}
	for _, s := range []string{"", "e", "english", "en_US", "12", "en--US", "en-"} {
		if IsLanguage(s) {
			t.Errorf("%q should not be a language tag", s)
		}
	}
	r := Request{Category: CategoryTechnical, Title: "t", Description: "d", Channel: ChannelWeb}
	if err := r.Validate(); err != nil || r.Language != "en" || r.ContactMethod != "email" {
		t.Fatalf("defaults: %v %+v", err, r)
	}
	r.Title = strings.Repeat("é", 201)
	if ErrorField(r.Validate()) != "title" {
		t.Error("overlong title (in runes) accepted")
	}
	if ValidateEmail("email", "Ann <ann@example.com>") == nil || ValidateEmail("email", "ann@example.com") != nil {
		t.Error("email validation")
	}
	if n, ok := ParseRequestNumber(RequestNumber(42)); !ok || n != 42 {
		t.Error("request number round trip")
	}
	if _, ok := ParseRequestNumber("42"); ok {
		t.Error("numbers below the offset are not request numbers")
	}
}
