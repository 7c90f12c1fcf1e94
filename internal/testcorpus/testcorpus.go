// Package testcorpus makes small corpora for tests that must not need
// ../shared.
package testcorpus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

// Synthetic returns n documents of random words from a small vocabulary,
// with passages copied between them, so that tests do not need ../shared.
func Synthetic(n int, seed uint64) []model.Document {
	rng := rand.New(rand.NewPCG(seed, 1))
	vocab := strings.Fields("the a of to in and said on for with by at from that was is his her its their government minister market shares company talks police city report year new week official people after before over under about would could")
	sentence := func() string {
		w := make([]string, 8+rng.IntN(20))
		for i := range w {
			w[i] = vocab[rng.IntN(len(vocab))] + fmt.Sprint(rng.IntN(50))
		}
		return strings.Join(w, " ") + "."
	}
	docs := make([]model.Document, n)
	var pool []string
	for i := range docs {
		var s []string
		for j := 0; j < 5+rng.IntN(10); j++ {
			if len(pool) > 0 && rng.IntN(4) == 0 {
				s = append(s, pool[rng.IntN(len(pool))])
			} else {
				x := sentence()
				pool = append(pool, x)
				s = append(s, x)
			}
		}
		docs[i] = model.Document{ID: fmt.Sprintf("doc%03d", i), Text: strings.Join(s, " ")}
	}
	return docs
}

// Seeds reads the five seed articles from dir (testdata/seeds of the
// module).
func Seeds(dir string) ([]model.Document, error) {
	docs, problems, err := reader.Read(context.Background(), []string{dir}, reader.Options{})
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 || len(docs) != 5 {
		return nil, fmt.Errorf("testcorpus: %s: %d seeds, %d problems", dir, len(docs), len(problems))
	}
	return docs, nil
}

// NewIndex opens a new bbolt index in a temporary directory, closed when
// the test ends, with docs added, and returns it with its path.
func NewIndex(tb testing.TB, docs []model.Document, o index.Options) (*index.Index, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "ref.db")
	ix, err := index.Open(context.Background(), path, o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if err := ix.Add(context.Background(), docs...); err != nil {
		tb.Fatal(err)
	}
	return ix, path
}

// ReadSeeds is Seeds for a test: it fails the test on error.
func ReadSeeds(tb testing.TB, dir string) []model.Document {
	tb.Helper()
	docs, err := Seeds(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}
