package render

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
)

// Compare writes the passages two documents share, for people: both
// documents with the share of each found in the other, then each shared
// passage with both sides' spans, its similarity and a word diff — in two
// columns when columns is true (a terminal wide enough for them), else one
// side under the other. a and b are document ids of rep; the texts come
// from the Renderer's Docs.
func (r Renderer) Compare(w io.Writer, rep *model.Report, a, b string, columns bool) error {
	v := newView(rep, r.Docs)
	p := painter{r.Color}
	width := r.width()
	ew := &errWriter{w: w}

	var pair *model.DocPair
	for i, dp := range rep.DocPairs {
		if (dp.A == a && dp.B == b) || (dp.A == b && dp.B == a) {
			pair = &rep.DocPairs[i]
		}
	}
	inOther := func(id string) float64 {
		switch {
		case pair == nil:
			return 0
		case pair.A == id:
			return pair.ContainmentA
		}
		return pair.ContainmentB
	}
	for _, side := range []struct{ name, id, other string }{{"A", a, "B"}, {"B", b, "A"}} {
		meta := ""
		if i, ok := v.index[side.id]; ok {
			d := v.rep.Documents[i]
			meta = plural(d.Words, "word", "words")
			if d.Date != "" {
				meta = d.Date + " · " + meta
			}
			if d.Title != "" {
				meta = truncate(visible(d.Title), 50) + " · " + meta
			}
		}
		// The header fits the width: a long path is shortened in its
		// middle, as ls and editors do, keeping its start and its file
		// name; what is still too long goes on the next line.
		meta += " · " + pct(inOther(side.id)) + " of it found in " + side.other
		id := visible(side.id)
		if room := width - 3 - 2 - displayWidth(meta); displayWidth(id) > room {
			id = middle(id, max(room, width/2))
		}
		head := p.paint(side.name, stHead) + "  " + id
		if 3+displayWidth(id)+2+displayWidth(meta) <= width {
			ew.str(head + "  " + p.paint(meta, stDim) + "\n")
		} else {
			ew.str(head + "\n")
			ew.lines("   ", wrap(textWords(meta, stDim), width-3, p))
		}
	}

	var ms []model.Match
	for _, m := range rep.Matches {
		if m.A.Doc == b && m.B.Doc == a {
			m.A, m.B = m.B, m.A
		}
		if m.A.Doc == a && m.B.Doc == b {
			ms = append(ms, m)
		}
	}
	slices.SortStableFunc(ms, func(x, y model.Match) int { return cmp.Compare(x.A.Start, y.A.Start) })
	if len(ms) == 0 {
		ew.str(fmt.Sprintf("\nNo shared passage of %d words or more.\n", rep.Params.MinWords))
		return ew.err
	}
	summary, source := plural(len(ms), "shared passage", "shared passages"), ""
	if pair != nil {
		summary += fmt.Sprintf(", %s · similarity (Jaccard) %.2f", plural(pair.SharedWords, "shared word", "shared words"), pair.Jaccard)
		switch {
		case pair.Source != nil:
			source = fmt.Sprintf("source: %s (%s)", visible(*pair.Source), likely(pair.SourceProbability))
		case hasProvenance(rep):
			source = v.noSource(a, b)
		}
	}
	ew.lines("", wrap(textWords(summary, stPlain), width, p))
	if source != "" {
		ew.lines("", wrap(textWords(source, stPlain), width, p))
	}

	for i, m := range ms {
		at, okA := v.text(m.A)
		bt, okB := v.text(m.B)
		head := fmt.Sprintf("[%d] %s · similarity %.2f (1 is word for word)", i+1, plural(m.Words, "word", "words"), m.Similarity)
		ew.str("\n" + p.paint(head, stBold) + "\n")
		rs := wordDiff(at, bt)
		left := runWords(rs, p.color, false, false, true, false)
		right := runWords(rs, p.color, false, false, false, true)
		if !okA {
			left = []word{{"(text not available)", stDim}}
		}
		if !okB {
			right = []word{{"(text not available)", stDim}}
		}
		metaA := p.paint(r.spanMeta(v, "A", m.A), stDim)
		metaB := p.paint(r.spanMeta(v, "B", m.B), stDim)
		if !columns {
			ew.str("  " + metaA + "\n")
			ew.lines("      ", wrap(left, width-6, p))
			ew.str("  " + metaB + "\n")
			ew.lines("      ", wrap(right, width-6, p))
			continue
		}
		colW := (width - 2 - 3) / 2
		la := append([]line{{metaA, displayWidth(r.spanMeta(v, "A", m.A))}}, wrap(left, colW, p)...)
		lb := append([]line{{metaB, displayWidth(r.spanMeta(v, "B", m.B))}}, wrap(right, colW, p)...)
		for j := range max(len(la), len(lb)) {
			var l, rt line
			if j < len(la) {
				l = la[j]
			}
			if j < len(lb) {
				rt = lb[j]
			}
			ew.str(strings.TrimRight(fmt.Sprintf("  %s %s %s", pad(l, colW), p.paint("│", stDim), rt.text), " ") + "\n")
		}
	}
	return ew.err
}

// spanMeta describes one side of a match: line and byte span.
func (r Renderer) spanMeta(v *view, side string, s model.Span) string {
	if n := v.line(s.Doc, s.Start); n > 0 {
		return fmt.Sprintf("%s line %d · bytes %d-%d", side, n, s.Start, s.End)
	}
	return fmt.Sprintf("%s bytes %d-%d", side, s.Start, s.End)
}
