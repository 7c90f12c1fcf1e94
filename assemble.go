package reprint

import (
	"github.com/reprint-dev/reprint/internal/disjoint"

	"cmp"
	"fmt"
	"slices"
)

// side is one side of an aligned segment: a token range of one document.
type side struct {
	doc        int
	start, end int // tokens
}

// assemble turns aligned pairs into the report: matches, document pairs,
// clusters and per-document summaries, all in a deterministic order.
func (d *Detector) assemble(prep []prepared, found []pairResult) *Report {
	p := d.cfg.params
	r := &Report{
		Schema: SchemaV1,
		Tool:   Tool{Name: "reprint", Version: Version},
		Params: ReportParams{Shingle: p.Shingle, NumHash: p.NumHash, Bands: p.Bands, Rows: p.Rows,
			Threshold: d.cfg.threshold, MinWords: d.cfg.minWords, Seed: p.Seed, VerifyShingle: d.cfg.verifyK},
		Documents: make([]DocSummary, len(d.docs)),
		DocPairs:  []DocPair{},
		Clusters:  []Cluster{},
		Matches:   []Match{},
		Errors:    []InputError{},
	}
	covered := make([][]bool, len(d.docs)) // tokens in any recycled passage
	for i := range covered {
		covered[i] = make([]bool, len(prep[i].tokens))
	}
	var sides []side
	var links [][2]int // pairs of indexes into sides
	for _, pr := range found {
		ca, cb := make([]bool, len(prep[pr.a].tokens)), make([]bool, len(prep[pr.b].tokens))
		for _, s := range pr.segments {
			r.Matches = append(r.Matches, Match{
				A:          d.span(prep, pr.a, s.AStart, s.AEnd),
				B:          d.span(prep, pr.b, s.BStart, s.BEnd),
				Similarity: round4(s.Similarity()),
				Words:      s.Words(),
			})
			for _, run := range s.Runs {
				fill(ca, run.AStart, run.AEnd)
				fill(cb, run.BStart, run.BEnd)
				fill(covered[pr.a], run.AStart, run.AEnd)
				fill(covered[pr.b], run.BStart, run.BEnd)
			}
			links = append(links, [2]int{len(sides), len(sides) + 1})
			sides = append(sides, side{pr.a, s.AStart, s.AEnd}, side{pr.b, s.BStart, s.BEnd})
		}
		na, nb := count(ca), count(cb)
		r.DocPairs = append(r.DocPairs, DocPair{
			A: d.docs[pr.a].ID, B: d.docs[pr.b].ID,
			Jaccard:      round4(pr.overlap.jaccard()),
			ContainmentA: round4(pr.overlap.containmentA()),
			ContainmentB: round4(pr.overlap.containmentB()),
			SharedWords:  min(na, nb),
		})
	}
	for i, doc := range d.docs {
		r.Documents[i] = DocSummary{
			ID: doc.ID, Path: doc.Path, Title: doc.Title, Source: doc.Source,
			Date:           doc.Date.String(),
			Bytes:          doc.TextOffset + len(doc.Text),
			Words:          len(prep[i].tokens),
			ReusedFraction: round4(ratio(count(covered[i]), len(covered[i]))),
		}
	}
	r.Clusters = d.clusters(prep, sides, links)
	return r
}

