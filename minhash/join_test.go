package minhash_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

// joinCorpus signs sets with planted near-duplicates and exact copies.
func joinCorpus(t *testing.T, p minhash.Params, n int) []minhash.Signature {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	sk, err := minhash.NewSketcher(p.NumHash, p.Seed)
	require.NoError(t, err)
	var sets [][]uint64
	for i := 0; i < n; i++ {
		var s []uint64
		if i > 0 && rng.IntN(3) == 0 {
			base := sets[rng.IntN(len(sets))]
			for _, h := range base {
				if rng.IntN(4) != 0 {
					s = append(s, h)
				} else {
					s = append(s, rng.Uint64())
				}
			}
		} else {
			for j := 0; j < 10+rng.IntN(40); j++ {
				s = append(s, rng.Uint64())
			}
		}
		sets = append(sets, s)
	}
	for i := 0; i < 30; i++ { // one hot bucket: 30 identical sets
		sets = append(sets, sets[0])
	}
	sigs := make([]minhash.Signature, len(sets))
	for i, s := range sets {
		sigs[i], err = sk.Sketch(nil, s)
		require.NoError(t, err)
	}
	return sigs
}

func TestSelfJoinEqualsQueryingAnIndex(t *testing.T) {
	p := minhash.DefaultParams()
	sigs := joinCorpus(t, p, 2000)
	for _, bucketCap := range []int{0, 10} {
		idx, err := minhash.NewLSH(p, minhash.WithBucketCap(bucketCap))
		require.NoError(t, err)
		for _, s := range sigs {
			_, err := idx.Add(s)
			require.NoError(t, err)
		}
		var want []uint64
		wantHot := 0
		var c minhash.Candidates
		for i, s := range sigs {
			require.NoError(t, idx.Query(s, &c))
			wantHot += c.HotBands
			for _, id := range c.IDs {
				if int(id) > i {
					want = append(want, uint64(i)<<32|uint64(id))
				}
			}
		}
		slices.Sort(want)
		for _, workers := range []int{1, 4} {
			got, hot, err := minhash.SelfJoin(sigs, p, bucketCap, workers)
			require.NoError(t, err)
			assert.Equal(t, want, got, "cap %d, workers %d", bucketCap, workers)
			if bucketCap > 0 {
				assert.Positive(t, hot, "the 31 identical signatures fill a hot bucket")
			} else {
				assert.Zero(t, hot)
			}
			assert.Equal(t, wantHot > 0, hot > 0)
		}
	}
}

func TestSelfJoinRejectsMismatchedSignatures(t *testing.T) {
	_, _, err := minhash.SelfJoin([]minhash.Signature{make(minhash.Signature, 3)}, minhash.DefaultParams(), 0, 1)
	assert.ErrorIs(t, err, minhash.ErrParamsMismatch)
}

// BenchmarkSelfJoin joins 100,000 signatures of short passages, about
// the number of distinct units in the dev corpus, at the default
// threshold's bands.
func BenchmarkSelfJoin(b *testing.B) {
	p := minhash.DefaultParams()
	bands, rows, err := minhash.ChooseBands(p.NumHash, 0.5)
	require.NoError(b, err)
	p.Bands, p.Rows = bands, rows
	sk, err := minhash.NewSketcher(p.NumHash, p.Seed)
	require.NoError(b, err)
	rng := rand.New(rand.NewPCG(1, 2))
	sigs := make([]minhash.Signature, 100_000)
	flat := make(minhash.Signature, len(sigs)*p.NumHash)
	for i := range sigs {
		set := make([]uint64, 10+rng.IntN(30))
		for j := range set {
			set[j] = rng.Uint64()
		}
		sigs[i], err = sk.Sketch(flat[i*p.NumHash:(i+1)*p.NumHash:(i+1)*p.NumHash], set)
		require.NoError(b, err)
	}
	for b.Loop() {
		if _, _, err := minhash.SelfJoin(sigs, p, 50, 2); err != nil {
			b.Fatal(err)
		}
	}
}
