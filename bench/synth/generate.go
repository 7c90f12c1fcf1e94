package synth

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/bench/internal/splitmix"
)

// Corpus is a generated corpus: its documents, ordered by id, and the truth
// about what was planted where.
type Corpus struct {
	Documents []Document
	Truth     *Truth
}

// Document is one document of a generated corpus, as written to JSON Lines.
type Document struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Date is RFC 3339: a date-time, or a full date ("2017-06-09") for a
	// date known to the day only; empty when missing.
	Date string `json:"date,omitempty"`
}

// WriteJSONL writes one {"id","text","date"} object a line, in id order.
func (c *Corpus) WriteJSONL(w io.Writer) error { return writeDocuments(w, c.Documents, "corpus") }

// writeDocuments writes docs as JSON Lines; what names them in errors.
func writeDocuments[D any](w io.Writer, docs []D, what string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return fmt.Errorf("synth: writing %s: %w", what, err)
		}
	}
	return nil
}

// Errors Generate returns when the input cannot support the Config.
var (
	// ErrNotEnoughDocs: too few input documents are long enough, prose
	// rather than tables, and free of text shared with each other.
	ErrNotEnoughDocs = errors.New("synth: not enough usable source documents")
	// ErrExhausted: the chosen documents ran out of sentences to plant.
	ErrExhausted = errors.New("synth: source text exhausted")
)

// Generate builds a corpus from real documents: it chooses hosts, sources
// and distractors that share no word n-gram, plants Config.Passages edited
// copies of source passages into hosts, dates the documents and records the
// ground truth. The same src and cfg give the same corpus, byte for byte.
func Generate(src []Doc, cfg Config) (*Corpus, error) {
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
	g := &generator{cfg: cfg}
	if err := g.choose(src); err != nil {
		return nil, err
	}
	g.assignRoles()
	g.ed = &editor{cfg: &g.cfg, vocab: vocabulary(g.docs)}
	if err := g.plan(); err != nil {
		return nil, err
	}
	g.insert()
	g.build()
	g.date()
	g.name()
	return g.corpus(), nil
}

// generator holds the state of one Generate call.
type generator struct {
	cfg      Config
	ed       *editor
	docs     []*doc // chosen documents, in the order chosen
	timeline []*doc // hosts and sources, earliest first
	hosts    []*doc // designated hosts, in timeline order
	origins  []*origin
	copies   []*planted
}

// doc is a chosen document and what happens to it.
type doc struct {
	orig    Doc
	sents   []sentence
	rank    int    // timeline position; -1 for distractors
	host    bool   // designated host
	used    []bool // sentences taken by a passage
	runs    []span // passage runs, original offsets
	ins     []*planted
	final   string
	id      string
	time    time.Time
	date    string
	noise   string
	gave    bool // some passage was copied from it
	loaded  int  // copies planned into it
	starved int  // plans that found no source text for it
}

// origin is a run of source sentences planted one or more times.
type origin struct {
	src         *doc
	first, last int // sentences [first,last)
	run         span
	words       int
	copies      []*planted
	final       span
	id          string
}

// planted is one copy of an origin in a host.
type planted struct {
	origin   *origin
	host     *doc
	op       Edit
	e        edited
	seq      int
	pos      int // insertion point, original offsets of the host
	boundary string
	inner    span // final offsets in the host
	outer    span
	srcFinal span // final offsets in the source
	id       string
}

// insertion returns the bytes inserted into the host for p.
func (p *planted) insertion() (text string, lead int) {
	body := p.e.prefix + p.e.text + p.e.suffix
	switch p.boundary {
	case "start":
		return body + "\n\n", 0
	case "paragraph":
		return "\n\n" + body, 2
	}
	return " " + body, 1
}

