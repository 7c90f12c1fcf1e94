package provenance

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/reprint-dev/reprint"
	prov "github.com/reprint-dev/reprint/provenance"
)

// Cases are the date cases results are broken down by, then all together.
var Cases = []string{"distinct", "tied", "missing", "all"}

// Acc accumulates an accuracy where an undecided answer scores one half
// (a coin flip), and how many answers were decided.
type Acc struct {
	Sum     float64
	N       int
	Decided int
}

// Add scores one answer: 1 right, 0 wrong, 0.5 undecided.
func (a *Acc) Add(score float64) {
	a.Sum += score
	a.N++
	if score != 0.5 {
		a.Decided++
	}
}

// Value is the accuracy (NaN when empty).
func (a Acc) Value() float64 {
	if a.N == 0 {
		return math.NaN()
	}
	return a.Sum / float64(a.N)
}

// ByCase holds one Acc per date case and one for all.
type ByCase map[string]*Acc

// Add scores an answer under its case and under "all".
func (b ByCase) Add(cse string, score float64) {
	for _, k := range []string{cse, "all"} {
		if b[k] == nil {
			b[k] = &Acc{}
		}
		b[k].Add(score)
	}
}

// Table is a set of methods scored by date case.
type Table struct {
	Title   string
	Methods []string
	Rows    map[string]ByCase
}

// NewTable returns an empty table with the methods in order.
func NewTable(title string, methods ...string) *Table {
	t := &Table{Title: title, Methods: methods, Rows: make(map[string]ByCase)}
	for _, m := range methods {
		t.Rows[m] = ByCase{}
	}
	return t
}

// Add scores one answer of a method.
func (t *Table) Add(method, cse string, score float64) { t.Rows[method].Add(cse, score) }

// Get returns a method's accuracy in a case.
func (t *Table) Get(method, cse string) float64 {
	if a := t.Rows[method][cse]; a != nil {
		return a.Value()
	}
	return math.NaN()
}

// Write prints the table: accuracy (and count) per case.
func (t *Table) Write(w io.Writer) {
	fmt.Fprintf(w, "%s\n", t.Title)
	fmt.Fprintf(w, "  %-28s", "method")
	for _, c := range Cases {
		fmt.Fprintf(w, " %16s", c)
	}
	fmt.Fprintln(w)
	for _, m := range t.Methods {
		fmt.Fprintf(w, "  %-28s", m)
		for _, c := range Cases {
			a := t.Rows[m][c]
			if a == nil || a.N == 0 {
				fmt.Fprintf(w, " %16s", "-")
				continue
			}
			fmt.Fprintf(w, " %16s", fmt.Sprintf("%.3f (%d)", a.Value(), a.N))
		}
		fmt.Fprintln(w)
	}
}

// Calib accumulates probabilistic forecasts over three outcomes (first,
// second, neither) for the expected calibration error of the top label
// and the Brier score.
type Calib struct {
	conf    []float64
	correct []bool
	brier   float64
}

// Add records a forecast and the true outcome.
func (c *Calib) Add(p [3]float64, truth int) {
	top := 0
	for k := 1; k < 3; k++ {
		if p[k] > p[top] {
			top = k
		}
	}
	c.conf = append(c.conf, p[top])
	c.correct = append(c.correct, top == truth)
	for k := 0; k < 3; k++ {
		y := 0.0
		if k == truth {
			y = 1
		}
		c.brier += (p[k] - y) * (p[k] - y)
	}
}

// N is the number of forecasts.
func (c *Calib) N() int { return len(c.conf) }

// ECE is the expected calibration error of the top label over ten
// equal-width confidence bins.
func (c *Calib) ECE() float64 {
	const bins = 10
	var sumConf, sumAcc [bins]float64
	var cnt [bins]int
	for i, p := range c.conf {
		b := min(int(p*bins), bins-1)
		sumConf[b] += p
		if c.correct[i] {
			sumAcc[b]++
		}
		cnt[b]++
	}
	e := 0.0
	for b := 0; b < bins; b++ {
		if cnt[b] > 0 {
			e += math.Abs(sumConf[b]-sumAcc[b]) / float64(len(c.conf))
		}
	}
	return e
}

// Brier is the mean three-outcome Brier score (0 best, 2 worst).
func (c *Calib) Brier() float64 {
	if len(c.conf) == 0 {
		return math.NaN()
	}
	return c.brier / float64(len(c.conf))
}

// deterministic turns a baseline's answer (1 first, 0 second, 0.5
// undecided) into a forecast.
func deterministic(score float64) [3]float64 {
	switch score {
	case 1:
		return [3]float64{1, 0, 0}
	case 0:
		return [3]float64{0, 1, 0}
	}
	return [3]float64{0.5, 0.5, 0}
}

// dateCase names what two dates can tell: "distinct", "tied" or
// "missing".
func dateCase(a, b reprint.Date) string {
	s, ok := compareDates(a, b)
	switch {
	case !ok:
		return "missing"
	case s == 0:
		return "tied"
	}
	return "distinct"
}

// compareDates orders two dates at the coarser granularity
// (Date.Compare); ok is false when either is undated.
func compareDates(a, b reprint.Date) (int, bool) {
	if a.IsZero() || b.IsZero() {
		return 0, false
	}
	return a.Compare(b), true
}

// clusterCase names what a cluster's dates can tell.
func clusterCase(dates []reprint.Date) string {
	tie := false
	for i := range dates {
		if dates[i].IsZero() {
			return "missing"
		}
		for j := i + 1; j < len(dates); j++ {
			if s, _ := compareDates(dates[i], dates[j]); s == 0 {
				tie = true
			}
		}
	}
	if tie {
		return "tied"
	}
	return "distinct"
}

// pairScore scores a pair verdict against the truth that first's text
// came first: 1 right, 0 wrong, 0.5 undetermined.
func pairScore(pv prov.PairVerdict, first int) float64 {
	switch pv.Source {
	case -1:
		return 0.5
	case first:
		return 1
	}
	return 0
}

// forcedScore scores the more probable direction, ignoring the floor.
func forcedScore(pv prov.PairVerdict, first int) float64 {
	pf, ps := pv.AFirst, pv.BFirst
	if first == pv.B {
		pf, ps = ps, pf
	}
	switch {
	case pf > ps:
		return 1
	case pf < ps:
		return 0
	}
	return 0.5
}

// forecast returns the pair verdict's probabilities as (first, second,
// neither) for the given first document.
func forecast(pv prov.PairVerdict, first int) [3]float64 {
	pf, ps := pv.AFirst, pv.BFirst
	if first == pv.B {
		pf, ps = ps, pf
	}
	return [3]float64{pf, ps, math.Max(0, 1-pf-ps)}
}

// byWords scores "the longer (longer=true) or shorter document is the
// origin" for a pair whose first document has wf words and second ws.
func byWords(wf, ws int, longer bool) float64 {
	switch {
	case wf == ws:
		return 0.5
	case (wf > ws) == longer:
		return 1
	}
	return 0
}

// byContainment scores "the document less contained in the other is the
// origin" (lessIsOrigin) or its reverse, from each side's containment.
func byContainment(cf, cs float64, lessIsOrigin bool) float64 {
	switch {
	case cf == cs:
		return 0.5
	case (cf < cs) == lessIsOrigin:
		return 1
	}
	return 0
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.3f", x)
}

func line(w io.Writer, s string) { fmt.Fprintln(w, strings.TrimRight(s, " ")) }
