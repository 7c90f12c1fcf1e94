package reprint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/internal/testcorpus"
	"github.com/reprint-dev/reprint/minhash"
)

var update = flag.Bool("update", false, "rewrite golden files")

func readSeeds(t *testing.T) []reprint.Document {
	t.Helper()
	docs, problems, err := reader.Read(context.Background(), []string{"testdata/seeds"}, reader.Options{})
	require.NoError(t, err)
	require.Empty(t, problems)
	require.Len(t, docs, 5)
	return docs
}

func detect(t *testing.T, docs []reprint.Document, opts ...reprint.Option) *reprint.Report {
	t.Helper()
	det, err := reprint.New(opts...)
	require.NoError(t, err)
	require.NoError(t, det.Add(docs...))
	rep, err := det.Detect(context.Background())
	require.NoError(t, err)
	return rep
}

func marshal(t *testing.T, rep *reprint.Report) []byte {
	t.Helper()
	b, err := json.MarshalIndent(rep, "", "  ")
	require.NoError(t, err)
	return b
}

// TestSeedsFindTheRecycledQuotations checks the passages the seed articles
// are known to share: each must be inside one cluster's copies in exactly
// the documents named, and every copy's text must be the file's bytes at
// its span.
func TestSeedsFindTheRecycledQuotations(t *testing.T) {
	rep := detect(t, readSeeds(t))
	files := map[string][]byte{}
	for _, d := range rep.Documents {
		b, err := os.ReadFile(filepath.Join("testdata/seeds", d.ID))
		require.NoError(t, err)
		files[d.ID] = b
	}
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			require.Equal(t, p.Text, string(files[p.Doc][p.Start:p.End]), "cluster %s: span of %s", c.ID, p.Doc)
			line := 1 + bytes.Count(files[p.Doc][:p.Start], []byte("\n"))
			require.Equal(t, line, p.Line, "cluster %s: line of %s", c.ID, p.Doc)
		}
	}
	tests := []struct {
		name  string
		start string // words the passage starts with (in every copy)
		end   string // words it ends with
		docs  []string
	}{
		{"special relationship", "When you have a special relationship", "close mate", []string{"000", "001", "002"}},
		{"red carpet", "don't think we should roll out the red carpet", "everything we stand for", []string{"000", "001"}},
		{"pathetic excuse", "Pathetic excuse by London Mayor Sadiq Khan who had to think fast on his", "", []string{"001", "003"}},
		{"thank you", "Thank you, Mayor Khan, for your leadership during this crisis", "", []string{"003", "004"}},
		{"picking a fight", "don't see that the president is picking a fight with the mayor", "London", []string{"001", "004"}},
		{"better things", "I've got better and more important things to focus on", "", []string{"002", "004"}},
	}
	norm := func(s string) string {
		return strings.NewReplacer("’", "'", ",", "").Replace(strings.Join(strings.Fields(s), " "))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var found []string
			for _, c := range rep.Clusters {
				var in []string
				for _, p := range c.Passages {
					text := norm(p.Text)
					i := strings.Index(text, norm(tt.start))
					if i >= 0 && strings.Contains(text[i:], norm(tt.end)) {
						in = append(in, p.Doc[:3])
					}
				}
				if len(in) >= len(tt.docs) {
					found = in
				}
			}
			assert.Subset(t, found, tt.docs, "no cluster holds %q in %v", tt.start, tt.docs)
		})
	}
}

// TestSeedsGolden pins the whole JSON report of the seeds: regenerate with
// go test -run SeedsGolden -update after a deliberate change.
func TestSeedsGolden(t *testing.T) {
	got := marshal(t, detect(t, readSeeds(t)))
	path := filepath.Join("testdata", "golden", "seeds.json")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run SeedsGolden -update to create it")
	assert.Equal(t, string(want), string(got))
}

// synthetic returns n documents with passages copied between them.
func synthetic(n int, seed uint64) []reprint.Document { return testcorpus.Synthetic(n, seed) }

func TestDeterministicWhateverTheWorkers(t *testing.T) {
	docs := synthetic(300, 7)
	want := marshal(t, detect(t, docs, reprint.WithWorkers(1)))
	require.Contains(t, string(want), `"passages"`, "the corpus must have reuse for this test to mean anything")
	for _, w := range []int{2, 3, 8} {
		assert.Equal(t, string(want), string(marshal(t, detect(t, docs, reprint.WithWorkers(w)))), "workers=%d", w)
	}
}

func TestEkzhuBackendGivesTheSameReport(t *testing.T) {
	docs := synthetic(150, 3)
	want := detect(t, docs)
	got := detect(t, docs, reprint.WithBackend(reprint.BackendEkzhu))
	assert.Equal(t, want.Clusters, got.Clusters)
	assert.Equal(t, want.Matches, got.Matches)
}

func TestSyntheticSpansAreExact(t *testing.T) {
	docs := synthetic(200, 11)
	text := map[string]string{}
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	rep := detect(t, docs)
	require.NotEmpty(t, rep.Matches)
	for _, m := range rep.Matches {
		// The corpus copies whole sentences verbatim: the two sides of
		// every match must read the same, word for word.
		a, b := text[m.A.Doc][m.A.Start:m.A.End], text[m.B.Doc][m.B.Start:m.B.End]
		assert.Equal(t, minhash.Normalize(a), minhash.Normalize(b), "%s %v ~ %s %v", m.A.Doc, m.A, m.B.Doc, m.B)
		assert.GreaterOrEqual(t, m.Words, reprint.DefaultMinWords)
		assert.True(t, m.Similarity > 0 && m.Similarity <= 1, "similarity %v", m.Similarity)
	}
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			assert.Equal(t, text[p.Doc][p.Start:p.End], p.Text)
		}
	}
}

