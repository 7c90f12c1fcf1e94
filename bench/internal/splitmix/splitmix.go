// Package splitmix is the seeded random stream of reprint's corpus
// generators (bench/synth, bench/scale): SplitMix64 with its own
// bounded-integer and float helpers.
//
// The generators do not use math/rand so that a seed gives the same corpus
// on every Go release and architecture: the standard library does not
// promise stable streams for the derived methods (IntN, Shuffle, …). A Rand
// is not safe for concurrent use.
package splitmix

import (
	"hash/fnv"
	"math/bits"
)

// Rand is one SplitMix64 stream.
type Rand struct{ s uint64 }

// New returns a stream derived from seed and a label, so that each stage
// of a generator draws from its own stream and changing one stage (say,
// the number of distractors) does not reshuffle the others.
func New(seed int64, label string) *Rand {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(seed) >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(label))
	return &Rand{s: h.Sum64()}
}

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// IntN returns a uniform integer in [0,n) (Lemire's method); n must be > 0.
func (r *Rand) IntN(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(r.Uint64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), un)
		}
	}
	return int(hi)
}

// Between returns a uniform integer in [lo,hi].
func (r *Rand) Between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// Float64 returns a uniform float in [0,1).
func (r *Rand) Float64() float64 { return float64(r.Uint64()>>11) / (1 << 53) }

// Chance reports true with probability p.
func (r *Rand) Chance(p float64) bool { return r.Float64() < p }

// Shuffle permutes n elements (Fisher–Yates).
func (r *Rand) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.IntN(i+1))
	}
}

// Pick returns an index drawn with probability proportional to weights; -1
// when all weights are zero.
func (r *Rand) Pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return -1
	}
	u := r.Float64() * total
	var cum float64
	last := -1
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		cum += w
		last = i
		if u < cum {
			return i
		}
	}
	return last
}
