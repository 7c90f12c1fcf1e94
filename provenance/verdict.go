package provenance

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/internal/arborescence"
)

// label names a node's document in reasons.
func (c *clusterModel) label(v int) string {
	d := c.nodes[v].doc
	if l := c.m.docs[d].Label; l != "" {
		return l
	}
	return fmt.Sprintf("document %d", d)
}

// verdict turns the cluster's inference into its Verdict.
func (c *clusterModel) verdict() Verdict {
	n := len(c.nodes)
	v := Verdict{Case: c.cse, Earliest: -1, Origin: -1, MostLikely: -1, Edges: []Edge{}, Reasons: []string{}}
	for _, nd := range c.nodes {
		v.Docs = append(v.Docs, nd.doc)
	}
	if c.earliest >= 0 {
		v.Earliest = c.nodes[c.earliest].doc
	}
	if n == 0 {
		v.Undetermined = true
		v.Reasons = append(v.Reasons, "undetermined: the cluster has no copies")
		return v
	}
	v.Quotation = true
	for _, nd := range c.nodes {
		if nd.quote < 0.5 && !nd.speech {
			v.Quotation = false
		}
	}
	floor := c.m.opts.Floor
	best, bestP := -1, c.st.External
	for k, p := range c.st.Origin {
		if p > bestP {
			best, bestP = k, p
		}
	}
	v.ExternalProbability = round4(c.st.External)
	c.agreeWith(best)
	v.MostLikely = -1
	if best >= 0 {
		v.MostLikely = c.nodes[best].doc
	}
	switch {
	case n == 1:
		v.Origin, v.MostLikely, v.OriginProbability = c.nodes[0].doc, c.nodes[0].doc, 1
		v.Reasons = append(v.Reasons, "the passage has a single copy in the corpus")
	case bestP < floor:
		v.Undetermined = true
		v.OriginProbability = round4(bestP)
		if best >= 0 {
			v.Reasons = append(v.Reasons, fmt.Sprintf("undetermined: no origin reaches %.0f%% (most likely %s, %.2f; outside the corpus %.2f)",
				100*floor, c.label(best), bestP, c.st.External))
		} else {
			v.Reasons = append(v.Reasons, fmt.Sprintf("undetermined: no origin reaches %.0f%% (most likely outside the corpus, %.2f)",
				100*floor, bestP))
			v.Reasons = append(v.Reasons, c.outsideReasons()...)
		}
	case best < 0:
		v.OriginProbability = round4(bestP)
		v.Reasons = append(v.Reasons, fmt.Sprintf("origin most likely outside the corpus (probability %.2f)", bestP))
		v.Reasons = append(v.Reasons, c.outsideReasons()...)
	default:
		v.Origin = c.nodes[best].doc
		v.OriginProbability = round4(bestP)
		v.Reasons = append(v.Reasons, fmt.Sprintf("%s is the most likely origin (probability %.2f; outside the corpus %.2f)",
			c.label(best), bestP, c.st.External))
		v.Reasons = append(v.Reasons, c.originReasons(best)...)
	}
	if c.earliest >= 0 {
		v.Reasons = append(v.Reasons, fmt.Sprintf("earliest witness by date: %s (%s)", c.label(c.earliest), c.granularityWords(c.earliest)))
	} else if c.anyDated && c.cse != CaseMissing {
		v.Reasons = append(v.Reasons, "the earliest dates tie: no earliest witness")
	}
	v.Edges = c.edges()
	return v
}

// granularityWords describes a node's date granularity.
func (c *clusterModel) granularityWords(k int) string {
	switch c.m.dateOf(c.nodes[k].doc).Granularity {
	case GranularityDay:
		return "day dates"
	case GranularityMinute:
		return "minute timestamps"
	case GranularitySecond:
		return "second timestamps"
	}
	return "undated"
}

