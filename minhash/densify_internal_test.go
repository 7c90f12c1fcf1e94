package minhash

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// referenceSketch is one-permutation hashing with optimal densification
// written from its definition, with none of Sketcher's tables: each
// shingle goes to one bin, and each empty bin takes the value of the first
// filled bin on its own probe sequence.
func referenceSketch(n int, seed uint64, shingles []uint64) Signature {
	key := seed*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	sig := make(Signature, n)
	filled := make([]bool, n)
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for _, h := range shingles {
		x := (h ^ key) * 0xbf58476d1ce4e5b9
		x ^= x >> 31
		bin := ((x >> 32) * uint64(n)) >> 32
		sig[bin] = min(sig[bin], uint32(x))
		filled[bin] = true
	}
	out := slices.Clone(sig)
	for i := range n {
		for attempt := uint64(1); !filled[i]; attempt++ {
			x := mix64(seed ^ (uint64(i)<<32 | attempt) ^ 0xd6e8feb86659fd93)
			if j := ((x >> 32) * uint64(n)) >> 32; filled[j] {
				out[i] = sig[j]
				break
			}
		}
	}
	return out
}

// TestSketchEqualsTheDefinition checks Sketch, whichever densification it
// takes (none, the probe walk, the inverse lists, probes past the
// precomputed depth), against referenceSketch: for set sizes from one
// shingle to several times the bins, for several signature sizes
// (non-multiples of 8 and 64 among them) and seeds.
func TestSketchEqualsTheDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 7, 9, 64, 65, 128, 200, 300, 1000} {
		for seed := uint64(0); seed < 3; seed++ {
			s, err := NewSketcher(n, seed)
			require.NoError(t, err)
			var sig Signature
			for size := 1; size <= 3*n; size += 1 + size/8 {
				sh := make([]uint64, size)
				for i := range sh {
					sh[i] = rng.Uint64()
				}
				sig, err = s.Sketch(sig, sh)
				require.NoError(t, err)
				require.Equal(t, referenceSketch(n, seed, sh), sig, "n %d, seed %d, %d shingles", n, seed, size)
			}
		}
	}
}

// TestSketchTellsAMaximalValueFromAnEmptyBin checks that a bin whose
// minimum is the largest value (all ones) counts as filled: a shingle hash
// chosen so that its value is 2^32−1.
func TestSketchTellsAMaximalValueFromAnEmptyBin(t *testing.T) {
	const n = 128
	seed := uint64(1)
	key := seed*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	rng := rand.New(rand.NewPCG(7, 8))
	var maxed []uint64
	for len(maxed) < 3 {
		// x ^= x>>31 is invertible: pick x with low 32 bits all ones,
		// undo the shift and the multiply (its inverse mod 2^64), undo
		// the key.
		x := rng.Uint64() | 0xffffffff
		y := x ^ x>>31 ^ x>>62
		maxed = append(maxed, y*inverseOdd(0xbf58476d1ce4e5b9)^key)
	}
	s, err := NewSketcher(n, seed)
	require.NoError(t, err)
	for k := 1; k <= len(maxed); k++ {
		sh := append([]uint64{}, maxed[:k]...)
		for range 40 * (k - 1) {
			sh = append(sh, rng.Uint64())
		}
		sig, err := s.Sketch(nil, sh)
		require.NoError(t, err)
		want := referenceSketch(n, seed, sh)
		require.Contains(t, want, ^uint32(0))
		require.Equal(t, want, sig)
	}
}

// inverseOdd is the inverse of odd a modulo 2^64 (Newton's iteration).
func inverseOdd(a uint64) uint64 {
	x := a
	for range 6 {
		x *= 2 - a*x
	}
	return x
}

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
				for i := range s.n {
					if s.filled[i] == 0 {
						s.fillFrom(walk, i, 0)
					}
				}
				require.Equal(t, walk, sparse, "n %d, seed %d, %d shingles", n, seed, size)
			}
		}
	}
}
