package provenance

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"github.com/reprint-dev/reprint"
	prov "github.com/reprint-dev/reprint/provenance"
)

// Item is one document as the harness knows it: its text and metadata,
// and a key (the real id) that never reaches detection or provenance.
type Item struct {
	Key    string
	Text   string
	Date   reprint.Date
	Source string
}

// Run is one detection over a blinded copy of some items.
type Run struct {
	// Docs is the blinded copy, in shuffled order; Docs[i] is item
	// Items[i].
	Docs  []reprint.Document
	Items []int
	// Report is Detect's report on Docs.
	Report *reprint.Report
	// PDocs and Clusters are the report's clusters as provenance sees
	// them (document indexes into Docs).
	PDocs    []prov.Document
	Clusters []prov.Cluster
	// WithDates says whether the blinded copy kept the dates.
	WithDates bool
}

// Blind returns a copy of items with random ids, in a random order, with
// only the text (and the date and source when asked) kept: detection and
// provenance then cannot read ids, file names or input order.
func Blind(items []Item, seed uint64, withDates, withSources bool) ([]reprint.Document, []int) {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	perm := r.Perm(len(items))
	docs := make([]reprint.Document, len(items))
	used := make(map[string]bool, len(items))
	for i, k := range perm {
		var id string
		for {
			id = fmt.Sprintf("d%012x", r.Uint64()>>16)
			if !used[id] {
				used[id] = true
				break
			}
		}
		docs[i] = reprint.Document{ID: id, Text: items[k].Text}
		if withDates {
			docs[i].Date = items[k].Date
		}
		if withSources {
			docs[i].Source = items[k].Source
		}
	}
	return docs, perm
}

// Detect blinds the items and runs detection (with provenance, as the CLI
// does) on the blinded copy.
func Detect(ctx context.Context, items []Item, seed uint64, withDates, withSources bool) (*Run, error) {
	docs, perm := Blind(items, seed, withDates, withSources)
	det, err := reprint.New(reprint.WithIgnoreDates(!withDates))
	if err != nil {
		return nil, err
	}
	if err := det.Add(docs...); err != nil {
		return nil, err
	}
	rep, err := det.Detect(ctx)
	if err != nil {
		return nil, err
	}
	run := &Run{Docs: docs, Items: perm, Report: rep, WithDates: withDates}
	run.PDocs, run.Clusters = Convert(docs, rep)
	return run, nil
}

// Convert turns a report's clusters into provenance's input, as the
// library does after detection.
func Convert(docs []reprint.Document, rep *reprint.Report) ([]prov.Document, []prov.Cluster) {
	index := make(map[string]int, len(docs))
	pdocs := make([]prov.Document, len(docs))
	for i, d := range docs {
		index[d.ID] = i
		pdocs[i] = prov.Document{Text: d.Text, Source: d.Source, Label: d.ID,
			Date: d.Date}
	}
	clusters := make([]prov.Cluster, len(rep.Clusters))
	for i, c := range rep.Clusters {
		for _, p := range c.Passages {
			di := index[p.Doc]
			off := docs[di].TextOffset
			clusters[i].Copies = append(clusters[i].Copies, prov.Copy{Doc: di, Start: p.Start - off, End: p.End - off})
		}
	}
	return pdocs, clusters
}

// Infer runs provenance on the run's clusters with the given options
// (dates are ignored when the run has none).
func (r *Run) Infer(opts prov.Options) (*prov.Result, error) {
	opts.IgnoreDates = opts.IgnoreDates || !r.WithDates
	return prov.Infer(r.PDocs, r.Clusters, opts)
}

// Extract returns the features of the run's clusters.
func (r *Run) Extract(opts prov.Options) ([]prov.Instance, error) {
	opts.IgnoreDates = opts.IgnoreDates || !r.WithDates
	return prov.Extract(r.PDocs, r.Clusters, opts)
}

// Split is a part of the data: train, calibration or test.
type Split int

// The splits, by story.
const (
	Train Split = iota
	Calibration
	Test
)

// String names the split.
func (s Split) String() string {
	return [...]string{"train", "calib", "test"}[s]
}

// splitOf assigns a story, named by a key, to a split: half to train, a
// fifth to calibration, the rest to test.
func splitOf(key string) Split {
	h := fnv.New64a()
	h.Write([]byte(key))
	switch x := h.Sum64() % 10; {
	case x < 5:
		return Train
	case x < 7:
		return Calibration
	}
	return Test
}