// outsideReasons explain an outside origin.
func (c *clusterModel) outsideReasons() []string {
	var out []string
	what := "someone's words"
	cues := map[string]int{}
	best := 0
	for _, nd := range c.nodes {
		if nd.cue != "" {
			cues[nd.cue]++
		}
	}
	for _, cue := range []string{"tweet", "briefing", "statement", "press release", "news release", "news conference",
		"press conference", "interview", "speech", "told reporters", "communique"} {
		if cues[cue] > best && 2*cues[cue] >= len(c.nodes) {
			what, best = "words from "+article(cue)+cue, cues[cue]
		}
	}
	if best == 0 {
		for _, nd := range c.nodes {
			for _, cr := range nd.credits {
				if !c.isClusterSource(cr) {
					what = "words given to " + cr
				}
			}
		}
	}
	quoted := 0
	for _, nd := range c.nodes {
		if nd.quote >= 0.5 || nd.speech {
			quoted++
		}
	}
	switch {
	case quoted == len(c.nodes):
		out = append(out, fmt.Sprintf("all copies quote %s: likely a common outside source", what))
	case quoted > 0:
		out = append(out, fmt.Sprintf("%d of %d copies quote %s", quoted, len(c.nodes), what))
	}
	for k, nd := range c.nodes {
		for _, cr := range nd.credits {
			if !c.isClusterSource(cr) {
				out = append(out, fmt.Sprintf("%s credits %s, which is not in the corpus", c.label(k), cr))
			}
		}
	}
	roots := 0
	for _, p := range c.parent {
		if p < 0 {
			roots++
		}
	}
	if roots >= 2 {
		out = append(out, fmt.Sprintf("%d copies look independent of each other", roots))
	}
	return capReasons(out, 4)
}

// originReasons explain why node k is the origin: the reasons of its
// edges to the copies that derive from it.
func (c *clusterModel) originReasons(k int) []string {
	var out []string
	for v, p := range c.parent {
		if p == k {
			for _, r := range c.edgeReasons(k, v) {
				if !slices.Contains(out, r) {
					out = append(out, r)
				}
			}
		}
	}
	return capReasons(out, 4)
}

func article(noun string) string {
	switch noun {
	case "interview":
		return "an "
	case "told reporters":
		return "what someone "
	}
	return "a "
}

func capReasons(rs []string, n int) []string {
	if len(rs) > n {
		return rs[:n]
	}
	return rs
}

// edges lists the most likely tree: one edge per copy that derives from
// another, then co-derived edges between copies hanging from outside.
func (c *clusterModel) edges() []Edge {
	n := len(c.nodes)
	var out []Edge
	var rootKids []int
	for v, p := range c.parent {
		if p < 0 {
			rootKids = append(rootKids, v)
			continue
		}
		out = append(out, Edge{
			From: c.nodes[p].doc, To: c.nodes[v].doc,
			Probability: round4(c.st.Edge[p*n+v]),
			Kind:        c.kind(p, v),
			Reasons:     c.edgeReasons(p, v),
		})
	}
	if len(rootKids) >= 2 {
		for i := 1; i < len(rootKids); i++ {
			a, b := rootKids[i-1], rootKids[i]
			p := 0.0
			if c.ok {
				p = arborescence.BothFromRoot(n, c.w, c.r, a, b, c.st.LogZ)
			}
			reasons := c.outsideReasons()
			if len(reasons) == 0 {
				reasons = []string{"neither copy looks derived from the other"}
			}
			out = append(out, Edge{From: c.nodes[a].doc, To: c.nodes[b].doc, Probability: round4(p),
				Kind: KindCoDerived, Reasons: reasons})
		}
	}
	slices.SortStableFunc(out, func(x, y Edge) int {
		return cmp.Compare(kindRank(x.Kind), kindRank(y.Kind))
	})
	if out == nil {
		out = []Edge{}
	}
	return out
}

func kindRank(k Kind) int {
	if k == KindCoDerived {
		return 1
	}
	return 0
}

// kind says how v's copy differs from its parent u's.
func (c *clusterModel) kind(u, v int) Kind {
	a, b := &c.nodes[u], &c.nodes[v]
	da, db := c.m.info(a.doc), c.m.info(b.doc)
	if db.comp >= 0.5 && da.comp < 0.5 {
		return KindCompiled
	}
	if slices.Equal(a.h, b.h) {
		return KindVerbatim
	}
	ha, ta, ma := extras(a.h, b.tri)
	hb, tb, mb := extras(b.h, a.tri)
	lostA, lostB := ha+ta+ma, hb+tb+mb
	switch {
	case lostA >= 2 && lostB == 0:
		return KindTrimmed
	case lostB >= 2 && lostA == 0:
		return KindExpanded
	case len(b.credits) > 0 && len(a.credits) == 0:
		return KindExpanded
	}
	return KindEdited
}

// minContribution is the smallest contribution to an edge's log-odds (in
// nats) that a reason states.
const minContribution = 0.25

