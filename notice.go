package casedesk

import "time"

// A Notice is what a mail says, stored as the payload of its Delivery and
// rendered by the mail package when it is sent: everything the text needs,
// captured when the change committed, so a mail tells what happened then
// even if the request changed since. Links are paths; the sender makes
// them absolute on the configured public URL, never on a request's Host.
type Notice struct {
	Topic Topic `json:"topic"`
	// The recipient, with the language and time zone the mail is written in.
	To       string `json:"to"`
	Name     string `json:"name,omitempty"`
	Language string `json:"language"`
	TimeZone string `json:"time_zone"`
	Staff    bool   `json:"staff,omitempty"` // links go to the console, not the portal

	Request *NoticeRequest `json:"request,omitempty"`
	Actor   string         `json:"actor,omitempty"` // who did it, as the recipient may see them

	// Text is the reply's or the answer's text (Markdown as written).
	Text         string       `json:"text,omitempty"`
	Attachments  []NoticeFile `json:"attachments,omitempty"`
	Due          *time.Time   `json:"due,omitempty"` // the commitment or the alert's due time
	Metric       Metric       `json:"metric,omitempty"`
	Link         string       `json:"link,omitempty"`   // the action: sign in, reset, survey, accept the invitation
	Secret       bool         `json:"secret,omitempty"` // Link holds a secret: blanked once sent
	Note         string       `json:"note,omitempty"`   // a reason (a refused mail's)
	Thread       []string     `json:"thread,omitempty"` // Message-IDs the mail refers to (References)
	ReplyToken   string       `json:"reply_token,omitempty"`
	Organization string       `json:"organization,omitempty"`
}

// NoticeRequest is the request a notice is about.
type NoticeRequest struct {
	ID       int64    `json:"id"`
	Number   string   `json:"number"`
	Title    string   `json:"title"`
	Org      string   `json:"organization"`
	Severity Severity `json:"severity,omitempty"`
	Status   Status   `json:"status"`
}

// NoticeFile is an attachment a notice links to.
type NoticeFile struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	Link string `json:"link"`
}
