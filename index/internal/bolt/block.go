package bolt

import (
	"fmt"

	"github.com/reprint-dev/reprint/index/internal/postings"
)

// posting says that document Doc holds anchor Key (package postings
// codes blocks of them).
type posting = postings.Posting

// blockSize is the number of postings a block aims at: a few hundred
// bytes, several blocks to a page, cheap to decode for one lookup.
const blockSize = 256

// blockLen returns how many of ps (sorted) go into the next block: about
// blockSize, never splitting the postings of one key, so that a key lives
// in exactly one block of a run.
func blockLen(ps []posting) int {
	n := min(blockSize, len(ps))
	for n < len(ps) && ps[n].Key == ps[n-1].Key {
		n++
	}
	return n
}

// encodeBlock appends the encoding of ps (sorted), whose first key is
// stored in the block's bbolt key.
func encodeBlock(dst []byte, ps []posting) []byte {
	return postings.EncodeBlock(dst, ps[0].Key, ps)
}

// decodeBlock appends the postings of a block whose first key is first.
func decodeBlock(dst []posting, first uint32, b []byte) ([]posting, error) {
	ps, err := postings.DecodeBlock(dst, first, b)
	if err != nil {
		return ps, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return ps, nil
}
