package reprintbeam

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
)

// duckDB is the directory @duckdb/node-api is installed under
// ($REPRINT_DUCKDB; .ci/run installs it), or "" without it.
func duckDB(t *testing.T) string {
	dir := os.Getenv("REPRINT_DUCKDB")
	if _, err := exec.LookPath("node"); dir == "" || err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI needs node and REPRINT_DUCKDB (an npm prefix with @duckdb/node-api)")
		}
		return ""
	}
	return dir
}

// checkTables reads the Parquet tables back with DuckDB, an independent
// reader, and checks them against report.json.
func checkTables(t *testing.T, dir string, rep *reprint.Report) {
	t.Helper()
	db := duckDB(t)
	if db == "" {
		t.Log("no DuckDB (set REPRINT_DUCKDB to an npm prefix with @duckdb/node-api): tables not read back")
		return
	}
	cmd := exec.Command("node", filepath.Join("testdata", "duckdb-counts.js"), dir)
	cmd.Env = append(os.Environ(), "REPRINT_DUCKDB="+db)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err)
	var got map[string]map[string]string
	require.NoError(t, json.Unmarshal(out, &got))
	n := func(table, col string) int {
		v, err := strconv.Atoi(got[table][col])
		require.NoError(t, err, "%s.%s = %q", table, col, got[table][col])
		return v
	}
	words, matchWords, sourced, passages := 0, 0, 0, 0
	for _, d := range rep.Documents {
		words += d.Words
	}
	for _, m := range rep.Matches {
		matchWords += m.Words
	}
	for _, p := range rep.DocPairs {
		if p.Source != nil {
			sourced++
		}
	}
	for _, c := range rep.Clusters {
		passages += len(c.Passages)
	}
	require.Equal(t, len(rep.Documents), n("documents", "n"))
	require.Equal(t, words, n("documents", "words"))
	require.Equal(t, len(rep.DocPairs), n("doc_pairs", "n"))
	require.Equal(t, sourced, n("doc_pairs", "sourced"))
	require.Equal(t, len(rep.Matches), n("matches", "n"))
	require.Equal(t, matchWords, n("matches", "words"))
	require.Equal(t, len(rep.Clusters), n("clusters", "n"))
	require.Equal(t, passages, n("clusters", "passages"))
}

func writeGzip(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.Create(path)
	require.NoError(t, err)
	z := gzip.NewWriter(f)
	_, err = z.Write(data)
	require.NoError(t, err)
	require.NoError(t, z.Close())
	require.NoError(t, f.Close())
}
