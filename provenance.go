package reprint

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/internal/disjoint"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/provenance"
)

// provenanceOptions are the provenance options the configuration asks for.
func (c *config) provenanceOptions() provenance.Options {
	return provenance.Options{IgnoreDates: c.noDates, HardDates: c.hardDates > 0, HardDateGap: c.hardDates}
}

// ProvenanceBatch is one batch of provenance work: clusters linked by
// shared documents (whole connected components, never part of one), with
// what provenance reads of their documents. It holds everything
// InferProvenance needs besides the corpus's sources, in exported fields,
// so that it travels to another machine (encoding/gob) and is inferred
// there; its verdict then comes back to ApplyProvenance.
type ProvenanceBatch struct {
	// Clusters are the batch's clusters, as indexes into Report.Clusters,
	// in ascending order.
	Clusters []int
	// Docs are the batch's documents in input order, as provenance reads
	// them: the text (a wall of text's excerpt around its copies), the
	// source, the id as Label and the date (none for a date more than a
	// day ahead of the run's clock, unless WithTrustFutureDates). Tokens
	// are set where the Detector kept them from sketching.
	Docs []provenance.Document
	// Copies are the clusters' copies, one provenance.Cluster for each of
	// Clusters, indexing Docs.
	Copies []provenance.Cluster
}

// ProvenanceVerdict is provenance's verdict on one ProvenanceBatch, by
// cluster index and document id, ready for ApplyProvenance.
type ProvenanceVerdict struct {
	// Docs are the ids of the batch's documents: no document may be in
	// two batches.
	Docs []string
	// Clusters are the verdicts on the batch's clusters.
	Clusters []ClusterVerdict
	// Pairs are the verdicts on every pair of the batch's documents that
	// share a cluster.
	Pairs []PairVerdict
}

// ClusterVerdict is provenance's verdict on one cluster: the fields that
// ApplyProvenance fills in.
type ClusterVerdict struct {
	// Cluster is the cluster's index in Report.Clusters.
	Cluster   int
	Earliest  *string
	Origin    Origin
	Quotation bool
	Edges     []Edge
}

// PairVerdict is provenance's verdict on a document pair: the document
// whose text probably came first (nil: none, or undetermined) and its
// probability (0 when Source is nil).
type PairVerdict struct {
	A, B        string
	Source      *string
	Probability float64
}

// applyProvenance fills in every cluster's Earliest, Origin, Quotation and
// Edges and every document pair's Source and SourceProbability from
// package provenance, fed with the pipeline's clusters: the clustered
// documents' text, dates and sources and the passages' spans, never their
// ids or input order (ids only name documents in the reasons).
//
// Conventions: Origin.Doc is nil when the origin is most likely outside
// the corpus, and also when it is undetermined (no candidate reaches the
// confidence floor); the first reason then starts with "undetermined" and
// Probability is that of the most likely candidate. A pair's Source is nil
// when both probably copy a third party or it is undetermined, and
// SourceProbability is then 0. Earliest is provenance's earliest witness:
// the copy dated strictly before every other dated copy, a fact.
//
// Clusters that share no document are independent: provenance runs over
// batches of them (clusters linked by shared documents stay together), a
// batch's texts at most a share of the memory budget, so that the
// clustered documents' texts and signals are never all held at once. The
// verdicts are those of one run over all clusters. The steps are those
// that Stages gives another driver (Assemble, InferProvenance,
// ApplyProvenance), here run one batch after the other.
func (d *Detector) applyProvenance(r *Report, clusters [][]pipeline.Side) error {
	sources, now := d.sources(), d.cfg.clock()
	var verdicts []ProvenanceVerdict
	for _, group := range d.provenanceGroups(clusters, d.cfg.shares().texts) {
		b, err := d.provenanceBatch(clusters, group, now)
		if err != nil {
			return err
		}
		v, err := d.inferProvenance(sources, &b)
		if err != nil {
			return err
		}
		verdicts = append(verdicts, *v)
	}
	return applyVerdicts(r, verdicts)
}

