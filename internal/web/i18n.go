package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The message catalogues, one JSON object per language: key → text, with
// fmt verbs (%[1]s…) where values go in. A test keeps them complete.
//
//go:embed i18n/*.json
var i18nFS embed.FS

// Languages are the portal's languages, in the order the switch shows them.
var Languages = []string{"en", "zh-CN"}

type catalog map[string]string

var catalogs = loadCatalogs()

func loadCatalogs() map[string]catalog {
	out := map[string]catalog{}
	for _, l := range Languages {
		b, err := i18nFS.ReadFile("i18n/" + l + ".json")
		if err != nil {
			panic(err)
		}
		var c catalog
		if err := json.Unmarshal(b, &c); err != nil {
			panic(fmt.Sprintf("web: catalogue %s: %v", l, err))
		}
		out[l] = c
	}
	return out
}

// t returns the text of key with args formatted in; a missing key shows as
// itself, so it is noticed (and the catalogue test fails).
func (c catalog) t(key string, args ...any) string {
	s, ok := c[key]
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(s, "%") {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// supported maps a language tag to a portal language.
func supported(tag string) (string, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "en" || strings.HasPrefix(tag, "en-"):
		return "en", true
	case tag == "zh" || tag == "zh-cn" || strings.HasPrefix(tag, "zh-hans") || tag == "zh-sg":
		return "zh-CN", true
	}
	return "", false
}

// acceptLanguage picks the best supported language of an Accept-Language header.
func acceptLanguage(h string) (string, bool) {
	type pref struct {
		lang string
		q    float64
		i    int
	}
	var prefs []pref
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := supported(tag); ok && q > 0 {
			prefs = append(prefs, pref{l, q, i})
		}
	}
	if len(prefs) == 0 {
		return "", false
	}
	sort.SliceStable(prefs, func(a, b int) bool { return prefs[a].q > prefs[b].q })
	return prefs[0].lang, true
}

// localize chooses the page's language — the user's setting, else the
// language cookie, else Accept-Language, else English — and time zone.
func (s *Server) localize(r *http.Request, p *page) {
	lang, ok := "", false
	if !p.Actor.Anonymous() {
		lang, ok = supported(p.User.Language)
	}
	if !ok {
		if c, err := s.cookie(r, langCookie); err == nil {
			lang, ok = supported(c.Value)
		}
	}
	if !ok {
		lang, ok = acceptLanguage(r.Header.Get("Accept-Language"))
	}
	if !ok {
		lang = "en"
	}
	p.Lang, p.cat = lang, catalogs[lang]
	if !p.Actor.Anonymous() {
		p.loc = s.zones.get(p.User.TimeZone)
	}
}
