package provenance

import (
	"github.com/reprint-dev/reprint/internal/disjoint"

	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

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

// Examples returns the silver training examples of a split: the clusters
// (detected without dates) whose documents all belong to one story of two
// or three documents (a re-issue or correction: larger stories are mostly
// series of template stories, whose order their text cannot tell), each
// node ranked by its timestamp (equal timestamps share a rank). The
// features are extracted without dates: labels derived from dates never
// score the date features.
func (d *Dev) Examples(s Split, weight float64) ([]prov.Example, error) {
	run := d.Hidden
	inst, err := run.Extract(prov.Options{IgnoreDates: true})
	if err != nil {
		return nil, err
	}
	storySize := make(map[int]int)
	for _, st := range d.Story {
		storySize[st]++
	}
	var out []prov.Example
	for _, in := range inst {
		n := len(in.Docs)
		if n < 2 || storySize[d.Story[run.Items[in.Docs[0]]]] > 3 {
			continue
		}
		story := d.Story[run.Items[in.Docs[0]]]
		same := true
		for _, doc := range in.Docs {
			it := run.Items[doc]
			if d.Story[it] != story || d.Split[it] != s {
				same = false
			}
		}
		if !same {
			continue
		}
		order := make([]int, n)
		for k := range order {
			order[k] = k
		}
		at := func(k int) time.Time { return d.Items[run.Items[in.Docs[k]]].Date.Time }
		slices.SortStableFunc(order, func(a, b int) int { return at(a).Compare(at(b)) })
		rank := make([]int, n)
		r := 0
		for i, k := range order {
			if i > 0 && at(k).After(at(order[i-1])) {
				r = i
			}
			rank[k] = r
		}
		out = append(out, prov.Example{Instance: in, Rank: rank, Weight: weight})
	}
	return out, nil
}
