package web_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNotificationsInTimeOrder: the inbox lists what happened newest first
// by when it happened — an SLA alert the worker records after later changes
// still sorts at its instant — and its pages follow that order.
func TestNotificationsInTimeOrder(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		withConsoleStaff(t, e)
		ctx := context.Background()
		must(t, e.desk.SetTAM(ctx, e.actor("sam"), e.fabrikam.ID, e.users["lena"].ID) == nil, "set the account manager")
		first := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
		sevA := casedesk.SeverityA
		_, err := e.desk.UpdateRequest(ctx, e.actor("lena"), first.Number, desk.RequestPatch{Severity: &sevA})
		must(t, err == nil, "severity: %v", err)
		e.clock.Add(6 * time.Hour) // the clock warns and breaches meanwhile; nobody records it yet
		e.openRequest("anna", e.fabrikam.ID, "Calendar sharing fails")
		n, err := e.desk.FireDue(ctx, e.clock.Now()) // recorded now, at their instants
		must(t, err == nil && n > 0, "fire due: %d %v", n, err)

		c := e.client()
		c.signIn("lena")
		times := regexp.MustCompile(`<time datetime="([^"]+)">`)
		var all []string
		for path := "/console/notifications"; ; {
			st, page := c.get(path)
			must(t, st == http.StatusOK, "%s: %d", path, st)
			for _, m := range times.FindAllStringSubmatch(page, -1) {
				all = append(all, m[1])
			}
			m := regexp.MustCompile(`href="(/console/notifications\?cursor=[^"]+)"`).FindStringSubmatch(page)
			if m == nil {
				break
			}
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		must(t, len(all) >= 4, "the inbox has %d lines: %v", len(all), all)
		must(t, slices.IsSortedFunc(all, func(a, b string) int { return strings.Compare(b, a) }),
			"the inbox is not newest first: %v", all)

		// Two at a time, the pages give the same lines in the same order.
		full, _, err := e.desk.Notifications(ctx, e.actor("lena"), false, "", 200)
		must(t, err == nil, "notifications: %v", err)
		var paged []int64
		for cursor := ""; ; {
			ns, next, err := e.desk.Notifications(ctx, e.actor("lena"), false, cursor, 2)
			must(t, err == nil, "page %q: %v", cursor, err)
			for _, n := range ns {
				paged = append(paged, n.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		var ids []int64
		for _, n := range full {
			ids = append(ids, n.ID)
		}
		must(t, slices.Equal(ids, paged), "paged %v, all at once %v", paged, ids)
	})
}

// TestAccountsQueueTimeLeft: the account manager's "My accounts" queue
// shows each request's SLA time left, like the other queues, not "–".
func TestAccountsQueueTimeLeft(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	must(t, e.desk.SetTAM(ctx, e.actor("sam"), e.fabrikam.ID, e.users["lena"].ID) == nil, "set the account manager")
	triaged := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
	sevA, sevB := casedesk.SeverityA, casedesk.SeverityB
	_, err := e.desk.UpdateRequest(ctx, e.actor("agent"), triaged.Number, desk.RequestPatch{Severity: &sevA})
	must(t, err == nil, "severity: %v", err)
	noTarget := e.openRequest("anna", e.fabrikam.ID, "Teams meeting recordings") // business B: no time committed
	_, err = e.desk.UpdateRequest(ctx, e.actor("agent"), noTarget.Number, desk.RequestPatch{Severity: &sevB})
	must(t, err == nil, "severity: %v", err)
	waiting := e.openRequest("markus", e.fabrikam.ID, "Calendar sharing fails")
	e.clock.Add(10 * time.Minute)

	c := e.client()
	c.signIn("lena")
	st, page := c.get("/console?view=accounts")
	must(t, st == http.StatusOK, "accounts: %d", st)
	row := func(number string) string {
		m := regexp.MustCompile(`(?s)<tr data-number="` + number + `".*?</tr>`).FindString(page)
		must(t, m != "", "no row for %s:\n%s", number, page)
		return m
	}
	must(t, regexp.MustCompile(`<time class="left left-running" datetime="[^"]+" data-due="[^"]+">\d`).MatchString(row(triaged.Number)),
		"the triaged request shows no time left:\n%s", row(triaged.Number))
	must(t, strings.Contains(row(waiting.Number), "10m 00s"), "the request awaiting triage does not say how long it waits:\n%s", row(waiting.Number))
	must(t, strings.Contains(row(noTarget.Number), "no target"), "the request without a target does not say so:\n%s", row(noTarget.Number))
	must(t, !strings.Contains(page, `<span class="left">–</span>`), "a row shows –:\n%s", page)
}

// TestLinkShowsOnBoth: a link between two requests shows on both, in the
// console and in the portal.
func TestLinkShowsOnBoth(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		withConsoleStaff(t, e)
		a := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
		b := e.openRequest("anna", e.fabrikam.ID, "Calendar sharing fails")
		_, err := e.desk.Link(context.Background(), e.actor("lena"), a.Number, b.Number)
		must(t, err == nil, "link: %v", err)
		console, portal := e.client(), e.client()
		console.signIn("lena")
		portal.signIn("anna")
		for _, c := range []struct {
			cl         *client
			base       string
			from, with string
		}{{console, "/console/requests/", a.Number, b.Number}, {console, "/console/requests/", b.Number, a.Number},
			{portal, "/requests/", a.Number, b.Number}, {portal, "/requests/", b.Number, a.Number}} {
			st, page := c.cl.get(c.base + c.from)
			must(t, st == http.StatusOK, "%s%s: %d", c.base, c.from, st)
			m := regexp.MustCompile(`(?s)<dd id="linked">(.*?)</dd>`).FindStringSubmatch(page)
			must(t, m != nil && strings.Contains(m[1], `href="`+c.base+c.with+`"`), "%s%s does not show its link to %s", c.base, c.from, c.with)
		}
	})
}

