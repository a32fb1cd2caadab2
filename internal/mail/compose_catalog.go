package mail

import (
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// The mails' own catalogue: every sentence a mail says, in each language a
// recipient may read. It is separate from the web's catalogue because a mail
// is read far from the page that caused it and says more. Placeholders are
// {name} words filled by phrase.

// languages are the catalogues; a recipient whose language has none reads
// English.
var languages = map[string]map[string]string{"en": english, "zh-CN": chinese}

// catalogue returns the catalogue for a user's language tag: an exact match,
// else the one of its base language (zh, zh-Hans → zh-CN), else English.
func catalogue(lang string) (string, map[string]string) {
	if c, ok := languages[lang]; ok {
		return lang, c
	}
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if base == "zh" {
		return "zh-CN", chinese
	}
	return "en", english
}

// phrase returns the catalogue's text for key with its {placeholders}
// filled from kv (pairs of name, value).
func phrase(c map[string]string, key string, kv ...string) string {
	s, ok := c[key]
	if !ok {
		s = english[key]
	}
	if len(kv) == 0 {
		return s
	}
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, "{"+kv[i]+"}", kv[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

var english = map[string]string{
	"greeting":      "Hello {name},",
	"greeting.anon": "Hello,",
	"actor.staff":   "Support",
	"actor.system":  "casedesk",

	"subject.received":       "[#{number}] Received: {title}",
	"subject.replied":        "[#{number}] Reply: {title}",
	"subject.waiting":        "[#{number}] Waiting for your answer: {title}",
	"subject.resolved":       "[#{number}] Resolved: {title}",
	"subject.reopened":       "[#{number}] Reopened: {title}",
	"subject.closed":         "[#{number}] Closed: {title}",
	"subject.assigned":       "[#{number}] Assigned to you: {title}",
	"subject.sla_warn":       "[#{number}] SLA warning: {title}",
	"subject.sla_breach":     "[#{number}] SLA breached: {title}",
	"subject.account":        "[#{number}] {org}: {title}",
	"subject.callback":       "[#{number}] Callback requested: {title}",
	"subject.password_reset": "Reset your casedesk password",
	"subject.invitation":     "Your invitation to {org} on casedesk",
	"subject.presales":       "[#{number}] Answer to your question: {title}",
	"subject.presales.plain": "Answer to your question",
	"subject.mail_refused":   "Your mail could not be accepted",

	"body.received":        "We have received your request #{number}, “{title}”.",
	"body.received.due":    "We will answer by {time} (your time).",
	"body.received.nodue":  "Support will confirm the severity and the time of the first answer when it triages your request.",
	"body.replied":         "{actor} replied to your request #{number}:",
	"body.replied.staff":   "{actor} wrote on request #{number}:",
	"body.waiting":         "We are waiting for your answer on request #{number}, “{title}”. Please tell us how things stand.",
	"body.resolved":        "Request #{number}, “{title}”, has been resolved. If the problem persists, reply to this mail or reopen the request on the portal.",
	"body.resolved.survey": "How did we do? One click tells us:",
	"body.reopened":        "Request #{number}, “{title}”, has been reopened by {actor}.",
	"body.closed":          "Request #{number}, “{title}”, has been closed.",
	"body.assigned":        "{actor} assigned request #{number} of {org} to you.",
	"body.sla_warn":        "The {metric} of request #{number} ({org}) is due at {time}.",
	"body.sla_breach":      "The {metric} of request #{number} ({org}) was due at {time} and has been breached.",
	"body.account":         "There is news on request #{number} of {org}, an organization you look after: {actor} changed it; its status is now “{status}”.",
	"body.callback":        "{actor} asked to be called back on request #{number} ({org}):",
	"body.password_reset":  "Someone asked to reset the password of the casedesk account {to}. The link below works once, for one hour. If it was not you, ignore this mail: your password stays as it is.",
	"body.invitation":      "{actor} invited you to {org} on casedesk. Choose your password with the link below to sign in; the link works once.",
	"body.presales":        "Thank you for your question. {actor} answered:",
	"body.mail_refused":    "We could not accept your mail: {note}",
	"body.secret.spent":    "This link has been used or has expired; ask for a new one.",

	"reply.hint":        "You can answer by replying to this mail.",
	"files":             "Attachments:",
	"fact.request":      "Request",
	"fact.organization": "Organization",
	"fact.severity":     "Severity",
	"fact.status":       "Status",

	"action.request":        "View request #{number}",
	"action.survey":         "Rate our support",
	"action.password_reset": "Choose a new password",
	"action.invitation":     "Choose your password",
	"action.mail_refused":   "Open casedesk",
	"action.presales":       "Open casedesk",

	"footer.switchable": "You get this mail because these notifications are on for you. Change them:",
	"footer.account":    "casedesk sent this mail automatically.",

	"severity.A": "A (critical)",
	"severity.B": "B (high)",
	"severity.C": "C (normal)",

	"status.new":      "new",
	"status.open":     "in progress",
	"status.waiting":  "waiting for your answer",
	"status.resolved": "resolved",
	"status.closed":   "closed",

	"metric.initial_response": "initial response",
	"metric.next_reply":       "next reply",
	"metric.resolution":       "resolution",
}

var chinese = map[string]string{
	"greeting":      "{name}，您好：",
	"greeting.anon": "您好：",
	"actor.staff":   "支持团队",
	"actor.system":  "casedesk",

	"subject.received":       "[#{number}] 已收到：{title}",
	"subject.replied":        "[#{number}] 回复：{title}",
	"subject.waiting":        "[#{number}] 等待您的答复：{title}",
	"subject.resolved":       "[#{number}] 已解决：{title}",
	"subject.reopened":       "[#{number}] 已重新打开：{title}",
	"subject.closed":         "[#{number}] 已关闭：{title}",
	"subject.assigned":       "[#{number}] 已分配给您：{title}",
	"subject.sla_warn":       "[#{number}] SLA 预警：{title}",
	"subject.sla_breach":     "[#{number}] SLA 已违约：{title}",
	"subject.account":        "[#{number}] {org}：{title}",
	"subject.callback":       "[#{number}] 请求回电：{title}",
	"subject.password_reset": "重置您的 casedesk 密码",
	"subject.invitation":     "邀请您加入 casedesk 上的 {org}",
	"subject.presales":       "[#{number}] 您的咨询的答复：{title}",
	"subject.presales.plain": "您的咨询的答复",
	"subject.mail_refused":   "您的邮件未能受理",

	"body.received":        "我们已收到您的请求 #{number}“{title}”。",
	"body.received.due":    "我们将在 {time}（您的当地时间）之前答复您。",
	"body.received.nodue":  "支持团队分诊您的请求时，将确认严重级别和首次答复的时间。",
	"body.replied":         "{actor} 回复了您的请求 #{number}：",
	"body.replied.staff":   "{actor} 在请求 #{number} 上写道：",
	"body.waiting":         "我们正在等待您对请求 #{number}“{title}”的答复，请告知最新情况。",
	"body.resolved":        "请求 #{number}“{title}”已解决。如果问题仍然存在，请回复此邮件，或在门户中重新打开该请求。",
	"body.resolved.survey": "我们做得如何？点击一下即可告诉我们：",
	"body.reopened":        "{actor} 重新打开了请求 #{number}“{title}”。",
	"body.closed":          "请求 #{number}“{title}”已关闭。",
	"body.assigned":        "{actor} 将 {org} 的请求 #{number} 分配给了您。",
	"body.sla_warn":        "请求 #{number}（{org}）的{metric}将于 {time} 到期。",
	"body.sla_breach":      "请求 #{number}（{org}）的{metric}已于 {time} 到期，已违约。",
	"body.account":         "您负责的组织 {org} 的请求 #{number} 有新动态：{actor} 做了更改，当前状态为“{status}”。",
	"body.callback":        "{actor} 请求就请求 #{number}（{org}）回电：",
	"body.password_reset":  "有人请求重置 casedesk 账户 {to} 的密码。下面的链接只能使用一次，一小时内有效。如果不是您本人操作，请忽略此邮件，您的密码不会改变。",
	"body.invitation":      "{actor} 邀请您加入 casedesk 上的 {org}。请通过下面的链接设置密码后登录；该链接只能使用一次。",
	"body.presales":        "感谢您的咨询。{actor} 的答复如下：",
	"body.mail_refused":    "我们未能受理您的邮件：{note}",
	"body.secret.spent":    "此链接已使用或已过期，请重新申请。",

	"reply.hint":        "您可以直接回复此邮件进行答复。",
	"files":             "附件：",
	"fact.request":      "请求",
	"fact.organization": "组织",
	"fact.severity":     "严重级别",
	"fact.status":       "状态",

	"action.request":        "查看请求 #{number}",
	"action.survey":         "评价我们的支持",
	"action.password_reset": "设置新密码",
	"action.invitation":     "设置您的密码",
	"action.mail_refused":   "打开 casedesk",
	"action.presales":       "打开 casedesk",

	"footer.switchable": "您收到此邮件，是因为您开启了此类通知。更改通知设置：",
	"footer.account":    "此邮件由 casedesk 自动发送。",

	"severity.A": "A（严重）",
	"severity.B": "B（高）",
	"severity.C": "C（一般）",

	"status.new":      "新建",
	"status.open":     "处理中",
	"status.waiting":  "等待您的答复",
	"status.resolved": "已解决",
	"status.closed":   "已关闭",

	"metric.initial_response": "首次响应",
	"metric.next_reply":       "下次回复",
	"metric.resolution":       "解决时限",
}

var chineseWeekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// formatTime writes t in the recipient's zone and language, naming the zone
// so that a forwarded mail still says which time it meant.
func formatTime(lang string, t time.Time) string {
	zone := t.Location().String()
	if zone == "Local" {
		zone, _ = t.Zone()
	}
	if lang == "zh-CN" {
		return t.Format("2006年1月2日 ") + chineseWeekdays[t.Weekday()] + t.Format(" 15:04") + "（" + zone + "）"
	}
	return t.Format("Mon 2 Jan 2006, 15:04") + " (" + zone + ")"
}

// severityText and the like name the product's words in the catalogue.
func severityText(c map[string]string, s casedesk.Severity) string {
	return phrase(c, "severity."+string(s))
}

func statusText(c map[string]string, s casedesk.Status) string {
	return phrase(c, "status."+string(s))
}

func metricText(c map[string]string, m casedesk.Metric) string {
	return phrase(c, "metric."+string(m))
}
