package provenance

import (
	"github.com/reprint-dev/reprint/internal/disjoint"

	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/reprint-dev/reprint/internal/fitting"
	"github.com/reprint-dev/reprint/internal/reader"
	prov "github.com/reprint-dev/reprint/provenance"
)

// SilverGap is the smallest time gap between two re-issued stories whose
// timestamps give a silver direction.
const SilverGap = 10 * time.Minute

// SilverContainment is the smallest containment (of the more contained
// side) of a silver pair.
const SilverContainment = 0.5

// Dev is the Reuters dev corpus with its stories, their split, and
// detection runs on blinded copies.
type Dev struct {
	Items []Item
	// Split gives each item's split, by story: the connected components
	// of the pairs with containment at least SilverContainment.
	Split []Split
	Story []int
	// Hidden ran without dates, Dated with them; neither keeps sources.
	Hidden, Dated *Run
	// Pairs are the document pairs with containment at least
	// SilverContainment, with their silver direction when the stories
	// are at least SilverGap apart.
	Pairs []SilverPair
}

// SilverPair is a pair of re-issued stories.
type SilverPair struct {
	// Early and Late are item indexes, Early's timestamp first (when the
	// gap is under SilverGap the order is by timestamp but not silver).
	Early, Late int
	Gap         time.Duration
	// Containment is the larger of the two directions; EarlyIn is the
	// share of Early's shingles found in Late, LateIn the reverse.
	Containment     float64
	EarlyIn, LateIn float64
	// Words of each side, and whether the texts are identical.
	EarlyWords, LateWords int
	Identical             bool
	Split                 Split
}

// Silver reports whether the pair has a silver direction.
func (p SilverPair) Silver() bool { return p.Gap >= SilverGap }

// LoadDev reads the dev corpus and detects it on blinded copies.
func LoadDev(ctx context.Context, path string) (*Dev, error) {
	docs, problems, err := reader.Read(ctx, []string{path}, reader.Options{})
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", problems[0].Path, problems[0].Error)
	}
	d := &Dev{}
	for _, doc := range docs {
		d.Items = append(d.Items, Item{Key: doc.ID, Text: doc.Text, Date: doc.Date})
	}
	if d.Hidden, err = Detect(ctx, d.Items, 20250101, false, false); err != nil {
		return nil, err
	}
	if d.Dated, err = Detect(ctx, d.Items, 20250101, true, false); err != nil {
		return nil, err
	}
	d.stories()
	return d, nil
}

// stories joins the items into stories and splits them.
func (d *Dev) stories() {
	run := d.Hidden
	index := make(map[string]int, len(run.Docs))
	for i, doc := range run.Docs {
		index[doc.ID] = i
	}
	words := make(map[string]int)
	for _, s := range run.Report.Documents {
		words[s.ID] = s.Words
	}
	uf := disjoint.New(len(d.Items))
	for _, p := range run.Report.DocPairs {
		if max(p.ContainmentA, p.ContainmentB) < SilverContainment {
			continue
		}
		a, b := run.Items[index[p.A]], run.Items[index[p.B]]
		uf.Union(a, b)
		ea, eb := d.Items[a].Date.Time, d.Items[b].Date.Time
		sp := SilverPair{Early: a, Late: b, EarlyIn: p.ContainmentA, LateIn: p.ContainmentB,
			EarlyWords: words[p.A], LateWords: words[p.B]}
		if eb.Before(ea) || eb.Equal(ea) && d.Items[b].Key < d.Items[a].Key {
			sp.Early, sp.Late = b, a
			sp.EarlyIn, sp.LateIn = p.ContainmentB, p.ContainmentA
			sp.EarlyWords, sp.LateWords = words[p.B], words[p.A]
		}
		sp.Gap = d.Items[sp.Late].Date.Time.Sub(d.Items[sp.Early].Date.Time)
		sp.Containment = max(p.ContainmentA, p.ContainmentB)
		sp.Identical = d.Items[a].Text == d.Items[b].Text
		d.Pairs = append(d.Pairs, sp)
	}
	// A story's key is the smallest hash of its texts: independent of ids
	// and order.
	keys := make(map[int]uint64)
	for i, it := range d.Items {
		h := fnv.New64a()
		h.Write([]byte(it.Text))
		x := h.Sum64()
		r := uf.Find(i)
		if k, ok := keys[r]; !ok || x < k {
			keys[r] = x
		}
	}
	d.Split = make([]Split, len(d.Items))
	d.Story = make([]int, len(d.Items))
	for i := range d.Items {
		r := uf.Find(i)
		d.Story[i] = r
		d.Split[i] = splitOf(fmt.Sprint(keys[r]))
	}
	for i := range d.Pairs {
		d.Pairs[i].Split = d.Split[d.Pairs[i].Early]
	}
	slices.SortFunc(d.Pairs, func(a, b SilverPair) int {
		return cmp.Or(cmp.Compare(a.Early, b.Early), cmp.Compare(a.Late, b.Late))
	})
}