// clusters groups the sides of all matches into clusters of copies of one
// passage: two sides are linked when they are the two halves of a match, or
// lie in one document and overlap by at least half of the shorter (so that
// a long passage whose halves were copied to different documents does not
// chain unrelated copies together).
func (d *Detector) clusters(prep []prepared, sides []side, links [][2]int) []Cluster {
	uf := disjoint.New(len(sides))
	for _, l := range links {
		uf.Union(l[0], l[1])
	}
	order := make([]int, len(sides))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		a, b := sides[x], sides[y]
		return cmp.Or(cmp.Compare(a.doc, b.doc), cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
	})
	// Sides of one document sorted by start: sweep for substantial
	// overlaps with the sides still open.
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && sides[order[j]].doc == sides[order[i]].doc {
			j++
		}
		for x := i; x < j; x++ {
			a := sides[order[x]]
			for y := x + 1; y < j && sides[order[y]].start < a.end; y++ {
				b := sides[order[y]]
				overlap := min(a.end, b.end) - b.start
				if 2*overlap >= min(a.end-a.start, b.end-b.start) {
					uf.Union(order[x], order[y])
				}
			}
		}
		i = j
	}
	// Collect each cluster's sides, merge overlapping ones per document.
	members := make(map[int][]side)
	var roots []int
	for _, i := range order {
		root := uf.Find(i)
		if _, ok := members[root]; !ok {
			roots = append(roots, root)
		}
		members[root] = append(members[root], sides[i])
	}
	type built struct {
		passages []side
	}
	var all []built
	for _, root := range roots {
		ss := members[root] // sorted by doc, start
		var merged []side
		for _, s := range ss {
			if n := len(merged); n > 0 && merged[n-1].doc == s.doc && s.start <= merged[n-1].end {
				merged[n-1].end = max(merged[n-1].end, s.end)
				continue
			}
			merged = append(merged, s)
		}
		all = append(all, built{merged})
	}
	// Order: most documents first, then longest, then first position.
	spread := func(b built) int {
		n, last := 0, -1
		for _, s := range b.passages {
			if s.doc != last {
				n, last = n+1, s.doc
			}
		}
		return n
	}
	longest := func(b built) int {
		m := 0
		for _, s := range b.passages {
			m = max(m, s.end-s.start)
		}
		return m
	}
	slices.SortStableFunc(all, func(x, y built) int {
		return cmp.Or(-cmp.Compare(spread(x), spread(y)), -cmp.Compare(longest(x), longest(y)),
			cmp.Compare(x.passages[0].doc, y.passages[0].doc), cmp.Compare(x.passages[0].start, y.passages[0].start))
	})
	out := make([]Cluster, len(all))
	for i, b := range all {
		c := Cluster{ID: fmt.Sprintf("c%d", i+1), Edges: []Edge{}}
		for _, s := range b.passages {
			sp := d.span(prep, s.doc, s.start, s.end)
			doc := d.docs[s.doc]
			c.Passages = append(c.Passages, Passage{
				Doc: sp.Doc, Start: sp.Start, End: sp.End,
				Line: doc.LineOffset + lineOf(prep[s.doc].lines, sp.Start-doc.TextOffset),
				Text: doc.Text[sp.Start-doc.TextOffset : sp.End-doc.TextOffset],
			})
		}
		c.Earliest = d.earliest(b.passages)
		out[i] = c
	}
	return out
}

// earliest returns the ID of the copy with the earliest date, or nil when no
// copy is dated or the earliest dates tie at their granularity.
func (d *Detector) earliest(passages []side) *string {
	if d.cfg.noDates {
		return nil
	}
	best, tie := -1, false
	for _, s := range passages {
		date := d.docs[s.doc].Date
		if date.IsZero() || s.doc == best {
			continue
		}
		if best < 0 {
			best = s.doc
			continue
		}
		switch compareDates(date, d.docs[best].Date) {
		case -1:
			best, tie = s.doc, false
		case 0:
			tie = true
		}
	}
	if best < 0 || tie {
		return nil
	}
	id := d.docs[best].ID
	return &id
}

// compareDates orders two dates at the coarser of their granularities:
// -1, 0 (same instant at that precision) or 1.
func compareDates(a, b Date) int {
	g := min(a.Granularity, b.Granularity)
	ta, tb := a.Time.UTC(), b.Time.UTC()
	switch g {
	case GranularityDay:
		ta, tb = a.Time, b.Time // calendar days in their own zones
		ya, ma, da := ta.Date()
		yb, mb, db := tb.Date()
		return cmp.Or(cmp.Compare(ya, yb), cmp.Compare(ma, mb), cmp.Compare(da, db))
	case GranularityMinute:
		return cmp.Compare(ta.Unix()/60, tb.Unix()/60)
	}
	return cmp.Compare(ta.Unix(), tb.Unix())
}

// span converts a token range of document i into file byte offsets.
func (d *Detector) span(prep []prepared, i, start, end int) Span {
	toks := prep[i].tokens
	off := d.docs[i].TextOffset
	return Span{Doc: d.docs[i].ID, Start: off + toks[start].Start, End: off + toks[end-1].End}
}

func fill(b []bool, start, end int) {
	for i := start; i < end; i++ {
		b[i] = true
	}
}

func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// round4 keeps reports stable and readable: four decimals are more than
// any similarity here means.
func round4(x float64) float64 {
	return float64(int64(x*10000+0.5)) / 10000
}
