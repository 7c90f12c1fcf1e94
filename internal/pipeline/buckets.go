package pipeline

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/reprint-dev/reprint/internal/disjoint"
	"github.com/reprint-dev/reprint/minhash"
)

// The candidate stage's decisions, one bucket or one group at a time, so
// that a driver that shuffles band buckets to many workers (the Beam
// pipeline) and Candidates, which joins them on one machine, decide
// alike. A group is a distinct unit (every copy of a unit has the same
// content key and band fingerprints, so a band bucket holds whole
// groups); groups are ordered by their first unit in the corpus.

// Boiler reports whether a group found in docs documents is boilerplate
// by the exact cap.
func (c *Config) Boiler(docs int) bool { return c.BucketCap > 0 && docs > c.BucketCap }

// Stamps marks documents seen, cleared in O(1) by a new stamp: the
// scratch space of SpecialBucket.
type Stamps struct {
	mark []uint32
	now  uint32
}

// NewStamps returns Stamps for documents 0..n-1 (more grow it).
func NewStamps(n int) Stamps { return Stamps{mark: make([]uint32, n)} }

// distinct counts the distinct documents of n groups.
func (s *Stamps) distinct(n int, docsOf func(x int) []int32) int {
	s.now++
	count := 0
	for x := range n {
		for _, d := range docsOf(x) {
			if int(d) >= len(s.mark) {
				s.mark = append(s.mark, make([]uint32, int(d)+1-len(s.mark))...)
			}
			if s.mark[d] != s.now {
				s.mark[d] = s.now
				count++
			}
		}
	}
	return count
}

// SpecialBucket reports whether a band bucket of n groups (docsOf(x):
// group x's documents, ascending; boiler(x): whether it is boilerplate by
// the exact cap) is set aside for the near-duplicate check instead of
// pairing its groups: it holds boilerplate or spans more documents than
// the cap.
func (c *Config) SpecialBucket(n int, docsOf func(x int) []int32, boiler func(x int) bool, seen *Stamps) bool {
	span := 0
	for x := range n {
		if boiler(x) {
			return true
		}
		span += len(docsOf(x))
	}
	if c.BucketCap <= 0 || span <= c.BucketCap {
		return false
	}
	return seen.distinct(n, docsOf) > c.BucketCap
}

// BucketPairs calls pair(x, y), x < y, for each pair of a band bucket's
// n groups that the band join pairs: all of them, or in a wide bucket
// (more than WideBucket groups; see there), when seeds is not nil, those
// whose units may align by the rule of [Filter] (seeds(x) are the seeds
// inside group x's unit: [UnitSeeds]). f is the caller's scratch Filter.
func (c *Config) BucketPairs(f *Filter, n int, seeds func(x int) Seeds, pair func(x, y int)) {
	wide := seeds != nil && n > WideBucket
	for x := range n {
		if wide {
			f.Reset(seeds(x))
		}
		for y := x + 1; y < n; y++ {
			if !wide || f.MayAlign(seeds(y)) {
				pair(x, y)
			}
		}
	}
}

// UnitSeeds returns the seeds of a document (doc, unmasked) whose
// shingles of k tokens lie inside the unit of token range t, their keys
// appended to dst (returned too): what BucketPairs tests a wide bucket's
// pairs on. A unit's shingles depend on its words alone, so the test
// holds for every copy of it.
func UnitSeeds(dst []uint32, doc Seeds, t Range, k int) (Seeds, []uint32) {
	out := Seeds{PosBits: doc.PosBits, Wild: doc.Wild}
	if doc.Wild || int(t.End)-int(t.Start) < k {
		return out, dst
	}
	lo, hi := uint32(t.Start), uint32(int(t.End)-k) // a shingle inside starts at lo..hi
	pm := uint32(1)<<doc.PosBits - 1
	n := len(dst)
	for _, key := range doc.Keys {
		if p := key & pm; p >= lo && p <= hi {
			dst = append(dst, key)
		}
	}
	out.Keys = dst[n:len(dst):len(dst)]
	return out, dst
}

