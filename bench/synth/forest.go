package synth

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/bench/internal/splitmix"
)

// This file generates derivation forests: corpora in which a passage is
// copied from document to document along a known tree (a chain, a star, a
// random tree, a compilation of passages from several documents, or a tree
// whose origin is hidden outside the corpus, possibly a quotation that
// every copy presents as someone's words), with noisy dates. It measures
// provenance: which copy came first and which derives from which. It adds
// to Generate and changes none of its behaviour.

// ForestSchema names the forest truth format.
const ForestSchema = "reprint/synth-forest/v1"

// The shapes of derivation trees.
const (
	ShapeChain       = "chain"       // origin → copy → copy of the copy → …
	ShapeStar        = "star"        // every copy from the origin
	ShapeRandom      = "random"      // each copy from a random earlier node
	ShapeHidden      = "hidden"      // the origin is left out of the corpus
	ShapeCompilation = "compilation" // one document takes passages from several origins, in order
)

// ShapeRates weighs the tree shapes; they need not sum to one.
type ShapeRates struct {
	Chain       float64 `json:"chain"`
	Star        float64 `json:"star"`
	Random      float64 `json:"random"`
	Hidden      float64 `json:"hidden"`
	Compilation float64 `json:"compilation"`
}

func (s ShapeRates) weights() []float64 {
	return []float64{s.Chain, s.Star, s.Random, s.Hidden, s.Compilation}
}

var shapes = []string{ShapeChain, ShapeStar, ShapeRandom, ShapeHidden, ShapeCompilation}

// ForestConfig sets up GenerateForest. Start from DefaultForestConfig.
type ForestConfig struct {
	// Seed decides every random choice.
	Seed int64 `json:"seed"`
	// Trees is the number of derivation trees (a compilation counts one
	// tree per origin it draws from).
	Trees int `json:"trees"`
	// Distractors is the number of untouched documents added.
	Distractors int `json:"distractors"`
	// Shapes weighs the tree shapes.
	Shapes ShapeRates `json:"shapes"`
	// MinCopies and MaxCopies bound the copies in a tree, the origin not
	// counted (a hidden tree has at least two, a compilation draws from
	// two or three origins).
	MinCopies int `json:"min_copies"`
	MaxCopies int `json:"max_copies"`
	// QuoteRate is the share of hidden trees whose copies all present the
	// passage as someone's words: `A spokesman said: "…"`.
	QuoteRate float64 `json:"quote_rate"`
	// ContextRate is the share of copies put after a sentence of the
	// origin's story with half of its words replaced: copies usually sit
	// in stories about the same event, so their words fit their hosts
	// too, yet that sentence is no shared text.
	ContextRate float64 `json:"context_rate"`
	// Outlets are the sources given to documents (metadata); an
	// attribution edit credits the parent's outlet. Empty: no sources.
	Outlets []string `json:"outlets"`
	// MinWords, MaxWords and MaxSentences bound an origin passage.
	MinWords     int `json:"min_words"`
	MaxWords     int `json:"max_words"`
	MaxSentences int `json:"max_sentences"`
	// Edits weighs the edit operations applied on every copy step.
	Edits               EditRates `json:"edits"`
	SubstituteFractions []float64 `json:"substitute_fractions"`
	// MinDocWords, MaxDigitShare and NGram choose the input documents, as
	// in Config.
	MinDocWords   int     `json:"min_doc_words"`
	MaxDigitShare float64 `json:"max_digit_share"`
	NGram         int     `json:"ngram"`
	// Dates times the documents: each copy comes MinGap to MaxGap after
	// its parent; MissingRate, TieRate (the day of the parent, at day
	// granularity) and WrongRate (before the parent) corrupt the dates as
	// written.
	Dates DateConfig `json:"dates"`
}

