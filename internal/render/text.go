package render

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
)

// textTop is how many documents and document pairs the text view's summary
// lists; the HTML and JSON reports have them all.
const textTop = 10

// Text writes the report for people: a summary (counts, the most recycled
// documents, the pairs that share most), then each cluster by spread and
// length with its copies (document, line, byte span, date), every copy but
// the longest shown as a word diff against it, and the provenance when the
// report has it. Without colour the output is plain and stable: deletions
// are marked [-so-] and insertions {+so+}.
func (r Renderer) Text(w io.Writer, rep *model.Report) error {
	v := newView(rep, r.Docs)
	p := painter{r.Color}
	width := r.width()
	ew := &errWriter{w: w}

	ew.lines("", wrap(append([]word{{"reprint:", stBold}}, textWords(fmt.Sprintf("%s · %s in %s · %s of the text recycled",
		plural(len(rep.Documents), "document", "documents"),
		plural(v.passages, "recycled passage", "recycled passages"),
		plural(len(rep.Clusters), "cluster", "clusters"),
		pct(v.share())), stPlain)...), width, p))
	if !hasProvenance(rep) && len(rep.Clusters) > 0 {
		ew.lines("", wrap(textWords("provenance not computed: origins and derivations are not shown", stDim), width, p))
	}

	r.textDocuments(ew, v, p)
	r.textPairs(ew, v, p)
	if len(rep.Clusters) > 0 {
		// The same words with colour or without, so that the layout is
		// the same.
		note := "(each cluster is one recycled passage with all its copies: the longest first, the others with the words that differ from it marked"
		if hasProvenance(rep) {
			note += "; then where it most likely came from, and who copied whom"
		}
		ew.heading(p, width, "Clusters", note+")")
	}
	for _, c := range orderedClusters(rep.Clusters) {
		r.textCluster(ew, v, p, c)
	}
	r.textBoilerplate(ew, rep, p)
	if len(rep.Errors) > 0 {
		ew.str("\n" + p.paint(plural(len(rep.Errors), "input problem", "input problems"), stWarn) + "\n")
		for _, e := range rep.Errors {
			ew.lines("  ", wrap(textWords(problem(e), stPlain), width-4, p))
		}
	}
	return ew.err
}

