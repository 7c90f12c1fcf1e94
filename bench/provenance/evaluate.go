package provenance

import (
	"cmp"
	"fmt"
	"io"
	"math"

	"github.com/reprint-dev/reprint"
	prov "github.com/reprint-dev/reprint/provenance"
)

// The methods compared. The model runs twice: with the dates hidden (text
// alone) and with them.
const (
	MethodText        = "reprint, dates hidden"
	MethodDates       = "reprint, with dates"
	MethodHard        = "reprint, hard timestamps"
	MethodEarliest    = "earliest date"
	MethodLonger      = "longer is origin"
	MethodShorter     = "shorter is origin"
	MethodContainment = "containment alone"
)

var methods = []string{MethodText, MethodDates, MethodHard, MethodEarliest, MethodLonger, MethodShorter, MethodContainment}

// Baselines holds the baselines' settings learned on the train split.
type Baselines struct {
	// LessContainedIsOrigin is the sign of the containment baseline: the
	// document less contained in the other is the origin.
	LessContainedIsOrigin bool
}

// SynthScores are the scores on a synthetic forest.
type SynthScores struct {
	// Direction scores derived pairs (a copy and its nearest ancestor in
	// the cluster) whose copy has at most 10% of its words edited;
	// DirectionAll every derived pair. FromOrigin and FromCopy split
	// Direction by the parent: the passage's origin, or itself a copy (a
	// copy of a copy pasted into another story is often
	// indistinguishable, by text, from a copy of the origin).
	Direction, DirectionAll, FromOrigin, FromCopy *Table
	// SameWords and OwnWords split FromCopy by the true passages: the
	// copy has exactly its parent's words (case and punctuation aside),
	// or words of its own. A copy of a copy with its parent's words, both
	// pasted into stories of their own, can only be told from its parent
	// by a credit: the text cannot order them, and 1/2 is the best
	// expected score there.
	SameWords, OwnWords *Table
	// Origin scores the most likely origin (a document, or outside) of
	// clusters whose true origin is in the cluster or outside the corpus.
	Origin *Table
	// Outside counts the outside-origin verdicts (undetermined ones are
	// not verdicts), for the model with dates hidden and with dates.
	Outside, OutsideDated Confusion
	// QuoteRecall counts the outside-origin quotations (every copy
	// presents the passage as someone's words) found with dates hidden.
	QuoteFound, Quotes int
	// Calib holds the pairwise forecasts (first, second, neither) of all
	// pairs in matched clusters, per method.
	Calib map[string]*Calib
	// Clusters and Missed count the matched and unmatched clusters.
	Clusters, Missed int
}

// Confusion counts a binary verdict against the truth.
type Confusion struct{ TP, FP, FN, TN int }

// Precision is TP/(TP+FP).
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN).
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// runFacts are the per-document facts baselines read from a run.
type runFacts struct {
	words   []int
	contain map[[2]int]float64 // (a, b) → share of a found in b
}

func factsOf(run *Run) runFacts {
	f := runFacts{words: make([]int, len(run.Docs)), contain: make(map[[2]int]float64)}
	index := make(map[string]int, len(run.Docs))
	for i, d := range run.Docs {
		index[d.ID] = i
	}
	for _, s := range run.Report.Documents {
		f.words[index[s.ID]] = s.Words
	}
	for _, p := range run.Report.DocPairs {
		a, b := index[p.A], index[p.B]
		f.contain[[2]int{a, b}] = p.ContainmentA
		f.contain[[2]int{b, a}] = p.ContainmentB
	}
	return f
}

func pairIndex(res *prov.Result) map[[2]int]prov.PairVerdict {
	m := make(map[[2]int]prov.PairVerdict, len(res.Pairs))
	for _, p := range res.Pairs {
		m[[2]int{p.A, p.B}] = p
	}
	return m
}

func key(a, b int) [2]int { return [2]int{min(a, b), max(a, b)} }

