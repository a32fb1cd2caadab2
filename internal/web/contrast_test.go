package web

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The contrast test reads the embedded style sheets the pages load and
// computes WCAG 2.2 contrast ratios from the colours they declare: the text
// of every badge and pill at least 4.5:1 on its own background, the focus
// outline at least 3:1 on every surface it can be drawn on. A colour change
// that breaks either fails here, before a browser is started.

// rgb is a colour in sRGB, 0–255 per channel.
type rgb [3]float64

// luminance is WCAG 2.2's relative luminance.
func (c rgb) luminance() float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c[0]) + 0.7152*lin(c[1]) + 0.0722*lin(c[2])
}

// contrast is WCAG 2.2's contrast ratio, from 1 to 21.
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// ContrastRGB is contrast for the browser tests, which read computed
// colours as integer channels.
func ContrastRGB(a, b []int) float64 {
	if len(a) < 3 || len(b) < 3 {
		return 0
	}
	return contrast(rgb{float64(a[0]), float64(a[1]), float64(a[2])}, rgb{float64(b[0]), float64(b[1]), float64(b[2])})
}

// parseColor reads the colour notations the style sheets use. ok is false
// for anything else (transparent, url(…), inherit), so a declaration
// that is not a plain colour is never mistaken for one.
func parseColor(s string) (rgb, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "white":
		return rgb{255, 255, 255}, true
	case "black":
		return rgb{0, 0, 0}, true
	}
	if !strings.HasPrefix(s, "#") {
		return rgb{}, false
	}
	h := s[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return rgb{}, false
	}
	var c rgb
	for i := range 3 {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return rgb{}, false
		}
		c[i] = float64(v)
	}
	return c, true
}

// cssRule is one rule of a style sheet: its selectors (split at top-level
// commas) and its declarations in order.
type cssRule struct {
	sheet     string
	selectors []string
	decls     [][2]string
}

// sheet is the rules of the embedded style sheets, in the order a console
// page loads them (app.css, then console.css), with :root's custom
// properties.
type sheet struct {
	rules []cssRule
	vars  map[string]string
}

var cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)

func loadSheets(t *testing.T, names ...string) *sheet {
	t.Helper()
	s := &sheet{vars: map[string]string{}}
	for _, name := range names {
		b, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		s.parse(name, cssComment.ReplaceAllString(string(b), ""))
	}
	for _, r := range s.rules {
		if slices.Contains(r.selectors, ":root") {
			for _, d := range r.decls {
				if strings.HasPrefix(d[0], "--") {
					s.vars[d[0]] = d[1]
				}
			}
		}
	}
	return s
}

// parse reads rules, descending into at-rule blocks (@media).
func (s *sheet) parse(name, css string) {
	for {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			return
		}
		prelude := strings.TrimSpace(css[:open])
		depth, end := 0, -1
		for i := open; i < len(css); i++ {
			if css[i] == '{' {
				depth++
			} else if css[i] == '}' {
				depth--
				if depth == 0 {
					end = i
					break
				}
			}
		}
		if end < 0 {
			return
		}
		body := css[open+1 : end]
		css = css[end+1:]
		if strings.HasPrefix(prelude, "@") {
			s.parse(name, body)
			continue
		}
		r := cssRule{sheet: name, selectors: splitTop(prelude)}
		for _, d := range strings.Split(body, ";") {
			k, v, ok := strings.Cut(d, ":")
			if ok {
				r.decls = append(r.decls, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
			}
		}
		s.rules = append(s.rules, r)
	}
}

// splitTop splits a selector list at the commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// resolve replaces var(--name) and var(--name, fallback) by their values.
func (s *sheet) resolve(v string) string {
	for range 10 {
		i := strings.Index(v, "var(")
		if i < 0 {
			return v
		}
		j := strings.IndexByte(v[i:], ')')
		if j < 0 {
			return v
		}
		name, fallback, _ := strings.Cut(v[i+4:i+j], ",")
		val, ok := s.vars[strings.TrimSpace(name)]
		if !ok {
			val = strings.TrimSpace(fallback)
		}
		v = v[:i] + val + v[i+j+1:]
	}
	return v
}

// colorIn is the first colour among the words of a value (the colour of a
// "background" or "outline" shorthand).
func (s *sheet) colorIn(v string) (rgb, bool) {
	for _, w := range strings.Fields(s.resolve(v)) {
		if c, ok := parseColor(w); ok {
			return c, true
		}
	}
	return rgb{}, false
}

var classSelector = regexp.MustCompile(`^(\.[a-zA-Z][\w-]*)+$`)

