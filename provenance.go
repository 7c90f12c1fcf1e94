package reprint

import (
	"fmt"
	"slices"

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
func (d *Detector) applyProvenance(r *Report, clusters [][]pipeline.Side) error {
	if len(clusters) == 0 {
		return nil
	}
	// Provenance sees the clustered documents, in input order, and the
	// sources of all (attribution cues name any outlet of the corpus).
	local := map[int32]int{}
	var global []int32
	for _, c := range clusters {
		for _, s := range c {
			if _, ok := local[s.Doc]; !ok {
				local[s.Doc] = 0
				global = append(global, s.Doc)
			}
		}
	}
	slices.Sort(global)
	pdocs := make([]provenance.Document, len(global))
	sources := map[string]bool{}
	for i, g := range global {
		local[g] = i
		doc := d.docs[g]
		text, err := d.texts.Get(int(g))
		if err != nil {
			return fmt.Errorf("reprint: %w", err)
		}
		pdocs[i] = provenance.Document{
			Text:   text,
			Source: doc.Source,
			Date:   provenance.Date{Time: doc.Date.Time, Granularity: provenance.Granularity(doc.Date.Granularity)},
			Label:  doc.ID,
		}
		if p, ok := d.cache[g]; ok {
			pdocs[i].Tokens = p.Tokens
		}
		sources[doc.Source] = true
	}
	for _, doc := range d.docs {
		if doc.Source != "" && !sources[doc.Source] {
			sources[doc.Source] = true
			pdocs = append(pdocs, provenance.Document{Source: doc.Source})
		}
	}
	pclusters := make([]provenance.Cluster, len(clusters))
	for i, c := range clusters {
		for _, s := range c {
			pclusters[i].Copies = append(pclusters[i].Copies, provenance.Copy{Doc: local[s.Doc], Start: int(s.Bytes.Start), End: int(s.Bytes.End)})
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
	for i, v := range res.Clusters {
		c := &r.Clusters[i]
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
	verdicts := make(map[[2]string]provenance.PairVerdict, len(res.Pairs))
	for _, pv := range res.Pairs {
		verdicts[[2]string{*id(pv.A), *id(pv.B)}] = pv
	}
	for i := range r.DocPairs {
		p := &r.DocPairs[i]
		pv, ok := verdicts[[2]string{p.A, p.B}]
		if !ok || pv.Source < 0 {
			p.Source, p.SourceProbability = nil, 0
			continue
		}
		p.Source, p.SourceProbability = id(pv.Source), pv.Probability
	}
	return nil
}