// choose walks the input in a seeded order and keeps documents that are
// long enough, not table-like, and share no n-gram with one already kept,
// until it has hosts, sources and distractors.
func (g *generator) choose(src []Doc) error {
	r := splitmix.New(g.cfg.Seed, "choose")
	order := make([]int, len(src))
	for i := range order {
		order[i] = i
	}
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	need := g.cfg.Hosts + g.cfg.Sources + g.cfg.Distractors
	taken := make(map[uint64]bool)
	for _, i := range order {
		if len(g.docs) == need {
			break
		}
		d := src[i]
		if countWords(d.Text) < g.cfg.MinDocWords || digitShare(d.Text) > g.cfg.MaxDigitShare {
			continue
		}
		sents := sentences(d.Text)
		if len(sents) == 0 {
			continue
		}
		hs := ngramHashes(normWords(d.Text), g.cfg.NGram)
		if slices.ContainsFunc(hs, func(h uint64) bool { return taken[h] }) {
			continue
		}
		for _, h := range hs {
			taken[h] = true
		}
		g.docs = append(g.docs, &doc{orig: d, sents: sents, used: make([]bool, len(sents)), rank: -1})
	}
	if want := g.cfg.Hosts + g.cfg.Sources; len(g.docs) < want {
		return fmt.Errorf("%w: %d of %d input documents usable, %d hosts and sources wanted",
			ErrNotEnoughDocs, len(g.docs), len(src), want)
	}
	return nil
}

// assignRoles orders hosts and sources on a hidden timeline and marks the
// hosts. The earliest quarter of the sources (at least one) open the
// timeline, so that the earliest hosts have several documents to copy from;
// the other sources are spread among the hosts.
func (g *generator) assignRoles() {
	r := splitmix.New(g.cfg.Seed, "roles")
	n := g.cfg.Hosts + g.cfg.Sources
	g.timeline = slices.Clone(g.docs[:n])
	r.Shuffle(n, func(i, j int) { g.timeline[i], g.timeline[j] = g.timeline[j], g.timeline[i] })
	lead := max(1, g.cfg.Sources/4)
	rest := make([]int, n-lead)
	for i := range rest {
		rest[i] = i + lead
	}
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, i := range rest[g.cfg.Sources-lead:] {
		g.timeline[i].host = true
	}
	for i, d := range g.timeline {
		d.rank = i
		if d.host {
			g.hosts = append(g.hosts, d)
		}
	}
}

// vocabulary lists the lowercased letter-only words (three letters or more)
// of the chosen documents, with repetition.
func vocabulary(docs []*doc) []string {
	var out []string
	for _, d := range docs {
		t := d.orig.Text
		for _, s := range tokens(t, 0, len(t)) {
			core := strings.TrimFunc(t[s.start:s.end], notLetter)
			if len(core) >= 3 && strings.IndexFunc(core, notLetter) < 0 {
				out = append(out, strings.ToLower(core))
			}
		}
	}
	return out
}

// plan decides every copy: the hosts of each origin (least loaded first),
// an earlier source, a run of its sentences and the edits.
func (g *generator) plan() error {
	r := splitmix.New(g.cfg.Seed, "plan")
	weights := g.cfg.Edits.weights()
	remaining := g.cfg.Passages
	failures, limit := 0, 20*g.cfg.Passages+100
	random := false
	for remaining > 0 {
		if failures > limit {
			return fmt.Errorf("%w: planted %d of %d copies; use more documents or fewer passages",
				ErrExhausted, g.cfg.Passages-remaining, g.cfg.Passages)
		}
		k := 1
		if g.cfg.MaxClusterHosts > 1 && r.Chance(g.cfg.ClusterRate) {
			k = r.Between(2, g.cfg.MaxClusterHosts)
		}
		k = min(k, remaining, len(g.hosts))
		ops := make([]Edit, k)
		for i := range ops {
			ops[i] = Edits[r.Pick(weights)]
		}
		hosts := g.pickHosts(r, k, random)
		minRank := hosts[0].rank
		for _, h := range hosts {
			minRank = min(minRank, h.rank)
		}
		cands := slices.Clone(g.timeline[:minRank])
		r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		want := g.targetLength(r)
		planted := false
		for _, c := range cands {
			if g.tryOrigin(r, c, want, ops, hosts) {
				planted = true
				break
			}
		}
		if !planted {
			// Least-loaded hosts may be too early on the timeline to
			// find fresh source text: count it against them, and draw
			// the next hosts at random.
			failures++
			if !random {
				for _, h := range hosts {
					h.starved++
				}
			}
			random = true
			continue
		}
		random = false
		remaining -= k
	}
	return nil
}