// sources returns the sources of all documents, in input order of first
// appearance: attribution cues name any outlet of the corpus, so every
// batch is inferred knowing them all.
func (d *Detector) sources() []string {
	var sources []string
	seen := map[string]bool{}
	for _, doc := range d.docs {
		if doc.Source != "" && !seen[doc.Source] {
			seen[doc.Source] = true
			sources = append(sources, doc.Source)
		}
	}
	return sources
}

// provenanceGroups splits the clusters into groups of whole components
// (clusters linked by shared documents, through union-find over the
// documents), each group's clusters in ascending order as one run has
// them. Components are taken in the order of their first cluster and
// gathered into a group until its copies' documents pass limit bytes of
// text: limit < 0 makes one group of all, 0 a group of each component.
func (d *Detector) provenanceGroups(clusters [][]pipeline.Side, limit int64) [][]int {
	if len(clusters) == 0 {
		return nil
	}
	sets := disjoint.New(len(d.docs))
	for _, c := range clusters {
		for _, s := range c[1:] {
			sets.Union(int(c[0].Doc), int(s.Doc))
		}
	}
	byRoot := map[int][]int{} // component → its clusters, ascending
	var roots []int           // by first cluster
	for i, c := range clusters {
		root := sets.Find(int(c[0].Doc))
		if _, ok := byRoot[root]; !ok {
			roots = append(roots, root)
		}
		byRoot[root] = append(byRoot[root], i)
	}
	var groups [][]int
	var group []int
	var bytes int64
	for _, root := range roots {
		for _, i := range byRoot[root] {
			group = append(group, i)
			for _, s := range clusters[i] {
				bytes += int64(d.lens[s.Doc])
			}
		}
		if limit >= 0 && bytes > limit {
			slices.Sort(group) // each component's clusters keep their order
			groups = append(groups, group)
			group, bytes = nil, 0
		}
	}
	if len(group) > 0 {
		slices.Sort(group)
		groups = append(groups, group)
	}
	return groups
}

// provenanceBatch gathers the provenance input of the clusters numbered
// in group (whole components, ascending); now is the run's clock.
func (d *Detector) provenanceBatch(clusters [][]pipeline.Side, group []int, now time.Time) (ProvenanceBatch, error) {
	mine := make([][]pipeline.Side, len(group)) // the group's clusters
	local := map[int32]int{}
	var global []int32
	for k, i := range group {
		mine[k] = clusters[i]
		for _, s := range clusters[i] {
			if _, ok := local[s.Doc]; !ok {
				local[s.Doc] = 0
				global = append(global, s.Doc)
			}
		}
	}
	// Provenance sees the batch's documents in input order.
	slices.Sort(global)
	for i, g := range global {
		local[g] = i
	}
	b := ProvenanceBatch{
		Clusters: slices.Clone(group),
		Docs:     make([]provenance.Document, len(global)),
		Copies:   make([]provenance.Cluster, len(group)),
	}
	excerpts := make([]*wallExcerpt, len(global)) // of walls of text
	for i, g := range global {
		doc := d.docs[g]
		text, err := d.texts.Get(int(g))
		if err != nil {
			return ProvenanceBatch{}, fmt.Errorf("reprint: %w", err)
		}
		if len(text) > pipeline.BigText {
			excerpts[i] = excerptOf(text, mine, g)
			text = excerpts[i].text
		}
		b.Docs[i] = provenance.Document{Text: text, Source: doc.Source, Label: doc.ID}
		// A date more than a day ahead of the clock is a mistake unless
		// trusted: provenance takes the document as undated.
		if d.cfg.trustFuture || !doc.Date.IsFuture(now) {
			b.Docs[i].Date = doc.Date
		}
		if p, ok := d.cache[g]; ok {
			b.Docs[i].Tokens = p.Tokens
		}
	}
	for k, c := range mine {
		for _, s := range c {
			l := local[s.Doc]
			cp := provenance.Copy{Doc: l, Start: int(s.Bytes.Start), End: int(s.Bytes.End)}
			if e := excerpts[l]; e != nil {
				cp.Start, cp.End = e.offset(cp.Start), e.offset(cp.End)
			}
			b.Copies[k].Copies = append(b.Copies[k].Copies, cp)
		}
	}
	return b, nil
}

