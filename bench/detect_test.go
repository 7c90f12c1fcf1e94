package bench

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/bruteforce"
	"github.com/reprint-dev/reprint/bench/synth"
	"github.com/reprint-dev/reprint/internal/reader"
)

const devCorpusPath = "../../shared/corpora/reuters21578-dev.jsonl"

var devDocs = sync.OnceValues(func() ([]reprint.Document, error) {
	docs, problems, err := reader.Read(context.Background(), []string{devCorpusPath}, reader.Options{})
	if err == nil && len(problems) > 0 {
		return nil, os.ErrInvalid
	}
	return docs, err
})

// syntheticDocs is a corpus the benchmark can always build: real seed
// text with planted copies (bench/synth), for clones without ../shared.
var syntheticDocs = sync.OnceValues(func() ([]reprint.Document, error) {
	src, err := synth.LoadDir("../testdata/seeds")
	if err != nil {
		return nil, err
	}
	cfg := synth.DefaultConfig()
	cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 8, 5, 6, 12
	corpus, err := synth.Generate(synth.Chunk(src, 60), cfg)
	if err != nil {
		return nil, err
	}
	docs := make([]reprint.Document, len(corpus.Documents))
	for i, d := range corpus.Documents {
		docs[i] = reprint.Document{ID: d.ID, Text: d.Text}
	}
	return docs, nil
})

// BenchmarkDetect runs the whole report job — detection and the JSON
// report — on a corpus, side by side with the exact brute-force
// reference (all-pairs word-5-shingle containment, which computes pair
// scores only: no spans, alignment, clusters or report).
func BenchmarkDetect(b *testing.B) {
	corpora := []struct {
		name string
		load func() ([]reprint.Document, error)
	}{{"dev", devDocs}, {"synthetic", syntheticDocs}}
	for _, c := range corpora {
		docs, err := c.load()
		if err != nil {
			b.Run("corpus="+c.name, func(b *testing.B) { b.Skipf("corpus unavailable: %v", err) })
			continue
		}
		bytes := 0
		for _, d := range docs {
			bytes += len(d.Text)
		}
		b.Run("corpus="+c.name+"/impl=reprint", func(b *testing.B) {
			b.SetBytes(int64(bytes))
			b.ReportAllocs()
			for b.Loop() {
				det, err := reprint.New()
				if err != nil {
					b.Fatal(err)
				}
				if err := det.Add(docs...); err != nil {
					b.Fatal(err)
				}
				rep, err := det.Detect(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				enc := json.NewEncoder(io.Discard)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					b.Fatal(err)
				}
			}
		})
		bf := make([]bruteforce.Doc, len(docs))
		for i, d := range docs {
			bf[i] = bruteforce.Doc{ID: d.ID, Text: d.Text}
		}
		b.Run("corpus="+c.name+"/impl=bruteforce", func(b *testing.B) {
			b.SetBytes(int64(bytes))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bruteforce.Pairs(context.Background(), bf, 5, 0.5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
