package synth

import (
	"hash/fnv"
	"math/bits"
)

// rng is SplitMix64 with its own bounded-integer and float helpers. The
// generator does not use math/rand so that a seed gives the same corpus on
// every Go release and architecture: the standard library does not promise
// stable streams for the derived methods (IntN, Shuffle, …).
type rng struct{ s uint64 }

// newRNG returns a stream derived from seed and a label, so that each stage
// of the generator draws from its own stream and changing one stage (say,
// the number of distractors) does not reshuffle the others.
func newRNG(seed int64, label string) *rng {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(seed) >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(label))
	return &rng{s: h.Sum64()}
}

func (r *rng) u64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform integer in [0,n) (Lemire's method); n must be > 0.
func (r *rng) intn(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(r.u64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(r.u64(), un)
		}
	}
	return int(hi)
}

// between returns a uniform integer in [lo,hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// float64 returns a uniform float in [0,1).
func (r *rng) float64() float64 { return float64(r.u64()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float64() < p }

// shuffle permutes n elements (Fisher–Yates).
func (r *rng) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.intn(i+1))
	}
}

// pick returns an index drawn with probability proportional to weights; -1
// when all weights are zero.
func (r *rng) pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return -1
	}
	u := r.float64() * total
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