// DefaultForestConfig returns a configuration sized for half of the
// Reuters dev corpus: 300 trees of two to five copies, with date noise.
func DefaultForestConfig() ForestConfig {
	return ForestConfig{
		Seed:                1,
		Trees:               300,
		Distractors:         100,
		Shapes:              ShapeRates{Chain: 0.2, Star: 0.25, Random: 0.2, Hidden: 0.2, Compilation: 0.15},
		MinCopies:           1,
		MaxCopies:           4,
		QuoteRate:           0.5,
		ContextRate:         0.5,
		Outlets:             []string{"Reuters", "AP", "AFP", "Bloomberg", "BBC", "CNN", "Sky News", "Al Jazeera"},
		MinWords:            12,
		MaxWords:            90,
		MaxSentences:        4,
		Edits:               EditRates{Verbatim: 0.25, Trim: 0.2, Substitute: 0.25, Punctuation: 0.1, Reorder: 0.05, Attribution: 0.15},
		SubstituteFractions: []float64{0.03, 0.05, 0.1, 0.2},
		MinDocWords:         60,
		MaxDigitShare:       0.25,
		NGram:               6,
		Dates: DateConfig{
			Start:       time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC),
			MinGap:      20 * time.Minute,
			MaxGap:      30 * time.Hour,
			MissingRate: 0.2,
			TieRate:     0.15,
			WrongRate:   0.05,
		},
	}
}

// Validate reports the first problem with c.
func (c ForestConfig) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch {
	case c.Trees < 1:
		return bad("trees must be at least 1, got %d", c.Trees)
	case c.Distractors < 0:
		return bad("distractors must not be negative, got %d", c.Distractors)
	case c.MinCopies < 1 || c.MaxCopies < c.MinCopies:
		return bad("copy range [%d,%d] is empty", c.MinCopies, c.MaxCopies)
	case c.QuoteRate < 0 || c.QuoteRate > 1:
		return bad("quote rate must be in [0,1], got %g", c.QuoteRate)
	case c.ContextRate < 0 || c.ContextRate > 1:
		return bad("context rate must be in [0,1], got %g", c.ContextRate)
	case c.MinWords < 1 || c.MaxWords < c.MinWords:
		return bad("word range [%d,%d] is empty", c.MinWords, c.MaxWords)
	case c.MaxSentences < 1:
		return bad("max sentences must be at least 1, got %d", c.MaxSentences)
	case c.MaxDigitShare <= 0 || c.MaxDigitShare > 1:
		return bad("max digit share must be in (0,1], got %g", c.MaxDigitShare)
	case c.NGram < 1:
		return bad("ngram must be at least 1, got %d", c.NGram)
	case c.Dates.MinGap <= 0 || c.Dates.MaxGap < c.Dates.MinGap:
		return bad("date gap range [%v,%v] is empty or not positive", c.Dates.MinGap, c.Dates.MaxGap)
	}
	total := 0.0
	for _, w := range c.Shapes.weights() {
		if w < 0 {
			return bad("shape rates must not be negative")
		}
		total += w
	}
	if total <= 0 {
		return bad("all shape rates are zero")
	}
	total = 0
	for _, w := range c.Edits.weights() {
		if w < 0 {
			return bad("edit rates must not be negative")
		}
		total += w
	}
	if total <= 0 {
		return bad("all edit rates are zero")
	}
	if c.Edits.Substitute > 0 && len(c.SubstituteFractions) == 0 {
		return bad("substitution needs at least one substitute fraction")
	}
	d := c.Dates
	for _, r := range []float64{d.MissingRate, d.TieRate, d.WrongRate} {
		if r < 0 || r > 1 {
			return bad("date noise rates must be in [0,1], got %g", r)
		}
	}
	if d.MissingRate+d.TieRate+d.WrongRate > 1 {
		return bad("date noise rates sum to more than 1")
	}
	return nil
}

// Forest is a generated corpus with derivation trees.
type Forest struct {
	// Documents are ordered by id.
	Documents []ForestDocument
	Truth     *ForestTruth
}