// pickHosts returns k distinct hosts: the least loaded (a failed plan
// counts as two copies; ties broken at random), or any k when random is set.
func (g *generator) pickHosts(r *splitmix.Rand, k int, random bool) []*doc {
	hs := slices.Clone(g.hosts)
	r.Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
	if !random {
		slices.SortStableFunc(hs, func(a, b *doc) int { return cmp.Compare(a.loaded+2*a.starved, b.loaded+2*b.starved) })
	}
	return hs[:k]
}

// targetLength draws a passage length in words: mostly 12–29 words, with
// shorter and longer ones, clipped to [MinWords, MaxWords].
func (g *generator) targetLength(r *splitmix.Rand) int {
	type band struct {
		lo, hi int
		w      float64
	}
	bands := []band{{1, 11, 0.12}, {12, 29, 0.5}, {30, 59, 0.23}, {60, 1 << 20, 0.15}}
	var ok []band
	var ws []float64
	for _, b := range bands {
		b.lo, b.hi = max(b.lo, g.cfg.MinWords), min(b.hi, g.cfg.MaxWords)
		if b.lo <= b.hi {
			ok = append(ok, b)
			ws = append(ws, b.w)
		}
	}
	b := ok[r.Pick(ws)]
	return r.Between(b.lo, b.hi)
}

// tryOrigin looks for a free run of c's sentences close to want words that
// every op can edit; on success it records the origin and its copies.
func (g *generator) tryOrigin(r *splitmix.Rand, c *doc, want int, ops []Edit, hosts []*doc) bool {
	needSents, minWords := 1, g.cfg.MinWords
	for _, op := range ops {
		switch op {
		case EditReorder:
			needSents = 2
		case EditTrim:
			minWords = g.cfg.MinWords + 2
		}
	}
	type cand struct {
		i, j, words, key int
		tie              uint64
	}
	tol := max(2, want/5)
	var cands []cand
	text := c.orig.Text
	for i := range c.sents {
		words := 0
		for j := i; j < min(len(c.sents), i+g.cfg.MaxSentences); j++ {
			if c.used[j] || !endsSentence(text[c.sents[j].start:c.sents[j].end]) {
				// Taken, or not prose: a table row or a heading.
				break
			}
			words += c.sents[j].words
			if words > g.cfg.MaxWords {
				break
			}
			if j-i+1 < needSents || words < minWords {
				continue
			}
			if digitShare(text[c.sents[i].start:c.sents[j].end]) > g.cfg.MaxDigitShare {
				continue
			}
			d := words - want
			if d < 0 {
				d = -d
			}
			cands = append(cands, cand{i: i, j: j + 1, words: words, key: max(d, tol), tie: r.Uint64()})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.tie, b.tie), cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j))
	})
	for _, cd := range cands {
		sents := c.sents[cd.i:cd.j]
		es := make([]edited, len(ops))
		ok := true
		for k, op := range ops {
			if es[k], ok = g.ed.apply(r, op, text, sents); !ok {
				break
			}
		}
		if !ok {
			continue
		}
		o := &origin{src: c, first: cd.i, last: cd.j, words: cd.words,
			run: span{sents[0].start, sents[len(sents)-1].end}}
		for s := cd.i; s < cd.j; s++ {
			c.used[s] = true
		}
		c.runs = append(c.runs, o.run)
		c.gave = true
		for k, h := range hosts {
			p := &planted{origin: o, host: h, op: ops[k], e: es[k], seq: len(g.copies)}
			o.copies = append(o.copies, p)
			h.ins = append(h.ins, p)
			h.loaded++
			g.copies = append(g.copies, p)
		}
		g.origins = append(g.origins, o)
		return true
	}
	return false
}

// endsSentence reports whether s ends with [.!?], perhaps followed by
// closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, isCloser)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?")
}

