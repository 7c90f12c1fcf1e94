package reprint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
	"github.com/reprint-dev/reprint/internal/reader"
)

// generated returns a corpus of the scale generator's shape, and its truth.
func generated(t *testing.T, shape scale.Shape, n int) ([]reprint.Document, []scale.Planted) {
	t.Helper()
	cfg := scale.DefaultConfig(shape)
	cfg.N = n
	var corpus, truth bytes.Buffer
	_, err := scale.Generate(cfg, &corpus, &truth)
	require.NoError(t, err)
	docs, problems := reader.Parse("corpus.jsonl", corpus.Bytes(), reader.FormatJSONL, reader.Fields{})
	require.Empty(t, problems)
	planted, err := scale.ReadTruth(&truth)
	require.NoError(t, err)
	return docs, planted
}

func detectStats(t *testing.T, docs []reprint.Document, opts ...reprint.Option) (*reprint.Report, reprint.Stats) {
	t.Helper()
	det, err := reprint.New(opts...)
	require.NoError(t, err)
	defer det.Close()
	require.NoError(t, det.Add(docs...))
	rep, err := det.Detect(context.Background())
	require.NoError(t, err)
	return rep, det.Stats()
}

// TestSpillingChangesNothing runs detection with every table held in
// memory and with every table forced to disk (texts, band columns, the
// candidate pairs' sorted runs): the reports must be byte-identical.
func TestSpillingChangesNothing(t *testing.T) {
	docs, _ := generated(t, scale.ShapeArchive, 2000)
	inMemory, st := detectStats(t, docs, reprint.WithSpillLimits(-1, -1, 0, 1<<40))
	require.Zero(t, st.SpillBytes, "nothing spills without limits")
	spilled, st := detectStats(t, docs, reprint.WithSpillLimits(64<<10, 64<<10, 1000, 0), reprint.WithTmpDir(t.TempDir()))
	require.Greater(t, st.Candidates, 1000, "enough pairs to spill sorted runs")
	assert.Greater(t, st.SpillFiles, int64(42+1), "band columns, texts and pair runs all spilled")
	assert.Positive(t, st.SpillBytes)
	a, err := json.Marshal(inMemory)
	require.NoError(t, err)
	b, err := json.Marshal(spilled)
	require.NoError(t, err)
	require.Equal(t, string(a), string(b))
}

// TestNearBoilerplateIsBoundedAndReportedOnce plants a footer, each copy
// with one word or a date changed, in every document: it is reported once
// with its document count, never as pairs or clusters, the real copies
// are all still found, and the work grows linearly with the documents
// (doubling them at most a little more than doubles the aligned pairs).
func TestNearBoilerplateIsBoundedAndReportedOnce(t *testing.T) {
	const capDocs = 100
	aligned := map[int]int{}
	for _, n := range []int{1000, 2000} {
		docs, planted := generated(t, scale.ShapeNearBoiler, n)
		rep, st := detectStats(t, docs, reprint.WithBucketCap(capDocs))
		require.NotNil(t, rep.Limits)
		require.Len(t, rep.Limits.Boilerplate, 1, "the footer is one boilerplate passage")
		assert.Equal(t, n, rep.Limits.Boilerplate[0].Documents)
		r := scale.Score(planted, scale.KindCopy, rep.Matches)
		assert.Equal(t, r.Planted, r.Found, "every real copy is found")
		assert.LessOrEqual(t, len(rep.Clusters), r.Planted+r.Planted/10+1, "no cluster of the footer")
		aligned[n] = st.Verified
	}
	assert.LessOrEqual(t, aligned[2000], 5*aligned[1000]/2, "aligned pairs grow linearly: %v", aligned)
}

// TestBoilerplateInEveryDocument: one identical paragraph in 5,000
// documents, over the default bucket cap, is reported once with its
// document count and yields no pair and no cluster of its own; the real
// copies are still found.
func TestBoilerplateInEveryDocument(t *testing.T) {
	const n = 5000
	docs, planted := generated(t, scale.ShapeBoiler, n)
	rep, _ := detectStats(t, docs)
	require.NotNil(t, rep.Limits)
	require.Len(t, rep.Limits.Boilerplate, 1, "the paragraph is one boilerplate passage")
	bp := rep.Limits.Boilerplate[0]
	assert.Equal(t, n, bp.Documents)
	r := scale.Score(planted, scale.KindCopy, rep.Matches)
	assert.Equal(t, r.Planted, r.Found, "every real copy is found")
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			assert.NotContains(t, norm(bp.Text), norm(p.Text), "cluster %s is a piece of the boilerplate", c.ID)
		}
	}
	assert.LessOrEqual(t, len(rep.Clusters), r.Planted+r.Planted/10+1, "no cluster of the boilerplate")
}
