package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNotificationSettingsBrowser: a customer admin switches the "replied"
// topic off on the portal's account page, in English and in Chinese; the
// page comes back with it off and the others on, and desk has it so.
func TestNotificationSettingsBrowser(t *testing.T) {
	bctx := browser(t)
	dir := artifacts(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	for _, c := range []struct{ user, saved string }{{"anna", "Your notification settings have been saved."}, {"wei", "您的通知设置已保存。"}} {
		t.Run(c.user, func(t *testing.T) {
			b := &browserRun{t: t, ctx: tab(t, bctx), e: e, dir: dir}
			b.signIn(c.user)
			b.do(chromedp.Navigate(e.srv.URL+"/account"), chromedp.WaitVisible(chromedp.CSS("#topic-replied")))
			if !b.checked("#topic-replied") || !b.has("#notify-mail-off") {
				t.Fatal("replied is not on at first, or the page does not say that mail is off")
			}
			b.do(chromedp.Click(chromedp.CSS("#topic-replied")), chromedp.Click(chromedp.CSS("#save-notifications")))
			b.waitURL("notice=notifications")
			b.waitText("main", c.saved)
			if b.checked("#topic-replied") || !b.checked("#topic-received") || !b.checked("#topic-closed") {
				t.Fatal("after saving, replied is on or another topic is off")
			}
			b.shot("notification-settings-" + c.user)
			on, _, err := e.desk.NotificationSettings(context.Background(), e.actor(c.user))
			if err != nil || on[casedesk.TopicReplied] || !on[casedesk.TopicReceived] {
				t.Fatalf("desk has %v, %v", on, err)
			}
		})
	}
}

// checked reports whether the checkbox sel is checked.
func (b *browserRun) checked(sel string) bool {
	b.t.Helper()
	on, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("document.querySelector("+jsString(sel)+").checked"))
	if err != nil {
		b.t.Fatalf("checked %s: %v", sel, err)
	}
	return on
}