// edgeReasons explain why u→v rather than v→u: the features whose weighted
// difference favours the edge most.
func (c *clusterModel) edgeReasons(u, v int) []string {
	fuv := make([]float64, numEdgeFeatures)
	fvu := make([]float64, numEdgeFeatures)
	c.edgeFeatures(fuv, u, v)
	c.edgeFeatures(fvu, v, u)
	wts := c.m.opts.Weights
	type contrib struct {
		k   int
		x   float64 // contribution to the log-odds
		val float64 // the feature's value for u→v, which the phrase reads
	}
	var cs []contrib
	total := 0.0
	for k := 0; k < numEdgeFeatures; k++ {
		x := wts.edge(k) * (fuv[k] - fvu[k])
		total += x
		if x >= minContribution {
			cs = append(cs, contrib{k, x, fuv[k]})
		}
	}
	if c.parent[u] < 0 {
		// u hangs from the root: the tree with v under u also trades v's
		// root edge for u's. A root feature that mirrors an edge feature
		// is stated in that feature's words.
		ru, rv := make([]float64, numRootFeatures), make([]float64, numRootFeatures)
		c.rootFeatures(ru, u)
		c.rootFeatures(rv, v)
		for k := range ru {
			x := wts.root(k) * (ru[k] - rv[k])
			total += x
			if m := rootTable[k].states; m.sign != 0 && x >= minContribution {
				cs = append(cs, contrib{m.edge, x, m.sign * (ru[k] - rv[k])})
			}
		}
	}
	// How well the passage fits its host is origin evidence: it scores
	// the root edges, so it explains an edge from a copy that hangs from
	// outside the corpus (an origin), not one between two copies.
	const fitKey = -1
	if a, b := &c.nodes[u], &c.nodes[v]; c.parent[u] < 0 && a.fitDoc > b.fitDoc {
		// The reason quotes the whole-host fit: stated only when it, too,
		// favours u.
		an, ad := a.ownFit()
		bn, bd := b.ownFit()
		if x := wts.root(rfFitNear)*(an-bn) + wts.root(rfFitDoc)*(ad-bd); x >= minContribution {
			cs = append(cs, contrib{fitKey, x, 0})
		}
	}
	slices.SortStableFunc(cs, func(a, b contrib) int { return cmp.Compare(b.x, a.x) })
	var out []string
	for _, ct := range cs {
		if ct.k == fitKey {
			a, b := &c.nodes[u], &c.nodes[v]
			out = append(out, fmt.Sprintf("the passage fits %s's own text better (%.0f%% of its content words recur there, %.0f%% in %s)",
				c.label(u), 100*a.fitDoc, 100*b.fitDoc, c.label(v)))
		} else if r := c.phrase(ct.k, u, v, ct.val); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
		if len(out) == 3 {
			break
		}
	}
	if c.forbidden(v, u) {
		out = append([]string{fmt.Sprintf("%s's timestamp is well before %s's (hard date constraint)", c.label(u), c.label(v))}, out...)
	}
	switch {
	case len(out) > 0:
	case total >= 1:
		out = append(out, "no single stated signal decides; the rest together favour this direction")
	default:
		out = append(out, "weak evidence: no single signal favours this direction")
	}
	return out
}

// words is what a phrase reads: edge feature k of u→v, of value x.
type words struct {
	c       *clusterModel
	k, u, v int
	x       float64
	a, b    *node
	// A and B are the labels of u and v; first and second are A and B,
	// or B and A when x < 0.
	A, B, first, second string
}

// phrase states the fact behind edge feature k of u→v (value x) in
// words, "" when the feature has none.
func (c *clusterModel) phrase(k, u, v int, x float64) string {
	if k < 0 || k >= numEdgeFeatures || edgeTable[k].phrase == nil {
		return ""
	}
	w := &c.wc // as in edgeFeatures
	*w = words{c: c, k: k, u: u, v: v, x: x, a: &c.nodes[u], b: &c.nodes[v], A: c.label(u), B: c.label(v)}
	w.first, w.second = w.A, w.B
	if x < 0 {
		w.first, w.second = w.B, w.A
	}
	return edgeTable[k].phrase(w)
}