// TestCustomerSeesAccountManager: a customer's people (and its partner)
// see who their technical account manager is on the home page; an
// organization without one shows none.
func TestCustomerSeesAccountManager(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	must(t, e.desk.SetTAM(context.Background(), e.actor("sam"), e.fabrikam.ID, e.users["lena"].ID) == nil, "set the account manager")
	for _, key := range []string{"anna", "thomas", "priya"} {
		c := e.client()
		c.signIn(key)
		_, page := c.get("/")
		must(t, regexp.MustCompile(`id="tam"><strong>Lena Fischer</strong> · <a href="mailto:lena@example.test">`).MatchString(page),
			"%s does not see Fabrikam's account manager:\n%s", key, page)
	}
	c := e.client()
	c.signIn("wei")
	_, page := c.get("/")
	must(t, !strings.Contains(page, `id="tam"`), "Yunfan, which has no account manager, shows one")
}

// TestConsoleOrgSpeaksAsStaff: the console's organization page reports the
// customer's survey answers in the staff's voice, not the customer's.
func TestConsoleOrgSpeaksAsStaff(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	ctx := context.Background()
	r := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")
	resolved := casedesk.StatusResolved
	_, err := e.desk.UpdateRequest(ctx, e.actor("lena"), r.Number, desk.RequestPatch{Status: &resolved})
	must(t, err == nil, "resolve: %v", err)
	_, err = e.desk.AnswerSurvey(ctx, e.actor("anna"), r.Number, 4, "")
	must(t, err == nil, "survey: %v", err)
	c := e.client()
	c.signIn("lena")
	_, page := c.get("/console/organizations/" + itoa(e.fabrikam.ID))
	m := regexp.MustCompile(`(?s)<ul id="surveys">.*?</ul>`).FindString(page)
	must(t, strings.Contains(m, "rated 4 of 5 (satisfied)") && !strings.Contains(m, "You "), "surveys: %s", m)
}

// TestPresalesHours: the pre-sales page says once when sales answer
// (Monday to Friday, business hours) and no line claims "24 hours, 7 days".
func TestPresalesHours(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	_, page := e.client().get("/presales")
	m := regexp.MustCompile(`(?s)<h2 id="h-call">.*?</section>`).FindString(page)
	must(t, strings.Contains(m, "Monday to Friday") && !strings.Contains(m, "24 hours"), "pre-sales phones: %s", m)
	must(t, strings.Contains(m, `<ul class="phones" id="sales-phones"><li>`), "no sales line listed: %s", m)
}
