package reprintbeam

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
)

// TestProvenancePerBatch: provenance runs as one element per connected
// component of clusters linked by shared documents (the counter of
// batches inferred), and the report is still the single machine's.
func TestProvenancePerBatch(t *testing.T) {
	corpus := filepath.Join(t.TempDir(), "archive.jsonl")
	writeArchive(t, corpus, 3, 1000)
	want := singleMachine(t, []string{corpus})
	dir, res := runPipeline(t, "prism", options(corpus))
	rep := requireSameReport(t, want, dir)
	n := components(rep)
	require.Greater(t, n, 1, "the clusters form several components")
	require.Less(t, n, len(rep.Clusters), "some component links several clusters")
	var batches int64
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Key.Name == "provenance-batches" {
			batches += c.Result()
		}
	}
	require.Equal(t, int64(n), batches)
}

// components counts the connected components of the report's clusters,
// linked by shared documents.
func components(rep *reprint.Report) int {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, c := range rep.Clusters {
		for _, p := range c.Passages[1:] {
			parent[find(p.Doc)] = find(c.Passages[0].Doc)
		}
	}
	roots := map[string]bool{}
	for _, c := range rep.Clusters {
		roots[find(c.Passages[0].Doc)] = true
	}
	return len(roots)
}
