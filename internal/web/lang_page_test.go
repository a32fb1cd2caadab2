package web_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestLanguageOfParts: customer text in another language than the page
// carries its lang (WCAG 3.1.2) — a Chinese or Japanese title in the
// English console, an English reply in the Chinese portal — and text in
// the page's language carries none.
func TestLanguageOfParts(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	zh, _, err := e.desk.OpenRequest(ctx, e.actor("wei"), desk.NewRequest{Category: casedesk.CategoryTechnical,
		Title: "邮件无法发送", Description: "所有用户都无法发送邮件。", Language: "zh-CN"}, "")
	must(t, err == nil, "open: %v", err)
	ja, _, err := e.desk.OpenRequest(ctx, e.actor("anna"), desk.NewRequest{Category: casedesk.CategoryTechnical,
		Title: "祝日のメール障害", Description: "メールが届きません。"}, "") // no preferred language: the script tells
	must(t, err == nil, "open: %v", err)
	_, err = e.desk.AddMessage(ctx, e.actor("agent"), zh.Number, desk.NewMessage{Body: "We are looking into it."})
	must(t, err == nil, "reply: %v", err)

	// has reports whether page has an element whose opening tag has attrs
	// and whose content starts with text.
	has := func(page, attrs, text string) bool {
		return regexp.MustCompile(`<[a-z0-9]+[^>]*` + regexp.QuoteMeta(attrs) + `[^>]*>\s*(<p>)?` + regexp.QuoteMeta(text)).MatchString(page)
	}

	console := e.client()
	console.signIn("lena")
	for _, path := range []string{"/console?view=all", "/console/organizations/" + itoa(e.yunfan.ID)} {
		st, page := console.get(path)
		must(t, st == http.StatusOK, "%s: %d", path, st)
		must(t, has(page, `lang="zh-CN"`, "邮件无法发送"), "%s: the Chinese title has no lang=zh-CN:\n%s", path, page)
	}
	st, page := console.get("/console?view=all")
	must(t, st == http.StatusOK, "queue: %d", st)
	must(t, has(page, `lang="ja"`, "祝日のメール障害"), "queue: the Japanese title has no lang=ja")
	st, page = console.get("/console/requests/" + ja.Number)
	must(t, st == http.StatusOK, "work page: %d", st)
	must(t, has(page, `lang="ja"`, "祝日のメール障害") && has(page, `lang="ja"`, "メールが届きません。"), "work page: the Japanese text has no lang=ja")
	st, page = console.get("/console/requests/" + zh.Number)
	must(t, st == http.StatusOK, "work page: %d", st)
	must(t, has(page, `lang="zh-CN"`, "邮件无法发送"), "work page: the title has no lang=zh-CN")
	must(t, has(page, `lang="zh-CN"`, "所有用户都无法发送邮件。"), "work page: the description has no lang=zh-CN")
	must(t, !has(page, `lang=`, "We are looking into it."), "work page: the English reply is marked in an English console")
	_, err = e.desk.CreateCanned(ctx, e.actor("sam"), "Greeting", "zh-CN", "您好，我们正在处理。")
	must(t, err == nil, "canned: %v", err)
	st, page = console.get("/console/canned")
	must(t, st == http.StatusOK && has(page, `lang="zh-CN"`, "您好"), "canned: the Chinese response has no lang=zh-CN (%d)", st)

	portal := e.client()
	portal.signIn("wei")
	st, page = portal.get("/requests/" + zh.Number)
	must(t, st == http.StatusOK, "detail: %d", st)
	must(t, has(page, `class="body" lang="en"`, "We are looking into it."), "detail: the English reply has no lang=en:\n%s", page)
	must(t, !has(page, `lang=`, "邮件无法发送") && !has(page, `lang=`, "所有用户都无法发送邮件。"),
		"detail: Chinese text is marked on a Chinese page")
	for _, path := range []string{"/requests", "/"} {
		st, page = portal.get(path)
		must(t, st == http.StatusOK, "%s: %d", path, st)
		must(t, has(page, "", "邮件无法发送") && !has(page, `lang=`, "邮件无法发送"), "%s: the Chinese title is missing or marked", path)
	}
}
