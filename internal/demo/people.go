package demo

import (
	"time"

	"github.com/casedesk/casedesk"
)

// Password is the password of every demo account. It is printed by
// "casedesk demo" and documented in the README; never use the demo data
// directory for anything real.
const Password = "demo-password-1"

// Provider and operator, created by desk.Bootstrap.
const (
	ProviderName  = "Contoso Cloud"
	OperatorEmail = "operator@casedesk.demo"
	operatorName  = "Morgan Reed"
)

// person is one demo account.
type person struct {
	email, name string
	role        casedesk.Role
	lang, tz    string
	phone       string
	langs       []string // agents: languages they work in
	regions     []string // agents: countries they cover
	skills      []string // agents: categories and product codes
}

// staff are the provider's people besides the operator.
var staff = []person{
	{email: "sarah.mitchell@contoso.demo", name: "Sarah Mitchell", role: casedesk.RoleSupervisor, lang: "en", tz: "America/New_York",
		phone: "+1 212 555 0100", langs: []string{"en"}, regions: []string{"US", "GB", "DE", "JP", "CN"},
		skills: []string{"presales", "billing", "technical"}},
	{email: "emily.carter@contoso.demo", name: "Emily Carter", role: casedesk.RoleAgent, lang: "en", tz: "America/Chicago",
		phone: "+1 312 555 0110", langs: []string{"en"}, regions: []string{"US"},
		skills: []string{"technical", "mail", "identity", "sites", "meetings"}},
	{email: "oliver.bennett@contoso.demo", name: "Oliver Bennett", role: casedesk.RoleAgent, lang: "en", tz: "Europe/London",
		phone: "+44 20 7946 0110", langs: []string{"en"}, regions: []string{"GB"},
		skills: []string{"presales", "billing", "admin", "technical"}},
	{email: "liu.yang@contoso.demo", name: "刘洋", role: casedesk.RoleAgent, lang: "zh-CN", tz: "Asia/Shanghai",
		phone: "+86 21 5555 0110", langs: []string{"zh-CN", "en"}, regions: []string{"CN"},
		skills: []string{"technical", "billing", "mail", "identity", "meetings"}},
	{email: "lukas.fischer@contoso.demo", name: "Lukas Fischer", role: casedesk.RoleAgent, lang: "de", tz: "Europe/Berlin",
		phone: "+49 89 5555 0110", langs: []string{"de", "en"}, regions: []string{"DE", "AT", "CH"},
		skills: []string{"technical", "billing", "identity", "mail", "sites"}},
	{email: "yuki.tanaka@contoso.demo", name: "田中 由紀", role: casedesk.RoleAgent, lang: "ja", tz: "Asia/Tokyo",
		phone: "+81 3 5555 0110", langs: []string{"ja", "en"}, regions: []string{"JP"},
		skills: []string{"technical", "billing", "apps", "meetings", "sites"}},
}

// subscription is a plan an organization holds.
type subscription struct {
	plan  string
	seats int
	trial bool
	days  int // started this many days before now
	term  int // renews this many days after it started
}

// orgDef is a customer or partner organization and its people.
type orgDef struct {
	key      string
	kind     casedesk.OrgKind
	name     string
	country  string
	tz       string
	lang     string
	days     int // joined casedesk this many days before now
	subs     []subscription
	people   []person // global admin first
	requests int      // customer requests to open over the history
	native   float64  // share of requests written in the org's language (the rest in English)
	partner  float64  // share of requests the partner opens on the customer's behalf
}