// EvalSynth scores the model with weights w and the baselines on s.
func EvalSynth(s *Synth, w prov.Weights, base Baselines) (*SynthScores, error) {
	resH, err := s.Hidden.Infer(prov.Options{Weights: &w})
	if err != nil {
		return nil, err
	}
	resD, err := s.Dated.Infer(prov.Options{Weights: &w})
	if err != nil {
		return nil, err
	}
	resX, err := s.Dated.Infer(prov.Options{Weights: &w, HardDates: true})
	if err != nil {
		return nil, err
	}
	pH, pD, pX := pairIndex(resH), pairIndex(resD), pairIndex(resX)
	facts := factsOf(s.Hidden)
	date := func(d int) reprint.Date { return s.Items[s.Hidden.Items[d]].Date }
	sc := &SynthScores{
		Direction:    NewTable("direction of derived pairs with <= 10% of words edited (accuracy, undetermined = 1/2; pairs)", methods...),
		DirectionAll: NewTable("direction of all derived pairs", methods...),
		FromOrigin:   NewTable("  of which the parent is the origin", methods...),
		FromCopy:     NewTable("  of which the parent is itself a copy", methods...),
		SameWords:    NewTable("    of which the copy has its parent's words (punctuation and case aside)", methods...),
		OwnWords:     NewTable("    of which the copy has words of its own", methods...),
		Origin:       NewTable("origin top-1 (a document, or outside the corpus; clusters)", methods...),
		Calib:        make(map[string]*Calib),
		Missed:       s.Missed,
	}
	for _, m := range methods {
		sc.Calib[m] = &Calib{}
	}
	for _, l := range s.Labels {
		sc.Clusters++
		var docs []int
		for d := range l.Parent {
			docs = append(docs, d)
		}
		sortInts(docs)
		baseline := func(first, second int) map[string]float64 {
			out := make(map[string]float64)
			if s, ok := compareDates(date(first), date(second)); ok && s != 0 {
				out[MethodEarliest] = map[bool]float64{true: 1, false: 0}[s < 0]
			} else {
				out[MethodEarliest] = 0.5
			}
			out[MethodLonger] = byWords(facts.words[first], facts.words[second], true)
			out[MethodShorter] = byWords(facts.words[first], facts.words[second], false)
			out[MethodContainment] = byContainment(facts.contain[[2]int{first, second}], facts.contain[[2]int{second, first}], base.LessContainedIsOrigin)
			return out
		}
		for _, d := range docs {
			p := l.Parent[d]
			if p < 0 {
				continue
			}
			cse := dateCase(date(p), date(d))
			scores := baseline(p, d)
			scores[MethodText] = scoreOr(pH, p, d)
			scores[MethodDates] = scoreOr(pD, p, d)
			scores[MethodHard] = scoreOr(pX, p, d)
			fromOrigin := p == l.Origin
			sameWords := !fromOrigin && s.passageWords(l, p) == s.passageWords(l, d)
			for m, x := range scores {
				sc.DirectionAll.Add(m, cse, x)
				if l.EditFraction[d] <= 0.10 {
					sc.Direction.Add(m, cse, x)
					switch {
					case fromOrigin:
						sc.FromOrigin.Add(m, cse, x)
					case sameWords:
						sc.FromCopy.Add(m, cse, x)
						sc.SameWords.Add(m, cse, x)
					default:
						sc.FromCopy.Add(m, cse, x)
						sc.OwnWords.Add(m, cse, x)
					}
				}
			}
		}
		for i, a := range docs {
			for _, b := range docs[i+1:] {
				undated := s.truthFirst(l, a, b, false)
				sd, _ := compareDates(date(a), date(b))
				dated := s.truthFirst(l, a, b, sd != 0)
				if pv, ok := pH[key(a, b)]; ok {
					sc.Calib[MethodText].Add(forecast(pv, a), undated)
				}
				if pv, ok := pD[key(a, b)]; ok {
					sc.Calib[MethodDates].Add(forecast(pv, a), dated)
				}
				if pv, ok := pX[key(a, b)]; ok {
					sc.Calib[MethodHard].Add(forecast(pv, a), dated)
				}
				for m, x := range baseline(a, b) {
					if m == MethodEarliest {
						sc.Calib[m].Add(deterministic(x), dated)
					} else {
						sc.Calib[m].Add(deterministic(x), undated)
					}
				}
			}
		}
		if l.Origin == -2 {
			continue
		}
		var dates []reprint.Date
		for _, d := range docs {
			dates = append(dates, date(d))
		}
		cse := clusterCase(dates)
		vh, vd := resH.Clusters[l.Cluster], resD.Clusters[l.Cluster]
		sc.Origin.Add(MethodText, cse, b2f(vh.MostLikely == l.Origin))
		sc.Origin.Add(MethodDates, cse, b2f(vd.MostLikely == l.Origin))
		sc.Origin.Add(MethodHard, cse, b2f(resX.Clusters[l.Cluster].MostLikely == l.Origin))
		sc.Origin.Add(MethodEarliest, cse, pickScore(docs, l.Origin, func(a, b int) int {
			x, ok := compareDates(date(a), date(b))
			if !ok {
				return 0
			}
			return -x
		}))
		sc.Origin.Add(MethodLonger, cse, pickScore(docs, l.Origin, func(a, b int) int { return cmp.Compare(facts.words[a], facts.words[b]) }))
		sc.Origin.Add(MethodShorter, cse, pickScore(docs, l.Origin, func(a, b int) int { return cmp.Compare(facts.words[b], facts.words[a]) }))
		sc.Origin.Add(MethodContainment, cse, pickScore(docs, l.Origin, func(a, b int) int {
			// Less contained in the others: the origin.
			ca, cb := meanContain(facts, a, docs), meanContain(facts, b, docs)
			if base.LessContainedIsOrigin {
				return cmpFloat(cb, ca)
			}
			return cmpFloat(ca, cb)
		}))
		truthOut := l.Origin == -1
		add := func(c *Confusion, v prov.Verdict) {
			said := !v.Undetermined && v.Origin < 0
			switch {
			case said && truthOut:
				c.TP++
			case said:
				c.FP++
			case truthOut:
				c.FN++
			default:
				c.TN++
			}
		}
		add(&sc.Outside, vh)
		add(&sc.OutsideDated, vd)
		if truthOut && l.Tree.Quotation {
			sc.Quotes++
			if !vh.Undetermined && vh.Origin < 0 {
				sc.QuoteFound++
			}
		}
	}
	return sc, nil
}

