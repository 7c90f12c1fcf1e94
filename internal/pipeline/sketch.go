package pipeline

import (
	"math/bits"
	"slices"

	"github.com/reprint-dev/reprint/internal/segment"
	"github.com/reprint-dev/reprint/minhash"
)

// Sketch is what candidate generation keeps of one document: for each
// unit its exact content key, its byte span and its LSH band
// fingerprints, and for the document its word count and seed keys.
type Sketch struct {
	// Words is the number of tokens.
	Words int
	// Keys identify each unit's exact token sequence.
	Keys []uint64
	// Spans are the units' byte spans in the text, Toks their token
	// ranges.
	Spans []Span
	Toks  []Range
	// Bands holds the units' band fingerprints, unit after unit:
	// Bands[u*bands+b].
	Bands []uint32
	// Seeds are the packed seed keys (see Seeds).
	Seeds Seeds
	// Sigs are the units' signatures, kept only when the Sketcher was
	// asked to (for an index backend that needs them).
	Sigs []minhash.Signature
}

// Size is an estimate of the memory s holds, in bytes.
func (s *Sketch) Size() int64 {
	return int64(len(s.Keys)*8+len(s.Spans)*16+len(s.Bands)*4+len(s.Seeds.Keys)*4) + int64(len(s.Sigs))*(24+4*int64(len(s.Sigs)))
}

// Sketcher sketches documents. It holds scratch space: make one per
// goroutine.
type Sketcher struct {
	cfg      *Config
	h        *minhash.Hasher
	toks     []minhash.Token
	sig      minhash.Signature
	shingles []uint64
	keepSigs bool
}

// NewSketcher returns a Sketcher for c; keepSigs keeps the units'
// signatures in each Sketch.
func (c *Config) NewSketcher(keepSigs bool) (*Sketcher, error) {
	h, err := minhash.NewHasher(c.Params)
	if err != nil {
		return nil, err
	}
	return &Sketcher{cfg: c, h: h, keepSigs: keepSigs}, nil
}

// Hasher returns the Sketcher's hasher (for Prepare on the same goroutine).
func (s *Sketcher) Hasher() *minhash.Hasher { return s.h }

// Sketch sketches text. With prepare set it also returns the document's
// Prepared form, made from the same tokens (else nil; a wall of text
// always gets its light form).
func (s *Sketcher) Sketch(text string, prepare bool) (Sketch, *Prepared) {
	if len(text) > bigText {
		var all Sketch
		sk, p, _ := s.SketchParts(text, func(part *Sketch) error {
			all.Keys = append(all.Keys, part.Keys...)
			all.Spans = append(all.Spans, part.Spans...)
			all.Toks = append(all.Toks, part.Toks...)
			all.Bands = append(all.Bands, part.Bands...)
			all.Sigs = append(all.Sigs, part.Sigs...)
			return nil
		})
		all.Words, all.Seeds = sk.Words, sk.Seeds
		return all, p
	}
	p := s.cfg.Params
	var toks []minhash.Token
	if prepare {
		toks = s.h.Tokens(make([]minhash.Token, 0, len(text)/5+16), text)
	} else {
		s.toks = s.h.Tokens(s.toks[:0], text)
		toks = s.toks
	}
	bounds := segment.Boundaries(text, toks)
	sk := Sketch{Words: len(toks)}
	s.addUnits(&sk, toks, bounds, 0, 0)
	if len(toks) >= p.Shingle {
		s.shingles = minhash.Shingles(s.shingles[:0], toks, p.Shingle, p.Seed)
		sk.Seeds = packSeeds(s.shingles)
	}
	if !prepare {
		return sk, nil
	}
	return sk, s.cfg.prepareTokens(text, toks, bounds, nil, s.shingles)
}

// addUnits cuts tokens (bounded by bounds) into units and adds their
// keys, byte spans (shifted by off), token ranges (shifted by tokOff) and
// band fingerprints to sk.
func (s *Sketcher) addUnits(sk *Sketch, toks []minhash.Token, bounds []segment.Kind, off, tokOff int) {
	p := s.cfg.Params
	units := segment.Units(bounds, segmentOptions)
	sk.Bands = slices.Grow(sk.Bands, len(units)*p.Bands)
	sk.Keys = slices.Grow(sk.Keys, len(units))
	sk.Spans = slices.Grow(sk.Spans, len(units))
	sk.Toks = slices.Grow(sk.Toks, len(units))
	for _, unit := range units {
		ut := toks[unit.Start:unit.End]
		s.sig, _ = s.h.SignTokens(s.sig[:0], ut) // a unit has tokens: never empty
		for b := range p.Bands {
			sk.Bands = append(sk.Bands, minhash.BandFingerprint(s.sig, b, p.Rows))
		}
		sk.Keys = append(sk.Keys, ContentKey(ut))
		sk.Spans = append(sk.Spans, Span{uint32(ut[0].Start + off), uint32(ut[len(ut)-1].End + off)})
		sk.Toks = append(sk.Toks, Range{int32(unit.Start + tokOff), int32(unit.End + tokOff)})
		if s.keepSigs {
			sk.Sigs = append(sk.Sigs, append(minhash.Signature(nil), s.sig...))
		}
	}
}

