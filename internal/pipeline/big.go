package pipeline

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/segment"
	"github.com/reprint-dev/reprint/minhash"
)

// BigText is the length from which a document is a wall of text (see
// bigText), in bytes.
const BigText = 1 << 20

// A document longer than bigText is a wall of text (a whole book, a
// transcript, a page with no line breaks): every stage reads it in chunks
// of about chunkBytes, so that its working memory is a few chunks' worth
// whatever its size. Alignment reads it a window of two chunks at a time,
// so that a passage of up to a chunk is always inside one window.
const (
	bigText    = BigText
	chunkBytes = 1 << 19
)

// chunkStarts cuts text into chunks of about chunkBytes, at a space or a
// line break so that no word is cut: the byte offset each chunk starts
// at, then len(text).
func chunkStarts(text string) []int {
	starts := []int{0}
	for s := 0; len(text)-s > 2*chunkBytes; {
		cut := s + chunkBytes
		if i := strings.IndexAny(text[cut:], " \n\t\r"); i >= 0 && i < chunkBytes {
			cut += i + 1
		}
		starts = append(starts, cut)
		s = cut
	}
	return append(starts, len(text))
}

// bigDoc is the light prepared form of a wall of text: Prepared holds
// only this, and verification prepares one window at a time.
type bigDoc struct {
	text   string
	mask   []Span
	starts []int // chunk byte starts, then len(text)
	tokens []int // the global index of each chunk's first token, then the count

	once     sync.Once
	distinct int // distinct verify-size shingles, counted once
}

// chunkTokens tokenizes chunk c of the text with global byte offsets.
func (b *bigDoc) chunkTokens(h *minhash.Hasher, c int, dst []minhash.Token) []minhash.Token {
	s, e := b.starts[c], b.starts[c+1]
	n := len(dst)
	dst = h.Tokens(dst, b.text[s:e])
	for i := n; i < len(dst); i++ {
		dst[i].Start += s
		dst[i].End += s
	}
	return dst
}

// prepareBig makes the light form of a wall of text: its chunks and the
// token count before each.
func prepareBig(h *minhash.Hasher, text string, mask []Span) *Prepared {
	b := &bigDoc{text: text, mask: mask, starts: chunkStarts(text)}
	var toks []minhash.Token
	n := 0
	for c := 0; c+1 < len(b.starts); c++ {
		b.tokens = append(b.tokens, n)
		toks = b.chunkTokens(h, c, toks[:0])
		n += len(toks)
	}
	b.tokens = append(b.tokens, n)
	return &Prepared{big: b}
}

// window prepares chunks [c, c+2) of a wall of text as an ordinary
// document (token positions from the window's first token) and returns
// it with its first token's global index.
func (c *Config) window(h *minhash.Hasher, b *bigDoc, k int) (*Prepared, int) {
	var toks []minhash.Token
	for x := k; x < min(k+2, len(b.starts)-1); x++ {
		toks = b.chunkTokens(h, x, toks)
	}
	lo, hi := b.starts[k], b.starts[min(k+2, len(b.starts)-1)]
	// Boundaries read the text between tokens: give them the window's
	// bytes with the tokens' offsets made relative to it.
	rel := make([]minhash.Token, len(toks))
	for i, t := range toks {
		rel[i] = minhash.Token{Start: t.Start - lo, End: t.End - lo, Hash: t.Hash}
	}
	p := c.prepareTokens(b.text[lo:hi], rel, segment.Boundaries(b.text[lo:hi], rel), shiftMask(b.mask, lo, hi), nil)
	p.Tokens = toks // byte offsets into the whole text, for spans
	return p, b.tokens[k]
}

// shiftMask returns the masked spans inside [lo, hi), relative to lo.
func shiftMask(mask []Span, lo, hi int) []Span {
	var out []Span
	for _, m := range mask {
		s, e := max(int(m.Start), lo), min(int(m.End), hi)
		if s < e {
			out = append(out, Span{uint32(s - lo), uint32(e - lo)})
		}
	}
	return out
}

// windows returns the number of alignment windows of a wall of text.
func (b *bigDoc) windows() int { return max(1, len(b.starts)-2) }

// owns reports whether window k of b is the one that reports a segment
// starting at global token t: each window owns its first chunk, and the
// last window both of its chunks.
func (b *bigDoc) owns(k, t int) bool {
	if k == b.windows()-1 {
		return t >= b.tokens[k]
	}
	return t >= b.tokens[k] && t < b.tokens[k+1]
}

// sides returns what verification aligns for one side of a pair: the
// document itself, or each window of a wall of text with its offset.
type side struct {
	p      *Prepared
	offset int     // global index of p's first token
	owner  *bigDoc // nil for an ordinary document
	k      int     // the window's number
}

func (c *Config) sides(h *minhash.Hasher, p *Prepared, yield func(side) bool) {
	if p.big == nil {
		yield(side{p: p})
		return
	}
	for k := range p.big.windows() {
		w, off := c.window(h, p.big, k)
		if !yield(side{w, off, p.big, k}) {
			return
		}
	}
}

