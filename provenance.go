package reprint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reprint-dev/reprint/internal/disjoint"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/provenance"
)

// provenanceOptions are the provenance options the configuration asks for.
func (c *config) provenanceOptions() provenance.Options {
	return provenance.Options{IgnoreDates: c.noDates, HardDates: c.hardDates > 0, HardDateGap: c.hardDates}
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
// verdicts are those of one run over all clusters.
func (d *Detector) applyProvenance(r *Report, clusters [][]pipeline.Side) error {
	if len(clusters) == 0 {
		return nil
	}
	// Clusters linked by a shared document, through union-find over the
	// documents.
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
	// The sources of all documents: attribution cues name any outlet of
	// the corpus.
	var sources []string
	seen := map[string]bool{}
	for _, doc := range d.docs {
		if doc.Source != "" && !seen[doc.Source] {
			seen[doc.Source] = true
			sources = append(sources, doc.Source)
		}
	}
	verdicts := map[[2]string]pairSource{}
	limit := d.cfg.shares().texts
	var batch []int
	var bytes int64
	flush := func() error {
		slices.Sort(batch) // each component's clusters keep their order
		err := d.provenanceBatch(r, clusters, batch, sources, verdicts)
		batch, bytes = batch[:0], 0
		return err
	}
	for _, root := range roots {
		for _, i := range byRoot[root] {
			batch = append(batch, i)
			for _, s := range clusters[i] {
				bytes += int64(d.lens[s.Doc])
			}
		}
		if limit >= 0 && bytes > limit {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	for i := range r.DocPairs {
		p := &r.DocPairs[i]
		pv, ok := verdicts[[2]string{p.A, p.B}]
		if !ok || pv.source == nil {
			p.Source, p.SourceProbability = nil, 0
			continue
		}
		p.Source, p.SourceProbability = pv.source, pv.probability
	}
	return nil
}

// pairSource is provenance's verdict on a document pair: the document
// whose text probably came first (nil: none) and its probability.
type pairSource struct {
	source      *string
	probability float64
}

// provenanceBatch runs provenance over the clusters numbered in batch
// (whole components, in ascending order), fills in their verdicts and adds their
// pairs' to verdicts, by document ids.
func (d *Detector) provenanceBatch(r *Report, clusters [][]pipeline.Side, batch []int, sources []string, verdicts map[[2]string]pairSource) error {
	// Provenance sees the batch's documents, in input order.
	local := map[int32]int{}
	var global []int32
	for _, i := range batch {
		for _, s := range clusters[i] {
			if _, ok := local[s.Doc]; !ok {
				local[s.Doc] = 0
				global = append(global, s.Doc)
			}
		}
	}
	slices.Sort(global)
	pdocs := make([]provenance.Document, len(global), len(global)+len(sources))
	excerpts := make([]*wallExcerpt, len(global)) // of walls of text
	in := map[string]bool{}
	for i, g := range global {
		local[g] = i
	}
	now := d.cfg.clock()
	for i, g := range global {
		doc := d.docs[g]
		text, err := d.texts.Get(int(g))
		if err != nil {
			return fmt.Errorf("reprint: %w", err)
		}
		if len(text) > pipeline.BigText {
			excerpts[i] = excerptOf(text, clusters, g)
			text = excerpts[i].text
		}
		pdocs[i] = provenance.Document{
			Text:   text,
			Source: doc.Source,
			Label:  doc.ID,
		}
		// A date more than a day ahead of the clock is a mistake unless
		// trusted: provenance takes the document as undated.
		if d.cfg.trustFuture || !doc.Date.IsFuture(now) {
			pdocs[i].Date = doc.Date
		}
		if p, ok := d.cache[g]; ok {
			pdocs[i].Tokens = p.Tokens
		}
		in[doc.Source] = true
	}
	for _, src := range sources {
		if !in[src] {
			pdocs = append(pdocs, provenance.Document{Source: src})
		}
	}
	pclusters := make([]provenance.Cluster, len(batch))
	for k, i := range batch {
		for _, s := range clusters[i] {
			l := local[s.Doc]
			cp := provenance.Copy{Doc: l, Start: int(s.Bytes.Start), End: int(s.Bytes.End)}
			if e := excerpts[l]; e != nil {
				cp.Start, cp.End = e.offset(cp.Start), e.offset(cp.End)
			}
			pclusters[k].Copies = append(pclusters[k].Copies, cp)
		}
	}
	res, err := provenance.Infer(pdocs, pclusters, d.cfg.provenanceOptions())
	if err != nil {
		return fmt.Errorf("reprint: %w", err)
	}
	id := func(i int) *string {
		if i < 0 {
			return nil
		}
		s := d.docs[global[i]].ID
		return &s
	}
	for k, v := range res.Clusters {
		c := &r.Clusters[batch[k]]
		c.Earliest = id(v.Earliest)
		c.Origin = &Origin{
			Doc:                 id(v.Origin),
			Probability:         v.OriginProbability,
			ExternalProbability: v.ExternalProbability,
			Reasons:             v.Reasons,
		}
		c.Quotation = v.Quotation
		c.Edges = make([]Edge, 0, len(v.Edges))
		for _, e := range v.Edges {
			c.Edges = append(c.Edges, Edge{From: *id(e.From), To: *id(e.To),
				Probability: e.Probability, Kind: string(e.Kind), Reasons: e.Reasons})
		}
	}
	for _, pv := range res.Pairs {
		v := pairSource{}
		if pv.Source >= 0 {
			v = pairSource{id(pv.Source), pv.Probability}
		}
		verdicts[[2]string{*id(pv.A), *id(pv.B)}] = v
	}
	return nil
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
