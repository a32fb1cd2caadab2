package api

import (
	"net/http"

	"github.com/casedesk/casedesk"
)

// topicSwitch is one of a user's notification topics and whether it is on.
type topicSwitch struct {
	Topic casedesk.Topic `json:"topic"`
	On    bool           `json:"on"`
}

func (s *Server) writeNotificationSettings(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	on, topics, err := s.desk.NotificationSettings(r.Context(), a)
	if err != nil {
		return err
	}
	out := make([]topicSwitch, len(topics))
	for i, t := range topics {
		out[i] = topicSwitch{Topic: t, On: on[t]}
	}
	writeJSON(w, http.StatusOK, map[string]any{"topics": out, "mail": s.desk.Mail()})
	return nil
}

func (s *Server) getNotificationSettings(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	return s.writeNotificationSettings(w, r, a)
}

func (s *Server) putNotificationSettings(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) error {
	var in struct {
		On []casedesk.Topic `json:"on"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.On == nil {
		return casedesk.Invalid("on", "on is required: the topics to switch on (an empty list switches all off)")
	}
	if err := s.desk.SetNotificationSettings(r.Context(), a, in.On); err != nil {
		return err
	}
	return s.writeNotificationSettings(w, r, a)
}
