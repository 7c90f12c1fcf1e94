package provenance

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"

	"github.com/reprint-dev/reprint/internal/arborescence"
	"github.com/reprint-dev/reprint/internal/credit"
	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/minhash"
)

// model holds what Infer knows of the corpus: the documents, their signals
// and the options.
type model struct {
	docs     []Document
	clusters []Cluster
	opts     Options
	tok      minhash.Tokenizer
	infos    []*docInfo
	credits  *credit.Matcher // credits to the known outlets and the documents' sources
	byDoc    map[int][]int

	mu      sync.Mutex // guards version, vextras and late infos
	version map[[2]int]bool
	vextras map[[2]int][4]int // versionExtras: head, tail and mid differences, and the scale
}

// versionShare is the share of a document that must be shared with
// another for the two to count as versions of one story.
const versionShare = 0.5

// versions reports whether documents a and b are versions of one story:
// the passages they share cover at least versionShare of either.
func (m *model) versions(a, b int) bool {
	k := [2]int{min(a, b), max(a, b)}
	m.mu.Lock()
	v, ok := m.version[k]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = m.coverBy(a, b) >= versionShare || m.coverBy(b, a) >= versionShare
	m.mu.Lock()
	m.version[k] = v
	m.mu.Unlock()
	return v
}

// versionExtras returns the head, tail and mid signals of documents a
// and b compared as versions (as pair reads them for a copy in a and one
// in b), computed once per pair of documents: a story re-issued whole
// shares many clusters with its earlier version.
func (c *clusterModel) versionExtras(a, b int) (head, tail, mid float64) {
	m := c.m
	k := [2]int{min(a, b), max(a, b)}
	m.mu.Lock()
	x, ok := m.vextras[k]
	m.mu.Unlock()
	if !ok {
		ga, gb := c.versionGaps(k[0], k[1])
		x = [4]int{ga[0] - gb[0], ga[1] - gb[1], ga[2] - gb[2], max(len(m.info(k[0]).toks), len(m.info(k[1]).toks), 1)}
		m.mu.Lock()
		m.vextras[k] = x
		m.mu.Unlock()
	}
	if a > b {
		x[0], x[1], x[2] = -x[0], -x[1], -x[2]
	}
	scale := float64(x[3])
	return float64(x[0]) / scale, float64(x[1]) / scale, float64(x[2]) / scale
}

// versionGaps returns the words each of documents a and b has that the
// other lacks, at its head, its tail and in its middle.
func (c *clusterModel) versionGaps(a, b int) (ga, gb [3]int) {
	da, db := c.m.info(a), c.m.info(b)
	inA, inB := c.scratchA.bools(len(da.tri)), c.scratchB.bools(len(db.tri))
	markShared(da.tri, db.tri, inA, inB)
	ga[0], ga[1], ga[2] = extrasRanked(len(da.toks), da.rank, inA, c.scratchC.bools(len(da.toks)))
	gb[0], gb[1], gb[2] = extrasRanked(len(db.toks), db.rank, inB, c.scratchC.bools(len(db.toks)))
	return ga, gb
}

// coverBy is the share of a's tokens inside its copies of the clusters it
// shares with b.
func (m *model) coverBy(a, b int) float64 {
	di := m.info(a)
	if len(di.toks) == 0 {
		return 0
	}
	covered := make([]bool, len(di.toks))
	for _, ci := range m.byDoc[a] {
		cl := m.clusters[ci]
		if !slices.ContainsFunc(cl.Copies, func(cp Copy) bool { return cp.Doc == b }) {
			continue
		}
		for _, cp := range cl.Copies {
			if cp.Doc == a {
				t0, t1 := tokenRange(di.toks, cp.Start, cp.End)
				for t := t0; t < t1; t++ {
					covered[t] = true
				}
			}
		}
	}
	n := 0
	for _, c := range covered {
		if c {
			n++
		}
	}
	return float64(n) / float64(len(covered))
}

