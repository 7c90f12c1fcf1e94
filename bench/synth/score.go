package synth

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Match is one predicted pair of recycled spans, as a detector reports it:
// byte offsets, half-open, into two documents' text. The pair is unordered.
type Match struct {
	ADoc   string `json:"a_doc"`
	AStart int    `json:"a_start"`
	AEnd   int    `json:"a_end"`
	BDoc   string `json:"b_doc"`
	BStart int    `json:"b_start"`
	BEnd   int    `json:"b_end"`
}

// Score holds the measures over one set of copies and predictions.
type Score struct {
	// Copies is the number of planted copies; Found those some prediction
	// recovers: it pairs the copy's two documents and overlaps the source
	// span and the target span each by at least half of that span.
	Copies int     `json:"copies"`
	Found  int     `json:"found"`
	Recall float64 `json:"recall"`
	// Predictions counts the predictions (in a breakdown: those touching a
	// copy of the bucket: overlapping its target span, or its source span
	// while pairing its two documents). Correct ones pair two documents
	// that share planted text; StrictCorrect ones also overlap, on both
	// sides, the spans of one planted copy (or of two sibling copies).
	Predictions     int     `json:"predictions"`
	Correct         int     `json:"correct"`
	StrictCorrect   int     `json:"strict_correct"`
	Precision       float64 `json:"precision"`
	StrictPrecision float64 `json:"strict_precision"`
	// SpanF1 is the character-level F1 between each copy's target span and
	// the target-side spans of the predictions that pair its two documents
	// and overlap it, averaged over copies (zero for a copy not predicted).
	SpanF1 float64 `json:"span_f1"`
}

// Bucket is the Score of one slice of the copies.
type Bucket struct {
	Name string `json:"name"`
	Score
}

// Scores is the evaluation of predictions against a truth, overall and
// broken down by edit, copy length in words and edit fraction. Ratios with
// an empty denominator are 0 (WriteTable prints "-").
type Scores struct {
	All Score `json:"all"`
	// Target is the bucket the detection targets are stated for: copies
	// of at least 12 words with at most 10% of their words edited.
	Target     Score    `json:"target"`
	ByEdit     []Bucket `json:"by_edit"`
	ByLength   []Bucket `json:"by_length"`
	ByEditRate []Bucket `json:"by_edit_rate"`
}

// LengthBuckets and EditRateBuckets name the breakdown buckets, in order.
var (
	LengthBuckets   = []string{"<12", "12-29", "30-59", ">=60"}
	EditRateBuckets = []string{"0", "<=5%", "5-10%", "10-20%", ">20%"}
)

// lengthBucket returns the LengthBuckets entry for a copy of n words.
func lengthBucket(n int) string {
	switch {
	case n < 12:
		return LengthBuckets[0]
	case n < 30:
		return LengthBuckets[1]
	case n < 60:
		return LengthBuckets[2]
	}
	return LengthBuckets[3]
}

// editRateBucket returns the EditRateBuckets entry for an edit fraction;
// the small slack keeps 5% of 20 words in "<=5%" despite rounding.
func editRateBucket(f float64) string {
	const eps = 1e-9
	switch {
	case f <= 0:
		return EditRateBuckets[0]
	case f <= 0.05+eps:
		return EditRateBuckets[1]
	case f <= 0.10+eps:
		return EditRateBuckets[2]
	case f <= 0.20+eps:
		return EditRateBuckets[3]
	}
	return EditRateBuckets[4]
}

