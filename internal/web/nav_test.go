package web_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestNavigationOffersWhatOpens: every link a page offers a signed-in user
// — the header, the console's sections, the page's own links — opens for
// them: no link leads to a refusal (the Supervisor section for agents was
// one). Each role's landing page and the console's pages are crawled one
// link deep. The operator, who does not work requests, lands on the
// administration page, and /console takes them there too.
func TestNavigationOffersWhatOpens(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	withConsoleStaff(t, e)
	r := e.openRequest("anna", e.fabrikam.ID, "Mail is not arriving")

	for _, key := range []string{"anna", "markus", "thomas", "priya", "wei", "agent", "lena", "sam", "operator"} {
		t.Run(key, func(t *testing.T) {
			c := e.client()
			c.signIn(key)
			st, home := c.get("/")
			must(t, st == http.StatusOK, "home: %d", st)
			if key == "operator" {
				must(t, strings.Contains(home, `id="admin-orgs"`) && strings.Contains(home, "Fabrikam GmbH"),
					"the operator's home is not the administration page:\n%s", home)
				must(t, !strings.Contains(home, `href="/console"`), "the operator is offered the console")
				st, page := c.get("/console")
				must(t, st == http.StatusOK && strings.Contains(page, `id="admin-orgs"`), "/console for the operator: %d", st)
			}
			start := []string{"/", "/help", "/account"}
			if strings.Contains(home, `href="/console"`) {
				start = append(start, "/console", "/console/requests/"+r.Number)
			}
			seen := map[string]bool{}
			var links []string
			for _, p := range start {
				st, page := c.get(p)
				must(t, st == http.StatusOK, "%s: %d", p, st)
				for _, l := range pageLinks(t, page) {
					if !seen[l] {
						seen[l] = true
						links = append(links, l)
					}
				}
			}
			sort.Strings(links)
			for _, l := range links {
				if st, _ := c.get(l); st != http.StatusOK {
					t.Errorf("%s is offered %s, which answers %d", key, l, st)
				}
			}
		})
	}
}

// pageLinks returns the page's links to its own site's pages (not static
// files, downloads, the API or the live streams), without fragments.
func pageLinks(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			href, _, _ := strings.Cut(attr(n, "href"), "#")
			if strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//") && !strings.HasPrefix(href, "/static/") &&
				!strings.HasPrefix(href, "/api/") && !strings.Contains(href, "/attachments/") && !strings.HasSuffix(href, "/live") {
				out = append(out, href)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
