package provenance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/reprint-dev/reprint/bench/synth"
	"github.com/reprint-dev/reprint/internal/fitting"
	"github.com/reprint-dev/reprint/internal/reader"
	prov "github.com/reprint-dev/reprint/provenance"
)

// Synth is a synthetic forest with detection runs on its blinded copy.
type Synth struct {
	Forest *synth.Forest
	Items  []Item
	// Times are the items' true times (the truth, not the written dates).
	Times []time.Time
	// Hidden ran without dates, Dated with them; both keep the sources.
	Hidden, Dated *Run
	// Labels are the detected clusters matched to a true tree, by cluster
	// index (the same clusters in both runs: detection ignores dates).
	Labels []Label
	// Missed counts the clusters not matched to a tree.
	Missed int
}

// Label is what the truth says about one detected cluster.
type Label struct {
	Cluster int
	Tree    *synth.Tree
	// Parent maps each of the cluster's documents (Run.Docs indexes) to
	// its nearest ancestor among them, -1 when none (it hangs from the
	// root).
	Parent map[int]int
	// Origin is the origin document (Run.Docs index), -1 when the true
	// origin is outside the corpus, -2 when it is in the corpus but not
	// in this cluster.
	Origin int
	// EditFraction maps each copy to the share of its words edited from
	// its parent's copy.
	EditFraction map[int]float64
}

// NewSynth generates a forest from src and detects it, with and without
// dates.
func NewSynth(ctx context.Context, src []synth.Doc, cfg synth.ForestConfig) (*Synth, error) {
	f, err := synth.GenerateForest(src, cfg)
	if err != nil {
		return nil, err
	}
	s := &Synth{Forest: f}
	truthTime := make(map[string]time.Time)
	for _, d := range f.Truth.Documents {
		t, err := time.Parse(time.RFC3339, d.Time)
		if err != nil {
			return nil, fmt.Errorf("synthetic truth time %q: %w", d.Time, err)
		}
		truthTime[d.ID] = t
	}
	for _, d := range f.Documents {
		s.Times = append(s.Times, truthTime[d.ID])
		it := Item{Key: d.ID, Text: d.Text, Source: d.Source}
		if d.Date != "" {
			if it.Date, err = reader.ParseDate(d.Date); err != nil {
				return nil, fmt.Errorf("synthetic date %q: %w", d.Date, err)
			}
		}
		s.Items = append(s.Items, it)
	}
	seed := uint64(cfg.Seed)*7919 + 17
	if s.Hidden, err = Detect(ctx, s.Items, seed, false, true); err != nil {
		return nil, err
	}
	if s.Dated, err = Detect(ctx, s.Items, seed, true, true); err != nil {
		return nil, err
	}
	s.label()
	return s, nil
}

// label matches every detected cluster to the true tree most of its
// copies belong to.
func (s *Synth) label() {
	run := s.Hidden
	type nodeRef struct {
		tree int
		node int
	}
	byDoc := make(map[string][]nodeRef)
	trees := s.Forest.Truth.Trees
	for ti, t := range trees {
		for ni, n := range t.Nodes {
			byDoc[n.Doc] = append(byDoc[n.Doc], nodeRef{ti, ni})
		}
	}
	for ci, c := range run.Clusters {
		votes := make(map[int]int)
		match := make(map[int]nodeRef) // doc → node
		for _, cp := range c.Copies {
			key := s.Items[run.Items[cp.Doc]].Key
			for _, ref := range byDoc[key] {
				n := trees[ref.tree].Nodes[ref.node]
				if cp.Start < n.End && n.Start < cp.End {
					if _, seen := match[cp.Doc]; !seen {
						votes[ref.tree]++
					}
					match[cp.Doc] = ref
				}
			}
		}
		best, bestVotes := -1, 0
		for t, v := range votes {
			if v > bestVotes || v == bestVotes && t < best {
				best, bestVotes = t, v
			}
		}
		docs := clusterDocs(c)
		if best < 0 || bestVotes < 2 {
			s.Missed++
			continue
		}
		ok := true
		nodeDoc := make(map[int]int) // tree node index → doc
		for _, d := range docs {
			ref, found := match[d]
			if !found || ref.tree != best {
				ok = false
				break
			}
			nodeDoc[ref.node] = d
		}
		if !ok {
			s.Missed++
			continue
		}
		t := &trees[best]
		l := Label{Cluster: ci, Tree: t, Parent: make(map[int]int), Origin: -2, EditFraction: make(map[int]float64)}
		if t.Origin == "" {
			l.Origin = -1
		}
		idx := make(map[string]int)
		for ni, n := range t.Nodes {
			idx[n.Doc] = ni
		}
		for ni, d := range nodeDoc {
			n := t.Nodes[ni]
			if ni == 0 && t.Origin != "" {
				l.Origin = d
			}
			l.EditFraction[d] = n.EditFraction
			l.Parent[d] = -1
			for p := n.Parent; p != ""; p = t.Nodes[idx[p]].Parent {
				if pd, in := nodeDoc[idx[p]]; in {
					l.Parent[d] = pd
					break
				}
			}
		}
		s.Labels = append(s.Labels, l)
	}
}

