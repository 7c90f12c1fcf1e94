package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/bench/internal/splitmix"
)

// seedsDir and devCorpus are relative to this package's directory.
const (
	seedsDir  = "../../testdata/seeds"
	devCorpus = "../../../shared/corpora/reuters21578-dev.jsonl"
)

// seedDocs returns the seed articles cut into pieces of about 60 words:
// the five seeds tell one story and share quotes, so whole they give a
// single usable document.
func seedDocs(t testing.TB) []Doc {
	t.Helper()
	docs, err := LoadDir(seedsDir)
	require.NoError(t, err)
	require.Len(t, docs, 5)
	return Chunk(docs, 60)
}

// seedConfig fits the chunked seeds.
func seedConfig(seed int64) Config {
	cfg := DefaultConfig()
	cfg.Seed = seed
	cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 10, 6, 4, 14
	return cfg
}

// devDocs loads the Reuters dev corpus or skips the test.
func devDocs(t testing.TB) []Doc {
	t.Helper()
	if _, err := os.Stat(devCorpus); err != nil {
		t.Skipf("dev corpus not found at %s", filepath.Clean(devCorpus))
	}
	docs, err := LoadJSONL(devCorpus)
	require.NoError(t, err)
	return docs
}

// fakeDocs builds n documents of random sentences over the seeds'
// vocabulary, with commas and the odd quote or dash: a pool large enough
// for statistics, sharing no 8-gram (with overwhelming probability).
func fakeDocs(t testing.TB, n int) []Doc {
	t.Helper()
	seeds, err := LoadDir(seedsDir)
	require.NoError(t, err)
	seen := map[string]bool{}
	var vocab []string
	for _, d := range seeds {
		for _, w := range normWords(d.Text) {
			if len(w) >= 2 && !seen[w] && strings.IndexFunc(w, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	r := splitmix.New(99, "fake")
	docs := make([]Doc, n)
	for i := range docs {
		var b strings.Builder
		for p := 0; p < 4+r.IntN(4); p++ {
			if p > 0 {
				b.WriteString("\n\n")
			}
			for s := 0; s < 1+r.IntN(3); s++ {
				if s > 0 {
					b.WriteString(" ")
				}
				words := 5 + r.IntN(30)
				quoted := r.Chance(0.2)
				if quoted {
					b.WriteString("\"")
				}
				for w := 0; w < words; w++ {
					word := vocab[r.IntN(len(vocab))]
					if w == 0 {
						word = strings.ToUpper(word[:1]) + word[1:]
					} else {
						b.WriteString(" ")
					}
					b.WriteString(word)
					switch {
					case w+1 < words && r.Chance(0.08):
						b.WriteString(",")
					case w+1 < words && r.Chance(0.02):
						b.WriteString(" -")
					}
				}
				b.WriteString(".")
				if quoted {
					b.WriteString("\"")
				}
			}
		}
		docs[i] = Doc{ID: fmt.Sprintf("fake-%04d", i), Text: b.String()}
	}
	return docs
}

// output renders a corpus and its truth as the command writes them.
func output(t testing.TB, c *Corpus) (corpus, truth []byte) {
	t.Helper()
	var cb, tb bytes.Buffer
	require.NoError(t, c.WriteJSONL(&cb))
	require.NoError(t, c.Truth.WriteJSON(&tb))
	return cb.Bytes(), tb.Bytes()
}

// index maps ids to documents.
func index(c *Corpus) map[string]Document {
	m := make(map[string]Document, len(c.Documents))
	for _, d := range c.Documents {
		m[d.ID] = d
	}
	return m
}

// originals maps corpus ids to the real texts they were made from.
func originals(c *Corpus, src []Doc) map[string]string {
	byOrig := make(map[string]string, len(src))
	for _, d := range src {
		byOrig[d.ID] = d.Text
	}
	m := make(map[string]string, len(c.Truth.Documents))
	for _, d := range c.Truth.Documents {
		m[d.ID] = byOrig[d.OrigID]
	}
	return m
}