// ForestDocument is one document as written to JSON Lines.
type ForestDocument struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Date is RFC 3339 (a date alone at day granularity), empty when
	// missing.
	Date string `json:"date,omitempty"`
	// Source is the document's outlet, empty when Outlets is.
	Source string `json:"source,omitempty"`
}

// ForestTruth is the ground truth of a forest.
type ForestTruth struct {
	Schema    string       `json:"schema"`
	Config    ForestConfig `json:"config"`
	Documents []TruthDoc   `json:"documents"`
	Trees     []Tree       `json:"trees"`
}

// Tree is one derivation tree: every copy of one passage in the corpus and
// where each came from.
type Tree struct {
	ID    string `json:"id"`
	Shape string `json:"shape"`
	// Origin is the document the passage was first written in; empty
	// when it is outside the corpus.
	Origin string `json:"origin"`
	// Quotation is set when every copy presents the passage as someone's
	// words.
	Quotation bool `json:"quotation,omitempty"`
	// Nodes lists the origin (if in the corpus) and every copy, parents
	// before children.
	Nodes []TreeNode `json:"nodes"`
}

// TreeNode is one document's copy of a tree's passage.
type TreeNode struct {
	Doc string `json:"doc"`
	// Parent is the document it was copied from; empty for the origin and
	// for copies taken from a hidden origin.
	Parent string `json:"parent"`
	// Start and End span the passage in the document's text (attribution
	// and quotation words excluded).
	Start int `json:"start"`
	End   int `json:"end"`
	// Edit is how the copy differs from its parent's ("" for the origin);
	// EditFraction the share of its words changed.
	Edit         Edit    `json:"edit,omitempty"`
	Detail       string  `json:"detail,omitempty"`
	EditFraction float64 `json:"edit_fraction"`
	Words        int     `json:"words"`
	Depth        int     `json:"depth"`
}

// WriteJSONL writes the documents, one JSON object a line.
func (f *Forest) WriteJSONL(w io.Writer) error { return writeDocuments(w, f.Documents, "forest") }

// WriteJSON writes the truth as indented JSON.
func (t *ForestTruth) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return fmt.Errorf("synth: writing forest truth: %w", err)
	}
	return nil
}

// speakers introduce quotations of an outside source.
var speakers = []string{
	"A spokesman said: ", "The statement said: ", "In a tweet, he wrote: ", "She told reporters: ",
	"He said in an interview: ", "The ministry said in a statement: ", "A spokeswoman said: ",
	"The president tweeted: ",
}

// speakerTags close quotations of an outside source: `"…," he said.`
var speakerTags = []string{`," a spokesman said.`, `," he told reporters.`, `," the statement said.`, `," she said.`,
	`," the president wrote on Twitter.`}

// fnode is one planned node of a forest tree.
type fnode struct {
	doc    *fdoc // nil for a hidden origin
	parent int   // index in the tree, -1 for the root
	text   string
	op     Edit
	e      edited
	prefix string
	suffix string
	depth  int
	inner  span // final offsets
	time   time.Time
}

// ftree is one planned tree.
type ftree struct {
	shape  string
	quote  bool
	nodes  []*fnode
	src    *fdoc // the origin document (hidden or not)
	run    span  // the origin passage, in the origin's text
	hidden bool
	id     string
}

// fdoc is one chosen document of a forest.
type fdoc struct {
	orig   Doc
	sents  []sentence
	ins    []*fnode // copies inserted, in order
	pos    int      // insertion point (original offsets)
	bound  string
	final  string
	id     string
	source string
	time   time.Time
	date   string
	noise  string
	parent *fnode // for date noise: the (latest) parent of its copies
	hidden bool
	origin bool
}