// ScoreMatches scores predicted matches against the truth. It depends on
// nothing but its arguments.
func ScoreMatches(t *Truth, preds []Match) *Scores {
	type tally struct {
		copies, found, preds, correct, strict int
		f1                                    float64
	}
	var all tally
	buckets := map[string]*tally{}
	bucketsOf := func(c *Copy) []string {
		b := []string{"edit:" + string(c.Edit), "len:" + lengthBucket(c.Words), "rate:" + editRateBucket(c.EditFraction)}
		if c.Words >= 12 && c.EditFraction <= 0.10+1e-9 {
			b = append(b, "target")
		}
		return b
	}
	get := func(k string) *tally {
		if buckets[k] == nil {
			buckets[k] = &tally{}
		}
		return buckets[k]
	}

	shares := map[[2]string]bool{}
	for _, p := range t.Pairs {
		shares[pairKey(p.A, p.B)] = true
	}
	byPair := map[[2]string][]int{} // predictions by unordered doc pair
	for i, m := range preds {
		k := pairKey(m.ADoc, m.BDoc)
		byPair[k] = append(byPair[k], i)
	}
	byDoc := map[string][]int{} // copies touching a document, as source or target
	for i := range t.Copies {
		c := &t.Copies[i]
		byDoc[c.Source] = append(byDoc[c.Source], i)
		byDoc[c.Target] = append(byDoc[c.Target], i)
	}
	copyIdx := map[string]int{}
	for i, c := range t.Copies {
		copyIdx[c.ID] = i
	}

	// Recall and span F1, per copy.
	for i := range t.Copies {
		c := &t.Copies[i]
		// A copy is found when the predictions pairing its documents
		// together cover at least half of its span on each side: a copy
		// whose sentences were reordered is reported as one match per
		// sentence.
		var got, gotSrc []span
		ts, ss := span{c.TargetStart, c.TargetEnd}, span{c.SourceStart, c.SourceEnd}
		for _, pi := range byPair[pairKey(c.Source, c.Target)] {
			src, tgt, ok := orient(preds[pi], c.Source, c.Target)
			if !ok {
				continue
			}
			if ot, os := overlap(tgt, ts), overlap(src, ss); ot > 0 && os > 0 {
				got = append(got, tgt)
				gotSrc = append(gotSrc, src)
			}
		}
		found := 2*unionOverlap(got, ts) >= ts.len() && 2*unionOverlap(gotSrc, ss) >= ss.len()
		f1 := spanF1(got, ts)
		for _, k := range append(bucketsOf(c), "") {
			tl := &all
			if k != "" {
				tl = get(k)
			}
			tl.copies++
			tl.f1 += f1
			if found {
				tl.found++
			}
		}
	}

	// Precision, per prediction.
	for _, m := range preds {
		k := pairKey(m.ADoc, m.BDoc)
		correct := m.ADoc != m.BDoc && shares[k]
		strict := false
		// A prediction touches a copy when it overlaps the copy's target
		// span, or pairs the copy's documents and overlaps its source span
		// (source spans alone are shared by all copies of a passage).
		touched := map[int]bool{}
		var order []int
		for _, side := range []struct {
			doc, other string
			s          span
		}{{m.ADoc, m.BDoc, span{m.AStart, m.AEnd}}, {m.BDoc, m.ADoc, span{m.BStart, m.BEnd}}} {
			for _, ci := range byDoc[side.doc] {
				c := &t.Copies[ci]
				if (c.Target == side.doc && overlap(side.s, span{c.TargetStart, c.TargetEnd}) > 0) ||
					(c.Source == side.doc && c.Target == side.other && overlap(side.s, span{c.SourceStart, c.SourceEnd}) > 0) {
					if !touched[ci] {
						touched[ci] = true
						order = append(order, ci)
					}
				}
			}
		}
		if correct {
			strict = strictHit(t, copyIdx, m)
		}
		all.preds++
		if correct {
			all.correct++
		}
		if strict {
			all.strict++
		}
		seen := map[string]bool{}
		for _, ci := range order {
			for _, b := range bucketsOf(&t.Copies[ci]) {
				if seen[b] {
					continue
				}
				seen[b] = true
				tl := get(b)
				tl.preds++
				if correct {
					tl.correct++
				}
				if strict {
					tl.strict++
				}
			}
		}
	}

	toScore := func(tl *tally) Score {
		if tl == nil {
			return Score{}
		}
		return Score{
			Copies: tl.copies, Found: tl.found, Recall: ratio(tl.found, tl.copies),
			Predictions: tl.preds, Correct: tl.correct, StrictCorrect: tl.strict,
			Precision: ratio(tl.correct, tl.preds), StrictPrecision: ratio(tl.strict, tl.preds),
			SpanF1: fratio(tl.f1, tl.copies),
		}
	}
	s := &Scores{All: toScore(&all), Target: toScore(buckets["target"])}
	for _, e := range Edits {
		s.ByEdit = append(s.ByEdit, Bucket{Name: string(e), Score: toScore(buckets["edit:"+string(e)])})
	}
	for _, b := range LengthBuckets {
		s.ByLength = append(s.ByLength, Bucket{Name: b, Score: toScore(buckets["len:"+b])})
	}
	for _, b := range EditRateBuckets {
		s.ByEditRate = append(s.ByEditRate, Bucket{Name: b, Score: toScore(buckets["rate:"+b])})
	}
	return s
}

