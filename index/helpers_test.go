package index_test

import (
	"testing"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/testcorpus"
)

func readSeeds(t *testing.T) []reprint.Document { return testcorpus.ReadSeeds(t, "../testdata/seeds") }

func synthetic(n int, seed uint64) []reprint.Document { return testcorpus.Synthetic(n, seed) }

func newIndex(t *testing.T, docs []reprint.Document, o index.Options) (*index.Index, string) {
	t.Helper()
	return testcorpus.NewIndex(t, docs, o)
}