// revisionNoteIn returns the revision note of a story ("corrects year of
// loss in third paragraph"), cut at the end of its line or after about 60
// characters; "" when it has none.
func revisionNoteIn(text string) string {
	if !hasRevisionNote(text) {
		return ""
	}
	loc := revisionNote.FindStringIndex(text)
	note := text[loc[0]:]
	if i := strings.IndexByte(note, '\n'); i >= 0 {
		note = note[:i]
	}
	if note[0] == '(' {
		if i := strings.IndexByte(note, ')'); i >= 0 {
			note = note[:i]
		}
	}
	note = strings.TrimSpace(strings.TrimLeft(note, "(- "))
	if len(note) > 60 {
		cut := strings.LastIndexByte(note[:60], ' ')
		if cut < 20 {
			cut = 60
		}
		for cut > 0 && !utf8.RuneStart(note[cut]) {
			cut--
		}
		note = note[:cut] + "…"
	}
	return note
}

// versionPhrase describes what one version has that the other lacks.
func (c *clusterModel) versionPhrase(k, u, v int) string {
	A, B := c.label(u), c.label(v)
	ga, gb := c.versionGaps(c.nodes[u].doc, c.nodes[v].doc)
	i, where := 0, "first"
	switch k {
	case efVTail:
		i, where = 1, "last"
	case efVMid:
		i, where = 2, "middle"
	}
	switch {
	case ga[i] > gb[i]:
		return gapPhrase(B, A, A, where, true, c.docUnits(c.nodes[u].doc, k, ga[i]))
	case gb[i] > ga[i]:
		return gapPhrase(B, A, A, where, false, c.docUnits(c.nodes[v].doc, k, gb[i]))
	}
	return ""
}

// gapPhrase says that b (the sentence's subject: "B", "B's copy") drops
// or lacks what of a's at one place ("first", "last" or "middle"), or,
// when !lacks, adds what to aObj ("A", "A's").
func gapPhrase(b, a, aObj, where string, lacks bool, what string) string {
	switch {
	case lacks && where == "middle":
		return fmt.Sprintf("%s lacks %s that %s has in the middle", b, what, a)
	case lacks:
		return fmt.Sprintf("%s drops %s's %s", b, a, wherePlace(where, what))
	}
	return fmt.Sprintf("%s adds %s (%s) to %s", b, what, pick(where == "first", "at the head", pick(where == "last", "at the tail", "in the middle")), aObj)
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

// extraPhrase describes what one copy has that the other lacks.
func (c *clusterModel) extraPhrase(k, u, v int) string {
	A, B := c.label(u), c.label(v)
	a, b := &c.nodes[u], &c.nodes[v]
	ha, ta, ma := extras(a.h, b.tri)
	hb, tb, mb := extras(b.h, a.tri)
	where, nA, nB := "first", ha, hb
	switch k {
	case efTail:
		where, nA, nB = "last", ta, tb
	case efMid:
		where, nA, nB = "middle", ma, mb
	}
	switch {
	case nA > nB:
		return gapPhrase(B+"'s copy", A, A+"'s", where, true, c.unitWords(u, k, nA))
	case nB > nA:
		return gapPhrase(B+"'s copy", A, A+"'s", where, false, c.unitWords(v, k, nB))
	}
	return ""
}

// wherePlace joins "first" or "last" and a count of units: "last two
// sentences", "first word" (not "first one word").
func wherePlace(where, what string) string {
	if one, ok := strings.CutPrefix(what, "one "); ok {
		return where + " " + one
	}
	return where + " " + what
}

// unitWords says "two sentences" when the n extra tokens at the head or
// tail of node k's copy hold whole sentences, else "n words".
func (c *clusterModel) unitWords(k, feature, n int) string {
	nd := &c.nodes[k]
	switch feature {
	case efHead:
		return c.units(nd.doc, nd.t0, nd.t0+n, false)
	case efTail:
		return c.units(nd.doc, nd.t1-n, nd.t1, true)
	}
	return countWords(n, "word")
}

// docUnits is unitWords for the n extra tokens at the head (efVHead) or
// tail (efVTail) of a whole document.
func (c *clusterModel) docUnits(doc, feature, n int) string {
	switch feature {
	case efVHead:
		return c.units(doc, 0, n, false)
	case efVTail:
		toks := c.m.info(doc).toks
		return c.units(doc, len(toks)-n, len(toks), true)
	}
	return countWords(n, "word")
}

// units says "two sentences" when tokens [i, j) of doc hold whole
// sentences (one is enough at a tail), else "n words".
func (c *clusterModel) units(doc, i, j int, tail bool) string {
	n := j - i
	toks := c.m.info(doc).toks
	if n <= 0 || i < 0 || j > len(toks) {
		return countWords(max(n, 0), "word")
	}
	text := c.m.docs[doc].Text
	lo, hi := int(toks[i].Start), int(toks[j-1].End)
	s := text[lo:min(len(text), hi+1)]
	sents := strings.Count(s, ". ") + strings.Count(s, "? ") + strings.Count(s, "! ")
	if strings.HasSuffix(strings.TrimSpace(s), ".") {
		sents++
	}
	if sents >= 1 && tail || sents >= 2 {
		return countWords(sents, "sentence")
	}
	return countWords(n, "word")
}

var smallNumbers = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

func countWords(n int, unit string) string {
	num := fmt.Sprint(n)
	if n < len(smallNumbers) {
		num = smallNumbers[n]
	}
	if n == 1 {
		return num + " " + unit
	}
	return num + " " + unit + "s"
}

// gapWords writes a time gap the way a person would: "40 min", "3 h",
// "2 days".
func gapWords(hours float64) string {
	switch {
	case hours < 1:
		return fmt.Sprintf("%d min", int(math.Round(hours*60)))
	case hours < 48:
		return fmt.Sprintf("%d h", int(math.Round(hours)))
	}
	return fmt.Sprintf("%d days", int(math.Round(hours/24)))
}

func round4(x float64) float64 {
	return math.Round(x*10000) / 10000
}

// before is 1 when u's date is strictly before v's, -1 when after, 0
// when unknown, tied or ignored.
func (c *clusterModel) before(u, v int) int {
	sign, _, _, ok := compareDates(c.m.dateOf(c.nodes[u].doc), c.m.dateOf(c.nodes[v].doc))
	if !ok {
		return 0
	}
	return -sign
}

// pairAcc accumulates pairwise verdicts over clusters.
type pairAcc struct {
	acc map[[2]int]*pairSum
}

type pairSum struct {
	first  [2]float64 // weighted P(A first), P(B first)
	weight float64
}

func newPairAcc() *pairAcc { return &pairAcc{acc: make(map[[2]int]*pairSum)} }

// addPairs adds the cluster's ancestor probabilities for every pair of its
// documents, weighted by the shorter copy's words.
func (c *clusterModel) addPairs(pa *pairAcc) {
	n := len(c.nodes)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			di, dj := c.nodes[i].doc, c.nodes[j].doc
			if di >= dj {
				continue
			}
			key := [2]int{di, dj}
			s := pa.acc[key]
			if s == nil {
				s = &pairSum{}
				pa.acc[key] = s
			}
			w := float64(max(1, min(c.nodes[i].words, c.nodes[j].words)))
			pij, pji := c.rel.First(n, i, j, c.before(i, j))
			s.first[0] += w * pij
			s.first[1] += w * pji
			s.weight += w
		}
	}
}

