package reprint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/reprint-dev/reprint/internal/pipeline"
)

// assemble turns the matches into the report: matches, document pairs,
// clusters (without provenance) and per-document summaries, all in a
// deterministic order. It returns the clusters' passages as the pipeline
// made them, for provenance.
func (d *Detector) assemble(found []pipeline.Match) (*Report, [][]pipeline.Side, error) {
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
	covered := map[int32][]pipeline.Range{} // tokens in any recycled passage
	for _, m := range found {
		for _, s := range m.Segments {
			r.Matches = append(r.Matches, Match{
				A:          d.span(m.A, s.ABytes),
				B:          d.span(m.B, s.BBytes),
				Similarity: round4(s.Similarity),
				Words:      s.Words,
			})
		}
		covered[m.A] = append(covered[m.A], m.Covered[0]...)
		covered[m.B] = append(covered[m.B], m.Covered[1]...)
		r.DocPairs = append(r.DocPairs, DocPair{
			A: d.docs[m.A].ID, B: d.docs[m.B].ID,
			Jaccard:      round4(m.Overlap.Jaccard()),
			ContainmentA: round4(m.Overlap.ContainmentA()),
			ContainmentB: round4(m.Overlap.ContainmentB()),
			SharedWords:  m.SharedWords(),
		})
	}
	for i, doc := range d.docs {
		n := 0
		for _, rg := range pipeline.MergeRanges(covered[int32(i)]) {
			n += rg.Len()
		}
		r.Documents[i] = DocSummary{
			ID: doc.ID, Path: doc.Path, Title: doc.Title, Source: doc.Source,
			Date:           doc.Date.String(),
			Bytes:          doc.TextOffset + d.lens[i],
			Words:          int(d.words[i]),
			ReusedFraction: round4(ratio(n, int(d.words[i]))),
		}
	}
	clusters := pipeline.Cluster(pipeline.Sides(found))
	lines := map[int32][]int{} // '\n' offsets of the texts of clustered documents
	for i, c := range clusters {
		out := Cluster{ID: fmt.Sprintf("c%d", i+1), Edges: []Edge{}}
		for _, s := range c {
			text, err := d.texts.Get(int(s.Doc))
			if err != nil {
				return nil, nil, err
			}
			nl, ok := lines[s.Doc]
			if !ok {
				nl = newlines(text)
				lines[s.Doc] = nl
			}
			doc := d.docs[s.Doc]
			out.Passages = append(out.Passages, Passage{
				Doc: doc.ID, Start: doc.TextOffset + int(s.Bytes.Start), End: doc.TextOffset + int(s.Bytes.End),
				Line: doc.LineOffset + sort.SearchInts(nl, int(s.Bytes.Start)) + 1,
				// A copy: a substring would keep the whole text, read
				// back from disk, alive until the report is written.
				Text: strings.Clone(text[s.Bytes.Start:s.Bytes.End]),
			})
		}
		r.Clusters = append(r.Clusters, out)
	}
	return r, clusters, nil
}

// newlines returns the byte offsets of the line breaks of text.
func newlines(text string) []int {
	var nl []int
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			nl = append(nl, i)
		}
	}
	return nl
}

// span converts a byte span of document i's text into file offsets.
func (d *Detector) span(i int32, s pipeline.Span) Span {
	off := d.docs[i].TextOffset
	return Span{Doc: d.docs[i].ID, Start: off + int(s.Start), End: off + int(s.End)}
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
