package scale

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/hashes.golden")

// story is one line of a generated corpus.
type story struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Date string `json:"date"`
}

// corpus is a generated corpus, decoded.
type corpus struct {
	raw, rawTruth []byte
	stories       []story
	byID          map[string]int
	truth         []Planted
	stats         Stats
}

func generate(t *testing.T, cfg Config) *corpus {
	t.Helper()
	var c, tr bytes.Buffer
	st, err := Generate(cfg, &c, &tr)
	require.NoError(t, err)
	out := &corpus{raw: c.Bytes(), rawTruth: tr.Bytes(), byID: map[string]int{}, stats: st}
	sc := bufio.NewScanner(bytes.NewReader(c.Bytes()))
	sc.Buffer(nil, 1<<28)
	for sc.Scan() {
		var s story
		require.NoError(t, json.Unmarshal(sc.Bytes(), &s), "every line is one JSON story")
		out.byID[s.ID] = len(out.stories)
		out.stories = append(out.stories, s)
	}
	require.NoError(t, sc.Err())
	out.truth, err = ReadTruth(&tr)
	require.NoError(t, err)
	return out
}

// raw returns a corpus and its truth as written.
func raw(t *testing.T, cfg Config) (corpus, truth []byte) {
	t.Helper()
	var c, tr bytes.Buffer
	_, err := Generate(cfg, &c, &tr)
	require.NoError(t, err)
	return c.Bytes(), tr.Bytes()
}

func (c *corpus) text(id string) string { return c.stories[c.byID[id]].Text }

// small returns a small corpus of each shape.
func small(s Shape) Config {
	cfg := DefaultConfig(s)
	cfg.N = 300
	if s == ShapeLongLine {
		cfg.Size = 40_000
	}
	return cfg
}

// TestGenerateIsDeterministic pins each shape's bytes, corpus and truth,
// to a hash: the same Config gives the same bytes, on any machine.
func TestGenerateIsDeterministic(t *testing.T) {
	var got strings.Builder
	for _, s := range Shapes {
		c1, t1 := raw(t, small(s))
		c2, t2 := raw(t, small(s))
		require.Equal(t, c1, c2, "%s: same config, same corpus", s)
		require.Equal(t, t1, t2, "%s: same config, same truth", s)
		other := small(s)
		other.Seed++
		c3, _ := raw(t, other)
		assert.NotEqual(t, c1, c3, "%s: another seed, another corpus", s)
		fmt.Fprintf(&got, "%s %x %x\n", s, sha256.Sum256(c1), sha256.Sum256(t1))
	}
	path := filepath.Join("testdata", "hashes.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update once")
	assert.Equal(t, string(want), got.String(), "shape, sha256 of corpus, sha256 of truth (go test -update rewrites them)")
}

// TestTruthSpansAreExact checks every truth line against the corpus: the
// copy span holds the source span's text with the edits applied, the
// edits are where they say, and the copy is dated after its source.
func TestTruthSpansAreExact(t *testing.T) {
	for _, s := range Shapes {
		t.Run(string(s), func(t *testing.T) {
			c := generate(t, small(s))
			require.NotEmpty(t, c.truth)
			for _, p := range c.truth {
				require.Contains(t, c.byID, p.Source)
				require.Contains(t, c.byID, p.Copy)
				src, cp := c.text(p.Source), c.text(p.Copy)
				require.True(t, 0 <= p.SourceStart && p.SourceStart < p.SourceEnd && p.SourceEnd <= len(src), "%+v", p)
				require.True(t, 0 <= p.CopyStart && p.CopyStart < p.CopyEnd && p.CopyEnd <= len(cp), "%+v", p)
				// Undo the edits from the last one, so that the earlier
				// offsets still hold.
				got := cp[p.CopyStart:p.CopyEnd]
				for i := len(p.Edits) - 1; i >= 0; i-- {
					e := p.Edits[i]
					at := e.At - p.CopyStart
					require.NotEqual(t, e.From, e.To)
					require.Equal(t, e.To, got[at:at+len(e.To)], "edit %+v of %+v is where it says", e, p)
					got = got[:at] + e.From + got[at+len(e.To):]
				}
				assert.Equal(t, src[p.SourceStart:p.SourceEnd], got, "%+v", p)
				assert.Less(t, c.stories[c.byID[p.Source]].Date, c.stories[c.byID[p.Copy]].Date, "copy dated after its source")
				if p.Kind == KindCopy && s != ShapeLongLine {
					assert.True(t, len(p.Edits) == 0 || len(p.Edits) == 2, "a copy is verbatim or has two words changed: %+v", p)
				}
			}
		})
	}
}