func newModel(docs []Document, clusters []Cluster, opts Options) *model {
	m := &model{docs: docs, clusters: clusters, opts: opts, infos: make([]*docInfo, len(docs)),
		byDoc: make(map[int][]int), version: make(map[[2]int]bool),
		vextras: make(map[[2]int][4]int)}
	for i, c := range clusters {
		for k, cp := range c.Copies {
			if k == 0 || !slices.ContainsFunc(c.Copies[:k], func(x Copy) bool { return x.Doc == cp.Doc }) {
				m.byDoc[cp.Doc] = append(m.byDoc[cp.Doc], i)
			}
		}
	}
	seen := make(map[string]bool)
	var sources []string
	for _, d := range docs {
		if d.Source != "" && !seen[d.Source] {
			seen[d.Source] = true
			sources = append(sources, d.Source)
		}
	}
	slices.Sort(sources)
	m.credits = credit.New(sources, true)
	// Every clustered document's signals, on all cores, so that clusters
	// can then be scored in parallel without writing to the model.
	var clustered []int
	for d := range m.byDoc {
		clustered = append(clustered, d)
	}
	slices.Sort(clustered)
	parallel(len(clustered), func() func(i int) {
		var tok minhash.Tokenizer
		return func(i int) { m.infos[clustered[i]] = computeInfo(&tok, &m.docs[clustered[i]]) }
	})
	m.compilations()
	return m
}

// parallel runs body(i) for i in [0, n) on the module's worker pool,
// each worker with its own body from mk; results go to slots by index, so
// they never depend on scheduling.
func parallel(n int, mk func() func(i int)) {
	_ = pool.Run(context.Background(), n, pool.Options{Chunk: 1}, mk) // never cancelled
}

