package render

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
)

// view is a report prepared for drawing: the lookups and totals that the
// renderers share.
type view struct {
	rep   *model.Report
	docs  map[string]*model.Document // by id; empty without Renderer.Docs
	index map[string]int             // id → position in rep.Documents
	// words and reused are the corpus's words and its words in recycled
	// passages; passages counts the copies in all clusters.
	words, reused float64
	passages      int
	// clustersOf counts the clusters each document has a copy in, and
	// inClusters lists them (indexes into rep.Clusters, ascending).
	clustersOf map[string]int
	inClusters map[string][]int
}

func newView(rep *model.Report, docs []model.Document) *view {
	v := &view{
		rep:        rep,
		docs:       make(map[string]*model.Document, len(docs)),
		index:      make(map[string]int, len(rep.Documents)),
		clustersOf: make(map[string]int),
		inClusters: make(map[string][]int),
	}
	for i := range docs {
		v.docs[docs[i].ID] = &docs[i]
	}
	for i, d := range rep.Documents {
		v.index[d.ID] = i
		v.words += float64(d.Words)
		v.reused += d.ReusedFraction * float64(d.Words)
	}
	for ci, c := range rep.Clusters {
		v.passages += len(c.Passages)
		last := ""
		for _, p := range c.Passages { // sorted by document
			if p.Doc != last {
				v.clustersOf[p.Doc]++
				if l := v.inClusters[p.Doc]; len(l) == 0 || l[len(l)-1] != ci {
					v.inClusters[p.Doc] = append(l, ci)
				}
				last = p.Doc
			}
		}
	}
	return v
}

// share is the part of all words that is recycled.
func (v *view) share() float64 { return ratio(v.reused, v.words) }

// date returns a document's date, or "".
func (v *view) date(id string) string {
	if i, ok := v.index[id]; ok {
		return v.rep.Documents[i].Date
	}
	return ""
}

// title returns a document's title, or "".
func (v *view) title(id string) string {
	if i, ok := v.index[id]; ok {
		return v.rep.Documents[i].Title
	}
	return ""
}

// text returns the bytes [start, end) of a document's file, when the
// document's text is at hand.
func (v *view) text(s model.Span) (string, bool) {
	d, ok := v.docs[s.Doc]
	if !ok {
		return "", false
	}
	a, b := s.Start-d.TextOffset, s.End-d.TextOffset
	if a < 0 || b > len(d.Text) || a > b {
		return "", false
	}
	return d.Text[a:b], true
}

// line returns the 1-based line of a file offset of a document, or 0 when
// its text is not at hand.
func (v *view) line(id string, off int) int {
	d, ok := v.docs[id]
	if !ok {
		return 0
	}
	off -= d.TextOffset
	if off < 0 || off > len(d.Text) {
		return 0
	}
	return d.LineOffset + 1 + strings.Count(d.Text[:off], "\n")
}

// copyView is one copy of a cluster's passage, prepared for drawing.
type copyView struct {
	model.Passage
	num  int    // 1-based, in drawing order: the reference is 1
	date string // the document's date, or ""
	// same is the num of an earlier copy with the same text (white space
	// folded), 0 when this copy is the first with its text.
	same int
	// diff is the copy against the reference, with the deletions at its
	// ends trimmed (head, tail say so); nil for the reference and for
	// copies with the same text as an earlier one.
	diff       []run
	head, tail bool
}

// isRef reports whether the copy is its cluster's reference.
func (c *copyView) isRef() bool { return c.num == 1 }

// copies prepares a cluster's copies: the reference first (the longest
// copy, in words; the first of the longest on a tie), then the others in
// report order, each compared with the reference word by word.
func (v *view) copies(c model.Cluster) []copyView {
	ref := 0
	refWords := -1
	for i, p := range c.Passages {
		if n := len(strings.Fields(p.Text)); n > refWords {
			ref, refWords = i, n
		}
	}
	out := make([]copyView, 0, len(c.Passages))
	out = append(out, copyView{Passage: c.Passages[ref], date: v.date(c.Passages[ref].Doc)})
	for i, p := range c.Passages {
		if i != ref {
			out = append(out, copyView{Passage: p, date: v.date(p.Doc)})
		}
	}
	seen := make(map[string]int, len(out))
	refText := out[0].Text
	for i := range out {
		cv := &out[i]
		cv.num = i + 1
		key := fold(cv.Text)
		if first, ok := seen[key]; ok {
			cv.same = first
			continue
		}
		seen[key] = cv.num
		if i > 0 {
			cv.diff, cv.head, cv.tail = trimmed(wordDiff(refText, cv.Text))
		}
	}
	return out
}

// spread is the number of documents a cluster's copies are in.
func spread(c model.Cluster) int {
	n, last := 0, ""
	for _, p := range c.Passages {
		if p.Doc != last {
			n, last = n+1, p.Doc
		}
	}
	return n
}

// clusterWords is the length of a cluster's longest copy, in words.
func clusterWords(c model.Cluster) int {
	m := 0
	for _, p := range c.Passages {
		m = max(m, len(strings.Fields(p.Text)))
	}
	return m
}