// TestArchiveShape checks the statistics the archive is stated
// in: paragraphs per article, words per paragraph, copy and edit rates,
// sentences, numbers, size and dates.
func TestArchiveShape(t *testing.T) {
	cfg := DefaultConfig(ShapeArchive)
	cfg.N = 3000
	c := generate(t, cfg)
	require.Len(t, c.stories, cfg.N)
	assert.Equal(t, Stats{Documents: cfg.N, Paragraphs: c.stats.Paragraphs, Words: c.stats.Words,
		TextBytes: c.stats.TextBytes, CorpusBytes: int64(len(c.raw)), Copies: len(c.truth), Edited: c.stats.Edited}, c.stats)

	paras, words, numbers, textBytes := 0, 0, 0, 0
	prev := ""
	for _, s := range c.stories {
		textBytes += len(s.Text)
		ps := strings.Split(s.Text, "\n\n")
		assert.True(t, len(ps) >= minParagraphs && len(ps) <= maxParagraphs, "%s: %d paragraphs", s.ID, len(ps))
		for _, p := range ps {
			toks := strings.Fields(p)
			require.Equal(t, strings.Join(toks, " "), p, "single spaces, no newline inside a paragraph")
			assert.True(t, len(toks) >= minParagraph && len(toks) <= maxParagraph, "%s: %d words", s.ID, len(toks))
			assert.True(t, unicode.IsUpper(rune(p[0])), "%s: a paragraph starts a sentence: %q", s.ID, p)
			assert.True(t, strings.HasSuffix(p, "."), "%s: a paragraph ends a sentence", s.ID)
			for _, tok := range toks {
				if tok[0] >= '0' && tok[0] <= '9' {
					numbers++
				}
			}
			words += len(toks)
		}
		paras += len(ps)
		assert.Greater(t, s.Date, prev, "dates increase")
		prev = s.Date
	}
	assert.Equal(t, c.stats.Paragraphs, paras)
	assert.Equal(t, c.stats.Words, words)
	assert.Equal(t, c.stats.TextBytes, int64(textBytes))
	last, err := time.Parse(time.RFC3339, prev)
	require.NoError(t, err)
	assert.True(t, last.Before(cfg.Start.AddDate(1, 0, 0)) && last.After(cfg.Start.AddDate(0, 11, 0)), "dates spread over a year: last %v", last)

	edited := 0
	for _, p := range c.truth {
		assert.Equal(t, KindCopy, p.Kind)
		if len(p.Edits) > 0 {
			edited++
		}
	}
	assert.Equal(t, c.stats.Edited, edited)
	rate := float64(len(c.truth)) / float64(paras)
	assert.InDelta(t, 0.01, rate, 0.002, "1%% of paragraphs are copies")
	assert.InDelta(t, 0.5, float64(edited)/float64(len(c.truth)), 0.1, "half the copies are edited")
	assert.InDelta(t, 0.015, float64(numbers)/float64(words), 0.004, "a few numbers")
	perArticle := float64(textBytes) / float64(cfg.N)
	assert.InDelta(t, 2530, perArticle, 100, "10,000 articles ≈ 25 MB, 100,000 ≈ 253 MB")
}

