package reprintbeam

import (
	"encoding/json"
	"io"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/disjoint"
)

// DedupLine is one line of dedup.jsonl: a document to keep and the
// near-duplicates it stands for.
type DedupLine struct {
	ID string `json:"id"`
	// Duplicates are the documents of its group that are dropped, in
	// input order (omitted when there are none).
	Duplicates []string `json:"duplicates,omitempty"`
}

// writeDedup writes the documents to keep, in input order, one a line:
// documents whose pair has a containment (of either in the other) of at
// least min form groups (transitively), and each group keeps one document
// — the one provenance names as the source of most of the group's pairs,
// then the earliest in input order; every other document is kept alone.
func writeDedup(w io.Writer, rep *reprint.Report, min float64) error {
	index := make(map[string]int, len(rep.Documents))
	for i, d := range rep.Documents {
		index[d.ID] = i
	}
	uf := disjoint.New(len(rep.Documents))
	sourced := make([]int, len(rep.Documents)) // times each is the source of a near-duplicate pair
	for _, p := range rep.DocPairs {
		if max(p.ContainmentA, p.ContainmentB) < min {
			continue
		}
		uf.Union(index[p.A], index[p.B])
		if p.Source != nil {
			sourced[index[*p.Source]]++
		}
	}
	keep := map[int]int{} // group root → the document kept
	for i := range rep.Documents {
		r := uf.Find(i)
		k, ok := keep[r]
		if !ok || sourced[i] > sourced[k] {
			keep[r] = i
		}
	}
	dups := map[int][]string{}
	for i, d := range rep.Documents {
		if k := keep[uf.Find(i)]; k != i {
			dups[k] = append(dups[k], d.ID)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i, d := range rep.Documents {
		if keep[uf.Find(i)] == i {
			if err := enc.Encode(DedupLine{ID: d.ID, Duplicates: dups[i]}); err != nil {
				return err
			}
		}
	}
	return nil
}