// clusterDocs returns a cluster's distinct documents, sorted.
func clusterDocs(c prov.Cluster) []int {
	var docs []int
	for _, cp := range c.Copies {
		docs = append(docs, cp.Doc)
	}
	slices.Sort(docs)
	return slices.Compact(docs)
}

// Examples turns the labelled clusters of a run into training examples.
func (s *Synth) Examples(run *Run, weight float64) ([]fitting.Example, error) {
	inst, err := run.Extract(prov.Options{})
	if err != nil {
		return nil, err
	}
	var out []fitting.Example
	for _, l := range s.Labels {
		in := inst[l.Cluster]
		pos := make(map[int]int)
		for k, d := range in.Docs {
			pos[d] = k
		}
		ex := fitting.Example{Instance: in, Parent: make([]int, len(in.Docs)), Rank: make([]int, len(in.Docs)), Weight: weight}
		for k, d := range in.Docs {
			ex.Parent[k] = -1
			if p := l.Parent[d]; p >= 0 {
				ex.Parent[k] = pos[p]
			}
			for _, e := range in.Docs {
				if s.time(e).Before(s.time(d)) {
					ex.Rank[k]++
				}
			}
		}
		out = append(out, ex)
	}
	return out, nil
}

// time returns the true time of a run document (runs share the order).
func (s *Synth) time(doc int) time.Time { return s.Times[s.Hidden.Items[doc]] }

// truthFirst returns the true outcome for documents a and b of a label:
// 0 when a's text came first (a is an ancestor of b, or, when datesTell,
// both descend from a common source in the cluster and a is truly
// earlier), 1 for b, 2 when neither.
func (s *Synth) truthFirst(l Label, a, b int, datesTell bool) int {
	top := func(x int) int {
		for l.Parent[x] >= 0 {
			x = l.Parent[x]
		}
		return x
	}
	for p := l.Parent[b]; p >= 0; p = l.Parent[p] {
		if p == a {
			return 0
		}
	}
	for p := l.Parent[a]; p >= 0; p = l.Parent[p] {
		if p == b {
			return 1
		}
	}
	if top(a) != top(b) || !datesTell {
		return 2
	}
	if s.time(a).Before(s.time(b)) {
		return 0
	}
	return 1
}

// passageWords returns the words of document d's true passage in l's
// tree, lower case, without punctuation: two copies with the same words
// differ at most in punctuation and case.
func (s *Synth) passageWords(l Label, d int) string {
	it := s.Items[s.Hidden.Items[d]]
	for _, n := range l.Tree.Nodes {
		if n.Doc != it.Key {
			continue
		}
		var out []string
		for _, f := range strings.Fields(strings.ToLower(it.Text[n.Start:n.End])) {
			f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if f != "" {
				out = append(out, f)
			}
		}
		return strings.Join(out, " ")
	}
	return ""
}
