package reprint_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/reprint-dev/reprint"

// consumers are the packages above the facade: they wire it (the CLI and
// its command) or measure it (bench), and may import what they like.
var consumers = []string{"cmd", "internal/cli", "bench"}

// TestImportsPointDown draws the module's imports by folder (tests
// excluded) and checks that no arrow runs back up: a package below the
// facade never imports the facade or a folder that holds it.
func TestImportsPointDown(t *testing.T) {
	imports := map[string][]string{} // package folder → module folders it imports
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "beam") {
				return filepath.SkipDir // beam/ is a module of its own
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		require.NoError(t, err)
		dir := filepath.ToSlash(filepath.Dir(p))
		for _, im := range f.Imports {
			q := strings.Trim(im.Path.Value, `"`)
			if q == module {
				imports[dir] = append(imports[dir], ".")
			} else if rest, ok := strings.CutPrefix(q, module+"/"); ok {
				imports[dir] = append(imports[dir], rest)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, imports, "internal/pipeline", "the walk found the packages")
	arrows := 0
	for from, tos := range imports {
		if slices.ContainsFunc(consumers, func(c string) bool { return from == c || strings.HasPrefix(from, c+"/") }) {
			continue
		}
		for _, to := range tos {
			arrows++
			up := to == "." || strings.HasPrefix(from+"/", to+"/")
			if up && !allowedUp[from] {
				assert.Failf(t, "an import runs back up", "%s imports %s", from, path.Join(module, to))
			}
		}
	}
	assert.Positive(t, arrows)
}

// allowedUp lists the packages that may still import the facade: none,
// since the audit domain moved to audit/.
var allowedUp = map[string]bool{}