// customers are the demo's customer organizations.
var customers = []*orgDef{
	{key: "fabrikam", kind: casedesk.OrgCustomer, name: "Fabrikam GmbH", country: "DE", tz: "Europe/Berlin", lang: "de", days: 62,
		subs: []subscription{{plan: "business-premium", seats: 180, days: 400, term: 365}},
		people: []person{
			{email: "anna.schmidt@fabrikam.demo", name: "Anna Schmidt", role: casedesk.RoleGlobalAdmin, phone: "+49 89 5555 0142"},
			{email: "markus.weber@fabrikam.demo", name: "Markus Weber", role: casedesk.RoleSupportAdmin, phone: "+49 89 5555 0143"},
			{email: "julia.hoffmann@fabrikam.demo", name: "Julia Hoffmann", role: casedesk.RoleBillingAdmin, phone: "+49 89 5555 0144"},
			{email: "thomas.mueller@fabrikam.demo", name: "Thomas Müller", role: casedesk.RoleUser, phone: "+49 89 5555 0145"},
		},
		requests: 70, native: 0.85, partner: 0.15},
	{key: "northwind", kind: casedesk.OrgCustomer, name: "Northwind Traders Inc.", country: "US", tz: "America/Chicago", lang: "en", days: 63,
		subs: []subscription{{plan: "e3", seats: 1250, days: 700, term: 1095}},
		people: []person{
			{email: "john.miller@northwind.demo", name: "John Miller", role: casedesk.RoleGlobalAdmin, phone: "+1 312 555 0147"},
			{email: "karen.davis@northwind.demo", name: "Karen Davis", role: casedesk.RoleSupportAdmin, phone: "+1 312 555 0148"},
			{email: "robert.wilson@northwind.demo", name: "Robert Wilson", role: casedesk.RoleBillingAdmin, phone: "+1 312 555 0149"},
			{email: "lisa.brown@northwind.demo", name: "Lisa Brown", role: casedesk.RoleUser, phone: "+1 312 555 0150"},
		},
		requests: 80, native: 1},
	{key: "hinode", kind: casedesk.OrgCustomer, name: "Hinode Retail K.K.", country: "JP", tz: "Asia/Tokyo", lang: "ja", days: 60,
		subs: []subscription{{plan: "f1", seats: 2400, days: 250, term: 365}},
		people: []person{
			{email: "haruto.sato@hinode.demo", name: "佐藤 陽斗", role: casedesk.RoleGlobalAdmin, phone: "+81 3 5555 0163"},
			{email: "yui.suzuki@hinode.demo", name: "鈴木 結衣", role: casedesk.RoleSupportAdmin, phone: "+81 3 5555 0164"},
			{email: "kenji.takahashi@hinode.demo", name: "高橋 健二", role: casedesk.RoleBillingAdmin, phone: "+81 3 5555 0165"},
			{email: "aoi.ito@hinode.demo", name: "伊藤 葵", role: casedesk.RoleUser, phone: "+81 3 5555 0166"},
		},
		requests: 58, native: 0.85},
	{key: "yunfan", kind: casedesk.OrgCustomer, name: "Yunfan Technology Co., Ltd.", country: "CN", tz: "Asia/Shanghai", lang: "zh-CN", days: 58,
		subs: []subscription{{plan: "e3", seats: 800, days: 500, term: 365}, {plan: "elevated-support", seats: 800, days: 90, term: 365}},
		people: []person{
			{email: "wei.zhang@yunfan.demo", name: "张伟", role: casedesk.RoleGlobalAdmin, phone: "+86 21 5555 0178"},
			{email: "na.li@yunfan.demo", name: "李娜", role: casedesk.RoleSupportAdmin, phone: "+86 21 5555 0179"},
			{email: "min.chen@yunfan.demo", name: "陈敏", role: casedesk.RoleBillingAdmin, phone: "+86 21 5555 0180"},
			{email: "jie.zhao@yunfan.demo", name: "赵杰", role: casedesk.RoleUser, phone: "+86 21 5555 0181"},
		},
		requests: 62, native: 0.85},
	{key: "adatum", kind: casedesk.OrgCustomer, name: "Adatum Consulting Ltd", country: "GB", tz: "Europe/London", lang: "en", days: 21,
		subs: []subscription{{plan: "business", seats: 25, trial: true, days: 21, term: 30}},
		people: []person{
			{email: "james.taylor@adatum.demo", name: "James Taylor", role: casedesk.RoleGlobalAdmin, phone: "+44 20 7946 0321"},
			{email: "emma.clarke@adatum.demo", name: "Emma Clarke", role: casedesk.RoleSupportAdmin, phone: "+44 20 7946 0322"},
			{email: "daniel.evans@adatum.demo", name: "Daniel Evans", role: casedesk.RoleBillingAdmin, phone: "+44 20 7946 0323"},
			{email: "sophie.walker@adatum.demo", name: "Sophie Walker", role: casedesk.RoleUser, phone: "+44 20 7946 0324"},
		},
		requests: 30, native: 1, partner: 0.3},
}

