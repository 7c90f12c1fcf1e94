package pipeline

import (
	"sort"

	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/segment"
	"github.com/reprint-dev/reprint/minhash"
)

// Prepared is one document ready for alignment: its tokens and
// boundaries, its signature-size shingles and numbers (the seeds and
// facts of alignment) and its verify-size shingles (exact containment).
// It is the large form of a document: verification makes it for the
// documents of candidate pairs only, and drops it again.
type Prepared struct {
	Tokens  []minhash.Token
	Bounds  []segment.Kind
	Seeds   align.Doc
	Entries []align.Entry

	big *bigDoc // a wall of text, prepared a window at a time
}

// Size is an estimate of the memory p holds, in bytes.
func (p *Prepared) Size() int64 {
	if p.big != nil {
		return int64(len(p.big.starts))*16 + 200
	}
	n := int64(len(p.Tokens))
	return n*(24+1+1+8+1) + int64(len(p.Seeds.Shingles)+len(p.Entries))*16 + 200
}

// Prepare tokenizes text and makes its alignment form with h (a Hasher
// for c.Params; one per goroutine). Masked byte spans (boilerplate) seed
// no alignment: a shingle that lies inside one is left out of the seeds.
//
// A wall of text (over 1 MiB) is prepared in its light form, a window at a
// time when verified: its Tokens, Bounds, Seeds and Entries stay empty.
func (c *Config) Prepare(h *minhash.Hasher, text string, mask []Span) *Prepared {
	if len(text) > bigText {
		return prepareBig(h, text, mask)
	}
	return c.PrepareWhole(h, text, mask)
}

// PrepareWhole is Prepare that prepares a wall of text whole, as the
// reference index and the audit need it (their documents are articles).
func (c *Config) PrepareWhole(h *minhash.Hasher, text string, mask []Span) *Prepared {
	toks := h.Tokens(make([]minhash.Token, 0, len(text)/5+16), text)
	return c.prepareTokens(text, toks, segment.Boundaries(text, toks), mask, nil)
}

// prepareTokens is Prepare on text already tokenized and bounded; scratch
// (may be nil) is shingle scratch space.
func (c *Config) prepareTokens(text string, toks []minhash.Token, bounds []segment.Kind, mask []Span, scratch []uint64) *Prepared {
	p := c.Params
	pd := &Prepared{Tokens: toks, Bounds: bounds}
	if cap(scratch) < len(toks) {
		scratch = make([]uint64, 0, len(toks)) // at most one a token; Sorted copies them
	}
	if len(toks) >= p.Shingle {
		pd.Seeds.Shingles = align.Sorted(minhash.Shingles(scratch[:0], toks, p.Shingle, p.Seed))
		if len(mask) > 0 {
			pd.Seeds.Shingles = maskEntries(pd.Seeds.Shingles, maskedTokens(toks, mask), p.Shingle)
		}
		pd.Seeds.Numbers = make([]bool, len(toks))
		pd.Seeds.Tokens = make([]uint64, len(toks))
		pd.Seeds.Stops = make([]bool, len(toks))
		for t, tok := range toks {
			pd.Seeds.Numbers[t] = minhash.IsNumber(text[tok.Start:tok.End])
			pd.Seeds.Tokens[t] = tok.Hash
			pd.Seeds.Stops[t] = t+1 < len(bounds) && bounds[t+1] != segment.None
		}
	}
	if len(toks) >= c.VerifyShingle {
		pd.Entries = align.Sorted(minhash.Shingles(scratch[:0], toks, c.VerifyShingle, p.Seed))
	}
	return pd
}

// maskedTokens turns masked byte spans into the token ranges they cover.
func maskedTokens(toks []minhash.Token, mask []Span) []Range {
	var out []Range
	for _, m := range mask {
		s := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= int(m.Start) })
		e := sort.Search(len(toks), func(i int) bool { return toks[i].End > int(m.End) })
		if s < e {
			out = append(out, Range{int32(s), int32(e)})
		}
	}
	return out
}

// maskEntries drops the shingles of k tokens that lie inside a masked
// token range.
func maskEntries(e []align.Entry, masked []Range, k int) []align.Entry {
	out := e[:0]
	for _, x := range e {
		if !insideMask(x.Pos, masked, k) {
			out = append(out, x)
		}
	}
	return out
}

// insideMask reports whether the shingle of k tokens at pos lies inside a
// masked token range: such a shingle seeds no alignment (Prepare) and
// counts for no seed run (Seeds.Mask).
func insideMask(pos int32, masked []Range, k int) bool {
	for _, m := range masked {
		if pos >= m.Start && pos+int32(k) <= m.End {
			return true
		}
	}
	return false
}

// Range is a half-open range of tokens (or bytes) [Start, End).
type Range struct{ Start, End int32 }

// Len is the range's length.
func (r Range) Len() int { return int(r.End - r.Start) }

// Span is a half-open byte range of a document's text.
type Span struct{ Start, End uint32 }

// CountUnits is the number of units a prepared document has (as Sketch
// cuts them).
func CountUnits(p *Prepared) int { return len(segment.Units(p.Bounds, segmentOptions)) }

// Lean is the scratch space of PrepareLean, reused across the documents
// of one goroutine.
type Lean struct {
	toks   []minhash.Token
	hashes []uint64
}

// PrepareLean is the part of PrepareWhole that an index keeps of a
// document: the hashes of its verification shingles in text order (none
// when it has fewer tokens than a shingle, as in Prepared.Entries), its
// words and its units. It skips the seed shingles, the per-token tables
// and the sorting that detection needs. The hashes are valid until the
// next call with the same scratch.
func (c *Config) PrepareLean(h *minhash.Hasher, text string, s *Lean) (hashes []uint64, words, units int) {
	s.toks = h.Tokens(s.toks[:0], text)
	bounds := segment.Boundaries(text, s.toks)
	s.hashes = s.hashes[:0]
	if len(s.toks) >= c.VerifyShingle {
		s.hashes = minhash.Shingles(s.hashes, s.toks, c.VerifyShingle, c.Params.Seed)
	}
	return s.hashes, len(s.toks), len(segment.Units(bounds, segmentOptions))
}