// UnitShingles returns the distinct signature-size shingles of a unit's
// text, sorted: what the near-duplicate check compares. toks is scratch
// space, returned for reuse.
func (c *Config) UnitShingles(h *minhash.Hasher, unit string, toks []minhash.Token) ([]uint64, []minhash.Token) {
	toks = h.Tokens(toks[:0], unit)
	s := minhash.Shingles(nil, toks, c.Params.Shingle, c.Params.Seed)
	slices.Sort(s)
	return slices.Compact(s), toks
}

// AppendDocPairs appends the document pairs (a<<32 | b, a < b) of a
// group found in documents as and one found in bs (the same group's pairs
// when they are the same list).
func AppendDocPairs(out []uint64, as, bs []int32) []uint64 {
	for _, a := range as {
		for _, b := range bs {
			switch {
			case a < b:
				out = append(out, uint64(a)<<32|uint64(b))
			case b < a:
				out = append(out, uint64(b)<<32|uint64(a))
			}
		}
	}
	return out
}

// SpecialGroup is a group of a special bucket, with what the
// near-duplicate check and the bucket's pairs need of it.
type SpecialGroup struct {
	// ID orders the groups by first appearance.
	ID uint64
	// Docs are its documents, ascending.
	Docs []int32
	// Shingles are its unit's shingles ([Config.UnitShingles]).
	Shingles []uint64
	// Seeds are its unit's seeds ([UnitSeeds]), for wide buckets.
	Seeds Seeds
}

// SpecialBand is a band bucket set aside by SpecialBucket: its band and
// its groups' IDs, ascending.
type SpecialBand struct {
	Band    int
	Members []uint64
}

// SpecialResult is what the special buckets decide.
type SpecialResult struct {
	// Boiler lists the IDs of the groups that are boilerplate, by the
	// exact cap or by a family of near-identical units over it, ascending.
	Boiler []uint64
	// Pairs are the group pairs (IDs, lower first) the buckets pair.
	Pairs [][2]uint64
	// Hot counts the groups of buckets still over the cap.
	Hot int
}

// Specials decides the special buckets: families of near-identical units
// (in each bucket, the members near-identical to its most common group
// join that group's family) over the cap of documents are boilerplate;
// each bucket then pairs its other groups as an ordinary bucket does
// (those that may align, if it is wide and filter is set), unless they
// still span more than the cap: those are counted as hot, as LSH counts
// the members of a bucket it leaves out. groups holds every member of
// buckets, by ID; the result does not depend on either list's order.
func (c *Config) Specials(groups []SpecialGroup, buckets []SpecialBand, filter bool) (*SpecialResult, error) {
	groups = slices.Clone(groups)
	slices.SortFunc(groups, func(x, y SpecialGroup) int { return cmp.Compare(x.ID, y.ID) })
	buckets = slices.Clone(buckets)
	for i := range buckets {
		buckets[i].Members = slices.Sorted(slices.Values(buckets[i].Members))
	}
	slices.SortFunc(buckets, func(x, y SpecialBand) int {
		return cmp.Or(cmp.Compare(x.Band, y.Band), cmp.Compare(x.Members[0], y.Members[0]))
	})
	at := func(id uint64) (int, bool) {
		return slices.BinarySearchFunc(groups, id, func(g SpecialGroup, id uint64) int { return cmp.Compare(g.ID, id) })
	}
	local := make([][]int, len(buckets)) // members as indexes into groups
	for k, b := range buckets {
		for _, id := range b.Members {
			i, ok := at(id)
			if !ok {
				return nil, fmt.Errorf("pipeline: special bucket of unknown group %d", id)
			}
			local[k] = append(local[k], i)
		}
	}
	sets := disjoint.New(len(groups))
	for _, ms := range local {
		rep := ms[0]
		for _, i := range ms[1:] {
			if len(groups[i].Docs) > len(groups[rep].Docs) { // the first on a tie
				rep = i
			}
		}
		for _, i := range ms {
			if i != rep && nearIdentical(groups[i].Shingles, groups[rep].Shingles) {
				sets.Union(i, rep)
			}
		}
	}
	famDocs := map[int]int{} // root → distinct documents
	seen := map[[2]int]bool{}
	for i, g := range groups {
		root := sets.Find(i)
		for _, d := range g.Docs {
			if k := [2]int{root, int(d)}; !seen[k] {
				seen[k] = true
				famDocs[root]++
			}
		}
	}
	seen = nil
	res := &SpecialResult{}
	boiler := make([]bool, len(groups))
	for i, g := range groups {
		if c.Boiler(len(g.Docs)) || c.Boiler(famDocs[sets.Find(i)]) {
			boiler[i] = true
			res.Boiler = append(res.Boiler, g.ID)
		}
	}
	f := c.NewFilter()
	stamps := NewStamps(0)
	var rest []int
	docsOf := func(x int) []int32 { return groups[rest[x]].Docs }
	var seeds func(x int) Seeds
	if filter {
		seeds = func(x int) Seeds { return groups[rest[x]].Seeds }
	}
	for _, ms := range local {
		rest = slices.DeleteFunc(append(rest[:0], ms...), func(i int) bool { return boiler[i] })
		if len(rest) < 2 {
			continue
		}
		if c.BucketCap > 0 && stamps.distinct(len(rest), docsOf) > c.BucketCap {
			res.Hot += len(rest)
			continue
		}
		c.BucketPairs(f, len(rest), seeds, func(x, y int) {
			res.Pairs = append(res.Pairs, [2]uint64{groups[rest[x]].ID, groups[rest[y]].ID})
		})
	}
	return res, nil
}

