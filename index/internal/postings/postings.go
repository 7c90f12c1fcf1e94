// Package postings is the codec of anchor postings shared by the index
// backends that keep them in sorted runs of blocks (bbolt files and
// PostgreSQL): a posting says that a document holds an anchor key; a block
// is a few hundred of them, sorted, delta-coded (EncodeBlock, bbolt) or
// bit-packed for binary search (EncodePacked, PostgreSQL), with a Bloom
// filter of its keys (Filter); runs merge in one linear pass.
package postings

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// ErrCorrupt is wrapped by the errors of DecodeBlock; backends wrap their
// own ErrCorrupt around it or replace it.
var ErrCorrupt = errors.New("bad posting block")

// Posting says that document Doc holds anchor key Key.
type Posting struct {
	Key uint32
	Doc uint32
}

// Compare orders postings by key, then document.
func Compare(a, b Posting) int {
	return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Doc, b.Doc))
}

// EncodeBlock appends the encoding of ps (sorted) to dst: the count, then
// per posting the key's delta from the previous key (from base for the
// first; base is at most ps[0].Key and known to the reader) and the
// document number, itself a delta from the previous document when the
// key repeats.
func EncodeBlock(dst []byte, base uint32, ps []Posting) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ps)))
	prevKey, prevDoc := base, uint32(0)
	for i, p := range ps {
		dk := p.Key - prevKey
		dst = binary.AppendUvarint(dst, uint64(dk))
		if i > 0 && dk == 0 {
			dst = binary.AppendUvarint(dst, uint64(p.Doc-prevDoc))
		} else {
			dst = binary.AppendUvarint(dst, uint64(p.Doc))
		}
		prevKey, prevDoc = p.Key, p.Doc
	}
	return dst
}

// DecodeBlock appends the postings of block b, encoded with base, to
// dst. Damaged input gives an error wrapping ErrCorrupt, never a panic.
func DecodeBlock(dst []Posting, base uint32, b []byte) ([]Posting, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return dst, fmt.Errorf("%w: bad count", ErrCorrupt)
	}
	b = b[w:]
	dst = slices.Grow(dst, int(n))
	key, doc := base, uint32(0)
	for i := uint64(0); i < n; i++ {
		dk, w1 := binary.Uvarint(b)
		if w1 <= 0 || dk > 1<<32-1 {
			return dst, fmt.Errorf("%w: bad key", ErrCorrupt)
		}
		b = b[w1:]
		d, w2 := binary.Uvarint(b)
		if w2 <= 0 || d > 1<<32-1 {
			return dst, fmt.Errorf("%w: bad document", ErrCorrupt)
		}
		b = b[w2:]
		key += uint32(dk)
		if i > 0 && dk == 0 {
			doc += uint32(d)
		} else {
			doc = uint32(d)
		}
		dst = append(dst, Posting{key, doc})
	}
	return dst, nil
}

// Merge appends to dst the postings of a and b (each sorted) that keep is
// true for, in order: one linear pass, where sorting the two together
// cost n log n comparisons.
func Merge(dst, a, b []Posting, keep func(doc uint32) bool) []Posting {
	for len(a) > 0 || len(b) > 0 {
		var p Posting
		if len(b) == 0 || len(a) > 0 && Compare(a[0], b[0]) <= 0 {
			p, a = a[0], a[1:]
		} else {
			p, b = b[0], b[1:]
		}
		if keep(p.Doc) {
			dst = append(dst, p)
		}
	}
	return dst
}

// Sort sorts ps by key, then document, as plain integers: several times
// faster than sorting the structs with a comparison function.
func Sort(ps []Posting) {
	packed := make([]uint64, len(ps))
	for i, p := range ps {
		packed[i] = uint64(p.Key)<<32 | uint64(p.Doc)
	}
	slices.Sort(packed)
	for i, v := range packed {
		ps[i] = Posting{uint32(v >> 32), uint32(v)}
	}
}