// GenerateForest builds a forest corpus from real documents. The same src
// and cfg give the same corpus, byte for byte.
func GenerateForest(src []Doc, cfg ForestConfig) (*Forest, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(src))
	for _, d := range src {
		if ids[d.ID] {
			return nil, fmt.Errorf("synth: duplicate document id %q", d.ID)
		}
		ids[d.ID] = true
	}
	r := splitmix.New(cfg.Seed, "forest-plan")
	// Plan the shapes and sizes, to know how many documents are needed.
	type plan struct {
		shape  string
		copies int
	}
	var plans []plan
	need := 0
	for t := 0; t < cfg.Trees; {
		shape := shapes[r.Pick(cfg.Shapes.weights())]
		k := r.Between(cfg.MinCopies, cfg.MaxCopies)
		switch shape {
		case ShapeHidden:
			k = max(k, 2)
		case ShapeCompilation:
			k = r.Between(2, 3) // origins
		case ShapeChain:
			k = max(k, 2)
		}
		plans = append(plans, plan{shape, k})
		need += k + 1
		if shape == ShapeCompilation {
			t += k
		} else {
			t++
		}
	}
	g := &generator{cfg: Config{Seed: cfg.Seed, Hosts: need, Distractors: cfg.Distractors,
		MinDocWords: cfg.MinDocWords, MaxDigitShare: cfg.MaxDigitShare, NGram: cfg.NGram,
		MinWords: cfg.MinWords, SubstituteFractions: cfg.SubstituteFractions}}
	if err := g.choose(src); err != nil {
		return nil, err
	}
	ed := &editor{cfg: &g.cfg, vocab: vocabulary(g.docs)}
	docs := make([]*fdoc, len(g.docs))
	for i, d := range g.docs {
		docs[i] = &fdoc{orig: d.orig, sents: d.sents}
	}
	ro := splitmix.New(cfg.Seed, "forest-outlets")
	for _, d := range docs {
		if len(cfg.Outlets) > 0 {
			d.source = cfg.Outlets[ro.IntN(len(cfg.Outlets))]
		}
	}
	next := 0
	take := func() *fdoc { d := docs[next]; next++; return d }
	var trees []*ftree
	for _, p := range plans {
		switch p.shape {
		case ShapeCompilation:
			host := take()
			for j := 0; j < p.copies; j++ {
				t := &ftree{shape: p.shape, src: take()}
				if !pickRun(r, &cfg, t) {
					continue
				}
				t.nodes = []*fnode{{doc: t.src, parent: -1, text: t.src.orig.Text[t.run.start:t.run.end]}}
				t.nodes = append(t.nodes, &fnode{doc: host, parent: 0, depth: 1})
				trees = append(trees, t)
			}
		default:
			t := &ftree{shape: p.shape, src: take(), hidden: p.shape == ShapeHidden}
			t.quote = t.hidden && r.Chance(cfg.QuoteRate)
			if !pickRun(r, &cfg, t) {
				next += p.copies
				continue
			}
			t.nodes = []*fnode{{parent: -1, text: t.src.orig.Text[t.run.start:t.run.end]}}
			if !t.hidden {
				t.nodes[0].doc = t.src
			}
			for i := 1; i <= p.copies; i++ {
				par := 0
				switch p.shape {
				case ShapeChain:
					par = i - 1
				case ShapeRandom:
					par = r.IntN(i)
				case ShapeHidden:
					if i > 2 {
						par = r.IntN(i)
					}
				}
				t.nodes = append(t.nodes, &fnode{doc: take(), parent: par, depth: t.nodes[par].depth + 1})
			}
			trees = append(trees, t)
		}
	}
	// Edit every copy from its parent's text, top down.
	ctxEd := &editor{cfg: &Config{SubstituteFractions: []float64{0.5}}, vocab: ed.vocab}
	rc := splitmix.New(cfg.Seed, "forest-context")
	for _, t := range trees {
		usedCtx := make(map[int]bool)
		for i, nd := range t.nodes {
			if i == 0 {
				continue
			}
			par := t.nodes[nd.parent]
			nd.op = Edits[r.Pick(cfg.Edits.weights())]
			pt := par.text
			if nd.op == EditAttribution {
				nd.e = edited{text: pt, src: span{0, len(pt)}}
				outlet := "officials" // a hidden origin
				if par.doc != nil {
					outlet = par.doc.source
					if outlet == "" {
						outlet = "another report"
					}
				}
				nd.prefix, nd.suffix, nd.e.detail = attributionTo(r, outlet)
			} else {
				e, ok := ed.apply(r, nd.op, pt, sentences(pt))
				if !ok {
					nd.op, e = EditVerbatim, edited{text: pt, src: span{0, len(pt)}}
				}
				nd.e = e
			}
			nd.text = nd.e.text
			if t.quote {
				nd.text = strings.ReplaceAll(nd.text, `"`, "'")
				if k := strings.TrimRight(nd.text, "."); k != nd.text && k != "" && r.Chance(0.5) {
					nd.text = k
					nd.prefix = `"`
					nd.suffix = speakerTags[r.IntN(len(speakerTags))]
				} else {
					nd.prefix = speakers[r.IntN(len(speakers))] + `"`
					nd.suffix = `"`
				}
			}
			if rc.Chance(cfg.ContextRate) {
				if c := contextSentence(rc, ctxEd, t, usedCtx); c != "" {
					nd.prefix = c + " " + nd.prefix
				}
			}
		}
	}
	// Insert copies into their hosts.
	for _, t := range trees {
		for i, nd := range t.nodes {
			if i > 0 {
				nd.doc.ins = append(nd.doc.ins, nd)
			}
		}
		if t.nodes[0].doc != nil {
			t.nodes[0].doc.origin = true
		}
		if t.hidden {
			t.src.hidden = true
		}
	}
	ri := splitmix.New(cfg.Seed, "forest-insert")
	for _, d := range docs[:next] {
		if len(d.ins) == 0 {
			continue
		}
		bs := []span{{d.sents[0].start, 0}}
		kinds := []string{"start"}
		for i, s := range d.sents {
			kind := "sentence"
			if i == len(d.sents)-1 || d.sents[i+1].para != s.para {
				kind = "paragraph"
			}
			bs = append(bs, span{s.end, 0})
			kinds = append(kinds, kind)
		}
		k := ri.IntN(len(bs))
		d.pos, d.bound = bs[k].start, kinds[k]
	}
	for _, d := range docs[:next] {
		d.build()
	}
	// Times: each tree starts at a random time, every copy comes after
	// its parent; a compilation host (never a parent) after the latest of
	// its origins.
	rt := splitmix.New(cfg.Seed, "forest-dates")
	dc := cfg.Dates
	spanSecs := int(dc.MaxGap/time.Second) * max(1, len(trees)/4)
	lo, hi := int(dc.MinGap/time.Second), int(dc.MaxGap/time.Second)
	for _, t := range trees {
		t.nodes[0].time = dc.Start.UTC().Add(time.Duration(rt.IntN(spanSecs+1)) * time.Second)
		if d := t.nodes[0].doc; d != nil {
			d.time = t.nodes[0].time
		}
		for i, nd := range t.nodes {
			if i == 0 {
				continue
			}
			at := t.nodes[nd.parent].time.Add(time.Duration(rt.Between(lo, hi)) * time.Second)
			if at.After(nd.doc.time) {
				nd.doc.time = at
			}
			nd.time = nd.doc.time
		}
	}
	for _, t := range trees {
		for _, nd := range t.nodes {
			if nd.doc != nil {
				nd.time = nd.doc.time
			}
		}
	}
	for _, d := range docs[next:] {
		d.time = dc.Start.UTC().Add(time.Duration(rt.IntN(spanSecs+1)) * time.Second)
	}
	parents := make(map[*fdoc]*fnode)
	for _, t := range trees {
		for i, nd := range t.nodes {
			if i > 0 {
				p := t.nodes[nd.parent]
				if q := parents[nd.doc]; q == nil || p.time.After(q.time) {
					parents[nd.doc] = p
				}
			}
		}
	}
	for _, d := range docs {
		if d.hidden {
			continue
		}
		d.date = d.time.Format(time.RFC3339)
		u := rt.Float64()
		p := parents[d]
		switch {
		case u < dc.MissingRate:
			d.noise, d.date = "missing", ""
		case p == nil:
		case u < dc.MissingRate+dc.TieRate:
			d.noise, d.date = "tied", p.time.Format(time.DateOnly)
		case u < dc.MissingRate+dc.TieRate+dc.WrongRate:
			back := time.Duration(rt.Between(3600, 48*3600)) * time.Second
			d.noise, d.date = "wrong", p.time.Add(-back).Format(time.RFC3339)
		}
	}
	// Names, final spans and output.
	taken := make(map[string]bool)
	for _, d := range docs {
		for n := 0; ; n++ {
			id := hashID(cfg.Seed, d.orig.ID, n)
			if !taken[id] {
				taken[id] = true
				d.id = id
				break
			}
		}
	}
	return assembleForest(cfg, docs[:next], docs[next:], trees), nil
}

