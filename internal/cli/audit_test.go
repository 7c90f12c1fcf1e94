package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/cli"
)

const (
	wireText = "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January and improving prospects for the coming temporao, although normal humidity levels have not been restored, Comissaria Smith said in its weekly review."
	ownText  = "Our correspondent spent a week on the farms south of the capital talking to growers about their worries for the season ahead."
)

// run runs the CLI in-process in dir and returns the exit code, stdout
// and stderr.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// workspace writes a wire corpus and some articles into a fresh directory.
func workspace(t *testing.T) string {
	t.Helper()
	t.Setenv("GITHUB_ACTIONS", "")
	dir := t.TempDir()
	files := map[string]string{
		"wire/stories.jsonl":   `{"id": "reuters-1", "source": "Reuters", "title": "BAHIA COCOA REVIEW", "date": "1987-02-26", "text": "` + wireText + `"}` + "\n",
		"articles/copied.md":   "---\ntitle: Cocoa\n---\n" + ownText + "\n\n" + wireText + "\n",
		"articles/credited.md": "---\ntitle: Cocoa, credited\n---\nBAHIA (Reuters) - " + wireText + "\n",
		"articles/clean.txt":   ownText + "\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return dir
}

func TestIndexCommands(t *testing.T) {
	dir := workspace(t)
	code, _, stderr := run(t, dir, "index", "add", "--index", "wire.db", "wire/")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "added 1 documents")

	code, out, _ := run(t, dir, "index", "stats", "--index", "wire.db")
	require.Equal(t, 0, code)
	for _, want := range []string{"documents   1", "passages", "params      shingle 3, num_hash 128", "dates       1987-02-26 to 1987-02-26"} {
		assert.Contains(t, out, want)
	}
	code, out, _ = run(t, dir, "index", "stats", "--index", "wire.db", "--format", "json")
	require.Equal(t, 0, code)
	var st index.Stats
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	assert.Equal(t, 1, st.Documents)

	code, _, stderr = run(t, dir, "index", "add", "--index", "wire.db", "--num-hash", "64", "wire/")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, stderr, "params do not match")

	code, _, stderr = run(t, dir, "index", "remove", "--index", "wire.db", "reuters-1", "nope")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "removed 1 of 2")
	assert.Contains(t, stderr, "not in the index: nope")
}

func TestIndexRejectsForeignFiles(t *testing.T) {
	dir := workspace(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "junk.db"), bytes.Repeat([]byte("not an index "), 1000), 0o644))
	tests := []struct {
		name string
		args []string
	}{
		{"stats", []string{"index", "stats", "--index", "junk.db"}},
		{"add", []string{"index", "add", "--index", "junk.db", "wire/"}},
		{"audit", []string{"audit", "--against", "junk.db", "articles/"}},
		{"missing", []string{"index", "stats", "--index", "missing.db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, dir, tt.args...)
			assert.Equal(t, cli.ExitUsage, code, stderr)
			assert.Contains(t, stderr, ".db")
		})
	}
}

func TestAuditExitCodes(t *testing.T) {
	dir := workspace(t)
	code, _, stderr := run(t, dir, "index", "add", "--index", "wire.db", "wire/")
	require.Equal(t, 0, code, stderr)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"violation", []string{"audit", "--against", "wire.db", "articles/"}, cli.ExitFindings, "1 article(s) violate"},
		{"reference indexed on the fly", []string{"audit", "--against", "wire/", "articles/"}, cli.ExitFindings, "violate"},
		{"exit zero", []string{"audit", "--against", "wire.db", "--exit-zero", "articles/"}, cli.ExitClean, ""},
		{"clean", []string{"audit", "--against", "wire.db", "articles/clean.txt", "articles/credited.md"}, cli.ExitClean, ""},
		{"credit not allowed", []string{"audit", "--against", "wire.db", "--allow-attributed=false", "articles/credited.md"}, cli.ExitFindings, "violate"},
		{"other wire", []string{"audit", "--against", "wire.db", "--wire", "AP", "articles/copied.md"}, cli.ExitClean, ""},
		{"bad share", []string{"audit", "--against", "wire.db", "--max-share", "2", "articles/"}, cli.ExitUsage, "max_share"},
		{"no reference", []string{"audit", "articles/"}, cli.ExitUsage, "--against"},
		{"bad format", []string{"audit", "--against", "wire.db", "--format", "xml", "articles/"}, cli.ExitUsage, "format"},
		{"missing target", []string{"audit", "--against", "wire.db", "nope.md"}, cli.ExitRuntime, "could not be read"},
		{"index and files", []string{"audit", "--against", "wire.db,wire/", "articles/"}, cli.ExitUsage, "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, dir, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestAuditFormats(t *testing.T) {
	dir := workspace(t)
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"text", func(t *testing.T, out string) {
			assert.Contains(t, out, "articles/copied.md  VIOLATION")
			assert.Contains(t, out, "✗ 6:1  uncredited-wire-copy")
			assert.Contains(t, out, `credited "(Reuters)"`)
		}},
		{"json", func(t *testing.T, out string) {
			var rep audit.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			assert.Equal(t, audit.SchemaV1, rep.Schema)
			assert.Equal(t, 1, rep.Summary.Violating)
		}},
		{"sarif", func(t *testing.T, out string) {
			assert.Contains(t, out, `"uri": "articles/copied.md"`)
			assert.Contains(t, out, `"uriBaseId": "%SRCROOT%"`)
		}},
		{"junit", func(t *testing.T, out string) {
			var suites struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
			}
			require.NoError(t, xml.Unmarshal([]byte(out), &suites))
			assert.Equal(t, 3, suites.Tests)
			assert.Equal(t, 1, suites.Failures)
		}},
		{"github", func(t *testing.T, out string) {
			assert.Contains(t, out, "::error file=articles/copied.md,line=6,col=1,endLine=6,endColumn=")
			assert.Contains(t, out, "::notice file=articles/credited.md,line=4,col=19")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, out, stderr := run(t, dir, "audit", "--against", "wire/", "--format", tt.format, "articles/")
			require.Equal(t, cli.ExitFindings, code, stderr)
			tt.check(t, out)
		})
	}
}

