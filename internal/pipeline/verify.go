package pipeline

import (
	"cmp"
	"context"
	"runtime"
	"sync"

	"slices"
	"sort"

	"github.com/reprint-dev/reprint/minhash"

	"github.com/reprint-dev/reprint/internal/align"
)

// Filter tells, from two documents' seed keys alone, whether alignment
// can find anything between them: it cannot unless the documents share
// seeds that form a run (enough seeds on one diagonal, close enough
// together). The test is exact in one direction: a pair it rejects has no
// aligned segment; a pair it lets through may still have none (truncated
// hashes collide, and it ignores differing figures and repeat limits).
//
// A Filter is set to one document A and then tests documents against it,
// so that a run of candidate pairs (a, b1), (a, b2), … pays for A once. It
// holds scratch space: make one per goroutine.
type Filter struct {
	a           Seeds
	useBitmap   bool
	bitmap      [1 << bitmapBits / 64]uint64
	seeds       []seed
	k, gap      int32
	minRun      int32
	anyIsEnough bool
}

type seed struct{ d, i int32 }

// bitmapBits is the number of hash bits the filter's presence bitmap
// reads (2 KiB, in L1).
const bitmapBits = 14

// NewFilter returns a Filter for the alignment options of c.
func (c *Config) NewFilter() *Filter {
	o := c.AlignOptions()
	return &Filter{k: int32(o.K), gap: int32(o.Gap), minRun: int32(o.MinRun), anyIsEnough: o.MinRun <= o.K}
}

// Reset sets the filter's document A.
func (f *Filter) Reset(a Seeds) {
	f.a = a
	f.useBitmap = !a.Wild && a.HashBits() >= bitmapBits
	if !f.useBitmap {
		return
	}
	clear(f.bitmap[:])
	for _, key := range a.Keys {
		top := key >> (32 - bitmapBits)
		f.bitmap[top/64] |= 1 << (top % 64)
	}
}

// MayAlign reports whether A and b may have an aligned segment.
func (f *Filter) MayAlign(b Seeds) bool {
	a := f.a
	if a.Wild || b.Wild {
		return true
	}
	if len(a.Keys) == 0 || len(b.Keys) == 0 {
		return false
	}
	useBitmap := f.useBitmap && b.HashBits() >= bitmapBits
	h := min(a.HashBits(), b.HashBits())
	aShift, bShift := 32-h, 32-h // the common hash prefix of a key is key >> (32-h)
	aMask, bMask := uint32(1)<<a.PosBits-1, uint32(1)<<b.PosBits-1
	seeds := f.seeds[:0]
	lo := 0
	for _, kb := range b.Keys {
		if useBitmap {
			top := kb >> (32 - bitmapBits)
			if f.bitmap[top/64]&(1<<(top%64)) == 0 {
				continue
			}
		}
		pb := kb >> bShift
		lo += sort.Search(len(a.Keys)-lo, func(i int) bool { return a.Keys[lo+i]>>aShift >= pb })
		for x := lo; x < len(a.Keys) && a.Keys[x]>>aShift == pb; x++ {
			if f.anyIsEnough {
				return true
			}
			pa := int32(a.Keys[x] & aMask)
			seeds = append(seeds, seed{int32(kb&bMask) - pa, pa})
		}
	}
	f.seeds = seeds
	if len(seeds) < 2 {
		return false
	}
	slices.SortFunc(seeds, func(p, q seed) int {
		if p.d != q.d {
			return int(p.d - q.d)
		}
		return int(p.i - q.i)
	})
	// The run rule of align.Align, without its figure and repeat checks
	// (which only ever break runs).
	k := f.k
	for s := 0; s < len(seeds); {
		d, last, covered := seeds[s].d, seeds[s].i, k
		e := s + 1
		for ; e < len(seeds) && seeds[e].d == d && seeds[e].i-(last+k) <= f.gap; e++ {
			covered += min(k, seeds[e].i-last)
			last = seeds[e].i
		}
		if covered >= f.minRun {
			return true
		}
		s = e
	}
	return false
}

// Overlap counts two documents' distinct verify-size shingles and those
// they share.
type Overlap struct{ A, B, Shared int }

