package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/cli"
)

// TestGolden runs reprint in-process on the seed articles and compares
// each output with its golden file in testdata/golden. After a deliberate
// change, rewrite them with
//
//	go test ./internal/cli -run TestGolden -update
//
// and read the diff. --config /dev/null keeps a .reprint.yaml above the
// work tree out of the outputs.
func TestGolden(t *testing.T) {
	seeds := filepath.Join("..", "..", "testdata", "seeds")
	seed := func(name string) string { return filepath.Join(seeds, name) }
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"seeds.txt", []string{"report", seeds}},
		{"seeds.color.txt", []string{"report", "--color", "always", "--width", "90", seeds}},
		{"seeds.json", []string{"report", "--format", "json", seeds}},
		{"seeds.csv", []string{"report", "--format", "csv", seeds}},
		{"compare.txt", []string{"compare", "--layout", "stacked", seed("000_ab9c95a0605b7d73.txt"), seed("001_7333f7b512f5e450.txt")}},
		{"compare.columns.txt", []string{"compare", "--layout", "columns", "--width", "110", seed("000_ab9c95a0605b7d73.txt"), seed("001_7333f7b512f5e450.txt")}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{tc.args[0], "--config", os.DevNull}, tc.args[1:]...)
			code := cli.Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
			require.Equal(t, cli.ExitClean, code, "stderr: %s", stderr.String())
			assert.Empty(t, stderr.String())
			path := filepath.Join("testdata", "golden", tc.golden)
			if *update {
				require.NoError(t, os.WriteFile(path, stdout.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file: run go test -run TestGolden -update")
			if !bytes.Equal(want, stdout.Bytes()) {
				t.Errorf("%s differs from the output (run go test -run TestGolden -update and read the diff):\n%s",
					path, firstDiff(string(want), stdout.String()))
			}
		})
	}
}

// TestGoldenAudit audits three seed articles against a fourth and
// compares the output in every audit format with its golden file,
// rewritten by -update as TestGolden's are. The articles are named from
// inside testdata/seeds, and SARIF's one absolute URI (the root the
// article paths are relative to) reads $ROOT in the golden file, so that
// the files do not depend on where the checkout is.
func TestGoldenAudit(t *testing.T) {
	seeds, err := filepath.Abs(filepath.Join("..", "..", "testdata", "seeds"))
	require.NoError(t, err)
	golden, err := filepath.Abs(filepath.Join("testdata", "golden"))
	require.NoError(t, err)
	t.Setenv("GITHUB_ACTIONS", "")
	t.Chdir(seeds)
	for _, format := range []string{"text", "json", "sarif", "junit", "github"} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := []string{"audit", "--config", os.DevNull, "--format", format, "--root", ".",
				"--against", "002_e7fb0567f1195848.txt", "000_ab9c95a0605b7d73.txt", "001_7333f7b512f5e450.txt", "003_61f9044a3c0b7f52.txt"}
			code := cli.Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
			require.Equal(t, cli.ExitFindings, code, "stderr: %s", stderr.String())
			got := strings.ReplaceAll(stdout.String(), "file://"+filepath.ToSlash(seeds)+"/", "file://$ROOT/")
			path := filepath.Join(golden, "audit."+format)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file: run go test -run TestGoldenAudit -update")
			if string(want) != got {
				t.Errorf("%s differs from the output (run go test -run TestGoldenAudit -update and read the diff):\n%s",
					path, firstDiff(string(want), got))
			}
		})
	}
}

// TestDeterministic checks that a report does not depend on the number of
// workers: the same inputs give the same bytes.
func TestDeterministic(t *testing.T) {
	seeds := filepath.Join("..", "..", "testdata", "seeds")
	var outs []string
	for _, w := range []string{"1", "3"} {
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), []string{"report", "--config", os.DevNull, "--workers", w, "--format", "html", seeds}, nil, &stdout, &stderr)
		require.Equal(t, 0, code, stderr.String())
		outs = append(outs, stdout.String())
	}
	assert.True(t, outs[0] == outs[1], "the HTML report differs between 1 and 3 workers")
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return "(they differ only in the final newline)"
}