// partner is the partner organization; the customers with a partner share
// above zero delegate admin to it.
var partner = &orgDef{key: "proseware", kind: casedesk.OrgPartner, name: "Proseware Solutions Ltd", country: "GB",
	tz: "Europe/London", lang: "en", days: 64,
	people: []person{
		{email: "priya.patel@proseware.demo", name: "Priya Patel", role: casedesk.RolePartnerAdmin, phone: "+44 161 496 0750"},
	}}

// Account is a demo sign-in.
type Account struct {
	Email string
	Name  string
	Role  casedesk.Role
	Org   string
	Kind  casedesk.OrgKind
}

// Accounts lists every demo account, provider first, all with Password.
func Accounts() []Account {
	out := []Account{{Email: OperatorEmail, Name: operatorName, Role: casedesk.RoleOperator, Org: ProviderName, Kind: casedesk.OrgProvider}}
	for _, p := range staff {
		out = append(out, Account{Email: p.email, Name: p.name, Role: p.role, Org: ProviderName, Kind: casedesk.OrgProvider})
	}
	for _, o := range append(append([]*orgDef{}, customers...), partner) {
		for _, p := range o.people {
			out = append(out, Account{Email: p.email, Name: p.name, Role: p.role, Org: o.name, Kind: o.kind})
		}
	}
	return out
}

// prospect is an anonymous visitor's pre-sales question and how it went.
type prospect struct {
	name, company, email, country, lang, plan string
	question                                  string
	reply                                     string // the agent's answer, "" while new
	agent                                     string // who answers
	final                                     casedesk.Status
	days                                      float64 // submitted this many days before now
}

