package postings

// A filter is a Bloom filter of a block's keys: about filterBits bits a
// key and filterHashes probes, one false positive in 40 keys. A lookup on
// a database reads the filters of the blocks its keys fall in, a fifth of
// the blocks' size, and then only the blocks that may hold one: most keys
// of an audit are in no reference.
const (
	filterBits   = 8
	filterHashes = 4
)

// Filter returns the filter of ps (sorted).
func Filter(ps []Posting) []byte {
	n := 0
	for i, p := range ps {
		if i == 0 || p.Key != ps[i-1].Key {
			n++
		}
	}
	f := make([]byte, max(8, (n*filterBits+7)/8))
	m := uint64(len(f)) * 8
	for _, p := range ps {
		h1, h2 := filterHash(p.Key)
		for i := range uint64(filterHashes) {
			b := (h1 + i*h2) % m
			f[b/8] |= 1 << (b % 8)
		}
	}
	return f
}

// MayHold says whether a block whose filter is f may hold key: false
// means it does not.
func MayHold(f []byte, key uint32) bool {
	if len(f) == 0 {
		return true // no filter: read the block
	}
	m := uint64(len(f)) * 8
	h1, h2 := filterHash(key)
	for i := range uint64(filterHashes) {
		b := (h1 + i*h2) % m
		if f[b/8]&(1<<(b%8)) == 0 {
			return false
		}
	}
	return true
}

// filterHash derives the two hashes of double hashing from a key (the
// keys are hashes already, but a block's share the same high bits).
func filterHash(key uint32) (uint64, uint64) {
	x := uint64(key) * 0x9e3779b97f4a7c15
	return x >> 32, x&(1<<32-1) | 1
}