// verifyBig aligns a pair of which at least one side is a wall of text,
// window by window, and counts its overlap from the chunks.
func (c *Config) verifyBig(h *minhash.Hasher, al *align.Aligner, ai, bi int32, a, b *Prepared) (Match, bool) {
	m := Match{A: ai, B: bi}
	var ca, cb []Range
	opt := c.AlignOptions()
	c.sides(h, a, func(sa side) bool {
		c.sides(h, b, func(sb side) bool {
			for _, s := range al.Align(sa.p.Seeds, sb.p.Seeds, opt) {
				ga, gb := s.AStart+sa.offset, s.BStart+sb.offset
				if (sa.owner != nil && !sa.owner.owns(sa.k, ga)) || (sb.owner != nil && !sb.owner.owns(sb.k, gb)) {
					continue
				}
				m.Segments = append(m.Segments, Segment{
					A: Range{int32(ga), int32(s.AEnd + sa.offset)}, B: Range{int32(gb), int32(s.BEnd + sb.offset)},
					ABytes: tokenSpan(sa.p, s.AStart, s.AEnd), BBytes: tokenSpan(sb.p, s.BStart, s.BEnd),
					Similarity: s.Similarity(), Words: s.Words(),
				})
				for _, r := range s.Runs {
					ca = append(ca, Range{int32(r.AStart + sa.offset), int32(r.AEnd + sa.offset)})
					cb = append(cb, Range{int32(r.BStart + sb.offset), int32(r.BEnd + sb.offset)})
				}
			}
			return true
		})
		return true
	})
	if len(m.Segments) == 0 {
		return Match{}, false
	}
	slices.SortFunc(m.Segments, func(x, y Segment) int {
		if x.A.Start != y.A.Start {
			return int(x.A.Start - y.A.Start)
		}
		return int(x.B.Start - y.B.Start)
	})
	m.Covered = [2][]Range{MergeRanges(ca), MergeRanges(cb)}
	m.Overlap = c.bigOverlap(h, a, b)
	return m, true
}

// verifyShingles calls f with every verify-size shingle hash of p, in
// order, chunk by chunk for a wall of text.
func (c *Config) verifyShingles(h *minhash.Hasher, p *Prepared, f func(uint64)) {
	if p.big == nil {
		for _, e := range p.Entries {
			f(e.Hash)
		}
		return
	}
	k := c.VerifyShingle
	var toks []minhash.Token
	var sh []uint64
	for x := 0; x+1 < len(p.big.starts); x++ {
		// The last k-1 tokens of the chunk before start the shingles
		// that cross into this one.
		tail := toks[max(0, len(toks)-(k-1)):]
		toks = p.big.chunkTokens(h, x, append([]minhash.Token(nil), tail...))
		if len(toks) < k {
			continue
		}
		sh = minhash.Shingles(sh[:0], toks, k, c.Params.Seed)
		for _, v := range sh {
			f(v)
		}
	}
}

// bigOverlap counts a pair's distinct verify shingles and the shared
// ones when a side is a wall of text: the small side's shingles are
// marked as the large side's stream past.
func (c *Config) bigOverlap(h *minhash.Hasher, a, b *Prepared) Overlap {
	small, large, swap := a, b, false
	if a.big != nil && (b.big == nil || len(b.big.text) < len(a.big.text)) {
		small, large, swap = b, a, true
	}
	var set []uint64
	c.verifyShingles(h, small, func(v uint64) { set = append(set, v) })
	slices.Sort(set)
	set = slices.Compact(set)
	seen := make([]bool, len(set))
	shared := 0
	c.verifyShingles(h, large, func(v uint64) {
		if i := sort.Search(len(set), func(i int) bool { return set[i] >= v }); i < len(set) && set[i] == v && !seen[i] {
			seen[i] = true
			shared++
		}
	})
	o := Overlap{A: len(set), B: c.distinctShingles(h, large), Shared: shared}
	if swap {
		o.A, o.B = o.B, o.A
	}
	return o
}

// distinctShingles counts a document's distinct verify shingles; for a
// wall of text in passes over hash ranges, so that no pass holds more
// than a part of them, once.
func (c *Config) distinctShingles(h *minhash.Hasher, p *Prepared) int {
	if p.big == nil {
		n := 0
		for i := range p.Entries {
			if i == 0 || p.Entries[i].Hash != p.Entries[i-1].Hash {
				n++
			}
		}
		return n
	}
	b := p.big
	b.once.Do(func() {
		const passes = 4
		for pass := range uint64(passes) {
			var part []uint64
			c.verifyShingles(h, p, func(v uint64) {
				if v>>62 == pass {
					part = append(part, v)
				}
			})
			slices.Sort(part)
			b.distinct += len(slices.Compact(part))
		}
	})
	return b.distinct
}
