package audit_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/testcorpus"
)

func readSeeds(t *testing.T) []reprint.Document {
	t.Helper()
	docs, err := testcorpus.Seeds("../testdata/seeds")
	require.NoError(t, err)
	return docs
}

func synthetic(n int, seed uint64) []reprint.Document { return testcorpus.Synthetic(n, seed) }

func detect(t *testing.T, docs []reprint.Document, opts ...reprint.Option) *reprint.Report {
	t.Helper()
	det, err := reprint.New(opts...)
	require.NoError(t, err)
	require.NoError(t, det.Add(docs...))
	rep, err := det.Detect(context.Background())
	require.NoError(t, err)
	return rep
}

func newIndex(t *testing.T, docs []reprint.Document, o index.Options) (*index.Index, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.db")
	ix, err := index.Open(context.Background(), path, o)
	require.NoError(t, err)
	t.Cleanup(func() { ix.Close() })
	require.NoError(t, ix.Add(context.Background(), docs...))
	return ix, path
}
