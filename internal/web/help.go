package web

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/casedesk/casedesk"
)

// builtinArticles is the portal's small set of self-service guides, until
// the knowledge base supplies articles through ArticleSource.
type builtinArticles struct{}

type articleText struct{ Title, Summary, Body string }

type guide struct {
	slug string
	text map[string]articleText // by portal language
}

var guides = []guide{
	{"reset-user-password", map[string]articleText{
		"en": {"Reset a user's password", "Admins can reset a password from the admin center in a minute.",
			"1. Sign in to the admin center as a global or password admin.\n2. Open **Users**, choose the user and select **Reset password**.\n3. Give the user the new temporary password; they change it at the next sign-in.\n\nIf the user is synchronized from your on-premises directory, reset the password there instead."},
		"zh-CN": {"重置用户密码", "管理员可以在管理中心一分钟内重置密码。",
			"1. 以全局管理员或密码管理员身份登录管理中心。\n2. 打开**用户**，选择该用户，然后选择**重置密码**。\n3. 把新的临时密码告诉用户；用户下次登录时修改密码。\n\n如果用户是从本地目录同步的，请在本地目录中重置密码。"},
	}},
	{"mail-flow", map[string]articleText{
		"en": {"Mail is not arriving", "Check the domain's MX record, the message trace and the quarantine.",
			"1. Check that your domain's **MX record** points to the service (admin center → Domains → DNS records).\n2. Run a **message trace** for a recent message to see where it stopped.\n3. Look in the **quarantine** for messages held as spam.\n\nIf mail stopped for many users at once, open a technical request with severity A."},
		"zh-CN": {"收不到邮件", "检查域的 MX 记录、邮件跟踪和隔离区。",
			"1. 确认域的 **MX 记录**指向本服务（管理中心 → 域 → DNS 记录）。\n2. 对最近的一封邮件运行**邮件跟踪**，查看它在哪一步停止。\n3. 在**隔离区**中查找被当作垃圾邮件拦截的邮件。\n\n如果许多用户同时收不到邮件，请提交严重性为 A 的技术请求。"},
	}},
	{"add-domain", map[string]articleText{
		"en": {"Add and verify a domain", "Add your own domain and verify it with a TXT record.",
			"1. In the admin center open **Domains** and select **Add domain**.\n2. Add the **TXT record** shown to your DNS host and select **Verify**.\n3. Add the remaining records (MX, CNAME for autodiscover, SPF).\n\nDNS changes can take up to 72 hours to be seen everywhere."},
		"zh-CN": {"添加并验证域", "添加自己的域，并用 TXT 记录验证。",
			"1. 在管理中心打开**域**，选择**添加域**。\n2. 在 DNS 服务商处添加显示的 **TXT 记录**，然后选择**验证**。\n3. 添加其余记录（MX、用于自动发现的 CNAME、SPF）。\n\nDNS 更改最多可能需要 72 小时才能全部生效。"},
	}},
	{"licenses", map[string]articleText{
		"en": {"Add or remove licenses", "Billing admins change the number of licenses in the admin center.",
			"1. Open **Billing → Your products** and choose the subscription.\n2. Select **Add licenses** or **Remove licenses** and confirm.\n3. Assign the new licenses under **Users**.\n\nRemoved licenses are credited on the next invoice. For invoice questions open a billing request."},
		"zh-CN": {"增加或减少许可证", "账单管理员可在管理中心更改许可证数量。",
			"1. 打开**账单 → 你的产品**，选择订阅。\n2. 选择**增加许可证**或**减少许可证**并确认。\n3. 在**用户**中分配新的许可证。\n\n减少的许可证会在下一张发票中抵扣。关于发票的问题，请提交账单请求。"},
	}},
	{"sign-in-problems", map[string]articleText{
		"en": {"Users cannot sign in", "Check the account, the licence and single sign-on.",
			"1. Check that the account is **active** and has a **licence**.\n2. If you use **single sign-on**, check that your identity provider's certificate has not expired.\n3. Ask the user to try a private browser window to rule out cached credentials.\n\nIf nobody can sign in, open a technical request with severity A."},
		"zh-CN": {"用户无法登录", "检查账户、许可证和单一登录。",
			"1. 确认账户处于**启用**状态并已分配**许可证**。\n2. 如果使用**单一登录**，确认身份提供方的证书没有过期。\n3. 请用户在浏览器的隐私窗口中重试，以排除缓存的凭据。\n\n如果所有人都无法登录，请提交严重性为 A 的技术请求。"},
	}},
	{"meetings-audio", map[string]articleText{
		"en": {"No sound in meetings", "Check the device settings and the app's permissions.",
			"1. In the meetings app open **Settings → Devices** and choose the right speaker and microphone.\n2. Allow the app to use the microphone in the operating system's privacy settings.\n3. Make a **test call**.\n\nIf nobody in the organization can join meetings, open a technical request with severity A."},
		"zh-CN": {"会议中没有声音", "检查设备设置和应用权限。",
			"1. 在会议应用中打开**设置 → 设备**，选择正确的扬声器和麦克风。\n2. 在操作系统的隐私设置中允许应用使用麦克风。\n3. 进行一次**测试通话**。\n\n如果组织中没有人能加入会议，请提交严重性为 A 的技术请求。"},
	}},
}