// verdicts turns the accumulated pairs into verdicts, ordered by (A, B).
func (pa *pairAcc) verdicts(docs []Document, opts Options) []PairVerdict {
	keys := make([][2]int, 0, len(pa.acc))
	for k := range pa.acc {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y [2]int) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
	out := make([]PairVerdict, 0, len(keys))
	for _, k := range keys {
		s := pa.acc[k]
		pv := PairVerdict{A: k[0], B: k[1], Source: -1}
		if s.weight > 0 {
			pv.AFirst, pv.BFirst = s.first[0]/s.weight, s.first[1]/s.weight
		}
		pv.Case = pairCase(docs[k[0]].Date, docs[k[1]].Date, opts.IgnoreDates)
		switch {
		case pv.AFirst >= opts.Floor && pv.AFirst > pv.BFirst:
			pv.Source, pv.Probability = pv.A, pv.AFirst
		case pv.BFirst >= opts.Floor && pv.BFirst > pv.AFirst:
			pv.Source, pv.Probability = pv.B, pv.BFirst
		}
		pv.AFirst, pv.BFirst, pv.Probability = round4(pv.AFirst), round4(pv.BFirst), round4(pv.Probability)
		out = append(out, pv)
	}
	return out
}

// pairCase says what two documents' dates can tell.
func pairCase(a, b Date, ignore bool) Case {
	if ignore {
		return CaseMissing
	}
	sign, _, _, ok := compareDates(a, b)
	switch {
	case !ok:
		return CaseMissing
	case sign == 0:
		return CaseTied
	}
	return CaseDistinct
}