// Items of one split, as synthetic generator input.
func (d *Dev) ItemsIn(s Split) []int {
	var out []int
	for i := range d.Items {
		if d.Split[i] == s {
			out = append(out, i)
		}
	}
	return out
}

// Examples returns the silver training examples of a split: for each
// cluster (detected without dates), the copies it holds of each story of
// two or three documents (a re-issue or correction: larger stories are
// mostly series of template stories, whose order their text cannot tell),
// at least two, each ranked by its timestamp (equal timestamps share a
// rank). A cluster that also reaches other stories (a sentence shared
// with an unrelated story) gives the sub-cluster of each story, its
// features computed in the whole cluster (whose other copies may belong
// to other splits: their text is read, never their dates). The features
// are extracted without dates: labels derived from dates never score the
// date features.
func (d *Dev) Examples(s Split, weight float64) ([]fitting.Example, error) {
	run := d.Hidden
	inst, err := run.Extract(prov.Options{IgnoreDates: true})
	if err != nil {
		return nil, err
	}
	storySize := make(map[int]int)
	for _, st := range d.Story {
		storySize[st]++
	}
	var out []fitting.Example
	for _, in := range inst {
		// The documents of each small story in this split, in node order:
		// a cluster that also reaches other stories (a shared template
		// sentence) still orders the versions of each story it holds.
		groups := make(map[int][]int)
		var order []int
		for k, doc := range in.Docs {
			it := run.Items[doc]
			st := d.Story[it]
			if d.Split[it] != s || storySize[st] > 3 {
				continue
			}
			if _, ok := groups[st]; !ok {
				order = append(order, st)
			}
			groups[st] = append(groups[st], k)
		}
		for _, st := range order {
			nodes := groups[st]
			if len(nodes) < 2 {
				continue
			}
			sub := subInstance(in, nodes)
			n := len(nodes)
			idx := make([]int, n)
			for k := range idx {
				idx[k] = k
			}
			at := func(k int) time.Time { return d.Items[run.Items[sub.Docs[k]]].Date.Time }
			slices.SortStableFunc(idx, func(a, b int) int { return at(a).Compare(at(b)) })
			rank := make([]int, n)
			r := 0
			for i, k := range idx {
				if i > 0 && at(k).After(at(idx[i-1])) {
					r = i
				}
				rank[k] = r
			}
			out = append(out, fitting.Example{Instance: sub, Rank: rank, Weight: weight})
		}
	}
	return out, nil
}

// subInstance restricts a cluster's features to some of its nodes (node
// indexes, in order): the features keep what the whole cluster said.
func subInstance(in prov.Instance, nodes []int) prov.Instance {
	n, m := len(in.Docs), len(nodes)
	out := prov.Instance{Case: in.Case, Docs: make([]int, m), Root: make([][]float64, m),
		Edge: make([][]float64, m*m), Before: make([]int8, m*m)}
	for i, u := range nodes {
		out.Docs[i] = in.Docs[u]
		out.Root[i] = in.Root[u]
		for j, v := range nodes {
			out.Edge[i*m+j] = in.Edge[u*n+v]
			out.Before[i*m+j] = in.Before[u*n+v]
		}
	}
	return out
}
