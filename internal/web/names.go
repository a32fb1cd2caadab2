package web

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"golang.org/x/text/collate"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Names of languages, countries and weekdays in the viewer's language. The
// data (people's languages, an organization's country) holds codes; a page
// shows names, from CLDR's tables in golang.org/x/text for the codes the
// catalogue does not name itself.

// displayTag is the CLDR language the page's names are in.
func (p *page) displayTag() language.Tag {
	if p.Lang == "zh-CN" {
		return language.SimplifiedChinese
	}
	return language.English
}

// LangName is a language's name from its BCP 47 tag ("de" → "German",
// "德语"): the catalogue's lang.<tag>, else CLDR's, else the tag itself.
func (p *page) LangName(tag string) string {
	if tag == "" {
		return ""
	}
	if v, ok := p.cat["lang."+tag]; ok {
		return v
	}
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if n := display.Tags(p.displayTag()).Name(t); n != "" {
		return n
	}
	return tag
}

// LangNames names each of tags, joined by the language's list separator.
func (p *page) LangNames(tags []string) string {
	out := ""
	for i, t := range tags {
		if i > 0 {
			out += p.T("list.sep")
		}
		out += p.LangName(t)
	}
	return out
}

// ProductNames names each product code (an agent's skills): the
// catalogue's product.<code>, else the code, which is the provider's own
// product's name.
func (p *page) ProductNames(codes []string) string {
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += p.T("list.sep")
		}
		out += p.Or("product."+c, c)
	}
	return out
}

// Country is a country's or region's name from its ISO 3166-1 alpha-2 code
// ("DE" → "Germany", "德国"), else the code.
func (p *page) Country(code string) string {
	return countryName(p.displayTag(), code)
}

func countryName(in language.Tag, code string) string {
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(in).Name(r); n != "" {
		return n
	}
	return code
}

// Units are the short units of a duration in the viewer's language: days,
// hours, minutes, seconds ("d h m s", "天 小时 分 秒").
func (p *page) Units() [4]string {
	var u [4]string
	copy(u[:], strings.Fields(p.T("unit.short")))
	return u
}

// UnitsAttr is Units for console.js (data-units).
func (p *page) UnitsAttr() string { return p.T("unit.short") }

// countryOption is one entry of a country picker.
type countryOption struct{ Code, Name string }

// countryOptions are the pickers' countries by language, sorted by name as
// the language sorts (pinyin for Chinese); built once, read-only after.
var countryOptions = sync.OnceValue(func() map[string][]countryOption {
	out := map[string][]countryOption{}
	for _, l := range Languages {
		in := language.MustParse(l)
		if l == "zh-CN" {
			in = language.SimplifiedChinese
		}
		opts := make([]countryOption, 0, len(casedesk.Countries()))
		for _, c := range casedesk.Countries() {
			opts = append(opts, countryOption{Code: c, Name: countryName(in, c)})
		}
		col := collate.New(in)
		slices.SortFunc(opts, func(a, b countryOption) int { return col.CompareString(a.Name, b.Name) })
		out[l] = opts
	}
	return out
})

// CountryOptions are the countries and regions ISO 3166-1 assigns, named
// in the viewer's language and sorted as it sorts.
func (p *page) CountryOptions() []countryOption { return countryOptions()[p.Lang] }

// ZoneOptions are the time zones a picker offers, current among them even
// when the list lacks it (an alias saved earlier).
func (p *page) ZoneOptions(current string) []string {
	if current == "" || slices.Contains(timeZones, current) {
		return timeZones
	}
	return append([]string{current}, timeZones...)
}

// Weekday is the short name of t's weekday ("Mon", "周一").
func (p *page) Weekday(t time.Time) string {
	return p.T("weekday." + t.Weekday().String()[:3])
}