// textDocuments lists the documents with the largest recycled share.
func (r Renderer) textDocuments(ew *errWriter, v *view, p painter) {
	var docs []model.DocSummary
	for _, d := range v.rep.Documents {
		if d.ReusedFraction > 0 {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return
	}
	slices.SortStableFunc(docs, func(a, b model.DocSummary) int { return -cmp.Compare(a.ReusedFraction, b.ReusedFraction) })
	ew.heading(p, r.width(), "Most recycled documents", "(share of the document's words in recycled passages)")
	for _, d := range docs[:min(len(docs), textTop)] {
		meta := plural(d.Words, "word", "words") + ", in " + plural(v.clustersOf[d.ID], "cluster", "clusters")
		if d.Date != "" {
			meta = d.Date + ", " + meta
		}
		meta = "(" + meta + ")"
		row := fmt.Sprintf("  %6s recycled  %s", pct(d.ReusedFraction), truncate(visible(d.ID), r.width()-19))
		if displayWidth(row)+2+displayWidth(meta) <= r.width() {
			ew.str(row + "  " + p.paint(meta, stDim) + "\n")
		} else {
			ew.str(row + "\n" + strings.Repeat(" ", 10) + p.paint(meta, stDim) + "\n")
		}
	}
	if n := len(docs) - textTop; n > 0 {
		ew.str(p.paint(fmt.Sprintf("  … and %d more (see --format html or json)", n), stDim) + "\n")
	}
}

// textPairs lists the document pairs that share the most words, with the
// share of each found in the other.
func (r Renderer) textPairs(ew *errWriter, v *view, p painter) {
	if len(v.rep.DocPairs) == 0 {
		return
	}
	pairs := slices.Clone(v.rep.DocPairs)
	slices.SortStableFunc(pairs, func(a, b model.DocPair) int { return -cmp.Compare(a.SharedWords, b.SharedWords) })
	ew.heading(p, r.width(), plural(len(pairs), "document pair shares", "document pairs share")+" text",
		"(words in common; after each document, the share of its words found in the other; the source, where provenance names one)")
	pairs = pairs[:min(len(pairs), textTop)]
	idw := 0
	for _, dp := range pairs {
		idw = max(idw, displayWidth(visible(dp.A)), displayWidth(visible(dp.B)))
	}
	idw = min(idw, (r.width()-36)/2)
	prov := hasProvenance(v.rep)
	for _, dp := range pairs {
		a, b := truncate(visible(dp.A), idw), truncate(visible(dp.B), idw)
		row := fmt.Sprintf("  %6d words  %s %6s  ↔  %s %6s", dp.SharedWords,
			pad(line{a, displayWidth(a)}, idw), pct(dp.ContainmentA),
			pad(line{b, displayWidth(b)}, idw), pct(dp.ContainmentB))
		if dp.Source != nil {
			src := fmt.Sprintf("source %s (%s)", visible(*dp.Source), likely(dp.SourceProbability))
			if displayWidth(row)+2+displayWidth(src) <= r.width() {
				row += "  " + p.paint(src, stDim)
			} else {
				row += "\n" + strings.Repeat(" ", 16) + p.paint(truncate(src, r.width()-16), stDim)
			}
		}
		ew.str(row + "\n")
		if dp.Source == nil && prov {
			ew.lines(strings.Repeat(" ", 16), wrap(textWords(v.noSource(dp.A, dp.B), stDim), r.width()-16, p))
		}
	}
	if n := len(v.rep.DocPairs) - textTop; n > 0 {
		ew.str(p.paint(fmt.Sprintf("  … and %d more (see --format html or json)", n), stDim) + "\n")
	}
}

// textCluster draws one cluster: heading, copies, provenance.
func (r Renderer) textCluster(ew *errWriter, v *view, p painter, c model.Cluster) {
	width := r.width()
	copies := v.copies(c)
	head := fmt.Sprintf("· %s · %s", plural(spread(c), "document", "documents"), plural(clusterWords(c), "word", "words"))
	if c.Earliest != nil {
		head += " · earliest dated copy " + visible(*c.Earliest)
		if d := v.date(*c.Earliest); d != "" {
			head += " (" + d + ")"
		}
	}
	if c.Quotation {
		head += " · quotation of a third party"
	}
	ew.str("\n")
	ew.lines("", wrap(append([]word{{c.ID, stHead}}, textWords(head, stPlain)...), width, p))
	for _, cv := range copies {
		meta := fmt.Sprintf("line %d · bytes %d-%d", cv.Line, cv.Start, cv.End)
		if cv.date != "" {
			meta += " · " + cv.date
		}
		if cv.isRef() && len(copies) > 1 {
			meta += " · longest copy"
		}
		num, doc := fmt.Sprintf("  [%d] ", cv.num), visible(cv.Doc)
		doc = middle(doc, width-displayWidth(num))
		if displayWidth(num+doc+"  "+meta) <= width {
			ew.str(num + doc + "  " + p.paint(meta, stDim) + "\n")
		} else { // the meta on a line of its own
			ew.str(num + doc + "\n")
			ew.lines("      ", wrap(textWords(meta, stDim), width-6, p))
		}
		var words []word
		switch {
		case cv.same != 0:
			words = []word{{fmt.Sprintf("(same text as [%d])", cv.same), stDim}}
		case cv.isRef():
			words = textWords(cv.Text, stPlain)
		default:
			words = runWords(cv.diff, p.color, cv.head, cv.tail, true, true)
		}
		ew.lines("      ", wrap(words, width-6, p))
	}
	r.textProvenance(ew, p, c)
}

// textBoilerplateLines is how many lines of a boilerplate passage the
// text view shows; the JSON and HTML reports have it whole.
const textBoilerplateLines = 3

// textBoilerplate lists the passages left out as boilerplate, once each
// with the number of documents that hold them.
func (r Renderer) textBoilerplate(ew *errWriter, rep *model.Report, p painter) {
	l := rep.Limits
	if l == nil || len(l.Boilerplate) == 0 && l.HotBuckets == 0 {
		return
	}
	width := r.width()
	ew.heading(p, width, "Boilerplate", "(passages in so many documents that they are left out of the pairs and clusters: footers, disclaimers, standard paragraphs)")
	for _, b := range l.Boilerplate {
		ew.str("  " + p.paint("in "+plural(b.Documents, "document", "documents"), stBold) + "\n")
		ls := wrap(textWords(b.Text, stPlain), width-6, p)
		if len(ls) > textBoilerplateLines {
			ls = append(ls[:textBoilerplateLines-1], line{truncate(ls[textBoilerplateLines-1].text, width-8) + " …", 0})
		}
		ew.lines("      ", ls)
	}
	if l.HotBuckets > 0 {
		ew.lines("  ", wrap(textWords(fmt.Sprintf("%d lookups hit a bucket of over-common text and were not listed: passages shared only through such text may be missing", l.HotBuckets), stDim), width-2, p))
	}
}

// textProvenance draws a cluster's origin, with its reasons, and its
// derivation tree, when the report has them.
func (r Renderer) textProvenance(ew *errWriter, p painter, c model.Cluster) {
	width := r.width()
	if o := c.Origin; o != nil {
		s := "origin: "
		switch {
		case o.Doc != nil:
			s += fmt.Sprintf("%s, %s", visible(*o.Doc), likely(o.Probability))
			if o.ExternalProbability > 0 {
				s += fmt.Sprintf(" · outside the corpus, %s", likely(o.ExternalProbability))
			}
		case o.ExternalProbability > 0:
			s += fmt.Sprintf("%s, %s", externalLabel, likely(o.ExternalProbability))
		default:
			s += externalLabel
		}
		ew.lines("  ", hang(wrap(textWords(s, stBold), width-4, p)))
		for _, why := range o.Reasons {
			ew.lines("      ", hang(wrap(textWords("· "+why, stPlain), width-8, p)))
		}
	}
	if len(c.Edges) == 0 {
		return
	}
	title := textWords("derivation:", stBold)
	if ew.once("derivation") { // the legend the first time only
		title = append(title, textWords("(who copied whom: each copy under its likely source, with how it was made)", stDim)...)
	}
	ew.lines("  ", wrap(title, width-2, p))
	roots, nodes := tree(c)
	said := make(map[string]bool) // the origin's reasons
	if c.Origin != nil {
		for _, why := range c.Origin.Reasons {
			said[why] = true
		}
	}
	seen := make(map[string]bool)
	var walk func(id, prefix string)
	walk = func(id, prefix string) {
		seen[id] = true
		kids := nodes[id].children
		for i, e := range kids {
			branch, next := "├─ ", "│  "
			if i == len(kids)-1 {
				branch, next = "└─ ", "   "
			}
			// The node's name, two spaces, then how it came: wrapped, with
			// the continuation under the reasons' indent.
			label := []word{{nodeLabel(e.To) + " ", stPlain}}
			switch {
			case e.Bare:
			case e.With != "":
				label = append(label, textWords(fmt.Sprintf(" from the same source as %s, %s", nodeLabel(e.With), likely(e.Probability)), stPlain)...)
			default:
				label = append(label, textWords(fmt.Sprintf(" %s, %s", kindLabel(e.Kind), likely(e.Probability)), stPlain)...)
			}
			if seen[e.To] {
				label = append(label, textWords("(see above)", stPlain)...)
			}
			ls := wrap(label, width-displayWidth(prefix)-6, p)
			ew.lines(prefix+branch, ls[:1])
			ew.lines(prefix+next+"   ", ls[1:])
			for _, why := range e.Reasons {
				if e.With != "" && said[why] {
					continue // a co-derived edge's reasons are mostly the outside origin's, listed above
				}
				ew.lines(prefix+next+"   ", hang(wrap(textWords("· "+why, stDim), width-displayWidth(prefix)-11, p)))
			}
			if !seen[e.To] {
				walk(e.To, prefix+next)
			}
		}
	}
	for _, id := range roots {
		if seen[id] {
			continue
		}
		ew.str("    " + nodeLabel(id) + "\n")
		walk(id, "    ")
	}
}

// heading writes a blank line, then a bold title and a dim note, wrapped.
func (e *errWriter) heading(p painter, width int, title, note string) {
	e.str("\n")
	e.lines("", wrap(append(textWords(title, stBold), textWords(note, stDim)...), width, p))
}

// hang indents the continuation lines of a bulleted item under its text.
func hang(ls []line) []line {
	for i := 1; i < len(ls); i++ {
		ls[i].text = "  " + ls[i].text
		ls[i].width += 2
	}
	return ls
}

// hasProvenance reports whether any cluster carries provenance.
func hasProvenance(rep *model.Report) bool {
	for _, c := range rep.Clusters {
		if c.Origin != nil || len(c.Edges) > 0 {
			return true
		}
	}
	for _, dp := range rep.DocPairs {
		if dp.Source != nil {
			return true
		}
	}
	return false
}

// problem formats an input error as "error: path:line: what".
func problem(e model.InputError) string {
	loc := e.Path
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	kind := "error"
	if e.Warning {
		kind = "warning"
	}
	return strings.Join([]string{kind, loc, e.Error}, ": ")
}
