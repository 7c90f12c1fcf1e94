package pipeline

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

func testConfig(t *testing.T, capDocs int) *Config {
	c := &Config{Params: minhash.DefaultParams(), VerifyShingle: 5, MinWords: 8, BucketCap: capDocs}
	require.NoError(t, c.Validate())
	return c
}

func docsRange(lo, hi int32) []int32 {
	var ds []int32
	for d := lo; d < hi; d++ {
		ds = append(ds, d)
	}
	return ds
}

func shingles(lo, hi uint64) []uint64 {
	var s []uint64
	for v := lo; v < hi; v++ {
		s = append(s, v*0x9e3779b97f4a7c15)
	}
	slices.Sort(s)
	return s
}

// TestSpecialsFamilies: near-identical variants that together pass the
// cap are boilerplate, a different unit in the same bucket is not, and
// the verdict does not depend on the order the groups and buckets come
// in (the Beam pipeline gathers them in any order).
func TestSpecialsFamilies(t *testing.T) {
	c := testConfig(t, 10)
	groups := []SpecialGroup{
		{ID: 1, Docs: docsRange(0, 6), Shingles: shingles(0, 20)},      // the family's most common unit
		{ID: 2, Docs: docsRange(6, 11), Shingles: shingles(2, 22)},     // a variant: 18 of 22 shared
		{ID: 3, Docs: docsRange(11, 14), Shingles: shingles(100, 120)}, // another unit
		{ID: 4, Docs: docsRange(14, 16), Shingles: shingles(101, 121)}, // and its variant
	}
	buckets := []SpecialBand{{Band: 0, Members: []uint64{1, 2, 3, 4}}, {Band: 3, Members: []uint64{3, 4}}}
	want, err := c.Specials(groups, buckets, false)
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2}, want.Boiler, "a family of 11 documents passes the cap of 10")
	require.Equal(t, [][2]uint64{{3, 4}, {3, 4}}, want.Pairs, "the rest of each bucket pairs as usual")
	require.Zero(t, want.Hot)

	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		g, b := slices.Clone(groups), slices.Clone(buckets)
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		for i := range b {
			b[i].Members = slices.Clone(b[i].Members)
			rng.Shuffle(len(b[i].Members), func(x, y int) { b[i].Members[x], b[i].Members[y] = b[i].Members[y], b[i].Members[x] })
		}
		got, err := c.Specials(g, b, false)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}

	_, err = c.Specials(groups[:3], buckets, false)
	require.Error(t, err, "a member without its group's data")
}

// TestSpecialsHot: the rest of a bucket that still spans more documents
// than the cap is counted as hot, not paired.
func TestSpecialsHot(t *testing.T) {
	c := testConfig(t, 10)
	groups := []SpecialGroup{
		{ID: 1, Docs: docsRange(0, 6), Shingles: shingles(0, 20)},
		{ID: 2, Docs: docsRange(6, 12), Shingles: shingles(50, 70)},
	}
	res, err := c.Specials(groups, []SpecialBand{{Band: 1, Members: []uint64{1, 2}}}, false)
	require.NoError(t, err)
	require.Empty(t, res.Boiler)
	require.Empty(t, res.Pairs)
	require.Equal(t, 2, res.Hot)
}

// TestBoilerplatesRuns: boilerplate units next to each other make one
// passage; a unit between them (an index skipped) or another document
// starts a new run, and the mask merges touching spans.
func TestBoilerplatesRuns(t *testing.T) {
	units := []BoilerUnit{
		{Doc: 0, Index: 2, Group: 7, Span: Span{Start: 10, End: 20}, Tok: Range{Start: 2, End: 4}},
		{Doc: 0, Index: 3, Group: 8, Span: Span{Start: 20, End: 30}, Tok: Range{Start: 4, End: 6}},
		{Doc: 0, Index: 5, Group: 9, Span: Span{Start: 40, End: 50}, Tok: Range{Start: 8, End: 10}},
		{Doc: 1, Index: 0, Group: 8, Span: Span{Start: 0, End: 10}, Tok: Range{Start: 0, End: 2}},
		{Doc: 2, Index: 4, Group: 9, Span: Span{Start: 5, End: 9}, Tok: Range{Start: 1, End: 2}},
	}
	each := func(yield func(BoilerUnit) bool) {
		for _, u := range units {
			if !yield(u) {
				return
			}
		}
	}
	out, mask, toks := Boilerplates(each, true)
	require.Equal(t, []Boilerplate{
		{Doc: 0, Span: Span{Start: 10, End: 30}, Documents: 2}, // groups 7 and 8, joined in document 0
		{Doc: 0, Span: Span{Start: 40, End: 50}, Documents: 2},
	}, out)
	require.Equal(t, []Span{{Start: 10, End: 30}, {Start: 40, End: 50}}, mask[0])
	require.Equal(t, []Range{{Start: 2, End: 6}, {Start: 8, End: 10}}, toks[0])
	require.Equal(t, []Span{{Start: 5, End: 9}}, mask[2])
	_, _, toks = Boilerplates(each, false)
	require.Nil(t, toks)
}

// TestBucketPairsWide: a bucket of at most WideBucket groups pairs them
// all; a wider one only the pairs whose seeds may align.
func TestBucketPairsWide(t *testing.T) {
	c := testConfig(t, 0)
	f := c.NewFilter()
	count := func(n int, seeds func(int) Seeds) int {
		pairs := 0
		c.BucketPairs(f, n, seeds, func(x, y int) {
			require.Less(t, x, y)
			pairs++
		})
		return pairs
	}
	none := func(int) Seeds { return Seeds{PosBits: 4} } // no keys: nothing aligns
	require.Equal(t, 10*9/2, count(10, none), "a narrow bucket pairs all its groups")
	require.Equal(t, (WideBucket+1)*WideBucket/2, count(WideBucket+1, nil), "no seeds: all pairs")
	require.Zero(t, count(WideBucket+1, none), "a wide bucket without a shared run pairs none")
	wild := func(int) Seeds { return Seeds{Wild: true} }
	require.Equal(t, (WideBucket+1)*WideBucket/2, count(WideBucket+1, wild))
}