// insert picks each copy's insertion point: the start of the host, the end
// of a paragraph or the end of a sentence, never inside a run of the host
// that is itself copied elsewhere (its source span must stay contiguous).
func (g *generator) insert() {
	r := splitmix.New(g.cfg.Seed, "insert")
	type boundary struct {
		pos  int
		kind string
	}
	for _, h := range g.hosts {
		if len(h.ins) == 0 {
			continue
		}
		inside := func(pos int) bool {
			return slices.ContainsFunc(h.runs, func(s span) bool { return s.start < pos && pos < s.end })
		}
		bs := []boundary{{h.sents[0].start, "start"}}
		for i, s := range h.sents {
			if inside(s.end) {
				continue
			}
			kind := "sentence"
			if i == len(h.sents)-1 || h.sents[i+1].para != s.para {
				kind = "paragraph"
			}
			bs = append(bs, boundary{s.end, kind})
		}
		for _, p := range h.ins {
			b := bs[r.IntN(len(bs))]
			p.pos, p.boundary = b.pos, b.kind
		}
	}
}

// build writes every document's final text and the final spans of every
// copy, in the host and in the source.
func (g *generator) build() {
	for _, d := range g.docs {
		if len(d.ins) == 0 {
			d.final = d.orig.Text
			continue
		}
		ins := slices.Clone(d.ins)
		slices.SortFunc(ins, func(a, b *planted) int { return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(a.seq, b.seq)) })
		var b strings.Builder
		last := 0
		for _, p := range ins {
			b.WriteString(d.orig.Text[last:p.pos])
			text, lead := p.insertion()
			at := b.Len() + lead
			p.outer = span{at, at + len(p.e.prefix) + len(p.e.text) + len(p.e.suffix)}
			p.inner = span{at + len(p.e.prefix), at + len(p.e.prefix) + len(p.e.text)}
			b.WriteString(text)
			last = p.pos
		}
		b.WriteString(d.orig.Text[last:])
		d.final = b.String()
	}
	for _, o := range g.origins {
		o.final = o.src.shift(o.run)
		for _, p := range o.copies {
			p.srcFinal = o.src.shift(p.e.src)
		}
	}
}

// shift maps a span of d's original text that holds no insertion point
// strictly inside to d's final text.
func (d *doc) shift(s span) span {
	delta := 0
	for _, p := range d.ins {
		if p.pos <= s.start {
			text, _ := p.insertion()
			delta += len(text)
		}
	}
	return span{s.start + delta, s.end + delta}
}

// date gives hosts and sources increasing times along the timeline and
// distractors times in the same range, then writes the dates with the
// configured noise.
func (g *generator) date() {
	r := splitmix.New(g.cfg.Seed, "dates")
	dc := g.cfg.Dates
	lo, hi := int(dc.MinGap/time.Second), int(dc.MaxGap/time.Second)
	t := dc.Start.UTC()
	for i, d := range g.timeline {
		if i > 0 {
			t = t.Add(time.Duration(max(1, r.Between(lo, hi))) * time.Second)
		}
		d.time = t
	}
	spread := int(t.Sub(dc.Start.UTC()) / time.Second)
	for _, d := range g.docs[len(g.timeline):] {
		d.time = dc.Start.UTC().Add(time.Duration(r.IntN(spread+1)) * time.Second)
	}
	all := slices.Concat(g.timeline, g.docs[len(g.timeline):])
	for _, d := range all {
		d.date = d.time.Format(time.RFC3339)
		u := r.Float64()
		switch {
		case u < dc.MissingRate:
			d.noise, d.date = "missing", ""
		case len(d.ins) == 0:
		case u < dc.MissingRate+dc.TieRate:
			latest := d.ins[0].origin.src.time
			for _, p := range d.ins {
				if p.origin.src.time.After(latest) {
					latest = p.origin.src.time
				}
			}
			d.noise, d.date = "tied", latest.Format(time.DateOnly)
		case u < dc.MissingRate+dc.TieRate+dc.WrongRate:
			earliest := d.ins[0].origin.src.time
			for _, p := range d.ins {
				if p.origin.src.time.Before(earliest) {
					earliest = p.origin.src.time
				}
			}
			back := time.Duration(r.Between(3600, 48*3600)) * time.Second
			d.noise, d.date = "wrong", earliest.Add(-back).Format(time.RFC3339)
		}
	}
}