// pickRun chooses the origin passage of t in t.src: free sentences ending
// in [.!?], close to a drawn length, not table-like. A tree whose origin
// is in the corpus never starts from a quotation (a run holding double
// quotes): the origin of quoted words is their speaker, outside the
// corpus, which is what hidden trees stand for.
func pickRun(r *splitmix.Rand, cfg *ForestConfig, t *ftree) bool {
	d := t.src
	if len(d.sents) == 0 {
		return false
	}
	want := r.Between(cfg.MinWords, cfg.MaxWords)
	text := d.orig.Text
	type cand struct{ i, j, key int }
	var cands []cand
	for i := range d.sents {
		words := 0
		for j := i; j < min(len(d.sents), i+cfg.MaxSentences); j++ {
			if !endsSentence(text[d.sents[j].start:d.sents[j].end]) {
				break
			}
			words += d.sents[j].words
			if words > cfg.MaxWords {
				break
			}
			if words < cfg.MinWords || digitShare(text[d.sents[i].start:d.sents[j].end]) > cfg.MaxDigitShare {
				continue
			}
			if !t.hidden && strings.ContainsAny(text[d.sents[i].start:d.sents[j].end], "\"\u201c\u201d") {
				continue
			}
			diff := words - want
			if diff < 0 {
				diff = -diff
			}
			cands = append(cands, cand{i, j + 1, diff})
		}
	}
	if len(cands) == 0 {
		return false
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.key, b.key) })
	top := min(len(cands), 3)
	c := cands[r.IntN(top)]
	t.run = span{d.sents[c.i].start, d.sents[c.j-1].end}
	return true
}