// Jaccard is the exact Jaccard similarity of the two shingle sets.
func (o Overlap) Jaccard() float64 { return ratio(o.Shared, o.A+o.B-o.Shared) }

// ContainmentA is the share of A's shingles that B has too.
func (o Overlap) ContainmentA() float64 { return ratio(o.Shared, o.A) }

// ContainmentB is the share of B's shingles that A has too.
func (o Overlap) ContainmentB() float64 { return ratio(o.Shared, o.B) }

// Segment is one aligned pair of passages: token ranges, byte spans in the
// texts, similarity (unrounded) and aligned words.
type Segment struct {
	A, B           Range
	ABytes, BBytes Span
	Similarity     float64
	Words          int
}

// Match is what verification found between documents A and B: their
// aligned segments, exact overlap, and the token ranges of each covered
// by exactly matching runs.
type Match struct {
	A, B     int32
	Segments []Segment
	Overlap  Overlap
	// Covered are the merged token ranges of A (Covered[0]) and of B
	// (Covered[1]) inside exactly matching runs.
	Covered [2][]Range
}

// SharedWords is the number of words the two share: the smaller side's
// covered tokens.
func (m *Match) SharedWords() int { return min(rangesLen(m.Covered[0]), rangesLen(m.Covered[1])) }

// Verify aligns documents ai and bi (prepared as a and b) and returns
// their match, or false when they share no reported passage. h and al
// are scratch space (one each per goroutine).
func (c *Config) Verify(h *minhash.Hasher, al *align.Aligner, ai, bi int32, a, b *Prepared) (Match, bool) {
	if a.big != nil || b.big != nil {
		return c.verifyBig(h, al, ai, bi, a, b)
	}
	segs := al.Align(a.Seeds, b.Seeds, c.AlignOptions())
	if len(segs) == 0 {
		return Match{}, false
	}
	m := Match{A: ai, B: bi, Segments: make([]Segment, len(segs)), Overlap: OverlapOf(a.Entries, b.Entries)}
	var ca, cb []Range
	for i, s := range segs {
		m.Segments[i] = Segment{
			A: Range{int32(s.AStart), int32(s.AEnd)}, B: Range{int32(s.BStart), int32(s.BEnd)},
			ABytes: tokenSpan(a, s.AStart, s.AEnd), BBytes: tokenSpan(b, s.BStart, s.BEnd),
			Similarity: s.Similarity(), Words: s.Words(),
		}
		for _, r := range s.Runs {
			ca = append(ca, Range{int32(r.AStart), int32(r.AEnd)})
			cb = append(cb, Range{int32(r.BStart), int32(r.BEnd)})
		}
	}
	m.Covered = [2][]Range{MergeRanges(ca), MergeRanges(cb)}
	return m, true
}

// Segments aligns two prepared documents and returns the raw segments
// (for callers that keep their own accounting, such as the audit).
func (c *Config) Segments(al *align.Aligner, a, b *Prepared) []align.Segment {
	return slices.Clone(al.Align(a.Seeds, b.Seeds, c.AlignOptions()))
}

func tokenSpan(p *Prepared, start, end int) Span {
	return Span{uint32(p.Tokens[start].Start), uint32(p.Tokens[end-1].End)}
}

// OverlapOf counts exactly the distinct shingles of two documents (sorted
// entries) and those they share.
func OverlapOf(a, b []align.Entry) Overlap {
	inter, na, nb := 0, 0, 0
	x, y := 0, 0
	for x < len(a) || y < len(b) {
		switch {
		case y == len(b) || (x < len(a) && a[x].Hash < b[y].Hash):
			na++
			x = skipHash(a, x)
		case x == len(a) || b[y].Hash < a[x].Hash:
			nb++
			y = skipHash(b, y)
		default:
			inter++
			na++
			nb++
			x, y = skipHash(a, x), skipHash(b, y)
		}
	}
	return Overlap{A: na, B: nb, Shared: inter}
}

func skipHash(e []align.Entry, i int) int {
	h := e[i].Hash
	for i < len(e) && e[i].Hash == h {
		i++
	}
	return i
}

// MergeRanges sorts ranges and merges those that overlap or touch.
func MergeRanges(rs []Range) []Range {
	slices.SortFunc(rs, func(p, q Range) int { return int(p.Start - q.Start) })
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, r.End)
			continue
		}
		if r.End > r.Start {
			out = append(out, r)
		}
	}
	return out
}

