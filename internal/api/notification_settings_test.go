package api_test

import (
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNotificationSettings: a user lists their topics (all on at first),
// switches some off and reads the switches back; a topic of the other side
// is a problem naming the field.
func TestNotificationSettings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		type settings struct {
			Topics []struct {
				Topic string `json:"topic"`
				On    bool   `json:"on"`
			} `json:"topics"`
			Mail bool `json:"mail"`
		}
		state := func(s settings) map[string]bool {
			m := map[string]bool{}
			for _, t := range s.Topics {
				m[t.Topic] = t.On
			}
			return m
		}
		var got settings
		if st := f.do("admin", "GET", "/api/v1/me/notifications", nil, &got); st != 200 || len(got.Topics) != 6 || got.Mail {
			t.Fatalf("GET: %d %+v", st, got)
		}
		for topic, on := range state(got) {
			if !on {
				t.Errorf("%s is off by default", topic)
			}
		}
		if st := f.do("admin", "PUT", "/api/v1/me/notifications", map[string]any{"on": []string{"received", "replied"}}, &got); st != 200 {
			t.Fatalf("PUT: %d", st)
		}
		f.do("admin", "GET", "/api/v1/me/notifications", nil, &got)
		if s := state(got); !s["received"] || !s["replied"] || s["waiting"] || s["closed"] {
			t.Errorf("after switching: %v", s)
		}
		var prob struct {
			Errors []struct {
				Field string `json:"field"`
			} `json:"errors"`
			Field string `json:"field"`
		}
		if st := f.do("admin", "PUT", "/api/v1/me/notifications", map[string]any{"on": []string{"sla_breach"}}, &prob); st != 422 ||
			(prob.Field != "topics" && (len(prob.Errors) == 0 || prob.Errors[0].Field != "topics")) {
			t.Errorf("a staff topic for a customer: %d %+v", st, prob)
		}
		if st := f.do("agent", "GET", "/api/v1/me/notifications", nil, &got); st != 200 || len(got.Topics) != 5 || got.Topics[0].Topic != "assigned" {
			t.Errorf("agent: %d %+v", st, got)
		}
	})
}