// contextSentence returns a sentence of t's origin story outside its
// passage, not used before, with half of its words replaced; "" when none
// is left.
func contextSentence(r *splitmix.Rand, ed *editor, t *ftree, used map[int]bool) string {
	d := t.src
	var free []int
	for i, s := range d.sents {
		if s.end <= t.run.start || s.start >= t.run.end {
			if !used[i] && s.words >= 6 && endsSentence(d.orig.Text[s.start:s.end]) {
				free = append(free, i)
			}
		}
	}
	if len(free) == 0 {
		return ""
	}
	i := free[r.IntN(len(free))]
	used[i] = true
	s := d.sents[i]
	e, ok := ed.substitute(r, d.orig.Text, s.span)
	if !ok {
		return ""
	}
	return e.text
}

// attributionTo draws attribution words crediting outlet.
func attributionTo(r *splitmix.Rand, outlet string) (prefix, suffix, detail string) {
	switch r.IntN(4) {
	case 0:
		return "According to " + outlet + ", ", "", "according to"
	case 1:
		return "(" + outlet + ") - ", "", "byline"
	case 2:
		return "", " (" + outlet + " reported.)", "reported"
	}
	return outlet + " reported: ", "", "reported:"
}

// build writes the document's final text: its original text with its
// copies inserted, consecutively, at its insertion point; and records each
// copy's final span.
func (d *fdoc) build() {
	if len(d.ins) == 0 {
		d.final = d.orig.Text
		return
	}
	var b strings.Builder
	b.WriteString(d.orig.Text[:d.pos])
	for k, nd := range d.ins {
		sep := " "
		switch {
		case d.bound == "start" && k == 0:
			sep = ""
		case d.bound == "paragraph" || k > 0:
			sep = "\n\n"
		}
		b.WriteString(sep)
		b.WriteString(nd.prefix)
		at := b.Len()
		b.WriteString(nd.text)
		nd.inner = span{at, at + len(nd.text)}
		b.WriteString(nd.suffix)
	}
	if d.bound == "start" {
		b.WriteString("\n\n")
	}
	b.WriteString(d.orig.Text[d.pos:])
	d.final = b.String()
}