// SketchParts sketches a wall of text (see BigText) chunk by chunk and
// hands each chunk's units to part as it goes, so that their band
// fingerprints never sit in memory together; it returns the rest of the
// sketch (Words and Seeds) and the document's light Prepared form. Units
// do not cross a chunk's end, and the seed keys are packed for the most
// words the text could hold (or left wild past 2^24 of them). A shorter
// text is sketched whole and handed to part at once.
func (s *Sketcher) SketchParts(text string, part func(*Sketch) error) (Sketch, *Prepared, error) {
	if len(text) <= bigText {
		sk, p := s.Sketch(text, false)
		return Sketch{Words: sk.Words, Seeds: sk.Seeds}, p, part(&sk)
	}
	p := s.cfg.Params
	b := &bigDoc{text: text, starts: chunkStarts(text)}
	sk := Sketch{}
	var chunk Sketch
	posBits := bits.Len(uint(len(text)/2 + 1))
	wild := posBits > maxPosBits
	if !wild {
		sk.Seeds.PosBits = uint8(posBits)
	}
	var tail []minhash.Token
	for c := 0; c+1 < len(b.starts); c++ {
		lo, hi := b.starts[c], b.starts[c+1]
		s.toks = s.h.Tokens(s.toks[:0], text[lo:hi])
		b.tokens = append(b.tokens, sk.Words)
		chunk = Sketch{Keys: chunk.Keys[:0], Spans: chunk.Spans[:0], Toks: chunk.Toks[:0], Bands: chunk.Bands[:0]}
		s.addUnits(&chunk, s.toks, segment.Boundaries(text[lo:hi], s.toks), lo, sk.Words)
		if err := part(&chunk); err != nil {
			return Sketch{}, nil, err
		}
		if !wild {
			// Shingles cross chunks: the chunk before lends its last words.
			first := sk.Words - len(tail)
			win := append(tail, s.toks...)
			if len(win) >= p.Shingle {
				hb := sk.Seeds.HashBits()
				for i, h := range minhash.Shingles(s.shingles[:0], win, p.Shingle, p.Seed) {
					sk.Seeds.Keys = append(sk.Seeds.Keys, uint32(h>>(64-hb))<<posBits|uint32(first+i))
				}
			}
			tail = append(tail[:0], win[max(0, len(win)-(p.Shingle-1)):]...)
		}
		sk.Words += len(s.toks)
	}
	b.tokens = append(b.tokens, sk.Words)
	if wild {
		sk.Seeds = Seeds{Wild: true}
	} else {
		slices.Sort(sk.Seeds.Keys)
	}
	return sk, &Prepared{big: b}, nil
}

// ContentKey identifies a unit's exact token sequence, so that identical
// units (templates, boilerplate) are indexed once.
func ContentKey(toks []minhash.Token) uint64 {
	h := uint64(len(toks))
	for _, t := range toks {
		h = (h ^ t.Hash) * 0x9e3779b97f4a7c15
		h ^= h >> 32
	}
	return h
}

// Seeds are a document's signature-size shingles, each packed with its
// position into one 32-bit key: the top HashBits() bits of the shingle's
// hash, then PosBits bits of position. Sorted, they are what [MayAlign]
// needs to tell whether two documents can align at all, at 4 bytes a
// word (a Prepared document takes about 70).
type Seeds struct {
	Keys    []uint32
	PosBits uint8
	// Wild marks a document too long to pack (2^24 shingles or more):
	// MayAlign lets every pair with it through.
	Wild bool
}

// HashBits is the number of hash bits in each key.
func (s Seeds) HashBits() int { return 32 - int(s.PosBits) }

func packSeeds(shingles []uint64) Seeds {
	if len(shingles) > 1<<maxPosBits {
		return Seeds{Wild: true}
	}
	s := Seeds{PosBits: uint8(bits.Len(uint(len(shingles) - 1)))}
	hb := s.HashBits()
	s.Keys = make([]uint32, len(shingles))
	for i, h := range shingles {
		s.Keys[i] = uint32(h>>(64-hb))<<s.PosBits | uint32(i)
	}
	slices.Sort(s.Keys)
	return s
}

// Mask drops the keys of shingles (of k tokens) that lie inside a masked
// token range, as Prepare leaves them out of the seeds of alignment: the
// filter then sees only what alignment may seed from.
func (s Seeds) Mask(masked []Range, k int) Seeds {
	out, _ := s.maskTo(nil, masked, k)
	return out
}

// maskTo is Mask with the kept keys appended to dst, which it returns too.
func (s Seeds) maskTo(dst []uint32, masked []Range, k int) (Seeds, []uint32) {
	if s.Wild || len(masked) == 0 {
		return s, dst
	}
	pm := uint32(1)<<s.PosBits - 1
	for _, key := range s.Keys {
		if !insideMask(int32(key&pm), masked, k) {
			dst = append(dst, key)
		}
	}
	return Seeds{PosBits: s.PosBits, Keys: dst}, dst
}

// maxPosBits bounds the position bits of a key, so that at least 8 bits
// of hash remain.
const maxPosBits = 24
