package pipeline

import (
	"cmp"
	"slices"

	"github.com/reprint-dev/reprint/internal/disjoint"
)

// Side is one side of a matched segment: a token range of a document and
// its byte span.
type Side struct {
	Doc   int32
	Tok   Range
	Bytes Span
}

// Sides lists the sides of every segment of ms, two a segment (A's then
// B's), in order: links are the pairs (2i, 2i+1).
func Sides(ms []Match) []Side {
	n := 0
	for _, m := range ms {
		n += 2 * len(m.Segments)
	}
	sides := make([]Side, 0, n)
	for _, m := range ms {
		for _, s := range m.Segments {
			sides = append(sides, Side{m.A, s.A, s.ABytes}, Side{m.B, s.B, s.BBytes})
		}
	}
	return sides
}

// Cluster groups sides into clusters of copies of one passage. Sides 2i
// and 2i+1 are the two halves of a match and belong together; two sides
// in one document belong together when they overlap by at least half of
// the shorter (so that a long passage whose halves were copied to
// different documents does not chain unrelated copies). Within a cluster,
// overlapping sides of one document merge into one passage, sorted by
// document and start; clusters come most documents first, then longest
// passage, then first position.
func Cluster(sides []Side) [][]Side {
	uf := disjoint.New(len(sides))
	for i := 0; i+1 < len(sides); i += 2 {
		uf.Union(i, i+1)
	}
	order := make([]int32, len(sides))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		a, b := sides[x], sides[y]
		return cmp.Or(cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Tok.Start, b.Tok.Start), cmp.Compare(a.Tok.End, b.Tok.End))
	})
	// Sides of one document sorted by start: sweep for substantial
	// overlaps with the sides still open.
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && sides[order[j]].Doc == sides[order[i]].Doc {
			j++
		}
		for x := i; x < j; x++ {
			a := sides[order[x]].Tok
			for y := x + 1; y < j && sides[order[y]].Tok.Start < a.End; y++ {
				b := sides[order[y]].Tok
				overlap := min(a.End, b.End) - b.Start
				if 2*overlap >= min(a.End-a.Start, b.End-b.Start) {
					uf.Union(int(order[x]), int(order[y]))
				}
			}
		}
		i = j
	}
	// Collect each cluster's sides into one array, a cluster after the
	// other (numbered by first appearance in order), and merge
	// overlapping ones per document in place: a few words a side, where
	// a map of slices took about 300 bytes.
	index := make([]int32, len(sides)) // root → cluster number + 1
	off := []int{0}
	for _, i := range order {
		root := uf.Find(int(i))
		if index[root] == 0 {
			off = append(off, 0)
			index[root] = int32(len(off) - 1)
		}
		off[index[root]]++
	}
	for c := 1; c < len(off); c++ {
		off[c] += off[c-1]
	}
	next := slices.Clone(off[:len(off)-1])
	buf := make([]Side, len(sides))
	for _, i := range order { // sorted by doc, start
		c := index[uf.Find(int(i))] - 1
		buf[next[c]] = sides[i]
		next[c]++
	}
	all := make([][]Side, 0, len(off)-1)
	for c := 0; c+1 < len(off); c++ {
		members := buf[off[c]:off[c+1]]
		merged := members[:0]
		for _, s := range members {
			if n := len(merged); n > 0 && merged[n-1].Doc == s.Doc && s.Tok.Start <= merged[n-1].Tok.End {
				if s.Tok.End > merged[n-1].Tok.End {
					merged[n-1].Tok.End, merged[n-1].Bytes.End = s.Tok.End, s.Bytes.End
				}
				continue
			}
			merged = append(merged, s)
		}
		all = append(all, merged[:len(merged):len(merged)])
	}
	slices.SortStableFunc(all, func(x, y []Side) int {
		return cmp.Or(-cmp.Compare(spread(x), spread(y)), -cmp.Compare(longest(x), longest(y)),
			cmp.Compare(x[0].Doc, y[0].Doc), cmp.Compare(x[0].Tok.Start, y[0].Tok.Start))
	})
	return all
}

// spread counts the documents of a cluster's passages (sorted by doc).
func spread(ps []Side) int {
	n, last := 0, int32(-1)
	for _, s := range ps {
		if s.Doc != last {
			n, last = n+1, s.Doc
		}
	}
	return n
}

func longest(ps []Side) int32 {
	m := int32(0)
	for _, s := range ps {
		m = max(m, s.Tok.End-s.Tok.Start)
	}
	return m
}
