package postings

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"sort"
)

// A packed block holds postings of keys base..base+2^32-1 as fixed-width
// integers, (key-base)<<docBits | (doc-firstDoc), sorted, so that a
// lookup finds a key by binary search instead of decoding the block:
// lookups on a database read every block of a large audit but want a few
// keys of each. Layout: uvarint count, keyBits and docBits (a byte each),
// uvarint firstDoc, then the entries, most significant bit first.

// EncodePacked appends ps (sorted, keys at least base) to dst as a packed
// block.
func EncodePacked(dst []byte, base uint32, ps []Posting) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ps)))
	if len(ps) == 0 {
		return append(dst, 0, 0, 0)
	}
	lo, hi := ps[0].Doc, ps[0].Doc
	for _, p := range ps {
		lo, hi = min(lo, p.Doc), max(hi, p.Doc)
	}
	keyBits, docBits := uint(bits.Len32(ps[len(ps)-1].Key-base)), uint(bits.Len32(hi-lo))
	dst = append(dst, byte(keyBits), byte(docBits))
	dst = binary.AppendUvarint(dst, uint64(lo))
	var w bitWriter
	w.b = dst
	for _, p := range ps {
		w.put(uint64(p.Key-base), keyBits)
		w.put(uint64(p.Doc-lo), docBits)
	}
	return w.flush()
}

// packed is a parsed packed block.
type packed struct {
	n                int
	keyBits, docBits uint
	firstDoc         uint32
	data             []byte
}

func parsePacked(b []byte) (packed, error) {
	var p packed
	n, w := binary.Uvarint(b)
	if w <= 0 || len(b) < w+2 {
		return p, fmt.Errorf("%w: bad packed header", ErrCorrupt)
	}
	p.keyBits, p.docBits = uint(b[w]), uint(b[w+1])
	b = b[w+2:]
	lo, w := binary.Uvarint(b)
	if w <= 0 || lo > 1<<32-1 || p.keyBits > 32 || p.docBits > 32 {
		return p, fmt.Errorf("%w: bad packed header", ErrCorrupt)
	}
	p.firstDoc, p.data = uint32(lo), b[w:]
	width := uint64(p.keyBits + p.docBits)
	if width == 0 && n > 1 || width > 0 && n > uint64(len(p.data))*8/width {
		return p, fmt.Errorf("%w: packed block shorter than its count", ErrCorrupt)
	}
	p.n = int(n)
	return p, nil
}

// at returns entry i.
func (p *packed) at(i int) uint64 {
	w := p.keyBits + p.docBits
	return readBits(p.data, uint64(i)*uint64(w), w)
}

// DecodePacked appends the postings of packed block b, encoded with base,
// to dst. Damaged input gives an error wrapping ErrCorrupt, never a panic.
func DecodePacked(dst []Posting, base uint32, b []byte) ([]Posting, error) {
	p, err := parsePacked(b)
	if err != nil {
		return dst, err
	}
	for i := range p.n {
		v := p.at(i)
		dst = append(dst, Posting{base + uint32(v>>p.docBits), p.firstDoc + uint32(v&(1<<p.docBits-1))})
	}
	return dst, nil
}

// SearchPacked calls fn for each posting of packed block b, encoded with
// base, whose key is among keys (sorted), in order, by binary search.
func SearchPacked(base uint32, b []byte, keys []uint32, fn func(Posting)) error {
	p, err := parsePacked(b)
	if err != nil || p.n == 0 {
		return err
	}
	i, _ := sort.Find(len(keys), func(i int) int {
		if keys[i] < base {
			return 1
		}
		return -1
	})
	last := uint64(base) + 1<<p.keyBits - 1
	lo := 0
	for ; i < len(keys) && uint64(keys[i]) <= last; i++ {
		k := uint64(keys[i] - base)
		want := k << p.docBits
		lo += sort.Search(p.n-lo, func(j int) bool { return p.at(lo+j) >= want })
		for j := lo; j < p.n; j++ {
			v := p.at(j)
			if v>>p.docBits != k {
				break
			}
			fn(Posting{keys[i], p.firstDoc + uint32(v&(1<<p.docBits-1))})
		}
	}
	return nil
}

// bitWriter appends bits to b, most significant first.
type bitWriter struct {
	b   []byte
	acc uint64
	n   uint // bits in acc, fewer than 8 between calls
}

func (w *bitWriter) put(v uint64, n uint) {
	if n > 32 {
		w.put(v>>32, n-32)
		v, n = v&(1<<32-1), 32
	}
	w.acc = w.acc<<n | v&(1<<n-1)
	w.n += n
	for w.n >= 8 {
		w.b = append(w.b, byte(w.acc>>(w.n-8)))
		w.n -= 8
	}
}

func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.b = append(w.b, byte(w.acc<<(8-w.n)))
		w.n = 0
	}
	return w.b
}

// readBits returns the n bits (at most 64) of b from bit offset off,
// reading zeros past its end.
func readBits(b []byte, off uint64, n uint) uint64 {
	if n == 0 {
		return 0
	}
	if n > 32 {
		return readBits(b, off, n-32)<<32 | readBits(b, off+uint64(n-32), 32)
	}
	i, s := off/8, uint(off%8)
	var v uint64
	if i+8 <= uint64(len(b)) {
		v = binary.BigEndian.Uint64(b[i:])
	} else {
		var tmp [8]byte
		if i < uint64(len(b)) {
			copy(tmp[:], b[i:])
		}
		v = binary.BigEndian.Uint64(tmp[:])
	}
	return v << s >> (64 - n)
}