// inferProvenance runs provenance over one batch, the corpus's sources
// known, and returns its verdicts by cluster index and document id.
func (d *Detector) inferProvenance(sources []string, b *ProvenanceBatch) (*ProvenanceVerdict, error) {
	if len(b.Clusters) != len(b.Copies) {
		return nil, fmt.Errorf("reprint: provenance batch of %d clusters with %d copy lists", len(b.Clusters), len(b.Copies))
	}
	pdocs := make([]provenance.Document, len(b.Docs), len(b.Docs)+len(sources))
	copy(pdocs, b.Docs)
	in := map[string]bool{}
	for _, doc := range b.Docs {
		in[doc.Source] = true
	}
	// The other sources stand as documents without text, so that a
	// credit to one of them reads as a credit to a known outlet.
	for _, src := range sources {
		if !in[src] {
			pdocs = append(pdocs, provenance.Document{Source: src})
		}
	}
	res, err := provenance.Infer(pdocs, b.Copies, d.cfg.provenanceOptions())
	if err != nil {
		return nil, fmt.Errorf("reprint: %w", err)
	}
	v := &ProvenanceVerdict{Docs: make([]string, len(b.Docs)), Clusters: make([]ClusterVerdict, len(res.Clusters))}
	for i, doc := range b.Docs {
		v.Docs[i] = doc.Label
	}
	id := func(i int) *string {
		if i < 0 {
			return nil
		}
		s := b.Docs[i].Label
		return &s
	}
	for k, pv := range res.Clusters {
		cv := ClusterVerdict{
			Cluster:  b.Clusters[k],
			Earliest: id(pv.Earliest),
			Origin: Origin{
				Doc:                 id(pv.Origin),
				Probability:         pv.OriginProbability,
				ExternalProbability: pv.ExternalProbability,
				Reasons:             pv.Reasons,
			},
			Quotation: pv.Quotation,
			Edges:     make([]Edge, 0, len(pv.Edges)),
		}
		for _, e := range pv.Edges {
			cv.Edges = append(cv.Edges, Edge{From: b.Docs[e.From].Label, To: b.Docs[e.To].Label,
				Probability: e.Probability, Kind: string(e.Kind), Reasons: e.Reasons})
		}
		v.Clusters[k] = cv
	}
	for _, pv := range res.Pairs {
		p := PairVerdict{A: b.Docs[pv.A].Label, B: b.Docs[pv.B].Label}
		if pv.Source >= 0 {
			p.Source, p.Probability = id(pv.Source), pv.Probability
		}
		v.Pairs = append(v.Pairs, p)
	}
	return v, nil
}

