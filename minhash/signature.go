package minhash

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// ErrEmpty is returned when a text or shingle set is empty: it has no
// signature.
var ErrEmpty = errors.New("minhash: empty input has no signature")

// ErrMismatch is returned when two signatures of different lengths, or made
// with different params, are compared.
var ErrMismatch = errors.New("minhash: signatures are not comparable")

// Signature is a MinHash sketch of a set of shingles: NumHash bin values.
// Two signatures made with the same Params estimate the Jaccard similarity
// of their sets by the share of bins that are equal.
type Signature []uint32

// Jaccard estimates the Jaccard similarity of the sets behind two
// signatures made with the same Params.
func Jaccard(a, b Signature) (float64, error) {
	if len(a) != len(b) || len(a) == 0 {
		return 0, fmt.Errorf("%w: lengths %d and %d", ErrMismatch, len(a), len(b))
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a)), nil
}

// Sketcher turns shingle hashes into signatures by one-permutation hashing
// with optimal densification. It keeps scratch space: it is not safe for
// concurrent use.
type Sketcher struct {
	n    int
	seed uint64
	key  uint64 // the seed's mixing key
	// filled[i] is 1 when bin i received a shingle: a byte a bin, so that
	// a push stores without reading and a probe loads without shifting.
	// Bytes from n on stay 0.
	filled *[MaxNumHash]uint8
	empty  []uint64  // bitmap of the empty bins, made by densify
	ones   Signature // n values 2^32−1: every bin empty
	probes []uint16  // the first probeDepth densification targets of each bin
	// first4 packs each bin's first four probes into one word, 16 bits
	// each, the first in the low bits: they settle most empty bins.
	first4 []uint64
	// inverse lists, for each bin j, the (bin, attempt) pairs whose probe
	// is j among the first probeDepth, by attempt: invStart[j] to
	// invStart[j+1] in inv, each packed attempt<<16 | bin.
	invStart []int32
	inv      []uint32
	best     []uint32 // sparse densification scratch: attempt<<16 | source bin
}

// probeDepth is how many densification probes per bin are precomputed:
// enough that a passage filling a tenth of the bins almost never needs to
// compute one.
const probeDepth = 128

// binMask keeps a bin index in filled's bounds (bins are below n ≤
// MaxNumHash, a power of two), which spares the probes' bounds checks.
const binMask = MaxNumHash - 1

// NewSketcher returns a Sketcher for signatures of numHash values.
func NewSketcher(numHash int, seed uint64) (*Sketcher, error) {
	if numHash < 1 || numHash > MaxNumHash {
		return nil, fmt.Errorf("minhash: num_hash %d out of range 1..%d", numHash, MaxNumHash)
	}
	s := &Sketcher{n: numHash, seed: seed, filled: new([MaxNumHash]uint8)}
	s.key = seed*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	s.empty = make([]uint64, (numHash+63)/64)
	s.ones = make(Signature, numHash)
	for i := range s.ones {
		s.ones[i] = ^uint32(0)
	}
	s.probes = make([]uint16, numHash*probeDepth)
	s.first4 = make([]uint64, numHash)
	s.invStart = make([]int32, numHash+1)
	for i := 0; i < numHash; i++ {
		for a := 0; a < probeDepth; a++ {
			j := s.probe(uint64(i), uint64(a+1))
			s.probes[i*probeDepth+a] = uint16(j)
			if a < 4 {
				s.first4[i] |= j << (16 * a)
			}
			s.invStart[j+1]++
		}
	}
	for j := 1; j <= numHash; j++ {
		s.invStart[j] += s.invStart[j-1]
	}
	s.inv = make([]uint32, numHash*probeDepth)
	next := slices.Clone(s.invStart[:numHash])
	for a := 0; a < probeDepth; a++ {
		for i := 0; i < numHash; i++ {
			j := s.probes[i*probeDepth+a]
			s.inv[next[j]] = uint32(a)<<16 | uint32(i)
			next[j]++
		}
	}
	s.best = make([]uint32, numHash)
	return s, nil
}

// probe is the attempt-th densification target of empty bin i. It depends
// only on the seed, i and attempt, never on the set: that is what makes the
// densification "optimal".
func (s *Sketcher) probe(i, attempt uint64) uint64 {
	x := mix64(s.seed ^ (i<<32 | attempt) ^ 0xd6e8feb86659fd93)
	return ((x >> 32) * uint64(s.n)) >> 32
}

// Sketch writes the signature of the set of shingle hashes into dst (grown
// or allocated as needed) and returns it. Duplicates in shingles do not
// matter. It returns ErrEmpty when shingles is empty.
func (s *Sketcher) Sketch(dst Signature, shingles []uint64) (Signature, error) {
	if len(shingles) == 0 {
		return dst, ErrEmpty
	}
	dst = s.start(dst)
	for _, h := range shingles {
		s.push(dst, h)
	}
	s.densify(dst)
	return dst, nil
}

// start readies dst (grown as needed) for pushes: every bin empty.
func (s *Sketcher) start(dst Signature) Signature {
	if cap(dst) < s.n {
		dst = make(Signature, s.n)
	}
	dst = dst[:s.n]
	copy(dst, s.ones)
	clear(s.filled[:s.n])
	return dst
}

// push adds one shingle hash to the signature being built in dst.
func (s *Sketcher) push(dst Signature, h uint64) {
	// Shingle hashes are XORs of fully mixed word hashes: one multiply
	// and shift spread them enough. The high half picks the bin (Lemire's
	// fast range reduction), the low half is the value.
	x := (h ^ s.key) * 0xbf58476d1ce4e5b9
	x ^= x >> 31
	bin := ((x >> 32) * uint64(s.n)) >> 32
	dst[bin] = min(dst[bin], uint32(x)) // branch-free: new minima are unpredictable
	s.filled[bin&binMask] = 1
}

