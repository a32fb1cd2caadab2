package casedesk_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/casedesk/casedesk"

// allowed is ARCHITECTURE.md's import arrows: which of the project's own
// packages each package's code may import. Tests may import any package but
// cmd/casedesk.
var allowed = map[string][]string{
	".":                        nil,
	"client":                   nil,
	"internal/calendar":        nil,
	"internal/auth":            nil,
	"internal/blob":            nil,
	"internal/config":          nil,
	"internal/sse":             {"."},
	"internal/sla":             {".", "internal/calendar"},
	"internal/store":           {".", "internal/store/storetest"},
	"internal/store/storetest": {".", "internal/store"},
	"internal/live":            {".", "internal/store"},
	"internal/desk":            {".", "internal/store", "internal/store/storetest", "internal/auth", "internal/blob", "internal/sla", "internal/calendar", "internal/live"},
	"internal/api":             {".", "internal/desk", "internal/sse", "internal/store", "internal/store/storetest", "internal/sla", "internal/auth", "internal/blob"},
	"internal/web":             {".", "internal/desk", "internal/sse", "internal/store", "internal/store/storetest", "internal/sla", "internal/auth", "internal/blob", "internal/demo"},
	"internal/worker":          {".", "internal/desk", "internal/store", "internal/store/storetest", "internal/auth", "internal/blob"},
	"internal/demo":            {".", "internal/desk", "internal/store", "internal/store/storetest", "internal/auth", "internal/blob"},
	"internal/loadtest":        {"client"},
	"cmd/casedesk":             {"*"},
}

// TestImportArrows keeps ARCHITECTURE.md true: no package imports one of the
// project's packages its arrows do not allow, and every package is listed.
func TestImportArrows(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if strings.Contains(dir, "testdata") {
			return nil
		}
		ok, listed := allowed[dir]
		if !listed {
			t.Errorf("package %s is not in the import arrows (ARCHITECTURE.md and this test)", dir)
			return nil
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
			rel := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
			if rel == "" {
				rel = "."
			}
			if rel == dir || slices.Contains(ok, "*") || slices.Contains(ok, rel) {
				continue
			}
			// Tests may drive a package through its neighbours (a portal test
			// checks the API too); only the binary stays out of reach.
			if strings.HasSuffix(path, "_test.go") && rel != "cmd/casedesk" {
				continue
			}
			t.Errorf("%s imports %s, against ARCHITECTURE.md's arrows", path, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
