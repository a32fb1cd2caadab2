package casedesk_test

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/casedesk/casedesk"

// documentedArrows reads the import arrows drawn in ARCHITECTURE.md's
// "Import arrows" block: for each package (named as there: "desk" for
// internal/desk, "." for the root), the project's packages its non-test code
// imports. A line "a, b ──► standard library …" says a and b import none.
// Words in parentheses are commentary.
func documentedArrows(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	paren := regexp.MustCompile(`\([^)]*\)`)
	arrows := map[string][]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## Import arrows"):
			in = true
			continue
		case !in || strings.HasPrefix(line, "```"):
			continue
		case strings.HasPrefix(line, "## "):
			in = false
			continue
		}
		from, to, ok := strings.Cut(line, "►")
		if !ok {
			continue
		}
		var targets []string
		if !strings.Contains(to, "standard library") {
			for _, p := range strings.Split(paren.ReplaceAllString(to, ""), ",") {
				if p = strings.TrimSpace(p); p != "" {
					targets = append(targets, p)
				}
			}
		}
		for _, p := range strings.Split(strings.TrimRight(from, "─ "), ",") {
			p = strings.TrimSpace(p)
			if _, dup := arrows[p]; dup {
				t.Errorf("ARCHITECTURE.md draws the arrows of %s twice", p)
			}
			arrows[p] = targets
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(arrows) == 0 {
		t.Fatal("ARCHITECTURE.md has no import arrows")
	}
	return arrows
}

// short names a package directory as ARCHITECTURE.md does.
func short(dir string) string {
	if dir == "" {
		return "."
	}
	return strings.TrimPrefix(dir, "internal/")
}

// TestImportArrows keeps ARCHITECTURE.md true: every package's non-test code
// imports exactly the project packages its arrows draw, no more and no
// fewer, and every package has its line. Tests may import any package but
// the binary.
func TestImportArrows(t *testing.T) {
	documented := documentedArrows(t)
	actual := map[string]map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if strings.Contains(dir, "testdata") {
			return nil
		}
		if dir == "." {
			dir = ""
		}
		pkg := short(dir)
		test := strings.HasSuffix(path, "_test.go")
		if !test && actual[pkg] == nil {
			actual[pkg] = map[string]bool{}
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if p != module && !strings.HasPrefix(p, module+"/") {
				continue
			}
			rel := short(strings.TrimPrefix(strings.TrimPrefix(p, module), "/"))
			switch {
			case rel == pkg:
			case test && rel == "cmd/casedesk":
				t.Errorf("%s imports the binary", path)
			case !test:
				actual[pkg][rel] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg, imports := range actual {
		want, ok := documented[pkg]
		if !ok {
			t.Errorf("package %s has no line in ARCHITECTURE.md's import arrows", pkg)
			continue
		}
		for rel := range imports {
			if !slices.Contains(want, rel) {
				t.Errorf("%s imports %s, an arrow ARCHITECTURE.md does not draw", pkg, rel)
			}
		}
		for _, rel := range want {
			if !imports[rel] {
				t.Errorf("ARCHITECTURE.md draws %s ──► %s, but %s does not import it", pkg, rel, pkg)
			}
		}
	}
	for pkg := range documented {
		if _, ok := actual[pkg]; !ok {
			t.Errorf("ARCHITECTURE.md draws arrows for %s, which is no package", pkg)
		}
	}
}
