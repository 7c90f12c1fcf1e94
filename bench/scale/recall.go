package scale

import "github.com/reprint-dev/reprint"

// Recall counts the planted copies of one kind and those some match finds.
type Recall struct {
	Planted int
	Found   int
}

// Rate is Found / Planted, 0 when nothing was planted.
func (r Recall) Rate() float64 {
	if r.Planted == 0 {
		return 0
	}
	return float64(r.Found) / float64(r.Planted)
}

// Finds reports whether m (a match of a report, or of the JSON report's
// "matches" decoded) finds p: one of its spans lies in p's copy
// document and covers at least half of the copy span, the other lies in
// p's source document and overlaps the source span.
func Finds(m reprint.Match, p Planted) bool {
	for _, s := range [2][2]reprint.Span{{m.A, m.B}, {m.B, m.A}} {
		c, src := s[0], s[1]
		if c.Doc == p.Copy && src.Doc == p.Source &&
			2*overlap(c, p.CopyStart, p.CopyEnd) >= p.CopyEnd-p.CopyStart &&
			overlap(src, p.SourceStart, p.SourceEnd) > 0 {
			return true
		}
	}
	return false
}

// Score counts the planted copies of kind (KindCopy, KindBoilerplate) that
// some match finds (see Finds); it holds the matches' index, not copies.
func Score(truth []Planted, kind string, matches []reprint.Match) Recall {
	byPair := map[[2]string][]int{}
	for i, m := range matches {
		k := pairKey(m.A.Doc, m.B.Doc)
		byPair[k] = append(byPair[k], i)
	}
	var r Recall
	for _, p := range truth {
		if p.Kind != kind {
			continue
		}
		r.Planted++
		for _, i := range byPair[pairKey(p.Source, p.Copy)] {
			if Finds(matches[i], p) {
				r.Found++
				break
			}
		}
	}
	return r
}

func pairKey(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// overlap is the length of s ∩ [start,end).
func overlap(s reprint.Span, start, end int) int {
	return max(0, min(s.End, end)-max(s.Start, start))
}