func scoreOr(m map[[2]int]prov.PairVerdict, first, second int) float64 {
	pv, ok := m[key(first, second)]
	if !ok {
		return 0.5
	}
	return pairScore(pv, first)
}

func meanContain(f runFacts, a int, docs []int) float64 {
	s, n := 0.0, 0
	for _, b := range docs {
		if b != a {
			s += f.contain[[2]int{a, b}]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pickScore scores a baseline that picks the best document by better
// (positive when a beats b): 1 when the single best is the truth, 1/k when
// the truth is among k tied best, 0 otherwise (a baseline never says
// "outside").
func pickScore(docs []int, truth int, better func(a, b int) int) float64 {
	var best []int
	for _, d := range docs {
		switch {
		case len(best) == 0:
			best = []int{d}
		case better(d, best[0]) > 0:
			best = []int{d}
		case better(d, best[0]) == 0:
			best = append(best, d)
		}
	}
	for _, d := range best {
		if d == truth {
			return 1 / float64(len(best))
		}
	}
	return 0
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Write prints the synthetic scores.
func (sc *SynthScores) Write(w io.Writer) {
	fmt.Fprintf(w, "matched clusters %d (unmatched %d)\n\n", sc.Clusters, sc.Missed)
	sc.Direction.Write(w)
	sc.FromOrigin.Write(w)
	sc.FromCopy.Write(w)
	sc.SameWords.Write(w)
	sc.OwnWords.Write(w)
	fmt.Fprintln(w)
	sc.DirectionAll.Write(w)
	fmt.Fprintln(w)
	sc.Origin.Write(w)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "outside origin, dates hidden: precision %s recall %s (TP %d FP %d FN %d)\n",
		pct(sc.Outside.Precision()), pct(sc.Outside.Recall()), sc.Outside.TP, sc.Outside.FP, sc.Outside.FN)
	fmt.Fprintf(w, "  of which quotations: %d of %d found\n", sc.QuoteFound, sc.Quotes)
	fmt.Fprintf(w, "outside origin, with dates:   precision %s recall %s (TP %d FP %d FN %d)\n\n",
		pct(sc.OutsideDated.Precision()), pct(sc.OutsideDated.Recall()), sc.OutsideDated.TP, sc.OutsideDated.FP, sc.OutsideDated.FN)
	writeCalib(w, sc.Calib)
}

func writeCalib(w io.Writer, c map[string]*Calib) {
	fmt.Fprintf(w, "pairwise forecasts (first / second / neither), all pairs of matched clusters\n")
	fmt.Fprintf(w, "  %-28s %8s %8s %8s\n", "method", "ECE", "Brier", "pairs")
	for _, m := range methods {
		if cb := c[m]; cb != nil && cb.N() > 0 {
			fmt.Fprintf(w, "  %-28s %8.3f %8.3f %8d\n", m, cb.ECE(), cb.Brier(), cb.N())
		}
	}
}

// DevScores are the scores on the dev corpus's silver pairs.
type DevScores struct {
	// Differ scores silver pairs whose texts both have 30 words or more
	// and differ; Silver every silver pair. Small is Differ restricted to
	// stories of two or three documents (re-issues and corrections);
	// the rest are mostly series of template stories (daily Fed
	// operations, weekly figures) whose pairs outnumber them and whose
	// texts carry no sign of their order.
	Differ, Small, Silver *Table
	// Identical counts the silver pairs with identical texts, and how
	// many of them the model (dates hidden) leaves undetermined.
	Identical, IdenticalUndetermined int
	// Calib holds the forecasts of the Differ pairs.
	Calib map[string]*Calib
	// Forced is the model's accuracy on Differ when it must choose (the
	// more probable direction, whatever the floor).
	Forced Acc
}

// EvalDev scores the model and the baselines on the silver pairs of a
// split.
func EvalDev(d *Dev, split Split, w prov.Weights, base Baselines) (*DevScores, error) {
	resH, err := d.Hidden.Infer(prov.Options{Weights: &w})
	if err != nil {
		return nil, err
	}
	resD, err := d.Dated.Infer(prov.Options{Weights: &w})
	if err != nil {
		return nil, err
	}
	resX, err := d.Dated.Infer(prov.Options{Weights: &w, HardDates: true})
	if err != nil {
		return nil, err
	}
	pH, pD, pX := pairIndex(resH), pairIndex(resD), pairIndex(resX)
	docOf := make([]int, len(d.Items)) // item → blinded index (same in both runs)
	for i, it := range d.Hidden.Items {
		docOf[it] = i
	}
	sc := &DevScores{
		Differ: NewTable("silver pairs >= 10 min apart, containment >= 0.5, both >= 30 words, texts differ (accuracy; pairs)", methods...),
		Small:  NewTable("  of which in stories of 2 or 3 documents", methods...),
		Silver: NewTable("all silver pairs (>= 10 min apart, containment >= 0.5)", methods...),
		Calib:  make(map[string]*Calib),
	}
	for _, m := range methods {
		sc.Calib[m] = &Calib{}
	}
	storySize := make(map[int]int)
	for _, s := range d.Story {
		storySize[s]++
	}
	for _, p := range d.Pairs {
		if p.Split != split || !p.Silver() {
			continue
		}
		small := storySize[d.Story[p.Early]] <= 3
		e, l := docOf[p.Early], docOf[p.Late]
		scores := map[string]float64{
			MethodText:        scoreOr(pH, e, l),
			MethodDates:       scoreOr(pD, e, l),
			MethodHard:        scoreOr(pX, e, l),
			MethodEarliest:    1, // the labels come from the dates
			MethodLonger:      byWords(p.EarlyWords, p.LateWords, true),
			MethodShorter:     byWords(p.EarlyWords, p.LateWords, false),
			MethodContainment: byContainment(p.EarlyIn, p.LateIn, base.LessContainedIsOrigin),
		}
		differ := p.EarlyWords >= 30 && p.LateWords >= 30 && !p.Identical
		for m, x := range scores {
			sc.Silver.Add(m, "distinct", x)
			if differ {
				sc.Differ.Add(m, "distinct", x)
				if small {
					sc.Small.Add(m, "distinct", x)
				}
			}
		}
		if differ {
			if pv, ok := pH[key(e, l)]; ok {
				sc.Calib[MethodText].Add(forecast(pv, e), 0)
				sc.Forced.Add(forcedScore(pv, e))
			} else {
				sc.Forced.Add(0.5)
			}
			if pv, ok := pD[key(e, l)]; ok {
				sc.Calib[MethodDates].Add(forecast(pv, e), 0)
			}
			for _, m := range []string{MethodLonger, MethodShorter, MethodContainment} {
				sc.Calib[m].Add(deterministic(scores[m]), 0)
			}
		}
		if p.Identical {
			sc.Identical++
			if pv, ok := pH[key(e, l)]; !ok || pv.Source < 0 {
				sc.IdenticalUndetermined++
			}
		}
	}
	return sc, nil
}

// Write prints the dev scores.
func (sc *DevScores) Write(w io.Writer) {
	sc.Differ.Write(w)
	sc.Small.Write(w)
	fmt.Fprintf(w, "  (reprint, dates hidden, forced to choose: %.3f; decided %d of %d)\n\n",
		sc.Forced.Value(), sc.Differ.Rows[MethodText]["all"].Decided, sc.Differ.Rows[MethodText]["all"].N)
	sc.Silver.Write(w)
	fmt.Fprintf(w, "\nidentical texts, dates hidden: %d of %d silver pairs undetermined\n\n", sc.IdenticalUndetermined, sc.Identical)
	writeCalib(w, sc.Calib)
}
