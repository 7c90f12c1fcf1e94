package minhash

// Shingles appends to dst the hashes of the word k-grams of tokens, in
// order, and returns the extended slice. A text shorter than k words but not
// empty gives one shingle of all its words, so that short passages still
// have a signature. The hashes depend on seed.
func Shingles(dst []uint64, tokens []Token, k int, seed uint64) []uint64 {
	if k < 1 || len(tokens) == 0 {
		return dst
	}
	if len(tokens) < k {
		return append(dst, shingleHash(tokens, seed))
	}
	for i := 0; i+k <= len(tokens); i++ {
		dst = append(dst, shingleHash(tokens[i:i+k], seed))
	}
	return dst
}

// ShingleHash returns the hash of one shingle: the k tokens given, in order.
// Shingles uses it for each window.
func ShingleHash(window []Token, seed uint64) uint64 { return shingleHash(window, seed) }

func shingleHash(window []Token, seed uint64) uint64 {
	h := seed ^ uint64(len(window))*0x9e3779b97f4a7c15
	for i := range window {
		h = (h ^ window[i].Hash) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
	}
	return mix64(h)
}

// shingleOf is shingleHash over the words' hashes alone.
func shingleOf(hashes []uint64, seed uint64) uint64 {
	h := seed ^ uint64(len(hashes))*0x9e3779b97f4a7c15
	for _, t := range hashes {
		h = (h ^ t) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
	}
	return mix64(h)
}

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