// applyVerdicts fills in the report's provenance from the verdicts of
// all its batches, in any order. It fails unless every cluster has
// exactly one verdict and no document is in two batches (a component
// split in two would give other verdicts than one run).
//
// A report or a verdict that travelled through encoding/gob has nil for
// its empty lists: those that assemble and provenance make empty (the
// report's lists, a cluster's edges, the reasons) are made empty again,
// so that the report renders as Detect's.
func applyVerdicts(r *Report, verdicts []ProvenanceVerdict) error {
	r.Documents, r.DocPairs, r.Clusters = nonNil(r.Documents), nonNil(r.DocPairs), nonNil(r.Clusters)
	r.Matches, r.Errors = nonNil(r.Matches), nonNil(r.Errors)
	batchOf := map[string]int{} // document id → its batch
	done := make([]bool, len(r.Clusters))
	pairs := map[[2]string]PairVerdict{}
	for k, v := range verdicts {
		for _, id := range v.Docs {
			if other, ok := batchOf[id]; ok && other != k {
				return fmt.Errorf("reprint: document %q in two provenance batches: a component of linked clusters was split", id)
			}
			batchOf[id] = k
		}
		for _, cv := range v.Clusters {
			if cv.Cluster < 0 || cv.Cluster >= len(r.Clusters) || done[cv.Cluster] {
				return fmt.Errorf("reprint: provenance verdict for cluster %d: none or two such clusters", cv.Cluster)
			}
			done[cv.Cluster] = true
			c := &r.Clusters[cv.Cluster]
			c.Earliest = cv.Earliest
			o := cv.Origin
			o.Reasons = nonNil(o.Reasons)
			c.Origin = &o
			c.Quotation = cv.Quotation
			c.Edges = make([]Edge, len(cv.Edges))
			for i, e := range cv.Edges {
				e.Reasons = nonNil(e.Reasons)
				c.Edges[i] = e
			}
		}
		for _, p := range v.Pairs {
			pairs[[2]string{p.A, p.B}] = p
		}
	}
	if i := slices.Index(done, false); i >= 0 {
		return fmt.Errorf("reprint: no provenance verdict for cluster %s", r.Clusters[i].ID)
	}
	for i := range r.DocPairs {
		p := &r.DocPairs[i]
		pv, ok := pairs[[2]string{p.A, p.B}]
		if !ok || pv.Source == nil {
			p.Source, p.SourceProbability = nil, 0
			continue
		}
		p.Source, p.SourceProbability = pv.Source, pv.Probability
	}
	return nil
}

// nonNil returns list, or an empty list for nil.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// excerptMargin is how much text around its copies provenance reads of a
// wall of text: enough for credits and neighbouring sentences, not a
// whole book.
const excerptMargin = 64 << 10

// wallExcerpt is the part of a wall of text that provenance reads: the
// stretches around its copies, joined by blank lines.
type wallExcerpt struct {
	text  string
	parts []wallPart
}

// wallPart maps the stretch [from, to) of the document to text[at:].
type wallPart struct{ from, to, at int }

// offset maps a byte offset of the document inside a part to the excerpt.
func (e *wallExcerpt) offset(off int) int {
	for _, p := range e.parts {
		if off >= p.from && off <= p.to {
			return p.at + off - p.from
		}
	}
	return 0 // every copy lies inside a part
}

// excerptOf returns the excerpt of a wall of text (document doc): each
// copy with excerptMargin each side, cut at a space, overlapping stretches
// merged.
func excerptOf(text string, clusters [][]pipeline.Side, doc int32) *wallExcerpt {
	var spans [][2]int
	for _, c := range clusters {
		for _, s := range c {
			if s.Doc == doc {
				lo, hi := max(0, int(s.Bytes.Start)-excerptMargin), min(len(text), int(s.Bytes.End)+excerptMargin)
				if i := strings.IndexAny(text[lo:s.Bytes.Start], " \n"); lo > 0 && i >= 0 {
					lo += i + 1
				}
				if i := strings.LastIndexAny(text[s.Bytes.End:hi], " \n"); hi < len(text) && i >= 0 {
					hi = int(s.Bytes.End) + i
				}
				spans = append(spans, [2]int{lo, hi})
			}
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	e := &wallExcerpt{}
	var b strings.Builder
	for _, s := range spans {
		if n := len(e.parts); n > 0 && s[0] <= e.parts[n-1].to {
			if s[1] > e.parts[n-1].to {
				b.WriteString(text[e.parts[n-1].to:s[1]])
				e.parts[n-1].to = s[1]
			}
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		e.parts = append(e.parts, wallPart{s[0], s[1], b.Len()})
		b.WriteString(text[s[0]:s[1]])
	}
	e.text = b.String()
	return e
}