// orderedClusters returns the clusters by spread, then length, then report
// order: the order Detect already gives, restated here so that a report
// from elsewhere draws the same way.
func orderedClusters(cs []model.Cluster) []model.Cluster {
	type keyed struct {
		c             model.Cluster
		spread, words int
		i             int
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		ks[i] = keyed{c, spread(c), clusterWords(c), i}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(-cmp.Compare(a.spread, b.spread), -cmp.Compare(a.words, b.words), cmp.Compare(a.i, b.i))
	})
	out := make([]model.Cluster, len(cs))
	for i, k := range ks {
		out[i] = k.c
	}
	return out
}

// treeNode is one node of a cluster's derivation tree: a document, or the
// source outside the corpus (id "").
type treeNode struct {
	id       string
	children []treeEdge // edges from this node, in report order
}

// treeEdge is one drawn edge. The report's co-derived edges (two copies
// that both copy an outside source) are drawn from the outside source to
// each copy: the first copy's edge is Bare (no kind or probability of its
// own), the others name the copy they are co-derived With.
type treeEdge struct {
	model.Edge
	With string
	Bare bool
}

// tree arranges a cluster's derivation edges as a forest: the roots (no
// edge into them; the origin first when it is one, the outside source
// first when the origin is outside) and each node's outgoing edges. A
// co-derived edge puts both of its copies under one node for the outside
// source, so that neither is drawn as derived from the other. A node
// reached twice is drawn under its first parent only, so that cycles in a
// malformed report end.
func tree(c model.Cluster) (roots []string, nodes map[string]*treeNode) {
	nodes = make(map[string]*treeNode)
	var order []string
	node := func(id string) *treeNode {
		n, ok := nodes[id]
		if !ok {
			n = &treeNode{id: id}
			nodes[id] = n
			order = append(order, id)
		}
		return n
	}
	into := make(map[string]bool)
	for _, e := range c.Edges {
		if e.Kind == kindCoDerived && e.From != "" && e.To != "" {
			ext := node("")
			if !into[e.From] {
				ext.children = append(ext.children, treeEdge{Edge: model.Edge{To: e.From, Kind: e.Kind}, Bare: true})
				into[e.From] = true
				node(e.From)
			}
			if !into[e.To] {
				f := e
				f.From = ""
				ext.children = append(ext.children, treeEdge{Edge: f, With: e.From})
				into[e.To] = true
				node(e.To)
			}
			continue
		}
		node(e.From).children = append(node(e.From).children, treeEdge{Edge: e})
		node(e.To)
		into[e.To] = true
	}
	origin, outside := "", c.Origin != nil && c.Origin.Doc == nil
	if c.Origin != nil && c.Origin.Doc != nil {
		origin = *c.Origin.Doc
	}
	for _, id := range order {
		if !into[id] {
			roots = append(roots, id)
		}
	}
	if len(roots) == 0 && len(order) > 0 { // every node has a parent: a cycle
		roots = append(roots, order[0])
	}
	first := func(id string) int { return boolInt(id == origin && id != "" || id == "" && outside) }
	slices.SortStableFunc(roots, func(a, b string) int { return cmp.Compare(first(b), first(a)) })
	return roots, nodes
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// kindLabel says what a derivation edge's kind means, for an editor.
func kindLabel(kind string) string {
	switch kind {
	case "verbatim":
		return "copied word for word"
	case "trimmed":
		return "trimmed copy"
	case "expanded":
		return "expanded copy"
	case "edited":
		return "edited copy"
	case "compiled":
		return "compiled from several"
	case kindCoDerived:
		return "both copy one source"
	}
	return kind
}

// likely formats a probability for an editor: "44% likely".
func likely(p float64) string { return fmt.Sprintf("%.0f%% likely", 100*p) }

// noSource says in plain words why provenance names no source for a pair
// of documents: the clusters they share all most likely come from outside
// the corpus, or the evidence does not tell.
func (v *view) noSource(a, b string) string {
	shared, outside := 0, 0
	ca, cb := v.inClusters[a], v.inClusters[b]
	for i, j := 0, 0; i < len(ca) && j < len(cb); { // the clusters both are in
		switch {
		case ca[i] < cb[j]:
			i++
		case ca[i] > cb[j]:
			j++
		default:
			shared++
			if o := v.rep.Clusters[ca[i]].Origin; o != nil && o.Doc == nil && o.ExternalProbability >= 0.5 {
				outside++
			}
			i, j = i+1, j+1
		}
	}
	if shared > 0 && outside == shared {
		return "no source between them: both likely quote an outside source"
	}
	return "no source between them: the evidence does not tell which came first"
}

// kindCoDerived is the kind of a report edge between two copies that both
// copy a source outside the corpus.
const kindCoDerived = "co-derived"

// externalLabel names a derivation node that is not a corpus document.
const externalLabel = "outside the corpus"

// nodeLabel is how a derivation node is named: provenance may use an empty
// id for the source outside the corpus.
func nodeLabel(id string) string {
	if id == "" {
		return externalLabel
	}
	return visible(id)
}
