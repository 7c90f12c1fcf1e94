package minhash

import "math/bits"

// Shingles appends to dst the hashes of the word k-grams of tokens, in
// order, and returns the extended slice. A text shorter than k words but not
// empty gives one shingle of all its words, so that short passages still
// have a signature. The hashes depend on seed.
//
// A shingle's hash is the XOR of its words' hashes, each rotated left by
// its distance from the shingle's end, XORed with a key of the seed and the
// shingle's length: it rolls from one window to the next in O(1), and the
// words' hashes are already well mixed (and Sketch mixes again), so no
// finaliser is needed.
func Shingles(dst []uint64, tokens []Token, k int, seed uint64) []uint64 {
	if k < 1 || len(tokens) == 0 {
		return dst
	}
	if len(tokens) < k {
		return append(dst, ShingleHash(tokens, seed))
	}
	r, key := newRoller(k), shingleKey(seed, k)
	var ring [MaxShingle]uint64
	for i := range tokens {
		if r = r.push(tokens[i].Hash, &ring); r.full() {
			dst = append(dst, r.h^key)
		}
	}
	return dst
}

// ShingleHash returns the hash of one shingle: the tokens given, in order.
// Shingles gives each window this hash.
func ShingleHash(window []Token, seed uint64) uint64 {
	var h uint64
	for i := range window {
		h = bits.RotateLeft64(h, 1) ^ window[i].Hash
	}
	return h ^ shingleKey(seed, len(window))
}

// shingleKey separates shingles of different seeds and lengths.
func shingleKey(seed uint64, k int) uint64 {
	return mix64(seed ^ uint64(k)*0x9e3779b97f4a7c15)
}

// roller keeps the rolling hash of the last k word hashes (without the
// shingle key). It is a value of four words, updated by value, and the
// ring of the last k word hashes is kept apart, so that the compiler keeps
// the state in registers rather than in memory, where each update would
// wait for the one before it.
type roller struct {
	h    uint64
	n    int // words pushed
	slot int // ring's slot for the next word: n mod k
	k    int
}

// newRoller returns an empty roller for shingles of k words.
func newRoller(k int) roller { return roller{k: k} }

// push returns r with the next word's hash t added; ring holds the last k
// word hashes.
func (r roller) push(t uint64, ring *[MaxShingle]uint64) roller {
	slot := r.slot & (MaxShingle - 1) // always below k ≤ MaxShingle, a power of two
	if r.n >= r.k {
		r.h ^= bits.RotateLeft64(ring[slot], r.k-1) // the word leaving the window
	}
	r.h = bits.RotateLeft64(r.h, 1) ^ t
	ring[slot] = t
	// A counter, not n % k: a division costs more than the rest of the
	// push.
	if r.slot++; r.slot == r.k {
		r.slot = 0
	}
	r.n++
	return r
}

// full reports whether k words are in: r.h is then the hash of the
// shingle ending with the last word, but for the key.
func (r roller) full() bool { return r.n >= r.k }

// partial is the hash of the words pushed so far as one shingle, for texts
// shorter than k words.
func (r roller) partial(seed uint64) uint64 { return r.h ^ shingleKey(seed, r.n) }

// mix64 is the finaliser of SplitMix64: a bijection that spreads every input
// bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