// TestBoilerplateShapes checks that every document ends with the footer,
// identical (boiler) or one word or its date away from the first
// document's (nearboiler), and that a few real copies are planted too.
func TestBoilerplateShapes(t *testing.T) {
	for _, s := range []Shape{ShapeBoiler, ShapeNearBoiler} {
		t.Run(string(s), func(t *testing.T) {
			cfg := DefaultConfig(s)
			cfg.N = 2000
			c := generate(t, cfg)
			footerOf := func(text string) []string {
				ps := strings.Split(text, "\n\n")
				return strings.Fields(ps[len(ps)-1])
			}
			first := footerOf(c.stories[0].Text)
			assert.Len(t, first, 47)
			variants := map[string]bool{}
			for _, st := range c.stories {
				f := footerOf(st.Text)
				require.Len(t, f, len(first))
				diff := 0
				for i := range f {
					if f[i] != first[i] {
						diff++
					}
				}
				if s == ShapeBoiler {
					assert.Zero(t, diff, st.ID)
				} else {
					assert.LessOrEqual(t, diff, 1, st.ID)
				}
				variants[strings.Join(f, " ")] = true
			}
			copies, boiler := 0, 0
			for _, p := range c.truth {
				switch p.Kind {
				case KindCopy:
					copies++
				case KindBoilerplate:
					boiler++
					assert.Equal(t, docID(0), p.Source)
				}
			}
			assert.Equal(t, cfg.N-1, boiler, "one footer line a document but the first")
			assert.Equal(t, cfg.N, c.stats.Boilerplate)
			assert.True(t, copies >= 20 && copies <= 80, "a few real copies: %d", copies)
			if s == ShapeBoiler {
				assert.Len(t, variants, 1)
			} else {
				assert.Greater(t, len(variants), cfg.N/3, "near-identical: most footers differ")
			}
		})
	}
}

func TestLongLineShape(t *testing.T) {
	cfg := DefaultConfig(ShapeLongLine)
	cfg.Size = 200_000
	c := generate(t, cfg)
	require.Len(t, c.stories, 2)
	long := c.stories[0].Text
	assert.NotContains(t, long, "\n")
	assert.True(t, len(long) >= cfg.Size && len(long) < cfg.Size+1000, "%d bytes", len(long))
	require.Len(t, c.truth, 2)
	for i, p := range c.truth {
		assert.Equal(t, docID(0), p.Source)
		assert.Greater(t, p.SourceStart, (i+1)*cfg.Size/3-1, "passages from a third and two thirds in")
	}
	assert.Len(t, strings.Split(c.stories[1].Text, "\n\n"), 6)
}

// TestGenerateStreams checks that Generate writes as it goes rather than
// at the end, and stops at a writer's error.
func TestGenerateStreams(t *testing.T) {
	cfg := DefaultConfig(ShapeArchive)
	cfg.N = 2000
	w := &failingWriter{after: 1 << 20}
	_, err := Generate(cfg, w, nil)
	require.ErrorIs(t, err, errFull)
	assert.Less(t, w.calls, 40, "stopped at the first error")
}

var errFull = errors.New("disk full")

type failingWriter struct{ after, n, calls int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.n+len(p) > w.after {
		return 0, errFull
	}
	w.n += len(p)
	return len(p), nil
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"unknown shape", func(c *Config) { c.Shape = "wiki" }},
		{"no documents", func(c *Config) { c.N = 0 }},
		{"more documents than seconds in a year", func(c *Config) { c.N = year + 1 }},
		{"negative copy rate", func(c *Config) { c.CopyRate = -0.1 }},
		{"edit rate over 1", func(c *Config) { c.EditRate = 1.5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig(ShapeArchive)
			tt.edit(&cfg)
			_, err := Generate(cfg, &bytes.Buffer{}, nil)
			require.ErrorIs(t, err, ErrConfig)
		})
	}
	long := DefaultConfig(ShapeLongLine)
	long.Size = 10
	require.ErrorIs(t, long.Validate(), ErrConfig)
	for _, s := range Shapes {
		require.NoError(t, DefaultConfig(s).Validate(), s)
	}
}