func TestDetectHonoursCancellation(t *testing.T) {
	det, err := reprint.New()
	require.NoError(t, err)
	require.NoError(t, det.Add(synthetic(200, 1)...))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = det.Detect(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestAddRejectsBadIDs(t *testing.T) {
	det, err := reprint.New()
	require.NoError(t, err)
	require.NoError(t, det.Add(reprint.Document{ID: "a", Text: "x"}))
	err = det.Add(reprint.Document{ID: "a", Text: "y"})
	assert.True(t, errors.Is(err, reprint.ErrDuplicateID), "got %v", err)
	assert.ErrorIs(t, det.Add(reprint.Document{Text: "z"}), reprint.ErrEmptyID)
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]reprint.Option{
		"threshold 0":    reprint.WithThreshold(0),
		"threshold 1":    reprint.WithThreshold(1),
		"min words 0":    reprint.WithMinWords(0),
		"workers 0":      reprint.WithWorkers(0),
		"backend":        reprint.WithBackend("nope"),
		"verify shingle": reprint.WithVerifyShingle(0),
	} {
		_, err := reprint.New(opt)
		assert.Error(t, err, name)
	}
}

func TestEmptyAndTinyInputs(t *testing.T) {
	rep := detect(t, nil)
	assert.Empty(t, rep.Clusters)
	assert.Equal(t, reprint.SchemaV1, rep.Schema)
	rep = detect(t, []reprint.Document{{ID: "a", Text: ""}, {ID: "b", Text: "one"}, {ID: "c", Text: "\x00\xff!!"}})
	assert.Empty(t, rep.Matches)
	assert.Len(t, rep.Documents, 3)
}

// A sentence recycled from a 50 MB single-line document is found: nothing
// in the pipeline is quadratic in a document's length.
func TestHugeSingleLineDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB document")
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var b strings.Builder
	for b.Len() < 50<<20 {
		fmt.Fprintf(&b, "w%d ", rng.IntN(1_000_000))
	}
	huge := b.String()
	quote := "an unusual sentence that was copied word for word from a very long document"
	mid := strings.LastIndexByte(huge[:len(huge)/2], ' ') + 1
	huge = huge[:mid] + quote + " " + huge[mid:]
	rep := detect(t, []reprint.Document{
		{ID: "huge", Text: huge},
		{ID: "copy", Text: "Elsewhere: " + quote + ". The end."},
	})
	require.Len(t, rep.Clusters, 1)
	assert.Equal(t, quote, rep.Clusters[0].Passages[0].Text)
}

func TestBoilerplateIsCappedAndSaid(t *testing.T) {
	// Thirty stories with nothing in common but their footer.
	var docs []reprint.Document
	for i := 0; i < 30; i++ {
		own := fmt.Sprintf("Alpha%d beta%d gamma%d delta%d epsilon%d zeta%d.", i, i, i, i, i, i)
		docs = append(docs, reprint.Document{ID: fmt.Sprint(i), Text: own + " All rights reserved by the publisher of this fine newspaper today."})
	}
	rep := detect(t, docs, reprint.WithBucketCap(10))
	require.NotNil(t, rep.Limits)
	require.Len(t, rep.Limits.Boilerplate, 1)
	assert.Equal(t, 30, rep.Limits.Boilerplate[0].Documents)
	assert.Empty(t, rep.DocPairs)

	rep = detect(t, docs) // under the default cap: every pair is reported
	assert.Len(t, rep.DocPairs, 30*29/2)
	assert.Nil(t, rep.Limits)
}

func TestEarliestWitnessFromDates(t *testing.T) {
	day := func(s string) reprint.Date {
		d, err := reader.ParseDate(s)
		require.NoError(t, err)
		return d
	}
	text := "The committee agreed on Tuesday to extend the programme for another three years at a cost of two billion."
	tests := []struct {
		name  string
		dates []string
		want  string // "" for none
	}{
		{"earlier day wins", []string{"2017-06-09", "2017-06-06"}, "b"},
		{"same day ties", []string{"2017-06-09", "2017-06-09"}, ""},
		{"minutes break a tie", []string{"2017-06-09T10:05Z", "2017-06-09T10:04Z"}, "b"},
		{"day against minute on the same day ties", []string{"2017-06-09", "2017-06-09T10:04Z"}, ""},
		{"undated copies are no witness", []string{"", "2017-06-09"}, "b"},
		{"no dates", []string{"", ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := []reprint.Document{{ID: "a", Text: "First. " + text}, {ID: "b", Text: text + " Last."}}
			for i, s := range tt.dates {
				if s != "" {
					docs[i].Date = day(s)
				}
			}
			rep := detect(t, docs)
			require.Len(t, rep.Clusters, 1)
			got := ""
			if e := rep.Clusters[0].Earliest; e != nil {
				got = *e
			}
			assert.Equal(t, tt.want, got)
			rep = detect(t, docs, reprint.WithIgnoreDates(true))
			assert.Nil(t, rep.Clusters[0].Earliest, "--ignore-dates")
		})
	}
}