// style is the color and background an element with the given classes
// gets from the rules whose selector is made of its classes only, later
// and more specific rules winning, as in the browser's cascade. An
// element's color falls back to what it inherits, its background to the
// surface it sits on.
func (s *sheet) style(t *testing.T, classes string, inherit, surface rgb) (fg, bg rgb) {
	t.Helper()
	has := strings.Fields(classes)
	type hit struct {
		spec, order int
		prop, val   string
	}
	var hits []hit
	for i, r := range s.rules {
		for _, sel := range r.selectors {
			if !classSelector.MatchString(sel) {
				continue
			}
			parts := strings.Split(sel[1:], ".")
			if !allIn(parts, has) {
				continue
			}
			for _, d := range r.decls {
				hits = append(hits, hit{len(parts), i, d[0], d[1]})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.spec != b.spec {
			return a.spec - b.spec
		}
		return a.order - b.order
	})
	fg, bg = inherit, surface
	for _, h := range hits {
		switch h.prop {
		case "color":
			c, ok := s.colorIn(h.val)
			if !ok {
				t.Fatalf("%s: color %q is not a colour this test reads", classes, h.val)
			}
			fg = c
		case "background", "background-color":
			if c, ok := s.colorIn(h.val); ok {
				bg = c
			}
		}
	}
	return fg, bg
}

func allIn(parts, set []string) bool {
	for _, p := range parts {
		if !slices.Contains(set, p) {
			return false
		}
	}
	return true
}

// decl is the last value of prop in the rules with exactly this selector.
func (s *sheet) decl(t *testing.T, selector, prop string) string {
	t.Helper()
	v := ""
	for _, r := range s.rules {
		if slices.Contains(r.selectors, selector) {
			for _, d := range r.decls {
				if d[0] == prop {
					v = d[1]
				}
			}
		}
	}
	if v == "" {
		t.Fatalf("no %s in a rule for %s", prop, selector)
	}
	return s.resolve(v)
}

func (s *sheet) color(t *testing.T, selector, prop string) rgb {
	t.Helper()
	v := s.decl(t, selector, prop)
	c, ok := s.colorIn(v)
	if !ok {
		t.Fatalf("%s { %s: %s }: no colour", selector, prop, v)
	}
	return c
}

func hexOf(c rgb) string { return fmt.Sprintf("#%02x%02x%02x", int(c[0]), int(c[1]), int(c[2])) }

func TestContrastRatio(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000", "#fff", 21}, {"#fff", "#fff", 1}, {"#777", "#fff", 4.48}, {"#ffbf47", "#f6f8fa", 1.54}} {
		a, _ := parseColor(c.a)
		b, _ := parseColor(c.b)
		if got := contrast(a, b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

// TestBadgeContrast: every badge and pill at 4.5:1 or more, and every class
// of their families in the style sheets is one the test knows.
func TestBadgeContrast(t *testing.T) {
	s := loadSheets(t, "app.css", "console.css")
	fg := s.color(t, ":root", "color")
	page := s.color(t, ":root", "background")
	card := s.color(t, ".card", "background")
	brand := s.color(t, ".top", "background")
	white := s.color(t, ".top", "color")
	cases := []struct {
		what, classes   string
		inherit, behind rgb
	}{
		{"unread count in the header", "count", white, brand},
		{"elevated support", "badge", fg, card},
		{"internal note", "badge badge-note", fg, card},
		{"severity A", "sev sev-A", fg, card},
		{"severity B", "sev sev-B", fg, card},
		{"severity C", "sev sev-C", fg, card},
		{"no severity", "sev sev-none", fg, card},
		{"no severity on the page", "sev sev-none", fg, page},
		{"status new", "status st-new", fg, card},
		{"status open", "status st-open", fg, card},
		{"status waiting", "status st-waiting", fg, card},
		{"status resolved", "status st-resolved", fg, card},
		{"status closed", "status st-closed", fg, card},
		{"trial", "tag", fg, card},
		{"notice", "notice", fg, page},
		{"live notice", "live", fg, page},
		{"alert", "alert", fg, page},
		{"guidance", "guidance", fg, page},
	}
	known := map[string]bool{}
	for _, c := range cases {
		for _, cl := range strings.Fields(c.classes) {
			known[cl] = true
		}
		text, bg := s.style(t, c.classes, c.inherit, c.behind)
		if r := contrast(text, bg); r < 4.5 {
			t.Errorf("%s (.%s): %s on %s is %.2f:1, want at least 4.5:1", c.what, strings.ReplaceAll(c.classes, " ", "."), hexOf(text), hexOf(bg), r)
		}
	}
	// The unread count is a shape on the header: it must stand out from it
	// (WCAG 1.4.11, 3:1), not only carry readable text.
	if _, countBG := s.style(t, "count", white, brand); contrast(countBG, brand) < 3 {
		t.Errorf("the unread count's %s on the header's %s is %.2f:1, want at least 3:1", hexOf(countBG), hexOf(brand), contrast(countBG, brand))
	}
	family := regexp.MustCompile(`^(badge|count|sev|status|st|tag|notice|live|alert|guidance)(-|$)`)
	word := regexp.MustCompile(`\.([a-zA-Z][\w-]*)`)
	for _, r := range s.rules {
		for _, sel := range r.selectors {
			for _, m := range word.FindAllStringSubmatch(sel, -1) {
				if family.MatchString(m[1]) && !known[m[1]] {
					t.Errorf("%s: the badge or pill .%s (in %q) has no case in TestBadgeContrast", r.sheet, m[1], sel)
				}
			}
		}
	}
	// Any rule that sets both a text colour and a background sets a pair.
	for _, r := range s.rules {
		var text, bg *rgb
		for _, d := range r.decls {
			switch d[0] {
			case "color":
				if c, ok := s.colorIn(d[1]); ok {
					text = &c
				}
			case "background", "background-color":
				if c, ok := s.colorIn(d[1]); ok {
					bg = &c
				}
			}
		}
		if text != nil && bg != nil {
			if c := contrast(*text, *bg); c < 4.5 {
				t.Errorf("%s: %s { color: %s; background: %s } is %.2f:1, want at least 4.5:1", r.sheet, strings.Join(r.selectors, ", "), hexOf(*text), hexOf(*bg), c)
			}
		}
	}
}

// TestFocusContrast: the focus outline is at least 2 px, and its colour is
// at 3:1 or more against every light surface of the style sheets (the
// backgrounds dark text is written on) and, in the header, against the
// header's blue.
func TestFocusContrast(t *testing.T) {
	s := loadSheets(t, "app.css", "console.css")
	fg := s.color(t, ":root", "color")
	width := regexp.MustCompile(`(\d+(?:\.\d+)?)px`)
	// outline is the colour and width (0 when not set) of the outline the
	// rules with exactly this selector draw.
	outline := func(sel string) (rgb, float64) {
		var c rgb
		var w float64
		ok := false
		for _, r := range s.rules {
			if !slices.Contains(r.selectors, sel) {
				continue
			}
			for _, d := range r.decls {
				switch d[0] {
				case "outline":
					if m := width.FindStringSubmatch(d[1]); m != nil {
						w, _ = strconv.ParseFloat(m[1], 64)
					}
					c, ok = s.colorIn(d[1])
				case "outline-color":
					c, ok = s.colorIn(d[1])
				}
			}
		}
		if !ok {
			t.Fatalf("%s: no outline colour", sel)
		}
		return c, w
	}
	focus, w := outline(":focus-visible")
	if w < 2 {
		t.Errorf(":focus-visible: outline %v px, want at least 2", w)
	}
	// Every light surface: each background in the sheets that dark text sits on.
	surfaces := 0
	for _, r := range s.rules {
		for _, d := range r.decls {
			if d[0] != "background" && d[0] != "background-color" {
				continue
			}
			bg, ok := s.colorIn(d[1])
			if !ok || contrast(fg, bg) < 4.5 {
				continue
			}
			surfaces++
			if c := contrast(focus, bg); c < 3 {
				t.Errorf("focus outline %s on %s (%s: %s) is %.2f:1, want at least 3:1", hexOf(focus), hexOf(bg), r.sheet, strings.Join(r.selectors, ", "), c)
			}
		}
	}
	if surfaces < 10 {
		t.Errorf("only %d light surfaces found in the style sheets", surfaces)
	}
	// The header is blue: its outline is light.
	header := s.color(t, ".top", "background")
	onBrand, _ := outline(".top .bar :focus-visible")
	if c := contrast(onBrand, header); c < 3 {
		t.Errorf("focus outline in the header %s on %s is %.2f:1, want at least 3:1", hexOf(onBrand), hexOf(header), c)
	}
	// The skip link floats over the header: its outline is drawn inside its own box.
	if off := s.decl(t, ".skip:focus-visible", "outline-offset"); !strings.HasPrefix(off, "-") {
		t.Errorf(".skip:focus-visible: outline-offset %s, want it drawn inside the link", off)
	}
	if c := contrast(focus, s.color(t, ".skip", "background")); c < 3 {
		t.Errorf("focus outline on the skip link is %.2f:1, want at least 3:1", c)
	}
}
