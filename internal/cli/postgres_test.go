package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/cli"
	"github.com/reprint-dev/reprint/internal/pgtest"
)

// The index commands and audit work the same on a PostgreSQL index as on
// a file: one table of commands, both backends, the same outputs.
func TestIndexCommandsOnBothBackends(t *testing.T) {
	outputs := map[string]string{}
	for _, be := range []string{"bolt", "postgres"} {
		t.Run(be, func(t *testing.T) {
			dir := workspace(t)
			loc := "wire.db"
			if be == "postgres" {
				loc = pgtest.URL(t)
			}
			steps := []struct {
				args []string
				code int
				want string // in stderr, or stdout for stats
			}{
				{[]string{"index", "add", "--index", loc, "wire/"}, 0, "added 1 documents"},
				{[]string{"index", "add", "--index", loc, "--num-hash", "64", "wire/"}, cli.ExitUsage, "params do not match"},
				{[]string{"index", "stats", "--index", loc}, 0, "documents   1"},
				{[]string{"audit", "--against", loc, "articles/"}, cli.ExitFindings, "violate the policy"},
				{[]string{"index", "remove", "--index", loc, "reuters-1", "nope"}, 0, "removed 1 of 2"},
				{[]string{"audit", "--against", loc, "articles/"}, 0, "0 violate"},
				{[]string{"index", "compact", "--index", loc}, 0, ""},
			}
			for _, s := range steps {
				code, out, stderr := run(t, dir, s.args...)
				require.Equal(t, s.code, code, "%v: %s", s.args[:2], stderr)
				assert.Contains(t, out+stderr, s.want, "%v", s.args)
			}
			code, out, stderr := run(t, dir, "index", "add", "--index", loc, "wire/")
			require.Equal(t, 0, code, stderr)
			code, out, stderr = run(t, dir, "audit", "--against", loc, "--format", "json", "articles/")
			require.Equal(t, cli.ExitFindings, code, stderr)
			var rep audit.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			rep.Reference.Index = "" // names the backend
			b, err := json.Marshal(rep)
			require.NoError(t, err)
			outputs[be] = string(b)
		})
	}
	if len(outputs) == 2 {
		assert.JSONEq(t, outputs["bolt"], outputs["postgres"], "the same audit on both backends")
	}
}

// $REPRINT_INDEX and the configuration file's index key name the index
// when --index is not given; the flag wins.
func TestIndexLocationFromEnvAndConfig(t *testing.T) {
	dir := workspace(t)
	loc := pgtest.URL(t)
	t.Setenv(cli.EnvIndex, loc)
	code, _, stderr := run(t, dir, "index", "add", "wire/")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "postgres://")
	code, _, stderr = run(t, dir, "audit", "articles/")
	assert.Equal(t, cli.ExitFindings, code, stderr)

	t.Setenv(cli.EnvIndex, "")
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".reprint.yaml"), []byte("index: "+loc+"\n"), 0o644))
	code, out, stderr := run(t, dir, "index", "stats", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var st index.Stats
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	assert.Equal(t, 1, st.Documents)
	code, _, stderr = run(t, dir, "index", "add", "--index", "local.db", "wire/")
	require.Equal(t, 0, code, stderr)
	assert.FileExists(t, filepath.Join(dir, "local.db"))
}

func TestIndexMigrateCommand(t *testing.T) {
	dir := workspace(t)
	loc := pgtest.URL(t)
	code, _, stderr := run(t, dir, "index", "migrate", "--index", loc)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "from version 0 to 2")
	code, _, stderr = run(t, dir, "index", "migrate", "--index", loc)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "nothing to do")
	code, _, stderr = run(t, dir, "index", "migrate", "--index", "wire.db")
	assert.Equal(t, cli.ExitUsage, code, stderr)

	pgtest.Exec(t, loc, "UPDATE reprint_schema SET version = 7")
	code, _, stderr = run(t, dir, "index", "add", "--index", loc, "wire/")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, stderr, "newer than this reprint's")
}

// Connection failures exit 3 with a clear message and never print the
// password.
func TestPostgresConnectionErrorsExit3(t *testing.T) {
	dir := workspace(t)
	base := pgtest.Server(t)
	host := strings.SplitN(strings.SplitN(base, "@", 2)[1], "/", 2)[0]
	cases := map[string]struct{ url, want string }{
		"wrong password":   {"postgres://reprint_secret:s3cr3t-wrong@" + host + "/reprint_test?sslmode=disable", "password authentication failed"},
		"missing database": {"postgres://postgres:s3cr3t-wrong@" + host + "/absent_db?sslmode=disable", "does not exist"},
		"TLS unavailable":  {"postgres://postgres:s3cr3t-wrong@" + host + "/reprint_test?sslmode=require", "TLS is required"},
		"no server":        {"postgres://postgres:s3cr3t-wrong@127.0.0.1:1/reprint_test?sslmode=disable", "cannot connect"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{
				{"index", "add", "--index", c.url, "wire/"},
				{"index", "stats", "--index", c.url},
				{"audit", "--against", c.url, "--format", "sarif", "articles/"},
			} {
				code, out, stderr := run(t, dir, args...)
				assert.Equal(t, cli.ExitRuntime, code, "%v: %s", args[:2], stderr)
				assert.Contains(t, stderr, c.want)
				assert.NotContains(t, out+stderr, "s3cr3t")
			}
		})
	}
}

// A password in the URL reaches no output: not the messages, the JSON
// report, SARIF, JUnit, annotations or stats.
func TestPostgresPasswordNeverPrinted(t *testing.T) {
	dir := workspace(t)
	loc := pgtest.URL(t)
	code, _, stderr := run(t, dir, "index", "add", "--index", loc, "wire/")
	require.Equal(t, 0, code, stderr)
	pgtest.Exec(t, loc, `DO $$ BEGIN
		EXECUTE format('GRANT USAGE ON SCHEMA %I TO reprint_secret', current_schema());
		EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO reprint_secret', current_schema());
	END $$`)
	secret := strings.Replace(loc, "postgres://postgres@", "postgres://reprint_secret:correct-horse@", 1)
	require.NotEqual(t, loc, secret)
	for _, args := range [][]string{
		{"audit", "--against", secret, "articles/"},
		{"audit", "--against", secret, "--format", "json", "articles/"},
		{"audit", "--against", secret, "--format", "sarif", "articles/"},
		{"audit", "--against", secret, "--format", "junit", "articles/"},
		{"audit", "--against", secret, "--format", "github", "articles/"},
		{"index", "stats", "--index", secret},
		{"index", "stats", "--index", secret, "--format", "json"},
	} {
		code, out, stderr := run(t, dir, args...)
		require.Contains(t, []int{0, cli.ExitFindings}, code, "%v: %s", args, stderr)
		assert.NotContains(t, out+stderr, "correct-horse", "%v", args)
		if slices.Contains(args, "json") || args[0] == "index" {
			assert.Contains(t, out+stderr, "reprint_secret@", "%v names the database", args)
		}
	}
}
