package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/bench/scale"
)

// table prints one markdown row a run, under a header that fits the shape.
type table struct {
	shape scale.Shape
	w     io.Writer
}

func newTable(shape scale.Shape, w io.Writer) *table {
	t := &table{shape: shape, w: w}
	var cols []string
	switch shape {
	case scale.ShapeArchive:
		cols = []string{"articles", "text MB", "wall s", "CPU s", "sys s", "peak RSS GB", "spill bytes", "copies found", "recall", "matches", "µs/article", "run"}
	case scale.ShapeLongLine:
		cols = []string{"long line bytes", "text MB", "wall s", "CPU s", "sys s", "peak RSS GB", "RSS / text", "spill bytes", "copies found", "recall", "run"}
	default:
		cols = []string{"documents", "text MB", "wall s", "CPU s", "sys s", "peak RSS GB", "spill bytes", "clusters", "boilerplate: documents", "copies found", "recall", "matches", "run"}
	}
	t.line(cols)
	align := make([]string, len(cols))
	for i := range align {
		align[i] = "---:"
	}
	align[len(align)-1] = "---"
	t.line(align)
	return t
}

func (t *table) line(cells []string) {
	fmt.Fprintf(t.w, "| %s |\n", strings.Join(cells, " | "))
}

// row prints one run.
func (t *table) row(r result) {
	ok := r.note == ""
	status := "ok"
	if !ok {
		status = r.note
	}
	mb := fmt.Sprintf("%.1f", float64(r.gen.TextBytes)/1e6)
	times := []string{secs(r.wall), secs(r.user + r.sys), secs(r.sys), gb(r.maxRSS)}
	spill := "-"
	if r.spill >= 0 {
		spill = commas(r.spill)
	}
	found, recall, matches := "-", "-", "-"
	if ok {
		found = commas(int64(r.recall.Found)) + " / " + commas(int64(r.recall.Planted))
		recall = fmt.Sprintf("%.3f", r.recall.Rate())
		matches = commas(int64(r.matches))
	}
	var cells []string
	switch t.shape {
	case scale.ShapeArchive:
		cells = append([]string{commas(int64(r.size)), mb}, times...)
		cells = append(cells, spill, found, recall, matches, fmt.Sprintf("%.0f", perArticle(r)), status)
	case scale.ShapeLongLine:
		cells = append([]string{commas(int64(r.size)), mb}, times...)
		ratio := fmt.Sprintf("%.1f×", float64(r.maxRSS)/float64(max(r.gen.TextBytes, 1)))
		cells = append(cells, ratio, spill, found, recall, status)
	default:
		clusters, boiler := "-", "-"
		if ok {
			clusters, boiler = commas(int64(r.clusters)), boilerplate(r)
		}
		cells = append([]string{commas(int64(r.size)), mb}, times...)
		cells = append(cells, spill, clusters, boiler, found, recall, matches, status)
	}
	t.line(cells)
}

// summary prints, for the archive, the ratio of the time per article at
// the largest size to that at the smallest (the "cost linear"
// target: within 1.3×), in wall time and, steadier on a shared machine,
// in CPU time.
func (t *table) summary(results []result) {
	if t.shape != scale.ShapeArchive {
		return
	}
	var done []result
	for _, r := range results {
		if r.note == "" {
			done = append(done, r)
		}
	}
	if len(done) < 2 {
		return
	}
	lo := slices.MinFunc(done, func(a, b result) int { return a.size - b.size })
	hi := slices.MaxFunc(done, func(a, b result) int { return a.size - b.size })
	if lo.size == hi.size {
		return
	}
	cpu := func(r result) float64 { return float64((r.user + r.sys).Microseconds()) / float64(r.size) }
	fmt.Fprintf(t.w, "\ntime per article at %s articles / at %s: %.0f µs / %.0f µs = %.2f× (target: within 1.3×); CPU time per article: %.2f×\n",
		commas(int64(hi.size)), commas(int64(lo.size)), perArticle(hi), perArticle(lo), perArticle(hi)/perArticle(lo), cpu(hi)/cpu(lo))
}

// boilerplate lists the report's boilerplate entries by their document
// counts, largest first: "2: 1,999, 1,998".
func boilerplate(r result) string {
	if len(r.boiler) == 0 {
		return "0"
	}
	counts := make([]int, len(r.boiler))
	for i, b := range r.boiler {
		counts[i] = b.Documents
	}
	slices.SortFunc(counts, func(a, b int) int { return b - a })
	const shown = 6
	var parts []string
	for _, c := range counts[:min(len(counts), shown)] {
		parts = append(parts, commas(int64(c)))
	}
	s := strconv.Itoa(len(counts)) + ": " + strings.Join(parts, ", ")
	if len(counts) > shown {
		s += ", …"
	}
	return s
}

func perArticle(r result) float64 {
	return float64(r.wall.Microseconds()) / float64(max(r.size, 1))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }

// gb is a byte count in GB (10⁹ bytes), two decimals.
func gb(n int64) string { return fmt.Sprintf("%.2f", float64(n)/1e9) }

// commas writes n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
