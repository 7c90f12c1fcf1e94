package align

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

// doc prepares a text the way the detector does (3-word shingles).
func doc(text string) (Doc, []minhash.Token) {
	var tok minhash.Tokenizer
	toks := tok.Tokens(nil, text)
	d := Doc{Shingles: Sorted(minhash.Shingles(nil, toks, 3, 1))}
	for _, t := range toks {
		d.Numbers = append(d.Numbers, minhash.IsNumber(text[t.Start:t.End]))
		d.Tokens = append(d.Tokens, t.Hash)
		d.Stops = append(d.Stops, false)
	}
	if len(toks) > 0 {
		d.Stops[len(toks)-1] = true
	}
	return d, toks
}

func alignTexts(a, b string) ([]string, []string, []Segment) {
	da, ta := doc(a)
	db, tb := doc(b)
	var al Aligner
	segs := al.Align(da, db, Options{K: 3, Gap: 4, MinRun: 5, MinWords: 8, MaxRepeat: 16, MinSimilarity: 0.6})
	var sa, sb []string
	for _, s := range segs {
		sa = append(sa, a[ta[s.AStart].Start:ta[s.AEnd-1].End])
		sb = append(sb, b[tb[s.BStart].Start:tb[s.BEnd-1].End])
	}
	return sa, sb, segs
}

func TestAlign(t *testing.T) {
	quote := "the committee agreed to extend the programme for three more years at a cost of two billion"
	tests := []struct {
		name  string
		a, b  string
		wantA []string
		wantB []string
	}{
		{"verbatim inside other text", "Before it all. " + quote + ". After.", "Other words first, then " + quote + ", it said.",
			[]string{quote}, []string{quote}},
		{"a substituted word inside", quote, strings.Replace(quote, "programme", "plan", 1),
			[]string{quote}, []string{strings.Replace(quote, "programme", "plan", 1)}},
		{"an inserted word near the end is bridged by extension",
			"shares of acme rose after the company said quarterly profit had doubled on demand for its new engines",
			"shares of acme rose after the company said quarterly profit had doubled on demand for its engines",
			[]string{"shares of acme rose after the company said quarterly profit had doubled on demand for its new engines"},
			[]string{"shares of acme rose after the company said quarterly profit had doubled on demand for its engines"}},
		{"too short", "a b c d e f the same five words here x y z", "p q r the same five words here s t u", nil, nil},
		{"a table row with other figures is a different fact",
			"Shr loss 1.30 dlrs vs profit 29 cts Net loss 33.4 mln vs profit 4.1 mln Revs 12 mln vs 10 mln",
			"Shr loss 1.27 dlrs vs profit 43 cts Net loss 17.0 mln vs profit 2.2 mln Revs 9 mln vs 8 mln", nil, nil},
		{"two separate passages", "alpha beta gamma delta epsilon zeta eta theta iota. Nothing to see here at all today. kappa lambda mu nu xi omicron pi rho sigma",
			"kappa lambda mu nu xi omicron pi rho sigma! Something else entirely was said by someone. alpha beta gamma delta epsilon zeta eta theta iota",
			[]string{"alpha beta gamma delta epsilon zeta eta theta iota", "kappa lambda mu nu xi omicron pi rho sigma"},
			[]string{"alpha beta gamma delta epsilon zeta eta theta iota", "kappa lambda mu nu xi omicron pi rho sigma"}},
		{"nothing shared", "one two three four five six seven eight nine ten", "eleven twelve thirteen fourteen fifteen sixteen", nil, nil},
		{"empty", "", quote, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sa, sb, _ := alignTexts(tt.a, tt.b)
			assert.Equal(t, tt.wantA, sa)
			assert.Equal(t, tt.wantB, sb)
		})
	}
}

func TestSegmentScores(t *testing.T) {
	quote := "the committee agreed to extend the programme for three more years at a cost of two billion"
	_, _, segs := alignTexts(quote, quote)
	require.Len(t, segs, 1)
	assert.Equal(t, 1.0, segs[0].Similarity())
	assert.Equal(t, len(strings.Fields(quote)), segs[0].Words())

	_, _, segs = alignTexts(quote, strings.Replace(quote, "programme", "plan", 1))
	require.Len(t, segs, 1)
	assert.Less(t, segs[0].Similarity(), 1.0)
	assert.Greater(t, segs[0].Similarity(), 0.85)
	assert.Equal(t, 0, segs[0].Facts)

	_, _, segs = alignTexts(quote, strings.Replace(quote, "three", "four", 1))
	require.Len(t, segs, 1)
	assert.Equal(t, 1, segs[0].Facts, "a changed figure is a changed fact")
}

func TestRepeatedShinglesAreBounded(t *testing.T) {
	// A phrase repeated 100 times in both documents would give 10,000
	// seeds; MaxRepeat skips it instead.
	rep := strings.Repeat("buy now and save big today ", 100)
	da, _ := doc(rep)
	db, _ := doc(rep)
	var al Aligner
	segs := al.Align(da, db, Options{K: 3, Gap: 4, MinRun: 5, MinWords: 8, MaxRepeat: 16})
	assert.Empty(t, segs)
}

// Sorted's bucketed sort must give the order of a full sort, on uniform
// hashes, on repeated ones and on skewed ones (a whole document in one
// bucket).
func TestSortedMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 300; trial++ {
		n := rng.IntN(3000)
		h := make([]uint64, n)
		for i := range h {
			switch trial % 3 {
			case 0:
				h[i] = rng.Uint64()
			case 1:
				h[i] = rng.Uint64N(uint64(1+n/4)) << 40
			default:
				h[i] = rng.Uint64N(8)
			}
		}
		want := make([]Entry, n)
		for i, x := range h {
			want[i] = Entry{x, int32(i)}
		}
		slices.SortFunc(want, compareEntries)
		require.Equal(t, want, Sorted(h), "trial %d", trial)
	}
}

func BenchmarkSorted(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	h := make([]uint64, 400)
	for i := range h {
		h[i] = rng.Uint64()
	}
	b.ReportAllocs()
	for b.Loop() {
		Sorted(h)
	}
}
