package reprint

import (
	"github.com/reprint-dev/reprint/minhash"
	"github.com/reprint-dev/reprint/provenance"
)

// provenanceOptions are the provenance options the configuration asks for.
func (c *config) provenanceOptions() provenance.Options {
	return provenance.Options{IgnoreDates: c.noDates, HardDates: c.hardDates > 0, HardDateGap: c.hardDates}
}

// applyProvenance fills in every cluster's Origin, Quotation and Edges and
// every document pair's Source and SourceProbability from package
// provenance, which reads the documents' text, dates and sources and the
// passages' spans, never their ids or input order (ids only name documents
// in the reasons). opts carries --ignore-dates and --hard-dates.
//
// Conventions: Origin.Doc is nil when the origin is most likely outside
// the corpus, and also when it is undetermined (no candidate reaches the
// confidence floor); the first reason then starts with "undetermined" and
// Probability is that of the most likely candidate. A pair's Source is nil
// when both probably copy a third party or it is undetermined, and
// SourceProbability is then 0. Clusters keep their Earliest (a fact from
// dates, computed in assemble).
//
// tokens, when not nil, are the documents' tokens as the detector made
// them, so that provenance does not tokenize the texts again.
func applyProvenance(docs []Document, tokens [][]minhash.Token, r *Report, opts provenance.Options) {
	if r == nil || len(r.Clusters) == 0 {
		return
	}
	index := make(map[string]int, len(docs))
	pdocs := make([]provenance.Document, len(docs))
	for i, d := range docs {
		index[d.ID] = i
		pdocs[i] = provenance.Document{
			Text:   d.Text,
			Source: d.Source,
			Date:   provenance.Date{Time: d.Date.Time, Granularity: provenance.Granularity(d.Date.Granularity)},
			Label:  d.ID,
		}
		if tokens != nil {
			pdocs[i].Tokens = tokens[i]
		}
	}
	clusters := make([]provenance.Cluster, len(r.Clusters))
	for i, c := range r.Clusters {
		for _, p := range c.Passages {
			di, ok := index[p.Doc]
			if !ok {
				continue
			}
			off := docs[di].TextOffset
			start, end := p.Start-off, p.End-off
			if start < 0 || end > len(docs[di].Text) || start > end {
				continue
			}
			clusters[i].Copies = append(clusters[i].Copies, provenance.Copy{Doc: di, Start: start, End: end})
		}
	}
	res, err := provenance.Infer(pdocs, clusters, opts)
	if err != nil {
		return // the spans were checked above; nothing to add otherwise
	}
	id := func(i int) *string {
		if i < 0 {
			return nil
		}
		s := docs[i].ID
		return &s
	}
	for i, v := range res.Clusters {
		c := &r.Clusters[i]
		c.Origin = &Origin{
			Doc:                 id(v.Origin),
			Probability:         v.OriginProbability,
			ExternalProbability: v.ExternalProbability,
			Reasons:             v.Reasons,
		}
		c.Quotation = v.Quotation
		c.Edges = make([]Edge, 0, len(v.Edges))
		for _, e := range v.Edges {
			c.Edges = append(c.Edges, Edge{From: docs[e.From].ID, To: docs[e.To].ID,
				Probability: e.Probability, Kind: string(e.Kind), Reasons: e.Reasons})
		}
	}
	verdicts := make(map[[2]int]provenance.PairVerdict, len(res.Pairs))
	for _, pv := range res.Pairs {
		verdicts[[2]int{pv.A, pv.B}] = pv
	}
	for i := range r.DocPairs {
		p := &r.DocPairs[i]
		a, okA := index[p.A]
		b, okB := index[p.B]
		if !okA || !okB {
			continue
		}
		pv, ok := verdicts[[2]int{min(a, b), max(a, b)}]
		if !ok || pv.Source < 0 {
			p.Source, p.SourceProbability = nil, 0
			continue
		}
		p.Source, p.SourceProbability = id(pv.Source), pv.Probability
	}
}