// BoilerUnit is a unit of a boilerplate group.
type BoilerUnit struct {
	// Doc is its document and Index its place among the units of the
	// corpus or of the document (consecutive units, consecutive indexes).
	Doc   int32
	Index uint32
	// Group is its group's ID.
	Group uint64
	// Span and Tok are its bytes and tokens in its document.
	Span Span
	Tok  Range
}

// Boilerplates turns the units of boilerplate groups into passages: units
// of boilerplate next to each other in a document (the sentences of one
// disclaimer) make one passage, reported once, by first appearance, with
// the number of documents that have it, and masked in every document (as
// byte spans, and as token ranges when toks is set). each yields the
// units in corpus order (document, then index) and is called twice.
func Boilerplates(each func(yield func(BoilerUnit) bool), toks bool) ([]Boilerplate, map[int32][]Span, map[int32][]Range) {
	index := map[uint64]int{} // group → its set
	var sets disjoint.Sets
	setOf := func(g uint64) int {
		i, ok := index[g]
		if !ok {
			i = sets.Add()
			index[g] = i
		}
		return i
	}
	var prev BoilerUnit
	first := true
	each(func(u BoilerUnit) bool {
		s := setOf(u.Group)
		if !first && u.Doc == prev.Doc && u.Index == prev.Index+1 {
			sets.Union(s, setOf(prev.Group))
		}
		prev, first = u, false
		return true
	})
	var out []Boilerplate
	entry := map[int]int{}     // root → index in out
	lastDoc := map[int]int32{} // root → last document counted
	mask := map[int32][]Span{}
	var maskToks map[int32][]Range
	if toks {
		maskToks = map[int32][]Range{}
	}
	open := -1 // the passage whose first run is being read
	first = true
	each(func(u BoilerUnit) bool {
		if first || u.Doc != prev.Doc || u.Index != prev.Index+1 {
			open = -1
		}
		prev, first = u, false
		root := sets.Find(index[u.Group])
		e, ok := entry[root]
		switch {
		case !ok:
			e = len(out)
			entry[root] = e
			out = append(out, Boilerplate{Doc: u.Doc, Span: u.Span})
			lastDoc[root] = -1
			open = e
		case open == e:
			out[e].Span.End = max(out[e].Span.End, u.Span.End)
		}
		if lastDoc[root] != u.Doc {
			lastDoc[root] = u.Doc
			out[e].Documents++
		}
		ms := mask[u.Doc]
		if n := len(ms); n > 0 && u.Span.Start <= ms[n-1].End {
			ms[n-1].End = max(ms[n-1].End, u.Span.End)
			if toks {
				maskToks[u.Doc][n-1].End = max(maskToks[u.Doc][n-1].End, u.Tok.End)
			}
		} else {
			ms = append(ms, u.Span)
			if toks {
				maskToks[u.Doc] = append(maskToks[u.Doc], u.Tok)
			}
		}
		mask[u.Doc] = ms
		return true
	})
	return out, mask, maskToks
}