// strictHit reports whether m overlaps, on both sides, the source and
// target spans of one copy between its documents, or the target spans of
// two copies of one passage.
func strictHit(t *Truth, copyIdx map[string]int, m Match) bool {
	for i := range t.Copies {
		c := &t.Copies[i]
		if src, tgt, ok := orient(m, c.Source, c.Target); ok &&
			overlap(src, span{c.SourceStart, c.SourceEnd}) > 0 && overlap(tgt, span{c.TargetStart, c.TargetEnd}) > 0 {
			return true
		}
	}
	for _, p := range t.Passages {
		for x, a := range p.Copies {
			for _, b := range p.Copies[x+1:] {
				ca, cb := &t.Copies[copyIdx[a]], &t.Copies[copyIdx[b]]
				if sa, sb, ok := orient(m, ca.Target, cb.Target); ok &&
					overlap(sa, span{ca.TargetStart, ca.TargetEnd}) > 0 && overlap(sb, span{cb.TargetStart, cb.TargetEnd}) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// orient returns m's spans in docs a and b, in that order.
func orient(m Match, a, b string) (sa, sb span, ok bool) {
	switch {
	case m.ADoc == a && m.BDoc == b:
		return span{m.AStart, m.AEnd}, span{m.BStart, m.BEnd}, true
	case m.ADoc == b && m.BDoc == a:
		return span{m.BStart, m.BEnd}, span{m.AStart, m.AEnd}, true
	}
	return span{}, span{}, false
}

func pairKey(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

func overlap(a, b span) int {
	return max(0, min(a.end, b.end)-max(a.start, b.start))
}

// unionOverlap is how much of want the union of got covers.
func unionOverlap(got []span, want span) int {
	covered := 0
	for _, u := range union(got) {
		covered += overlap(u, want)
	}
	return covered
}

// union merges spans into sorted, disjoint ones.
func union(spans []span) []span {
	spans = slices.Clone(spans)
	sortSpans(spans)
	var out []span
	for _, s := range spans {
		if s.end <= s.start {
			continue
		}
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// spanF1 is the character F1 between the union of got and want.
func spanF1(got []span, want span) float64 {
	if len(got) == 0 || want.len() <= 0 {
		return 0
	}
	predicted, hit := 0, 0
	for _, s := range union(got) {
		predicted += s.len()
		hit += overlap(s, want)
	}
	if hit == 0 {
		return 0
	}
	p := float64(hit) / float64(predicted)
	r := float64(hit) / float64(want.len())
	return 2 * p * r / (p + r)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func fratio(x float64, d int) float64 {
	if d == 0 {
		return 0
	}
	return x / float64(d)
}

// WriteTable writes s as an aligned plain-text table: one row for all
// copies, then one per bucket of each breakdown.
func (s *Scores) WriteTable(w io.Writer) error {
	var b strings.Builder
	row := func(name string, sc Score) {
		num := func(v float64, d int) string {
			if d == 0 {
				return "-"
			}
			return fmt.Sprintf("%.3f", v)
		}
		fmt.Fprintf(&b, "%-22s %6d %6d %7s %6d %9s %7s %8s\n", name,
			sc.Copies, sc.Found, num(sc.Recall, sc.Copies),
			sc.Predictions, num(sc.Precision, sc.Predictions), num(sc.StrictPrecision, sc.Predictions),
			num(sc.SpanF1, sc.Copies))
	}
	fmt.Fprintf(&b, "%-22s %6s %6s %7s %6s %9s %7s %8s\n", "bucket", "copies", "found", "recall", "preds", "precision", "strict", "span-F1")
	row("all", s.All)
	row("target >=12w <=10%", s.Target)
	for _, group := range []struct {
		label string
		bs    []Bucket
	}{{"edit", s.ByEdit}, {"words", s.ByLength}, {"edited", s.ByEditRate}} {
		for _, bk := range group.bs {
			row(group.label+" "+bk.Name, bk.Score)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
