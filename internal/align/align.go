package align

import (
	"cmp"
	"math/bits"
	"slices"
)

// Entry is one shingle of a document: its hash and the index of its first
// token.
type Entry struct {
	Hash uint64
	Pos  int32
}

// Sorted returns a document's shingle entries sorted by hash then position,
// the form Align takes. Compute it once per document.
func Sorted(shingles []uint64) []Entry {
	e := make([]Entry, len(shingles))
	if len(shingles) < 2*smallBucket {
		for i, h := range shingles {
			e[i] = Entry{h, int32(i)}
		}
		sortEntries(e)
		return e
	}
	// Shingle hashes are uniform: a counting sort on their top bits, which
	// keeps positions in order, leaves buckets of about one entry, each
	// sorted on its own. Every order of the entries is total, so this is
	// the order a full sort gives, at a fraction of its comparisons.
	b := bits.Len(uint(len(shingles)))
	shift := 64 - b
	start := make([]int32, 1<<b+1)
	for _, h := range shingles {
		start[h>>shift+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	next := slices.Clone(start[:len(start)-1])
	for i, h := range shingles {
		k := h >> shift
		e[next[k]] = Entry{h, int32(i)}
		next[k]++
	}
	for k := 0; k+1 < len(start); k++ {
		if bucket := e[start[k]:start[k+1]]; len(bucket) > 1 {
			sortEntries(bucket)
		}
	}
	return e
}

// smallBucket is the size up to which sortEntries sorts by insertion.
const smallBucket = 12

// sortEntries sorts entries by hash then position.
func sortEntries(e []Entry) {
	if len(e) > smallBucket {
		slices.SortFunc(e, compareEntries)
		return
	}
	for i := 1; i < len(e); i++ {
		for j := i; j > 0 && compareEntries(e[j], e[j-1]) < 0; j-- {
			e[j], e[j-1] = e[j-1], e[j]
		}
	}
}

func compareEntries(a, b Entry) int {
	if c := cmp.Compare(a.Hash, b.Hash); c != 0 {
		return c
	}
	return cmp.Compare(a.Pos, b.Pos)
}

// Segment is an aligned pair of token ranges [AStart, AEnd) and
// [BStart, BEnd), with how many tokens of each side are covered by equal
// shingles.
type Segment struct {
	AStart, AEnd, BStart, BEnd int
	ACovered, BCovered         int
	// Facts counts the numbers that differ between the two sides: the
	// tokens left unmatched inside the segment that are numbers on
	// either side. Similarity charges each of them once more.
	Facts int
	// Runs are the exactly matching stretches inside the segment, in
	// order; the tokens between them are edits.
	Runs []Run
}

// Run is a stretch of tokens [AStart, AEnd) of A equal to [BStart, BEnd) of
// B shingle by shingle (it may contain substituted words no longer than
// the gap between its shingles).
type Run struct {
	AStart, AEnd, BStart, BEnd int
}

// Words is the aligned length: the smaller covered side.
func (s Segment) Words() int { return min(s.ACovered, s.BCovered) }

// Similarity is the share of the two ranges' tokens covered by equal
// shingles.
//
// Each differing number counts twice: copies that differ in their figures
// state different facts (a table row, a template filled in), while a
// corrected figure in a long copy barely moves the score.
func (s Segment) Similarity() float64 {
	n := s.AEnd - s.AStart + s.BEnd - s.BStart + 2*s.Facts
	if n == 0 {
		return 0
	}
	return float64(s.ACovered+s.BCovered) / float64(n)
}

// Options tunes Align.
type Options struct {
	// K is the shingle size in tokens.
	K int
	// Gap is the most tokens an edit may leave unmatched between two runs
	// on either side and still chain them (substitutions, insertions).
	Gap int
	// MinRun drops runs that cover fewer tokens: a short common phrase
	// ("said it would") matches everywhere and proves nothing.
	MinRun int
	// MinWords drops segments whose Words are fewer.
	MinWords int
	// MaxRepeat skips a shingle that occurs more often than this in either
	// document: repeated boilerplate inside a document would otherwise
	// make seeds quadratic.
	MaxRepeat int
	// MinSimilarity drops segments whose Similarity is lower: a chain of
	// short runs between differing names and numbers is a shared
	// template, not a copy.
	MinSimilarity float64
}

// Aligner holds scratch space for Align; it is not safe for concurrent use.
type Aligner struct {
	seeds []seed
	runs  []Segment
}

type seed struct{ d, i int32 } // diagonal j-i, position in A

// Doc is one side of an alignment: its Sorted shingle entries, and which
// of its tokens are numbers (nil: none).
type Doc struct {
	Shingles []Entry
	Numbers  []bool
	// Tokens are the token hashes in order, and Stops marks the tokens
	// followed by a boundary (end of a sentence, quotation or paragraph):
	// with them, Align extends segments word by word past the last
	// matching shingle. Either may be nil (no extension).
	Tokens []uint64
	Stops  []bool
}

// facts counts the tokens of a[as:ae] and b[bs:be] that are numbers on
// either side: the unmatched stretch between two runs.
func facts(a, b Doc, as, ae, bs, be int) int {
	count := func(nums []bool, s, e int) int {
		n := 0
		for i := max(s, 0); i < min(e, len(nums)); i++ {
			if nums[i] {
				n++
			}
		}
		return n
	}
	return max(count(a.Numbers, as, ae), count(b.Numbers, bs, be))
}

// Align returns the aligned segments of documents a and b, ordered by
// AStart then BStart.
func (al *Aligner) Align(da, db Doc, opt Options) []Segment {
	a, b := da.Shingles, db.Shingles
	k := int32(opt.K)
	seeds := al.seeds[:0]
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x].Hash < b[y].Hash:
			x++
		case a[x].Hash > b[y].Hash:
			y++
		default:
			h := a[x].Hash
			xe, ye := x, y
			for xe < len(a) && a[xe].Hash == h {
				xe++
			}
			for ye < len(b) && b[ye].Hash == h {
				ye++
			}
			if opt.MaxRepeat <= 0 || (xe-x <= opt.MaxRepeat && ye-y <= opt.MaxRepeat) {
				for i := x; i < xe; i++ {
					for j := y; j < ye; j++ {
						seeds = append(seeds, seed{b[j].Pos - a[i].Pos, a[i].Pos})
					}
				}
			}
			x, y = xe, ye
		}
	}
	al.seeds = seeds
	if len(seeds) == 0 {
		return nil
	}
	slices.SortFunc(seeds, func(p, q seed) int {
		if c := cmp.Compare(p.d, q.d); c != 0 {
			return c
		}
		return cmp.Compare(p.i, q.i)
	})

	// Runs: seeds on one diagonal whose shingles overlap or are separated
	// by at most Gap unmatched tokens (a substituted word breaks k
	// shingles but not the diagonal).
	gap := int32(opt.Gap)
	runs := al.runs[:0]
	for s := 0; s < len(seeds); {
		d, first, last := seeds[s].d, seeds[s].i, seeds[s].i
		covered := k
		e := s + 1
		for ; e < len(seeds) && seeds[e].d == d && seeds[e].i-(last+k) <= gap; e++ {
			// A run bridges a substituted word but not a differing
			// figure: the stretches between the figures of a table row
			// or a filled-in template are too short to count alone.
			if seeds[e].i > last+k && facts(da, db, int(last+k), int(seeds[e].i), int(last+k+d), int(seeds[e].i+d)) > 0 {
				break
			}
			covered += min(k, seeds[e].i-last)
			last = seeds[e].i
		}
		s = e
		if int(covered) < opt.MinRun {
			continue
		}
		runs = append(runs, Segment{
			AStart: int(first), AEnd: int(last + k),
			BStart: int(first + d), BEnd: int(last + k + d),
			ACovered: int(covered), BCovered: int(covered),
		})
	}
	slices.SortFunc(runs, func(p, q Segment) int {
		if c := cmp.Compare(p.AStart, q.AStart); c != 0 {
			return c
		}
		return cmp.Compare(p.BStart, q.BStart)
	})

	// Chains: each run joins the chain it continues best (both sides move
	// forward by at most Gap tokens, overlaps allowed up to a shingle),
	// else starts a new one.
	var chains []Segment
	for _, r := range runs {
		best, bestCost := -1, 1<<30
		for c := len(chains) - 1; c >= 0; c-- {
			ch := &chains[c]
			ga, gb := r.AStart-ch.AEnd, r.BStart-ch.BEnd
			if ga > opt.Gap || gb > opt.Gap || ga < -opt.K || gb < -opt.K || r.AEnd <= ch.AEnd || r.BEnd <= ch.BEnd {
				continue
			}
			if cost := max(ga, 0) + max(gb, 0) + abs(ga-gb); cost < bestCost {
				best, bestCost = c, cost
			}
		}
		run := Run{r.AStart, r.AEnd, r.BStart, r.BEnd}
		if best < 0 {
			r.Runs = []Run{run}
			chains = append(chains, r)
			continue
		}
		ch := &chains[best]
		ch.Runs = append(ch.Runs, run)
		ch.Facts += r.Facts + facts(da, db, ch.AEnd, r.AStart, ch.BEnd, r.BStart)
		ch.ACovered += r.ACovered - max(0, ch.AEnd-r.AStart)
		ch.BCovered += r.BCovered - max(0, ch.BEnd-r.BStart)
		ch.AEnd, ch.BEnd = r.AEnd, r.BEnd
	}
	al.runs = runs

	out := chains[:0]
	for _, c := range chains {
		extend(&c, da, db)
		if c.Words() >= opt.MinWords && c.Similarity() >= opt.MinSimilarity {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(p, q Segment) int {
		if c := cmp.Compare(p.AStart, q.AStart); c != 0 {
			return c
		}
		return cmp.Compare(p.BStart, q.BStart)
	})
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// maxSkip is the most words an extension step may skip on one side (an
// inserted or deleted word or two), and maxSteps how many skipping steps
// one end of a segment may take.
const (
	maxSkip  = 2
	maxSteps = 3
)

// extend grows a segment at both ends word by word: exact matches first,
// then across a small edit (a substituted, inserted or deleted word that is
// not a number) when what follows the edit matches for two words, or for
// one word that ends a sentence or quotation, or the text. Shingle seeds cannot reach the last
// k-1 words before an edit at the end of a copy ("… for its new engines"
// against "… for its engines"); extension can.
func extend(seg *Segment, a, b Doc) {
	if a.Tokens == nil || b.Tokens == nil {
		return
	}
	ta, tb := a.Tokens, b.Tokens
	stop := func(d Doc, i int) bool { return i == len(d.Tokens)-1 || (d.Stops != nil && d.Stops[i]) }
	// Forward.
	i, j := seg.AEnd, seg.BEnd
	for step := 0; step <= maxSteps; {
		n := 0
		for i+n < len(ta) && j+n < len(tb) && ta[i+n] == tb[j+n] {
			n++
		}
		if n > 0 {
			seg.Runs = append(seg.Runs, Run{i, i + n, j, j + n})
			seg.ACovered += n
			seg.BCovered += n
			i, j = i+n, j+n
			seg.AEnd, seg.BEnd = i, j
		}
		// Try the smallest edit after which the texts agree again.
		found := false
		for _, sk := range skips {
			x, y := i+sk[0], j+sk[1]
			if x >= len(ta) || y >= len(tb) || ta[x] != tb[y] {
				continue
			}
			if facts(a, b, i, x, j, y) > 0 {
				continue // a differing figure: a different fact, not an edit
			}
			if (x+1 < len(ta) && y+1 < len(tb) && ta[x+1] == tb[y+1]) || stop(a, x) || stop(b, y) {
				i, j = x, y
				found = true
				break
			}
		}
		if !found {
			break
		}
		step++
	}
	// Backward, the mirror image.
	i, j = seg.AStart, seg.BStart
	for step := 0; step <= maxSteps; {
		n := 0
		for i-n-1 >= 0 && j-n-1 >= 0 && ta[i-n-1] == tb[j-n-1] {
			n++
		}
		if n > 0 {
			seg.Runs = append([]Run{{i - n, i, j - n, j}}, seg.Runs...)
			seg.ACovered += n
			seg.BCovered += n
			i, j = i-n, j-n
			seg.AStart, seg.BStart = i, j
		}
		found := false
		for _, sk := range skips {
			x, y := i-1-sk[0], j-1-sk[1]
			if x < 0 || y < 0 || ta[x] != tb[y] {
				continue
			}
			if facts(a, b, x+1, i, y+1, j) > 0 {
				continue
			}
			if (x > 0 && y > 0 && ta[x-1] == tb[y-1]) || x == 0 || y == 0 || stop(a, x-1) || stop(b, y-1) {
				i, j = x+1, y+1
				found = true
				break
			}
		}
		if !found {
			break
		}
		step++
	}
}

// skips are the edits extension tries, smallest first: words skipped in A
// and in B before the texts agree again.
var skips = [][2]int{{1, 1}, {0, 1}, {1, 0}, {0, 2}, {2, 0}, {2, 2}, {1, 2}, {2, 1}}