// name gives every document an id that depends on the seed and the real
// document only, not on its role or position: "syn-" and 8 hex digits.
func (g *generator) name() {
	taken := make(map[string]bool, len(g.docs))
	for _, d := range g.docs {
		for n := 0; ; n++ {
			id := hashID(g.cfg.Seed, d.orig.ID, n)
			if !taken[id] {
				taken[id] = true
				d.id = id
				break
			}
		}
	}
}

func hashID(seed int64, orig string, n int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%d", seed, orig, n)
	return fmt.Sprintf("syn-%08x", h.Sum64()>>32)
}

// corpus assembles the output: documents and truth, each in a canonical
// order.
func (g *generator) corpus() *Corpus {
	c := &Corpus{Truth: &Truth{Schema: TruthSchema, Config: g.cfg}}
	docs := slices.Clone(g.docs)
	slices.SortFunc(docs, func(a, b *doc) int { return cmp.Compare(a.id, b.id) })
	for _, d := range docs {
		c.Documents = append(c.Documents, Document{ID: d.id, Text: d.final, Date: d.date})
		c.Truth.Documents = append(c.Truth.Documents, TruthDoc{
			ID: d.id, OrigID: d.orig.ID, Host: len(d.ins) > 0, Source: d.gave,
			Time: d.time.Format(time.RFC3339), Date: d.date, DateNoise: d.noise,
			Words: countWords(d.final),
		})
	}

	origins := slices.Clone(g.origins)
	slices.SortFunc(origins, func(a, b *origin) int {
		return cmp.Or(cmp.Compare(a.src.id, b.src.id), cmp.Compare(a.final.start, b.final.start))
	})
	for i, o := range origins {
		o.id = fmt.Sprintf("p%0*d", digits(len(origins)), i+1)
	}
	copies := slices.Clone(g.copies)
	slices.SortFunc(copies, func(a, b *planted) int {
		return cmp.Or(cmp.Compare(a.host.id, b.host.id), cmp.Compare(a.inner.start, b.inner.start), cmp.Compare(a.seq, b.seq))
	})
	for i, p := range copies {
		p.id = fmt.Sprintf("c%0*d", digits(len(copies)), i+1)
	}
	for _, o := range origins {
		ps := Passage{ID: o.id, Source: o.src.id, Start: o.final.start, End: o.final.end,
			Sentences: o.last - o.first, Words: o.words}
		for _, p := range o.copies {
			ps.Copies = append(ps.Copies, p.id)
		}
		slices.Sort(ps.Copies)
		c.Truth.Passages = append(c.Truth.Passages, ps)
	}
	var pairs []Pair
	for _, p := range copies {
		words := countWords(p.e.text)
		frac := 0.0
		if words > 0 {
			frac = float64(p.e.changed) / float64(words)
		}
		src := p.origin.src
		c.Truth.Copies = append(c.Truth.Copies, Copy{
			ID: p.id, Passage: p.origin.id,
			Source: src.id, SourceStart: p.srcFinal.start, SourceEnd: p.srcFinal.end,
			Target: p.host.id, TargetStart: p.inner.start, TargetEnd: p.inner.end,
			OuterStart: p.outer.start, OuterEnd: p.outer.end,
			Edit: p.op, Detail: p.e.detail, EditFraction: frac,
			Words: words, SourceWords: countWords(src.final[p.srcFinal.start:p.srcFinal.end]),
			TrimmedWords: p.e.trimmed, Boundary: p.boundary, Direction: Direction,
		})
		pairs = append(pairs, makePair(src.id, p.host.id, "copy"))
		for _, q := range p.origin.copies {
			if q != p {
				pairs = append(pairs, makePair(p.host.id, q.host.id, "sibling"))
			}
		}
	}
	// "copy" sorts before "sibling": keeping the first of each pair keeps
	// the stronger kind.
	slices.SortFunc(pairs, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B), cmp.Compare(a.Kind, b.Kind))
	})
	c.Truth.Pairs = slices.CompactFunc(pairs, func(a, b Pair) bool { return a.A == b.A && a.B == b.B })
	return c
}

func makePair(a, b, kind string) Pair {
	if b < a {
		a, b = b, a
	}
	return Pair{A: a, B: b, Kind: kind}
}

// digits is the number of decimal digits of n (at least 1).
func digits(n int) int { return len(fmt.Sprint(n)) }
