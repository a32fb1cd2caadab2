package web

import (
	"net/http"

	"github.com/casedesk/casedesk"
)

// Notification settings: the topics a user may switch (desk.NotificationSettings),
// on the portal's account page and the console's settings page, one form on
// both.

// topicSetting is one switch of the form.
type topicSetting struct {
	Topic casedesk.Topic
	On    bool
}

// noticeSettings is what the form shows: nil Topics when the user hears of
// no requests (a plain user, an operator).
type noticeSettings struct {
	Topics []topicSetting
	Mail   bool   // outbound mail is on
	Action string // where the form posts
}

// notificationSettings reads the viewer's switches; nil, nil when they have
// none to switch.
func (s *Server) notificationSettings(r *http.Request, p *page, action string) (*noticeSettings, error) {
	on, topics, err := s.desk.NotificationSettings(r.Context(), p.Actor)
	if casedesk.ErrorCode(err) == casedesk.EFORBIDDEN {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ns := &noticeSettings{Mail: s.desk.Mail(), Action: action}
	for _, t := range topics {
		ns.Topics = append(ns.Topics, topicSetting{Topic: t, On: on[t]})
	}
	return ns, nil
}

// saveNotificationSettings switches the viewer's topics as the form says:
// the checked ones on, the others off.
func (s *Server) saveNotificationSettings(r *http.Request, p *page) error {
	var on []casedesk.Topic
	for _, v := range r.PostForm["topic"] {
		on = append(on, casedesk.Topic(v))
	}
	return s.desk.SetNotificationSettings(r.Context(), p.Actor, on)
}

// accountData is the account page's data beside its form.
type accountData struct {
	Notices *noticeSettings
}

func (s *Server) saveAccountNotifications(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.saveNotificationSettings(r, p); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?notice=notifications#notifications", http.StatusSeeOther)
	return nil
}

func (s *Server) consoleSettings(w http.ResponseWriter, r *http.Request, p *page) error {
	ns, err := s.notificationSettings(r, p, "/console/settings")
	if err != nil {
		return err
	}
	if ns == nil {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "you receive no request notifications")
	}
	if r.URL.Query().Get("notice") == "notifications" {
		p.Notice = p.T("notify.saved")
	}
	p.Title, p.Nav, p.Data = p.T("console.settings"), "console", ns
	return s.render(w, r, p, "console_settings", http.StatusOK)
}

func (s *Server) consoleSaveSettings(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.saveNotificationSettings(r, p); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/settings?notice=notifications", http.StatusSeeOther)
	return nil
}