func rangesLen(rs []Range) int {
	n := 0
	for _, r := range rs {
		n += r.Len()
	}
	return n
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// SortMatches puts matches in pair order (A, then B), the order of
// VerifyPairs.
func SortMatches(ms []Match) {
	slices.SortFunc(ms, func(x, y Match) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
}

// VerifyOptions give VerifyPairs the documents.
type VerifyOptions struct {
	// Seeds returns a document's seed keys, read into b (one SeedBuf a
	// caller's goroutine and document at a time).
	Seeds func(doc int32, b *SeedBuf) (Seeds, error)
	// Prepare returns a document's prepared form (h is the calling
	// goroutine's hasher).
	Prepare func(h *minhash.Hasher, doc int32) (*Prepared, error)
	// Progress, when set, is called now and then with the number of
	// pairs read so far.
	Progress func(pairs int)
}

// VerifyStats count what verification did.
type VerifyStats struct {
	// Candidates is the number of pairs read, Aligned the number the
	// seed filter let through to alignment.
	Candidates, Aligned int
}

// verifyChunk is the number of pairs a worker takes at once.
const verifyChunk = 4096

// VerifyPairs verifies the candidate pairs (a<<32 | b, in order) on
// c.Workers goroutines: the seed filter first, then alignment of the
// pairs it lets through. It returns the matches in pair order.
func (c *Config) VerifyPairs(ctx context.Context, pairs *SortedValues, o VerifyOptions) ([]Match, VerifyStats, error) {
	type chunk struct {
		n     int
		pairs []uint64
	}
	type result struct {
		n       int
		matches []Match
		aligned int
		err     error
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	in := make(chan chunk, workers)
	out := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			h, _ := minhash.NewHasher(c.Params) // validated
			f := c.NewFilter()
			var al align.Aligner
			var bufA, bufB SeedBuf
			for ch := range in {
				r := result{n: ch.n}
				lastA := int32(-1)
				var pa *Prepared
				for _, p := range ch.pairs {
					a, b := int32(p>>32), int32(uint32(p))
					if r.err != nil {
						break
					}
					if a != lastA {
						sa, err := o.Seeds(a, &bufA)
						if err != nil {
							r.err = err
							break
						}
						f.Reset(sa)
						lastA, pa = a, nil
					}
					sb, err := o.Seeds(b, &bufB)
					if err != nil {
						r.err = err
						break
					}
					if !f.MayAlign(sb) {
						continue
					}
					r.aligned++
					if pa == nil {
						if pa, r.err = o.Prepare(h, a); r.err != nil {
							continue
						}
					}
					pb, err := o.Prepare(h, b)
					if err != nil {
						r.err = err
						continue
					}
					if m, ok := c.Verify(h, &al, a, b, pa, pb); ok {
						r.matches = append(r.matches, m)
					}
				}
				out <- r
			}
		})
	}
	var (
		st      VerifyStats
		results []result
		firstEr error
		collect sync.WaitGroup
	)
	collect.Go(func() {
		for r := range out {
			results = append(results, r)
			st.Aligned += r.aligned
			firstEr = cmp.Or(firstEr, r.err)
		}
	})
	n := 0
	buf := make([]uint64, 0, verifyChunk)
	for ctx.Err() == nil {
		p, ok := pairs.Next()
		if ok {
			buf = append(buf, p)
			st.Candidates++
		}
		if len(buf) == verifyChunk || (!ok && len(buf) > 0) {
			in <- chunk{n, buf}
			n++
			buf = make([]uint64, 0, verifyChunk)
			if o.Progress != nil && n%64 == 0 {
				o.Progress(st.Candidates)
			}
		}
		if !ok {
			break
		}
	}
	close(in)
	wg.Wait()
	close(out)
	collect.Wait()
	if err := cmp.Or(ctx.Err(), pairs.Err(), firstEr); err != nil {
		return nil, st, err
	}
	slices.SortFunc(results, func(x, y result) int { return cmp.Compare(x.n, y.n) })
	var all []Match
	for _, r := range results {
		all = append(all, r.matches...)
	}
	return all, st, nil
}
