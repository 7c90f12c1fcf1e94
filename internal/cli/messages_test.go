package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/cli"
)

// internalName matches the name of one of reprint's packages used as an
// error prefix: a user of the command line has no use for it.
var internalName = regexp.MustCompile(`\b(store|pipeline|reader|render|segment|align|pool|credit|disjoint|fitting|arborescence|model|sarif|junit|ghactions|minhash|provenance|bbolt): `)

// TestErrorMessages runs the command line's error paths and checks what
// each prints: the error, once prefixed "reprint: ", with no internal
// package name.
func TestErrorMessages(t *testing.T) {
	dir := workspace(t)
	code, _, stderr := run(t, dir, "index", "add", "--index", "wire.db", "wire/")
	require.Equal(t, 0, code, stderr)
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("notindex.db", strings.Repeat("not a database ", 400))
	write("bad.yaml", "min_wrds: 3\n")
	write("seed.yaml", "seed: -1\n")

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not an index", []string{"index", "stats", "--index", "notindex.db"}, cli.ExitUsage, "notindex.db"},
		{"audit against a non-index", []string{"audit", "--against", "notindex.db", "articles/"}, cli.ExitUsage, "not a reprint index"},
		{"missing index", []string{"index", "stats", "--index", "nope.db"}, cli.ExitUsage, "nope.db"},
		{"params mismatch", []string{"index", "add", "--index", "wire.db", "--shingle", "4", "articles/"}, cli.ExitUsage, "wire.db"},
		{"unknown config key", []string{"report", "--config", "bad.yaml", "articles/"}, cli.ExitUsage, "min_wrds"},
		{"bad config value", []string{"report", "--config", "seed.yaml", "articles/"}, cli.ExitUsage, "seed.yaml"},
		{"bad params", []string{"report", "--shingle", "0", "articles/"}, cli.ExitUsage, "shingle"},
		{"bad min words", []string{"report", "--min-words", "0", "articles/"}, cli.ExitUsage, "min words"},
		{"bad memory", []string{"report", "--max-memory", "lots", "articles/"}, cli.ExitUsage, "--max-memory"},
		{"unwritable output", []string{"report", "-o", "nodir/r.txt", "articles/"}, cli.ExitRuntime, "nodir"},
		{"missing input", []string{"report", "missing.txt"}, cli.ExitRuntime, "could not be read"},
		{"compare missing", []string{"compare", "missing.txt", "articles/clean.txt"}, cli.ExitRuntime, "missing.txt"},
		{"unknown command", []string{"frobnicate"}, cli.ExitUsage, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, dir, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.want)
			checkMessages(t, stderr)
		})
	}
}

// TestLockWaitIsAnnounced: a process waiting for another's index says so
// once, naming the index and how long it will wait, then fails plainly.
func TestLockWaitIsAnnounced(t *testing.T) {
	dir := workspace(t)
	code, _, stderr := run(t, dir, "index", "add", "--index", "wire.db", "wire/")
	require.Equal(t, 0, code, stderr)
	held, err := index.Open(context.Background(), filepath.Join(dir, "wire.db"), index.Options{})
	require.NoError(t, err)
	defer held.Close()

	code, _, stderr = run(t, dir, "index", "add", "--index", "wire.db", "--lock-timeout", "1s", "articles/")
	assert.Equal(t, cli.ExitRuntime, code, stderr)
	assert.Equal(t, 1, strings.Count(stderr, "waiting for it"), stderr)
	assert.Regexp(t, `(?m)^reprint: index wire.db is locked by another process( \(pid \d+\))?: waiting for it up to 1s \(--lock-timeout\)$`, stderr)
	assert.Regexp(t, `(?m)^reprint: index wire.db: index is locked by another process`, stderr)
	checkMessages(t, stderr)

	code, _, stderr = run(t, dir, "audit", "--against", "wire.db", "--lock-timeout", "1s", "articles/")
	if code != cli.ExitRuntime { // a reader shares the lock only with readers
		t.Logf("audit while the index is written: exit %d", code)
	}
	checkMessages(t, stderr)
}

func checkMessages(t *testing.T, stderr string) {
	t.Helper()
	assert.NotContains(t, stderr, "reprint: reprint:", "a doubled prefix")
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		assert.NotRegexp(t, internalName, line, "an internal package name")
	}
}
