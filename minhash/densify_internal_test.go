package minhash

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSparseDensificationEqualsTheProbeWalk checks the inverse-list
// densification against the probe walk on sets from one shingle to a
// quarter of the bins, for several signature sizes and seeds.
func TestSparseDensificationEqualsTheProbeWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 64, 128, 300} {
		for seed := uint64(0); seed < 3; seed++ {
			s, err := NewSketcher(n, seed)
			require.NoError(t, err)
			for size := 1; size*sparseRatio < n+sparseRatio; size++ {
				sh := make([]uint64, size)
				for i := range sh {
					sh[i] = rng.Uint64()
				}
				sparse := s.start(nil)
				for _, h := range sh {
					s.push(sparse, h)
				}
				walk := slices.Clone(sparse)
				s.densify(sparse)
				n := uint64(s.n)
				for i := uint64(0); i < n; i++ {
					if s.filled[i>>6]&(1<<(i&63)) == 0 {
						s.fill(walk, i)
					}
				}
				require.Equal(t, walk, sparse, "n %d, seed %d, %d shingles", n, seed, size)
			}
		}
	}
}
