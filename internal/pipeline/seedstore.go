package pipeline

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
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

// Held is the bytes of seeds held in memory.
func (s *SeedStore) Held() int64 { return int64(len(s.mem)) * 4 }

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
		if need := len(s.mem) + len(seeds.Keys); need > cap(s.mem) && s.limit >= 0 {
			// Grow by doubling, but never past the limit: a table that
			// fills its share does not hold twice its share.
			s.mem = slices.Grow(s.mem, min(max(2*cap(s.mem), need), int(s.limit/4))-len(s.mem))
		}
		s.mem = append(s.mem, seeds.Keys...)
	default:
		h.onDisk = true
		var err error
		if h.off, err = s.write(seeds.Keys); err != nil {
			return err
		}
	}
	s.heads = append(s.heads, h)
	return nil
}

// Park moves the seeds held in memory to the spill file and frees their
// memory, for the stages that no longer read them (Get still reads them,
// from disk). Later documents go to the file too.
func (s *SeedStore) Park() error {
	if len(s.mem) == 0 {
		return nil
	}
	for i := range s.heads {
		h := &s.heads[i]
		if h.onDisk {
			continue
		}
		off, err := s.write(s.mem[h.off : h.off+int64(h.n)])
		if err != nil {
			return err
		}
		h.off, h.onDisk = off, true
	}
	s.mem = nil
	return nil
}

// write appends keys to the spill file (made on first use) and returns
// their offset.
func (s *SeedStore) write(keys []uint32) (int64, error) {
	if s.file == nil {
		f, err := s.sp.newFile()
		if err != nil {
			return 0, err
		}
		s.file = f
	}
	off := s.file.size
	s.buf = s.buf[:0]
	for _, key := range keys {
		s.buf = binary.LittleEndian.AppendUint32(s.buf, key)
	}
	return off, s.file.write(s.buf)
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
