package bolt

import (
	"cmp"
	"encoding/binary"
	"fmt"
)

// posting says that document doc holds anchor key.
type posting struct {
	key uint32
	doc uint32
}

func comparePostings(a, b posting) int {
	return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.doc, b.doc))
}

// blockSize is the number of postings a block aims at: a few hundred
// bytes, several blocks to a page, cheap to decode for one lookup.
const blockSize = 256

// blockLen returns how many of ps (sorted) go into the next block: about
// blockSize, never splitting the postings of one key, so that a key lives
// in exactly one block of a run.
func blockLen(ps []posting) int {
	n := min(blockSize, len(ps))
	for n < len(ps) && ps[n].key == ps[n-1].key {
		n++
	}
	return n
}

// encodeBlock appends the encoding of ps (sorted, first key stored in the
// block's bbolt key): the count, then per posting the key's delta from the
// previous key and the document number, itself a delta from the previous
// document when the key repeats.
func encodeBlock(dst []byte, ps []posting) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ps)))
	prevKey, prevDoc := ps[0].key, uint32(0)
	for i, p := range ps {
		dk := p.key - prevKey
		dst = binary.AppendUvarint(dst, uint64(dk))
		if i > 0 && dk == 0 {
			dst = binary.AppendUvarint(dst, uint64(p.doc-prevDoc))
		} else {
			dst = binary.AppendUvarint(dst, uint64(p.doc))
		}
		prevKey, prevDoc = p.key, p.doc
	}
	return dst
}

// decodeBlock appends the postings of a block whose first key is first.
func decodeBlock(dst []posting, first uint32, b []byte) ([]posting, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return dst, fmt.Errorf("%w: bad posting block", ErrCorrupt)
	}
	b = b[w:]
	key, doc := first, uint32(0)
	for i := uint64(0); i < n; i++ {
		dk, w1 := binary.Uvarint(b)
		if w1 <= 0 || dk > 1<<32-1 {
			return dst, fmt.Errorf("%w: bad posting block", ErrCorrupt)
		}
		b = b[w1:]
		d, w2 := binary.Uvarint(b)
		if w2 <= 0 || d > 1<<32-1 {
			return dst, fmt.Errorf("%w: bad posting block", ErrCorrupt)
		}
		b = b[w2:]
		key += uint32(dk)
		if i > 0 && dk == 0 {
			doc += uint32(d)
		} else {
			doc = uint32(d)
		}
		dst = append(dst, posting{key, doc})
	}
	return dst, nil
}