func TestAuditOnGitHubActions(t *testing.T) {
	dir := workspace(t)
	summary := filepath.Join(dir, "summary.md")
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	code, out, _ := run(t, dir, "audit", "--against", "wire/", "--sarif", "out.sarif", "--junit", "out.xml", "articles/")
	require.Equal(t, cli.ExitFindings, code)
	assert.True(t, strings.HasPrefix(out, "::error "), "annotations by default on GitHub Actions: %s", out)
	md, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Contains(t, string(md), "❌ 1 of 3 articles violate the policy")
	assert.Contains(t, string(md), "| `articles/copied.md` | **violation** |")
	assert.FileExists(t, filepath.Join(dir, "out.sarif"))
	assert.FileExists(t, filepath.Join(dir, "out.xml"))
}

func TestAuditBaseline(t *testing.T) {
	dir := workspace(t)
	code, _, stderr := run(t, dir, "audit", "--against", "wire/", "--baseline", "base.json", "--update-baseline", "articles/")
	require.Equal(t, cli.ExitClean, code, stderr)
	assert.Contains(t, stderr, "wrote 1 baseline entries")
	data, err := os.ReadFile(filepath.Join(dir, "base.json"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"fingerprint"`)
	assert.NotContains(t, string(data), `"line"`, "keyed by content, not by line")

	// The passage moves down: still known.
	moved := "---\ntitle: Cocoa\n---\nA new paragraph.\n\n" + ownText + "\n\n" + wireText + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "articles/copied.md"), []byte(moved), 0o644))
	code, out, stderr := run(t, dir, "audit", "--against", "wire/", "--baseline", "base.json", "articles/")
	require.Equal(t, cli.ExitClean, code, stderr+out)
	assert.Contains(t, out, "1 suppressed")

	// The passage is rewritten: the entry is stale, nothing fails.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "articles/copied.md"), []byte("---\ntitle: Cocoa\n---\n"+ownText+"\n"), 0o644))
	code, out, _ = run(t, dir, "audit", "--against", "wire/", "--baseline", "base.json", "articles/")
	require.Equal(t, cli.ExitClean, code)
	assert.Contains(t, out, "stale baseline entry: articles/copied.md")

	code, _, stderr = run(t, dir, "audit", "--against", "wire/", "--baseline", "missing.json", "articles/")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, stderr, "missing.json")
}

func TestAuditInlineIgnore(t *testing.T) {
	dir := workspace(t)
	write := func(front string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "articles/copied.md"), []byte("---\ntitle: Cocoa\n"+front+"---\n"+wireText+"\n"), 0o644))
	}
	write("reprint-ignore: \"licensed from Reuters\"\n")
	code, out, stderr := run(t, dir, "audit", "--against", "wire/", "articles/")
	require.Equal(t, cli.ExitClean, code, stderr)
	assert.Contains(t, out, "ignored (licensed from Reuters)")

	for _, bad := range []string{"reprint-ignore:\n", "reprint-ignore: \"\"\n", "reprint-ignore: true\n"} {
		write(bad)
		code, _, stderr = run(t, dir, "audit", "--against", "wire/", "articles/")
		assert.Equal(t, cli.ExitUsage, code, bad)
		assert.Contains(t, stderr, "copied.md:3: reprint-ignore needs a reason", bad)
	}
}

func TestAuditPolicyFromConfig(t *testing.T) {
	dir := workspace(t)
	cfg := "audit:\n  against: [wire/]\n  max_share: 0.9\n  wire: [AP]\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".reprint.yaml"), []byte(cfg), 0o644))
	code, out, stderr := run(t, dir, "audit", "--format", "json", "articles/")
	require.Equal(t, cli.ExitClean, code, stderr)
	var rep audit.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 0.9, rep.Policy.MaxShare)
	assert.Equal(t, []string{"AP"}, rep.Policy.Wire)

	// A flag wins over the file.
	code, _, _ = run(t, dir, "audit", "--wire", "Reuters", "--max-share", "0", "articles/")
	assert.Equal(t, cli.ExitFindings, code)

	require.NoError(t, os.WriteFile(filepath.Join(dir, ".reprint.yaml"), []byte("audit:\n  max_shares: 1\n"), 0o644))
	code, _, stderr = run(t, dir, "audit", "--against", "wire/", "articles/")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, stderr, "max_shares")
}

func TestIndexCompactCommand(t *testing.T) {
	dir := workspace(t)
	code, _, stderr := run(t, dir, "index", "add", "--index", "wire.db", "wire/")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = run(t, dir, "index", "compact", "--index", "wire.db")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "compacted wire.db")
	code, _, _ = run(t, dir, "audit", "--against", "wire.db", "articles/")
	assert.Equal(t, cli.ExitFindings, code, "the compacted index still finds the copy")
	code, _, stderr = run(t, dir, "index", "compact", "--index", "wire.db", "-o", "wire.db")
	assert.Equal(t, cli.ExitRuntime, code)
	assert.Contains(t, stderr, "already exists")
}
