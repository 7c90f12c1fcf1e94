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

func TestPackedRoundTripAndSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	cases := map[string][]Posting{
		"empty":    nil,
		"one":      {{7, 3}},
		"extremes": {{0, 0}, {0, 1<<32 - 1}, {1<<32 - 1, 5}},
	}
	var random []Posting
	for range 3000 {
		random = append(random, Posting{1<<20*3 + rng.Uint32N(1<<20), 5000 + rng.Uint32N(100000)})
	}
	Sort(random)
	cases["random"] = slices.Compact(random)
	for name, ps := range cases {
		t.Run(name, func(t *testing.T) {
			base := uint32(0)
			if name == "random" {
				base = 3 << 20
			}
			b := EncodePacked(nil, base, ps)
			got, err := DecodePacked(nil, base, b)
			require.NoError(t, err)
			assert.Equal(t, len(ps), len(got))
			if len(ps) > 0 {
				assert.Equal(t, ps, got)
			}
			keys := []uint32{0, 7, 1<<32 - 1}
			for _, p := range ps {
				if rng.IntN(4) == 0 {
					keys = append(keys, p.Key, p.Key+1)
				}
			}
			slices.Sort(keys)
			keys = slices.Compact(keys)
			var want, found []Posting
			for _, p := range ps {
				if _, ok := slices.BinarySearch(keys, p.Key); ok {
					want = append(want, p)
				}
			}
			require.NoError(t, SearchPacked(base, b, keys, func(p Posting) { found = append(found, p) }))
			assert.Equal(t, want, found)
		})
	}
}

func FuzzDecodePacked(f *testing.F) {
	f.Add(uint32(5), EncodePacked(nil, 5, []Posting{{5, 1}, {5, 9}, {6, 2}}))
	f.Add(uint32(0), []byte{})
	f.Add(uint32(0), []byte{200, 0, 0, 0})
	f.Fuzz(func(t *testing.T, base uint32, b []byte) {
		ps, err := DecodePacked(nil, base, b)
		var found []Posting
		serr := SearchPacked(base, b, []uint32{base, base + 1, base + 1000}, func(p Posting) { found = append(found, p) })
		assert.Equal(t, err == nil, serr == nil)
		if err != nil || len(ps) == 0 || !slices.IsSortedFunc(ps, Compare) || len(slices.Compact(slices.Clone(ps))) < len(ps) {
			return // blocks hold distinct postings in order
		}
		// What decodes re-encodes to the same postings.
		again, err := DecodePacked(nil, base, EncodePacked(nil, base, ps))
		require.NoError(t, err)
		assert.Equal(t, ps, again)
	})
}

func TestFilterHoldsItsKeysAndFewOthers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var ps []Posting
	for range 1500 {
		k := 7<<20 + rng.Uint32N(1<<20)
		ps = append(ps, Posting{k, 1}, Posting{k, 2})
	}
	Sort(ps)
	ps = slices.Compact(ps)
	f := Filter(ps)
	for _, p := range ps {
		require.True(t, MayHold(f, p.Key))
	}
	fp := 0
	for range 10000 {
		k := 7<<20 + rng.Uint32N(1<<20)
		if _, ok := slices.BinarySearchFunc(ps, k, func(p Posting, k uint32) int { return int(p.Key) - int(k) }); !ok && MayHold(f, k) {
			fp++
		}
	}
	assert.Less(t, fp, 500, "false positives in 10,000")
	assert.True(t, MayHold(nil, 3), "no filter holds everything")
}
