package postings

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlockRoundTrip(t *testing.T) {
	tests := map[string][]Posting{
		"one":          {{7, 1}},
		"repeated key": {{5, 1}, {5, 9}, {5, 1 << 31}, {6, 2}},
		"extremes":     {{0, 0}, {1<<32 - 1, 1<<32 - 1}},
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var random []Posting
	for range 1000 {
		random = append(random, Posting{rng.Uint32(), rng.Uint32()})
	}
	slices.SortFunc(random, Compare)
	tests["random"] = random
	for name, ps := range tests {
		t.Run(name, func(t *testing.T) {
			for _, base := range []uint32{0, ps[0].Key} {
				got, err := DecodeBlock(nil, base, EncodeBlock(nil, base, ps))
				require.NoError(t, err)
				assert.Equal(t, ps, got)
			}
		})
	}
}

func TestDecodeBlockRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, {0xff}, {5, 1}, {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} {
		_, err := DecodeBlock(nil, 0, b)
		assert.ErrorIs(t, err, ErrCorrupt)
	}
}

func TestMergeAndSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	var a, b []Posting
	for range 500 {
		a = append(a, Posting{rng.Uint32N(100), rng.Uint32N(1000)})
		b = append(b, Posting{rng.Uint32N(100), 1000 + rng.Uint32N(1000)})
	}
	Sort(a)
	Sort(b)
	require.True(t, slices.IsSortedFunc(a, Compare))
	odd := func(doc uint32) bool { return doc%2 == 1 }
	got := Merge(nil, a, b, odd)
	var want []Posting
	for _, p := range append(slices.Clone(a), b...) {
		if odd(p.Doc) {
			want = append(want, p)
		}
	}
	slices.SortFunc(want, Compare)
	assert.Equal(t, want, got)
}

func FuzzDecodeBlock(f *testing.F) {
	f.Add(uint32(5), EncodeBlock(nil, 5, []Posting{{5, 1}, {5, 9}, {6, 2}}))
	f.Add(uint32(0), []byte{})
	f.Fuzz(func(t *testing.T, base uint32, b []byte) {
		ps, err := DecodeBlock(nil, base, b)
		if err != nil || len(ps) == 0 {
			return
		}
		// What decodes re-encodes to the same postings.
		again, err := DecodeBlock(nil, base, EncodeBlock(nil, base, ps))
		require.NoError(t, err)
		assert.Equal(t, ps, again)
	})
}