func (g guide) in(lang string) Article {
	t, ok := g.text[lang]
	if !ok {
		t = g.text["en"]
	}
	return Article{Slug: g.slug, Title: t.Title, Summary: t.Summary, Body: t.Body}
}

// Suggest scores the guides by the query's words (for Chinese, its
// two-character pieces) found in their text.
func (builtinArticles) Suggest(_ context.Context, lang, query string, n int) []Article {
	terms := searchTerms(query)
	type scored struct {
		a     Article
		score int
		i     int
	}
	var list []scored
	for i, g := range guides {
		a := g.in(lang)
		en := g.in("en")
		text := strings.ToLower(a.Title + " " + a.Title + " " + a.Summary + " " + a.Body + " " + en.Title + " " + en.Summary)
		score := 0
		for _, t := range terms {
			score += strings.Count(text, t)
		}
		if len(terms) == 0 || score > 0 {
			list = append(list, scored{a, score, i})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].score > list[j].score })
	out := []Article{}
	for _, s := range list {
		if len(out) == n {
			break
		}
		out = append(out, s.a)
	}
	return out
}

var stopWords = map[string]bool{"the": true, "a": true, "an": true, "to": true, "is": true, "are": true, "not": true, "and": true,
	"or": true, "of": true, "in": true, "on": true, "for": true, "my": true, "our": true, "we": true, "can": true, "cannot": true,
	"how": true, "do": true, "does": true, "i": true, "it": true, "with": true, "from": true}

func searchTerms(q string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		if unicode.Is(unicode.Han, rs[0]) {
			for i := 0; i+1 < len(rs); i++ {
				out = append(out, string(rs[i:i+2]))
			}
			continue
		}
		if len(rs) >= 3 && !stopWords[w] {
			if len(rs) > 5 {
				w = string(rs[:len(rs)-1]) // a crude stem: "passwords" finds "password"
			}
			out = append(out, w)
		}
		if len(out) > 20 {
			break
		}
	}
	return out
}

// Article returns the guide with the slug.
func (builtinArticles) Article(_ context.Context, lang, slug string) (Article, bool) {
	for _, g := range guides {
		if g.slug == slug {
			return g.in(lang), true
		}
	}
	return Article{}, false
}

func (s *Server) help(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title, p.Nav = p.T("help.title"), "help"
	q := r.URL.Query().Get("q")
	p.Form = map[string]string{"q": q}
	p.Data = s.articles.Suggest(r.Context(), p.Lang, q, 20)
	return s.render(w, r, p, "help", http.StatusOK)
}

func (s *Server) article(w http.ResponseWriter, r *http.Request, p *page) error {
	a, ok := s.articles.Article(r.Context(), p.Lang, r.PathValue("slug"))
	if !ok {
		return casedesk.Errorf(casedesk.ENOTFOUND, "article not found")
	}
	p.Title, p.Nav = a.Title, "help"
	p.Data = struct {
		Article Article
		Body    template.HTML
	}{a, s.md.render(a.Body)}
	return s.render(w, r, p, "article", http.StatusOK)
}

// suggest answers the script's article suggestions while a title is typed.
func (s *Server) suggest(w http.ResponseWriter, r *http.Request, p *page) error {
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		q = q[:200]
	}
	type item struct {
		Title   string `json:"title"`
		Summary string `json:"summary"`
		URL     string `json:"url"`
	}
	items := []item{}
	if strings.TrimSpace(q) != "" {
		for _, a := range s.articles.Suggest(r.Context(), p.Lang, q, 3) {
			items = append(items, item{a.Title, a.Summary, "/help/" + a.Slug})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]any{"items": items, "heading": p.T("new.suggest.heading")})
}
