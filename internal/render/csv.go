package render

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
)

// csvHeader names the CSV columns. Lines and texts are empty when the
// Renderer has no Docs.
var csvHeader = []string{
	"cluster",
	"a_doc", "a_date", "a_start", "a_end", "a_line",
	"b_doc", "b_date", "b_start", "b_end", "b_line",
	"similarity", "words", "a_text", "b_text",
}

// csvTextColumns are the columns that hold text from the input (ids and
// passages; the others are numbers and dates reprint writes).
var csvTextColumns = []int{0, 1, 6, 13, 14}

// notFormula keeps a spreadsheet from evaluating a cell as a formula.
func notFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSV writes one row per match (an aligned pair of recycled spans), for
// spreadsheets: the cluster the match belongs to, both sides' documents,
// dates, byte spans and lines, the similarity, the words, and both texts.
// Fields are quoted as RFC 4180 wants; rows end in "\n". Control
// characters are drawn visibly (see Visible): the JSON keeps the exact text.
// A text field that a spreadsheet would take for a formula (it starts with
// =, +, -, @, a tab or a carriage return: "=HYPERLINK(…)" in a hostile
// story) gets a leading apostrophe, which spreadsheets show as text.
func (r Renderer) CSV(w io.Writer, rep *model.Report) error {
	v := newView(rep, r.Docs)
	find := clusterFinder(rep)
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	itoa := strconv.Itoa
	lineOf := func(s model.Span) string {
		if n := v.line(s.Doc, s.Start); n > 0 {
			return itoa(n)
		}
		return ""
	}
	for _, m := range rep.Matches {
		at, _ := v.text(m.A)
		bt, _ := v.text(m.B)
		row := []string{
			find(m.A),
			m.A.Doc, v.date(m.A.Doc), itoa(m.A.Start), itoa(m.A.End), lineOf(m.A),
			m.B.Doc, v.date(m.B.Doc), itoa(m.B.Start), itoa(m.B.End), lineOf(m.B),
			strconv.FormatFloat(m.Similarity, 'f', -1, 64), itoa(m.Words), at, bt,
		}
		for i := range row { // a spreadsheet or a terminal may show it
			row[i] = Visible(row[i], true)
		}
		for _, i := range csvTextColumns {
			row[i] = notFormula(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// clusterFinder returns a function naming the cluster whose copy in a
// span's document overlaps the span most ("" when none does).
func clusterFinder(rep *model.Report) func(model.Span) string {
	type copyAt struct {
		start, end int
		cluster    string
	}
	byDoc := make(map[string][]copyAt)
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			byDoc[p.Doc] = append(byDoc[p.Doc], copyAt{p.Start, p.End, c.ID})
		}
	}
	for _, cs := range byDoc {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].start < cs[j].start })
	}
	return func(s model.Span) string {
		best, bestN := "", 0
		for _, c := range byDoc[s.Doc] {
			if c.start >= s.End {
				break
			}
			if n := min(c.end, s.End) - max(c.start, s.Start); n > bestN {
				best, bestN = c.cluster, n
			}
		}
		return best
	}
}