// compilations marks the documents whose recycled passages come from two
// or more different documents, next to each other: such a document is a
// compilation, and more likely a derivative of each. Its score is the
// share of its words that are recycled.
func (m *model) compilations() {
	type piece struct {
		start, end int
		partners   []int
	}
	byDoc := make(map[int][]piece)
	for _, c := range m.clusters {
		var docs []int
		for _, cp := range c.Copies {
			docs = append(docs, cp.Doc)
		}
		slices.Sort(docs)
		docs = slices.Compact(docs)
		for _, cp := range c.Copies {
			var partners []int
			for _, d := range docs {
				if d != cp.Doc {
					partners = append(partners, d)
				}
			}
			byDoc[cp.Doc] = append(byDoc[cp.Doc], piece{cp.Start, cp.End, partners})
		}
	}
	for doc, ps := range byDoc {
		slices.SortFunc(ps, func(a, b piece) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
		adjacent := false
		for i := 1; i < len(ps) && !adjacent; i++ {
			a, b := ps[i-1], ps[i]
			if b.start-a.end <= 300 && disjoint(a.partners, b.partners) {
				adjacent = true
			}
		}
		if !adjacent {
			continue
		}
		di := m.info(doc)
		covered := make([]bool, len(di.toks))
		for _, p := range ps {
			t0, t1 := tokenRange(di.toks, p.start, p.end)
			for t := t0; t < t1; t++ {
				covered[t] = true
			}
		}
		n := 0
		for _, c := range covered {
			if c {
				n++
			}
		}
		if len(covered) > 0 {
			di.comp = float64(n) / float64(len(covered))
		}
	}
}

func disjoint(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// clusterModel is one cluster under inference.
type clusterModel struct {
	m         *model
	nodes     []node
	cse       Case
	earliest  int
	anyDated  bool
	quoteAll  float64
	speechAll float64
	meanWords float64
	core      []uint64  // trigrams every copy has
	private   []float64 // per node: share of its trigrams no other copy has
	pairs     []pairSignals
	pairDone  []bool
	version   []int8 // per ordered pair of nodes: 0 unknown, 1 versions, -1 not

	scratchA, scratchB, scratchC scratch // pair's working space
	ec                           edgeCtx // edgeFeatures' working space
	rc                           rootCtx // rootFeatures'
	wc                           words   // phrase's

	se, sr []float64 // edge and root scores
	w, r   []float64 // their weights, exp(score - max)
	st     arborescence.Stats
	ok     bool
	rel    arborescence.Relations
	parent []int
}

// cluster builds the model of cluster i and runs inference on it.
func (m *model) cluster(i int) *clusterModel {
	c := m.prepare(i)
	c.score()
	c.infer()
	return c
}

// prepare reads the signals of cluster i's copies, one node per document
// (its longest copy), in an order decided by content alone.
func (m *model) prepare(i int) *clusterModel {
	c := &clusterModel{m: m, earliest: -1}
	best := make(map[int]Copy)
	for _, cp := range m.clusters[i].Copies {
		b, ok := best[cp.Doc]
		if !ok || cp.End-cp.Start > b.End-b.Start || (cp.End-cp.Start == b.End-b.Start && cp.Start < b.Start) {
			best[cp.Doc] = cp
		}
	}
	docs := make([]int, 0, len(best))
	for d := range best {
		docs = append(docs, d)
	}
	slices.Sort(docs)
	for _, d := range docs {
		cp := best[d]
		c.nodes = append(c.nodes, m.newNode(d, cp.Start, cp.End))
	}
	// Content order: the verdicts must not depend on input order or ids.
	slices.SortStableFunc(c.nodes, func(a, b node) int { return cmp.Compare(a.key, b.key) })
	n := len(c.nodes)
	c.quoteAll = 1
	words := 0
	for k := range c.nodes {
		nd := &c.nodes[k]
		c.quoteAll = min(c.quoteAll, nd.quote)
		if nd.speech {
			c.speechAll++
		}
		words += nd.words + 1
	}
	if n > 0 {
		c.speechAll /= float64(n)
		c.meanWords = float64(words) / float64(n)
	} else {
		c.quoteAll = 0
	}
	// How many copies hold each trigram (each copy's trigrams are sorted
	// and unique): the core is what all hold, a copy's private readings
	// what only it holds.
	held := make(map[uint64]int)
	for k := range c.nodes {
		for _, x := range c.nodes[k].tri {
			held[x]++
		}
	}
	if n > 2 {
		c.core = nil
		for _, x := range c.nodes[0].tri {
			if held[x] == n {
				c.core = append(c.core, x)
			}
		}
	}
	if len(c.core) > 0 || n > 2 {
		for k := range c.nodes {
			c.nodes[k].variant = minus(c.nodes[k].tri, c.core)
		}
	}
	c.private = make([]float64, n)
	for k := range c.nodes {
		tri := c.nodes[k].tri
		if len(tri) == 0 {
			continue
		}
		own := 0
		for _, x := range tri {
			if held[x] == 1 {
				own++
			}
		}
		c.private[k] = float64(own) / float64(len(tri))
	}
	c.dates()
	return c
}

// dates finds the earliest witness and the date case.
func (c *clusterModel) dates() {
	m := c.m
	allDated, tie := true, false
	for k := range c.nodes {
		d := m.dateOf(c.nodes[k].doc)
		if d.IsZero() {
			allDated = false
			continue
		}
		c.anyDated = true
	}
	// Strictly earliest: earlier than every other dated copy.
	c.earliest = -1
	for k := range c.nodes {
		dk := m.dateOf(c.nodes[k].doc)
		if dk.IsZero() {
			continue
		}
		strict := true
		for j := range c.nodes {
			if j == k {
				continue
			}
			sign, _, _, ok := compareDates(dk, m.dateOf(c.nodes[j].doc))
			if ok && sign >= 0 {
				strict = false
			}
			if ok && sign == 0 {
				tie = true
			}
		}
		if strict {
			c.earliest = k
		}
	}
	switch {
	case !allDated || len(c.nodes) < 2:
		c.cse = CaseMissing
	case tie:
		c.cse = CaseTied
	default:
		c.cse = CaseDistinct
	}
}

// versions reports whether the documents of nodes u and v are versions
// of one story (model.versions, remembered for the cluster).
func (c *clusterModel) versions(u, v int) bool {
	n := len(c.nodes)
	if c.version == nil {
		c.version = make([]int8, n*n)
	}
	if x := c.version[u*n+v]; x != 0 {
		return x > 0
	}
	ok := c.m.versions(c.nodes[u].doc, c.nodes[v].doc)
	x := int8(-1)
	if ok {
		x = 1
	}
	c.version[u*n+v], c.version[v*n+u] = x, x
	return ok
}

// scratch is reusable working space.
type scratch []bool

// bools returns n cleared values, reusing the space of earlier calls.
func (s *scratch) bools(n int) []bool {
	if cap(*s) < n {
		*s = make([]bool, n)
	}
	b := (*s)[:n]
	clear(b)
	return b
}

// isClusterSource reports whether an outlet is the source of one of the
// cluster's documents.
func (c *clusterModel) isClusterSource(name string) bool {
	for _, nd := range c.nodes {
		if credit.Same(name, c.m.docs[nd.doc].Source) {
			return true
		}
	}
	return false
}

// features returns the edge features (n×n rows, nil on the diagonal) and
// the root features of the cluster.
func (c *clusterModel) features() (edge [][]float64, root [][]float64) {
	n := len(c.nodes)
	edge = make([][]float64, n*n)
	root = make([][]float64, n)
	for v := 0; v < n; v++ {
		root[v] = make([]float64, numRootFeatures)
		c.rootFeatures(root[v], v)
		for u := 0; u < n; u++ {
			if u != v {
				edge[u*n+v] = make([]float64, numEdgeFeatures)
				c.edgeFeatures(edge[u*n+v], u, v)
			}
		}
	}
	return edge, root
}

// forbidden reports whether the hard date constraint rules out u→v.
func (c *clusterModel) forbidden(u, v int) bool {
	if !c.m.opts.HardDates {
		return false
	}
	du, dv := c.m.dateOf(c.nodes[u].doc), c.m.dateOf(c.nodes[v].doc)
	sign, hours, g, ok := compareDates(du, dv)
	return ok && g >= GranularityMinute && sign > 0 && hours >= c.m.opts.HardDateGap.Hours()
}

// score computes every edge's and root edge's score with the weights and
// the temperature of the cluster's date case.
func (c *clusterModel) score() {
	n := len(c.nodes)
	wts := c.m.opts.Weights
	t := wts.temperature(c.cse)
	c.se = make([]float64, n*n)
	c.sr = make([]float64, n)
	ef := make([]float64, numEdgeFeatures)
	rf := make([]float64, numRootFeatures)
	for v := 0; v < n; v++ {
		c.rootFeatures(rf, v)
		c.sr[v] = bounded(dot(wts.Root, rf) / t)
		for u := 0; u < n; u++ {
			if u == v {
				c.se[u*n+v] = math.Inf(-1)
				continue
			}
			if c.forbidden(u, v) {
				c.se[u*n+v] = math.Inf(-1)
				continue
			}
			c.edgeFeatures(ef, u, v)
			c.se[u*n+v] = bounded(dot(wts.Edge, ef) / t)
		}
	}
}

// scoreBound bounds every score: fitted scores stay far below it, and
// weights a caller passes (NaN, infinite, huge) cannot make a root edge
// impossible or an edge score undefined, which would leave no tree.
const scoreBound = 1e4

// bounded clamps a score to [-scoreBound, scoreBound], NaN to -scoreBound.
func bounded(x float64) float64 {
	if math.IsNaN(x) {
		return -scoreBound
	}
	return min(max(x, -scoreBound), scoreBound)
}

func dot(w, f []float64) float64 {
	s := 0.0
	for i := range min(len(w), len(f)) {
		s += w[i] * f[i]
	}
	return s
}

// infer turns the scores into marginals, origin probabilities, ancestor
// probabilities and the most likely tree.
func (c *clusterModel) infer() {
	n := len(c.nodes)
	c.w, c.r, _ = arborescence.Weights(n, c.se, c.sr)
	c.st, c.ok = arborescence.Marginals(n, c.w, c.r)
	if !c.ok {
		// A degenerate cluster (should not happen: root edges always
		// have weight): every copy from outside, nothing known.
		c.st = arborescence.Stats{Edge: make([]float64, n*n), Root: make([]float64, n), Origin: make([]float64, n), External: 1}
		c.rel = arborescence.Relations{Anc: make([]float64, n*n), Same: make([]float64, n*n)}
	} else {
		c.rel = arborescence.Ancestors(n, c.w, c.r, c.st, c.seed(), !c.twins())
		c.symmetrise()
	}
	c.parent = arborescence.Max(n, c.se, c.sr)
}

// agreeWith makes the tree shown agree with the most likely origin (a
// node, or -1 for outside the corpus), which comes from the marginals
// while the tree is the single most likely one. For a node: it hangs from
// outside, and every other copy that did moves under its best allowed
// parent outside its own subtree (a copy with none stays). For outside, when the tree has a single copy
// from outside, the copy whose move there costs least moves (with its own
// copies). Both are greedy repairs of the most likely tree, cheap on large
// clusters.
func (c *clusterModel) agreeWith(origin int) {
	n := len(c.nodes)
	if n < 2 {
		return
	}
	if origin >= 0 {
		c.parent[origin] = -1
		for x, p := range c.parent {
			if p >= 0 || x == origin {
				continue
			}
			best := -1
			for q := range n {
				if q == x || math.IsInf(c.se[q*n+x], -1) || c.descends(q, x) {
					continue
				}
				if best < 0 || c.se[q*n+x] > c.se[best*n+x] {
					best = q
				}
			}
			if best >= 0 { // else every allowed parent is x's own copy: x stays
				c.parent[x] = best
			}
		}
		return
	}
	roots := 0
	for _, p := range c.parent {
		if p < 0 {
			roots++
		}
	}
	if roots == 1 {
		best, gain := -1, math.Inf(-1)
		for v, p := range c.parent {
			if p >= 0 && c.sr[v]-c.se[p*n+v] > gain {
				best, gain = v, c.sr[v]-c.se[p*n+v]
			}
		}
		if best >= 0 {
			c.parent[best] = -1
		}
	}
}

// descends reports whether node q lies in x's subtree of the tree shown.
func (c *clusterModel) descends(q, x int) bool {
	for steps := 0; q >= 0 && steps <= len(c.parent); steps++ {
		if q == x {
			return true
		}
		q = c.parent[q]
	}
	return false
}

// seed derives the sampling seed from the copies' content keys, so that
// sampled estimates do not depend on input order.
func (c *clusterModel) seed() uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, nd := range c.nodes {
		h = (h ^ nd.key) * 0x100000001b3
	}
	return h
}

// twins reports whether two copies have the same content key: nothing
// tells them apart, and their order in the cluster is input order.
func (c *clusterModel) twins() bool {
	for k := 1; k < len(c.nodes); k++ {
		if c.nodes[k].key == c.nodes[k-1].key {
			return true
		}
	}
	return false
}

// symmetrise averages the ancestor probabilities of copies that nothing
// tells apart (the same text, offsets, date and source): their verdicts
// must not depend on which one came first in the input.
func (c *clusterModel) symmetrise() {
	n := len(c.nodes)
	for u := 0; u < n; u++ {
		for v := u + 1; v < n; v++ {
			if c.nodes[u].key != c.nodes[v].key {
				continue
			}
			for _, m := range [][]float64{c.rel.Anc, c.rel.Same} {
				x := (m[u*n+v] + m[v*n+u]) / 2
				m[u*n+v], m[v*n+u] = x, x
				for k := 0; k < n; k++ {
					if k == u || k == v {
						continue
					}
					a := (m[u*n+k] + m[v*n+k]) / 2
					m[u*n+k], m[v*n+k] = a, a
					b := (m[k*n+u] + m[k*n+v]) / 2
					m[k*n+u], m[k*n+v] = b, b
				}
			}
		}
	}
}
