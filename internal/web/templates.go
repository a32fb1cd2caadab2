package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// templates holds each page's template set per language: the layout and
// partials, the page, and the language's t and langOf functions.
type templates struct {
	m map[string]map[string]*template.Template
}

func (ts *templates) get(lang, name string) *template.Template { return ts.m[lang][name] }

func mustTemplates() *templates {
	base := template.New("").Funcs(template.FuncMap{
		"t":      func(key string, args ...any) string { return key },
		"static": staticPath,
		"add":    func(a, b int) int { return a + b },
		"seq":    seq,
		"list":   func(s ...string) []string { return s },
		"dict":   dict,
		"bytes":  humanBytes,
		"langOf": func(text string, hint ...string) string { return "" },
	})
	base = template.Must(base.ParseFS(templateFS, "templates/_*.html"))
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	ts := &templates{m: map[string]map[string]*template.Template{}}
	for _, lang := range Languages {
		cat := catalogs[lang]
		ts.m[lang] = map[string]*template.Template{}
		for _, f := range pages {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if strings.HasPrefix(name, "_") {
				continue
			}
			t := template.Must(base.Clone())
			t.Funcs(template.FuncMap{"t": cat.t, "langOf": func(text string, hint ...string) string { return langOf(lang, text, hint...) }})
			ts.m[lang][name] = template.Must(t.ParseFS(templateFS, f))
		}
	}
	return ts
}

func seq(a, b int) []int {
	var s []int
	for i := a; i <= b; i++ {
		s = append(s, i)
	}
	return s
}

// Static files are served under /static/ with their content hash in a query
// string, so they can be cached for a year and still change with a release.
// Only the right hash is immutable: a page of another release asking with
// an old or made-up hash gets today's file for a short while only.
var staticHashes = func() map[string]string {
	m := map[string]string{}
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := staticFS.ReadFile(p)
		sum := sha256.Sum256(b)
		m[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return m
}()

func staticPath(name string) string { return "/static/" + name + "?v=" + staticHashes[name] }

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := staticHashes[r.URL.Path]; !ok {
			http.NotFound(w, r)
			return
		}
		if v := r.URL.Query().Get("v"); v != "" && v == staticHashes[r.URL.Path] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	}))
}

// markdown renders messages: goldmark without raw HTML, then bluemonday's
// policy for user content, so whatever gets through is harmless.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &markdown{
		md:     goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithHardWraps())),
		policy: p,
	}
}

// render returns the sanitized HTML of a Markdown text.
func (m *markdown) render(src string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())) // #nosec: sanitized above
}

// dict builds a map from key, value pairs, for passing several values to a
// partial template.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

// humanBytes writes a file size for people: 56 B, 12 KB, 3.4 MB.
func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	}
	tenths := (n*10 + 512*1024) / (1024 * 1024)
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " MB"
}
