package pipeline

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/reprint-dev/reprint/internal/disjoint"
	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/minhash"
)

// families are the groups of near-identical units found in special
// buckets, with the documents each family spans.
type families struct {
	index map[uint32]int // group → its index in sets
	sets  disjoint.Sets
	docs  map[int]int // root index → distinct documents
}

// boiler reports whether group gi belongs to a family over the cap.
func (f *families) boiler(gi uint32, capDocs int) bool {
	i, ok := f.index[gi]
	return ok && capDocs > 0 && f.docs[f.sets.Find(i)] > capDocs
}

// nearFraction is the share of the larger unit's shingles that two units
// must share to be near-identical (a word or a date changed), and
// nearMinShingles the fewest shingles a unit needs for the test: shorter
// units are boilerplate only when identical.
const (
	nearFraction    = 0.6
	nearMinShingles = 6
)

// nearDuplicates finds the families of near-identical units in the
// special buckets: in each bucket, the members near-identical to its
// most common unit (boilerplate first) join that unit's family.
func (c *Config) nearDuplicates(ctx context.Context, u *Units, g *groups, special []bucket, text func(int32) (string, error)) (*families, error) {
	f := &families{index: map[uint32]int{}, docs: map[int]int{}}
	var list []uint32
	for _, b := range special {
		for _, gi := range b.members {
			if _, ok := f.index[gi]; !ok {
				f.index[gi] = len(list)
				list = append(list, gi)
			}
		}
	}
	shingles := make([][]uint64, len(list))
	var (
		mu      sync.Mutex
		firstEr error
	)
	err := pool.Run(ctx, len(list), pool.Options{Workers: c.Workers}, func() func(int) {
		h, _ := minhash.NewHasher(c.Params) // validated
		var toks []minhash.Token
		return func(i int) {
			r := g.rep[list[i]]
			t, err := text(u.DocOf(int(r)))
			if err != nil {
				mu.Lock()
				firstEr = cmp.Or(firstEr, err)
				mu.Unlock()
				return
			}
			sp := u.Spans[r]
			toks = h.Tokens(toks[:0], t[sp.Start:sp.End])
			s := minhash.Shingles(nil, toks, c.Params.Shingle, c.Params.Seed)
			slices.Sort(s)
			shingles[i] = slices.Compact(s)
		}
	})
	if err = cmp.Or(err, firstEr); err != nil {
		return nil, err
	}
	f.sets = disjoint.New(len(list))
	for _, b := range special {
		rep := b.members[0]
		for _, gi := range b.members[1:] {
			if moreCommon(g, gi, rep) {
				rep = gi
			}
		}
		ri := f.index[rep]
		for _, gi := range b.members {
			if i := f.index[gi]; gi != rep && nearIdentical(shingles[i], shingles[ri]) {
				f.sets.Union(i, ri)
			}
		}
	}
	seen := map[[2]int]bool{}
	for i, gi := range list {
		root := f.sets.Find(i)
		for _, d := range g.docsOf(gi) {
			if k := [2]int{root, int(d)}; !seen[k] {
				seen[k] = true
				f.docs[root]++
			}
		}
	}
	return f, nil
}

// moreCommon reports whether group a is in more documents than b (the
// lower number first on a tie: members are ascending).
func moreCommon(g *groups, a, b uint32) bool {
	return len(g.docsOf(a)) > len(g.docsOf(b))
}

// nearIdentical reports whether two units' shingle sets (sorted, each
// once) share at least nearFraction of the larger.
func nearIdentical(a, b []uint64) bool {
	if min(len(a), len(b)) < nearMinShingles {
		return false
	}
	shared := 0
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x] < b[y]:
			x++
		case a[x] > b[y]:
			y++
		default:
			shared++
			x++
			y++
		}
	}
	return float64(shared) >= nearFraction*float64(max(len(a), len(b)))
}

// boilerplate turns the boilerplate groups into passages: units of
// boilerplate next to each other in a document (the sentences of one
// disclaimer) make one passage, reported once with the number of
// documents that have it, and masked in every document.
func boilerplate(u *Units, g *groups, boiler []bool) ([]Boilerplate, map[int32][]Span, map[int32][]Range) {
	sets := disjoint.New(len(g.rep))
	isBoiler := func(i int) bool { return boiler[g.of[i]] }
	w := docWalk{u: u}
	prev := int32(-1)
	for i := 0; i < u.Len(); i++ {
		d := w.at(i)
		if i > 0 && d == prev && isBoiler(i) && isBoiler(i-1) {
			sets.Union(int(g.of[i]), int(g.of[i-1]))
		}
		prev = d
	}
	var out []Boilerplate
	entry := map[int]int{}     // root group → index in out
	lastDoc := map[int]int32{} // root group → last document counted
	mask := map[int32][]Span{}
	maskToks := map[int32][]Range{}
	hasToks := len(u.Toks) == u.Len()
	open := -1 // the passage whose first run is being read
	w, prev = docWalk{u: u}, -1
	for i := 0; i < u.Len(); i++ {
		d := w.at(i)
		if !isBoiler(i) {
			open, prev = -1, d
			continue
		}
		root := sets.Find(int(g.of[i]))
		if i > 0 && prev != d {
			open = -1
		}
		prev = d
		e, ok := entry[root]
		switch {
		case !ok:
			e = len(out)
			entry[root] = e
			out = append(out, Boilerplate{Doc: d, Span: u.Spans[i]})
			lastDoc[root] = -1
			open = e
		case open == e:
			out[e].Span.End = max(out[e].Span.End, u.Spans[i].End)
		}
		if lastDoc[root] != d {
			lastDoc[root] = d
			out[e].Documents++
		}
		ms, mt := mask[d], maskToks[d]
		if n := len(ms); n > 0 && u.Spans[i].Start <= ms[n-1].End {
			ms[n-1].End = max(ms[n-1].End, u.Spans[i].End)
			if hasToks {
				mt[n-1].End = max(mt[n-1].End, u.Toks[i].End)
			}
		} else {
			ms = append(ms, u.Spans[i])
			if hasToks {
				mt = append(mt, u.Toks[i])
			}
		}
		mask[d], maskToks[d] = ms, mt
	}
	if !hasToks {
		maskToks = nil
	}
	return out, mask, maskToks
}
