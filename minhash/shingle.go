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
	var r roller
	r.reset(k, seed)
	for i := range tokens {
		if h, full := r.push(tokens[i].Hash); full {
			dst = append(dst, h)
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

// roller keeps the rolling hash of the last k word hashes.
type roller struct {
	k, n int
	h    uint64
	key  uint64
	ring [MaxShingle]uint64
}

func (r *roller) reset(k int, seed uint64) {
	r.k, r.n, r.h, r.key = k, 0, 0, shingleKey(seed, k)
}

// push adds the next word's hash; once k words are in, it returns the hash
// of the shingle ending with this word.
func (r *roller) push(t uint64) (uint64, bool) {
	slot := r.n % r.k
	if r.n >= r.k {
		r.h ^= bits.RotateLeft64(r.ring[slot], r.k-1) // the word leaving the window
	}
	r.h = bits.RotateLeft64(r.h, 1) ^ t
	r.ring[slot] = t
	r.n++
	return r.h ^ r.key, r.n >= r.k
}

// partial is the hash of the words pushed so far as one shingle, for texts
// shorter than k words.
func (r *roller) partial(seed uint64) uint64 { return r.h ^ shingleKey(seed, r.n) }

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
