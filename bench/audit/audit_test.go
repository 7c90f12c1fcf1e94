package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	benchaudit "github.com/reprint-dev/reprint/bench/audit"
	"github.com/reprint-dev/reprint/index"
)

func devCorpus(tb testing.TB) []reprint.Document {
	tb.Helper()
	path := os.Getenv("REPRINT_DEV_CORPUS")
	if path == "" {
		path = benchaudit.DefaultDevCorpus
	}
	docs, err := benchaudit.LoadDev(path)
	if err != nil {
		tb.Skipf("dev corpus not available: %v", err)
	}
	return docs
}

func TestReplicasAreDeterministicAndDistinct(t *testing.T) {
	base := []reprint.Document{
		{ID: "a", Text: "The company said on Tuesday that profits rose sharply in the first quarter."},
		{ID: "b", Text: "Shares of the bank fell after the company said profits would fall."},
	}
	c := benchaudit.NewCorpus(base)
	assert.Equal(t, c.Doc(3, 0), benchaudit.NewCorpus(base).Doc(3, 0))
	assert.Equal(t, base[0], c.Doc(0, 0))
	assert.NotEqual(t, base[0].Text, c.Doc(1, 0).Text)
	assert.Equal(t, "a/1", c.Doc(1, 0).ID)
	assert.Len(t, c.Docs(5), 5)
}

// BenchmarkIndexAdd adds the whole dev corpus to a new index (one op) and
// reports the index file's size against the text's.
func BenchmarkIndexAdd(b *testing.B) {
	docs := devCorpus(b)
	text := 0
	for _, d := range docs {
		text += len(d.Text)
	}
	b.SetBytes(int64(text))
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "dev.db")
		ix, err := index.Open(context.Background(), path, index.Options{})
		require.NoError(b, err)
		require.NoError(b, ix.Add(context.Background(), docs...))
		st, err := ix.Stats(context.Background())
		require.NoError(b, err)
		require.NoError(b, ix.Close())
		fi, err := os.Stat(path)
		require.NoError(b, err)
		b.ReportMetric(float64(fi.Size())/float64(text), "file/text")
		b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
		b.ReportMetric(float64(st.Passages), "passages")
	}
}

// cachedIndex builds (or reuses) an index of the first n documents of the
// replicated dev corpus.
func cachedIndex(b *testing.B, c *benchaudit.Corpus, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("reprint-bench-audit-v1-%d.db", n))
	if ix, err := index.Open(context.Background(), path, index.Options{ReadOnly: true}); err == nil {
		st, err := ix.Stats(context.Background())
		ix.Close()
		if err == nil && st.Documents == n {
			return path
		}
	}
	os.Remove(path)
	start := time.Now()
	ix, err := index.Open(context.Background(), path, index.Options{NoSync: true, BatchSize: 5000})
	require.NoError(b, err)
	for done := 0; done < n; {
		step := min(20000, n-done)
		docs := make([]reprint.Document, 0, step)
		for i := done; i < done+step; i++ {
			docs = append(docs, c.Doc(i/c.Len(), i%c.Len()))
		}
		require.NoError(b, ix.Add(context.Background(), docs...))
		done += step
	}
	require.NoError(b, ix.Close())
	b.Logf("built %s (%d stories) in %v", path, n, time.Since(start).Round(time.Millisecond))
	return path
}

// BenchmarkAudit audits 100 articles (half with copied paragraphs) against
// indexes of growing size; one op opens the index, audits and closes it.
func BenchmarkAudit(b *testing.B) {
	base := devCorpus(b)
	c := benchaudit.NewCorpus(base)
	// About 7.3 passages a story in the dev corpus.
	sizes := []int{1370, 13700, 100000}
	if s := os.Getenv("REPRINT_BENCH_PASSAGES"); s != "" {
		p, err := strconv.Atoi(s)
		require.NoError(b, err)
		sizes = append(sizes, p*10/73)
	}
	for _, n := range sizes {
		path := cachedIndex(b, c, n)
		refs := c.Docs(n)
		targets := c.Targets(100, refs, 1000, 1)
		b.Run(fmt.Sprintf("stories=%d", n), func(b *testing.B) {
			var st index.Stats
			var rep *audit.Report
			for b.Loop() {
				ix, err := index.Open(context.Background(), path, index.Options{ReadOnly: true})
				require.NoError(b, err)
				rep, err = audit.Run(context.Background(), ix, targets, audit.DefaultPolicy())
				require.NoError(b, err)
				if st.Documents == 0 {
					st, _ = ix.Stats(context.Background())
				}
				require.NoError(b, ix.Close())
			}
			b.ReportMetric(float64(st.Passages), "passages")
			b.ReportMetric(float64(rep.Summary.Violating), "violating")
			b.ReportMetric(float64(rep.Reference.HotAnchors), "hot")
		})
	}
}