// densify fills each empty bin with the value of a non-empty bin found by a
// seeded probe sequence that depends only on the empty bin's index and the
// attempt number (optimal densification): two sets fill the same empty bin
// from the same source bin whenever their filled bins agree, which keeps
// the collision probability of every bin equal to the Jaccard similarity.
func (s *Sketcher) densify(dst Signature) {
	full := s.markEmpty()
	if full == s.n {
		return
	}
	if full == 1 {
		// Every probe sequence meets the one filled bin (a text of one
		// shingle): the walks would take a hundred probes a bin.
		for w, empty := range s.empty {
			if empty != ^uint64(0) {
				fillAll(dst, dst[w*64+bits.TrailingZeros64(^empty)])
				return
			}
		}
	}
	if full*sparseRatio < s.n {
		s.densifySparse(dst, full)
		return
	}
	// fill, inlined: the first four probes at once, with one branch for
	// the four (which probe hits first is unpredictable, so fewer
	// branches are faster). Bins whose first four probes all miss are
	// left in empty and walk on after the loop, which makes no calls.
	f, first := s.filled, s.first4[:s.n]
	more := false
	for w, empty := range s.empty {
		left := uint64(0)
		for ; empty != 0; empty &= empty - 1 {
			i := w*64 + bits.TrailingZeros64(empty)
			p := first[i]
			hit := uint64(f[p&binMask]) | uint64(f[p>>16&binMask])<<1 | uint64(f[p>>32&binMask])<<2 | uint64(f[p>>48&binMask])<<3
			if hit == 0 {
				left |= empty & -empty
				continue
			}
			dst[i] = dst[uint16(p>>(16*bits.TrailingZeros64(hit)&63))]
		}
		s.empty[w] = left
		more = more || left != 0
	}
	if !more {
		return
	}
	for w, left := range s.empty {
		for ; left != 0; left &= left - 1 {
			s.fillFrom(dst, w*64+bits.TrailingZeros64(left), 4)
		}
	}
}

// fillAll sets every value of dst to v.
func fillAll(dst Signature, v uint32) {
	for i := range dst {
		dst[i] = v
	}
}

// markEmpty sets the bitmap of empty bins from filled and returns the
// number of filled bins.
func (s *Sketcher) markEmpty() int {
	full := 0
	f := s.filled
	for w := range s.empty {
		var filled uint64
		for k := 0; k < 8 && w*64+k*8 < s.n; k++ {
			// Eight bytes of 0 or 1 to eight bits: the multiply moves
			// byte b's bit to bit 56+b, with no carries.
			at := w*64 + k*8
			v := binary.LittleEndian.Uint64(f[at : at+8])
			filled |= (v * 0x0102040810204080 >> 56) << (8 * k)
		}
		full += bits.OnesCount64(filled)
		empty := ^filled
		if rest := s.n - w*64; rest < 64 {
			empty &= 1<<rest - 1
		}
		s.empty[w] = empty
	}
	return full
}

// sparseRatio: a signature with fewer than one bin in sparseRatio filled
// (a sentence's few shingles) is densified from its filled bins.
const sparseRatio = 4

// densifySparse is densify for a signature with few (full) filled bins:
// instead of walking every empty bin's probe sequence until it meets a
// filled bin, it walks the inverse lists of the filled bins and keeps, for
// each empty bin, the earliest attempt that reaches one, which is the same
// bin its own walk would meet first. Bins no filled bin reaches within
// probeDepth attempts walk on.
func (s *Sketcher) densifySparse(dst Signature, full int) {
	const none = ^uint32(0)
	best := s.best
	for i := range best {
		best[i] = none
	}
	// Read each list up to the attempt by which an empty bin has met a
	// filled one but for about one chance in fifty (e^-4): the work is
	// about 4·n list entries, whatever the number of filled bins.
	depth := uint32(min(probeDepth, 4*s.n/full+1))
	for w, empty := range s.empty {
		word := ^empty
		if rest := s.n - w*64; rest < 64 {
			word &= 1<<rest - 1
		}
		for ; word != 0; word &= word - 1 {
			j := w*64 + bits.TrailingZeros64(word)
			limit, src := depth<<16, uint32(j)
			for _, e := range s.inv[s.invStart[j]:s.invStart[j+1]] {
				if e >= limit {
					break
				}
				// Branch-free: which attempt wins is unpredictable.
				i := e & 0xffff
				best[i] = min(best[i], e&^0xffff|src)
			}
		}
	}
	for w, empty := range s.empty {
		for ; empty != 0; empty &= empty - 1 {
			i := w*64 + bits.TrailingZeros64(empty)
			if b := best[i]; b != none {
				dst[i] = dst[b&0xffff]
			} else {
				s.fillFrom(dst, i, int(depth))
			}
		}
	}
}

// fillFrom gives empty bin i the value of the first filled bin on its
// probe sequence from attempt a+1 on.
func (s *Sketcher) fillFrom(dst Signature, i, a int) {
	for p := s.probes[i*probeDepth : (i+1)*probeDepth]; a < probeDepth; a++ {
		if j := p[a]; s.filled[j&binMask] != 0 {
			dst[i] = dst[j]
			return
		}
	}
	// densify only runs with at least one filled bin, so this ends.
	for attempt := uint64(a + 1); ; attempt++ {
		if j := s.probe(uint64(i), attempt); s.filled[j] != 0 {
			dst[i] = dst[j]
			return
		}
	}
}