var prospects = []prospect{
	{name: "Michael Chen", company: "Lakeshore Dental Group", email: "m.chen@lakeshore-dental.example", country: "US", lang: "en", plan: "Business Premium",
		question: "Pricing for 50 users on Business Premium\nWe are a group of dental practices with 50 staff. What does Business Premium cost per user per month with annual billing, and is there a discount for nonprofits? We currently run a local mail server.",
		reply:    "Thank you for your interest. Business Premium is billed per user per month; with an annual commitment you pay the list price on our pricing page, and registered nonprofits qualify for a discount. I have sent a quote for 50 users to your email address. A partner can also help you move from your local mail server.",
		agent:    "emily.carter@contoso.demo", final: casedesk.StatusResolved, days: 30},
	{name: "Katrin Vogel", company: "Vogel Maschinenbau AG", email: "k.vogel@vogel-maschinenbau.example", country: "DE", lang: "de", plan: "E3 / F1",
		question: "Unterschied zwischen E1, E3 und F1\nWas ist der Unterschied zwischen E1 und E3 für unsere 400 Mitarbeitenden? 250 davon arbeiten in der Produktion ohne eigenen PC – brauchen diese wirklich eine E-Lizenz, oder reicht F1?",
		reply:    "Vielen Dank für Ihre Anfrage. E3 enthält gegenüber E1 die Desktop-Apps und erweiterte Compliance-Funktionen. Für Mitarbeitende ohne eigenen PC, die vor allem mobil und im Browser arbeiten, ist F1 gedacht; viele Kunden kombinieren E3 für die Verwaltung mit F1 für die Produktion. Gern erstellen wir Ihnen ein Angebot für diese Aufteilung.",
		agent:    "lukas.fischer@contoso.demo", final: casedesk.StatusOpen, days: 9},
	{name: "山本 健一", company: "山本精機株式会社", email: "kenichi.yamamoto@yamamoto-seiki.example", country: "JP", lang: "ja", plan: "Business",
		question: "無料試用版について\n無料試用版を開始したいのですが、試用期間中に既存のドメインを設定できますか。また、試用期間の終了後、データはどのくらい保持されますか。",
		agent:    "yuki.tanaka@contoso.demo", final: casedesk.StatusNew, days: 0.3},
	{name: "周婷", company: "杭州明德学校", email: "zhou.ting@mingde-school.example", country: "CN", lang: "zh-CN", plan: "Education",
		question: "私立学校能否购买教育版？\n我们是一所有 120 名教职工的私立学校。请问教育版是否适用于私立学校？需要提供哪些资质证明？",
		reply:    "感谢您的咨询。经认证的私立学校同样可以购买教育版。请提供办学许可证或教育主管部门的批准文件，审核通常需要 3 至 5 个工作日。审核通过后，我们会为您发送报价。",
		agent:    "liu.yang@contoso.demo", final: casedesk.StatusOpen, days: 3},
	{name: "Grace Thompson", company: "Thompson & Hale Solicitors", email: "grace.thompson@thompsonhale.example", country: "GB", lang: "en", plan: "Mail (standalone plan)",
		question: "Finding a partner for our mail migration\nWe are a law firm with 35 staff moving off an on-premises mail server. Can you recommend a partner near Manchester who can do the migration, and does the standalone Mail plan include archiving?",
		reply:    "Thank you for getting in touch. I have passed your details to two certified partners in the North West who specialise in migrations for law firms; they will contact you this week. The standalone Mail plan includes a 50 GB mailbox and an online archive.",
		agent:    "oliver.bennett@contoso.demo", final: casedesk.StatusClosed, days: 40},
	{name: "David Ross", company: "City of Riverton", email: "d.ross@riverton-city.example", country: "US", lang: "en", plan: "US Government E3",
		question: "Eligibility for the US Government E3 plan\nIs the US Government E3 plan available to a city government, and what do we need to provide to prove eligibility?",
		agent:    "emily.carter@contoso.demo", final: casedesk.StatusNew, days: 1.2},
	{name: "Ahmed Khan", company: "Khan Logistics LLC", email: "ahmed.khan@khan-logistics.example", country: "AE", lang: "en",
		question: "Adding subscriptions to our volume licensing agreement\nWe already buy another product through a volume licensing agreement. Can we add your subscriptions to the same agreement and use the same license keys portal?",
		reply:    "Licenses and keys bought through a volume licensing agreement are handled by the licensing service center, which can tell you whether subscriptions can be added to your agreement. I have forwarded your question to them. Technical and billing questions about the subscriptions themselves come to us as usual.",
		agent:    "sarah.mitchell@contoso.demo", final: casedesk.StatusResolved, days: 12},
	{name: "Petra Lang", company: "Lang Architekten ZT GmbH", email: "p.lang@lang-architekten.example", country: "AT", lang: "de", plan: "Sites (standalone plan)",
		question: "Nur Dateiablage, keine E-Mail\nWir benötigen für 12 Personen nur Dateiablage und Websites, keine E-Mail. Gibt es dafür einen eigenen Plan?",
		reply:    "Ja, dafür gibt es den eigenständigen Plan „Sites“ ohne E-Mail. Er umfasst Dateiablage, Websites und externe Freigabe. Bitte teilen Sie uns mit, ob Sie monatlich oder jährlich abrechnen möchten; dann senden wir Ihnen ein Angebot.",
		agent:    "lukas.fischer@contoso.demo", final: casedesk.StatusWaiting, days: 5},
}

// day is a day as a duration, for readability.
const day = 24 * time.Hour
