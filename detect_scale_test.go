package reprint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
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
// candidate pairs' sorted runs, seeds): the reports must be byte-identical.
func TestSpillingChangesNothing(t *testing.T) {
	docs, _ := generated(t, scale.ShapeArchive, 2000)
	inMemory, st := detectStats(t, docs, reprint.WithSpillLimits(-1, -1, 0, 1<<40, -1))
	require.Zero(t, st.SpillBytes, "nothing spills without limits")
	spilled, st := detectStats(t, docs, reprint.WithSpillLimits(64<<10, 64<<10, 1000, 0, 64<<10), reprint.WithTmpDir(t.TempDir()))
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

// wideBucketCorpus is n documents of random words, each with a one-line
// paragraph "According to the report <word>." (the same four words, then
// its own): the units share most of their shingles, so they fill one band
// bucket, but no run alignment could start from. The last document also
// copies the first one's opening sentence.
func wideBucketCorpus(n int) []reprint.Document {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	word := func() string { return fmt.Sprintf("w%06x", rng.IntN(1<<24)) }
	sentence := func(words int) string {
		w := make([]string, words)
		for i := range w {
			w[i] = word()
		}
		return strings.Join(w, " ") + "."
	}
	docs := make([]reprint.Document, n)
	first := ""
	for i := range docs {
		opening := sentence(12)
		if i == 0 {
			first = opening
		}
		text := opening + "\n\nAccording to the report " + word() + ".\n\n" + sentence(15)
		if i == n-1 {
			text += "\n\n" + first
		}
		docs[i] = reprint.Document{ID: fmt.Sprintf("d%04d", i), Text: text}
	}
	return docs
}

// TestWideBucketsPairLinearly: short units that share a frequent phrase
// by chance fill a band bucket wider than WideBucket; its pairs are
// tested unit by unit instead of all becoming candidates, so that the
// candidates grow linearly with the documents, not with their square; the
// real copy among them is still found, and the ekzhu backend agrees.
func TestWideBucketsPairLinearly(t *testing.T) {
	candidates := map[int]int{}
	for _, n := range []int{400, 800} {
		docs := wideBucketCorpus(n)
		rep, st := detectStats(t, docs)
		candidates[n] = st.Candidates
		assert.Less(t, st.Candidates, n*n/8, "the chance pairs of the bucket (%d) are not candidates", n*(n-1)/2)
		require.Len(t, rep.DocPairs, 1, "the one real copy")
		assert.Equal(t, [2]string{"d0000", fmt.Sprintf("d%04d", n-1)}, [2]string{rep.DocPairs[0].A, rep.DocPairs[0].B})
		if n == 400 {
			ek, _ := detectStats(t, docs, reprint.WithBackend(reprint.BackendEkzhu))
			a, err := json.Marshal(rep)
			require.NoError(t, err)
			b, err := json.Marshal(ek)
			require.NoError(t, err)
			assert.Equal(t, string(a), string(b), "the ekzhu backend pairs wide buckets the same way")
		}
	}
	assert.LessOrEqual(t, candidates[800], 5*candidates[400]/2, "candidates grow linearly: %v", candidates)
}

// TestDetectAgainAfterAdd: after a Detect (which parks the unit table
// and the seeds on disk, and the band fingerprints when they spilled),
// more documents and a second Detect give the report of one Detect over
// all of them.
func TestDetectAgainAfterAdd(t *testing.T) {
	docs, _ := generated(t, scale.ShapeNearBoiler, 600)
	for _, columns := range []int64{-1, 64 << 10} {
		t.Run(fmt.Sprintf("columns=%d", columns), func(t *testing.T) { detectAgainAfterAdd(t, docs, columns) })
	}
}

func detectAgainAfterAdd(t *testing.T, docs []reprint.Document, columns int64) {
	// Seeds past 4 KiB spill, and both tables park between stages.
	opts := []reprint.Option{reprint.WithBucketCap(100), reprint.WithTmpDir(t.TempDir()), reprint.WithSpillLimits(-1, columns, 0, 1<<40, 4<<10)}
	once, _ := detectStats(t, docs, opts...)

	det, err := reprint.New(opts...)
	require.NoError(t, err)
	defer det.Close()
	require.NoError(t, det.Add(docs[:200]...))
	first, err := det.Detect(context.Background())
	require.NoError(t, err)
	require.NoError(t, det.Add(docs[200:]...))
	again, err := det.Detect(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 600, det.Stats().Documents)
	assert.Positive(t, det.Stats().SpillBytes, "the tables went to disk")
	assert.Less(t, len(first.Documents), len(again.Documents))
	a, err := json.Marshal(once)
	require.NoError(t, err)
	b, err := json.Marshal(again)
	require.NoError(t, err)
	require.Equal(t, string(a), string(b))
}
