package pipeline

import (
	"encoding/binary"
	"fmt"
	"math"
)

// SeedStore keeps every document's seeds (4 bytes a word): in memory up
// to a limit, then in a spill file, read back a document at a time. A
// corpus of a few hundred thousand articles has more seeds than the rest
// of what the candidate stage keeps.
type SeedStore struct {
	limit int64 // bytes of keys kept in memory (< 0: no limit)
	sp    *Spill
	k     int // shingle size, for masks
	heads []seedHead
	mem   []uint32
	file  *spillFile
	buf   []byte
	masks map[int32][]Range
}

// seedHead locates one document's keys.
type seedHead struct {
	off     int64 // index into mem, or byte offset in the file
	n       uint32
	posBits uint8
	wild    bool
	onDisk  bool
}

// NewSeedStore returns an empty store that holds at most limit bytes of
// keys in memory (limit < 0: no limit), spilling through sp; k is the
// shingle size of the seeds.
func NewSeedStore(limit int64, sp *Spill, k int) *SeedStore {
	return &SeedStore{limit: limit, sp: sp, k: k}
}

// Len is the number of documents stored.
func (s *SeedStore) Len() int { return len(s.heads) }

// Add stores the next document's seeds.
func (s *SeedStore) Add(seeds Seeds) error {
	if len(seeds.Keys) > math.MaxUint32 {
		return fmt.Errorf("pipeline: %d seeds in one document", len(seeds.Keys))
	}
	h := seedHead{n: uint32(len(seeds.Keys)), posBits: seeds.PosBits, wild: seeds.Wild}
	switch {
	case s.file == nil && (s.limit < 0 || int64(len(s.mem)+len(seeds.Keys))*4 <= s.limit):
		h.off = int64(len(s.mem))
		s.mem = append(s.mem, seeds.Keys...)
	default:
		if s.file == nil {
			f, err := s.sp.newFile()
			if err != nil {
				return err
			}
			s.file = f
		}
		h.off, h.onDisk = s.file.size, true
		s.buf = s.buf[:0]
		for _, key := range seeds.Keys {
			s.buf = binary.LittleEndian.AppendUint32(s.buf, key)
		}
		if err := s.file.write(s.buf); err != nil {
			return err
		}
	}
	s.heads = append(s.heads, h)
	return nil
}

// SetMasks sets, per document, the token ranges whose shingles Get
// leaves out (the boilerplate found by the candidate stage; nil: none).
func (s *SeedStore) SetMasks(masks map[int32][]Range) { s.masks = masks }

// SeedBuf is the scratch space of one reader of a SeedStore: the seeds
// Get returns stay valid until the next Get with the same SeedBuf.
type SeedBuf struct {
	keys   []uint32
	raw    []byte
	masked []uint32
}

// Get returns document doc's seeds, masked. Several goroutines may call
// it at once, each with its own SeedBuf, while none adds.
func (s *SeedStore) Get(doc int32, b *SeedBuf) (Seeds, error) {
	if doc < 0 || int(doc) >= len(s.heads) {
		return Seeds{}, fmt.Errorf("pipeline: seeds of document %d of %d", doc, len(s.heads))
	}
	h := s.heads[doc]
	out := Seeds{PosBits: h.posBits, Wild: h.wild}
	switch {
	case !h.onDisk:
		out.Keys = s.mem[h.off : h.off+int64(h.n) : h.off+int64(h.n)]
	default:
		n := int(h.n) * 4
		if cap(b.raw) < n {
			b.raw = make([]byte, n)
		}
		raw := b.raw[:n]
		if err := s.file.readAt(raw, h.off); err != nil {
			return Seeds{}, err
		}
		b.keys = b.keys[:0]
		for i := 0; i < n; i += 4 {
			b.keys = append(b.keys, binary.LittleEndian.Uint32(raw[i:]))
		}
		out.Keys = b.keys
	}
	if m := s.masks[doc]; len(m) > 0 {
		out, b.masked = out.maskTo(b.masked[:0], m, s.k)
	}
	return out, nil
}

// Close frees the store's file.
func (s *SeedStore) Close() error {
	s.mem, s.heads = nil, nil
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file = nil
	return f.close()
}