// assembleForest writes the corpus and its truth in canonical order.
func assembleForest(cfg ForestConfig, active, distractors []*fdoc, trees []*ftree) *Forest {
	f := &Forest{Truth: &ForestTruth{Schema: ForestSchema, Config: cfg}}
	var out []*fdoc
	for _, d := range slices.Concat(active, distractors) {
		if !d.hidden {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *fdoc) int { return cmp.Compare(a.id, b.id) })
	for _, d := range out {
		f.Documents = append(f.Documents, ForestDocument{ID: d.id, Text: d.final, Date: d.date, Source: d.source})
		f.Truth.Documents = append(f.Truth.Documents, TruthDoc{
			ID: d.id, OrigID: d.orig.ID, Host: len(d.ins) > 0, Source: d.origin,
			Time: d.time.Format(time.RFC3339), Date: d.date, DateNoise: d.noise, Words: countWords(d.final),
		})
	}
	for _, t := range trees {
		tr := Tree{Shape: t.shape, Quotation: t.quote}
		if !t.hidden {
			tr.Origin = t.src.id
		}
		for i, nd := range t.nodes {
			if nd.doc == nil {
				continue
			}
			tn := TreeNode{Doc: nd.doc.id, Depth: nd.depth}
			if i == 0 {
				tn.Start, tn.End = t.run.start, t.run.end
			} else {
				tn.Start, tn.End = nd.inner.start, nd.inner.end
				if p := t.nodes[nd.parent]; p.doc != nil {
					tn.Parent = p.doc.id
				}
				tn.Edit, tn.Detail = nd.op, nd.e.detail
				if w := countWords(nd.text); w > 0 {
					tn.EditFraction = float64(nd.e.changed) / float64(w)
				}
			}
			tn.Words = countWords(nd.doc.final[tn.Start:tn.End])
			tr.Nodes = append(tr.Nodes, tn)
		}
		f.Truth.Trees = append(f.Truth.Trees, tr)
	}
	slices.SortStableFunc(f.Truth.Trees, func(a, b Tree) int {
		return cmp.Or(cmp.Compare(a.Nodes[0].Doc, b.Nodes[0].Doc), cmp.Compare(a.Nodes[0].Start, b.Nodes[0].Start))
	})
	for i := range f.Truth.Trees {
		f.Truth.Trees[i].ID = fmt.Sprintf("t%0*d", digits(len(f.Truth.Trees)), i+1)
	}
	return f
}

// ReadForestTruth reads a truth file written by ForestTruth.WriteJSON.
func ReadForestTruth(r io.Reader) (*ForestTruth, error) {
	var t ForestTruth
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, fmt.Errorf("synth: reading forest truth: %w", err)
	}
	if t.Schema != ForestSchema {
		return nil, fmt.Errorf("synth: reading forest truth: schema %q, want %q", t.Schema, ForestSchema)
	}
	return &t, nil
}

// ErrNoTrees is returned when a forest could place no tree.
var ErrNoTrees = errors.New("synth: no derivation tree could be placed")
