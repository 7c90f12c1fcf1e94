package provenance

import (
	"cmp"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/reprint-dev/reprint/minhash"
)

// The features of a candidate edge u→v (u the parent): most are
// differences "u minus v" of a per-copy signal, so that the edge v→u sees
// the opposite value; a few are symmetric (they say which copies are close
// relatives, not which came first). The fitted weights decide every sign.
const (
	efDateFineSign = iota // +1 when u's minute/second timestamp is earlier, -1 later
	efDateFineLog         // the same, times log(1 + gap in hours, at most 48)
	efDateDaySign         // +1 when u's day is earlier (day granularity), -1 later
	efDateDayLog          // the same, times log(1 + gap in days, at most 7)
	efDateFineNear        // symmetric: log(1 + gap in hours) between minute/second timestamps (a parent tends to be close in time)
	efDateDayNear         // symmetric: log(1 + gap in days) between day-level dates
	efContext             // host has text besides the passage: u - v
	efFragment            // copy starts or ends inside a host sentence: u - v
	efCover               // share of the host that the copy covers: u - v
	efLenCopy             // log ratio of the copies' word counts, u over v
	efLenDoc              // log ratio of the hosts' word counts, u over v
	efHead                // words u has before the text it shares with v, minus the reverse (share)
	efTail                // the same after it
	efMid                 // the same in between (dropped or inserted sentences)
	efSubstFit            // how well the words only u has fit u's host, minus the reverse
	efCreditMatch         // +1 when v credits u's source, -1 the reverse
	efCredit              // v credits an outlet, minus u does
	efQuote               // share of v's copy inside quotation marks, minus u's
	efSpeech              // v introduces the copy as someone's words, minus u
	efCue                 // tweet/statement/briefing near v, minus near u
	efCurly               // u uses curly quotes, minus v
	efComma               // commas per word, u - v
	efMention             // +1 when v mentions a later calendar day than u, -1 the reverse
	efMarkup              // u's host has <angle-bracket> markup, minus v's
	efParas               // log paragraph count, u - v
	efCompiled            // v's host is a compilation of passages, minus u's
	efPosition            // relative position of the copy in its host, u - v
	efSim                 // symmetric: Jaccard similarity of the copies' word trigrams
	efVariant             // symmetric: share of the cluster's variant readings u and v share
	efIdentical           // symmetric: the copies are identical word for word
	efPrivate             // share of v's word trigrams no other copy has, minus u's (a copy adds readings of its own)
	// Whole-document reuse: when one document holds at least half of the
	// other (a re-issued or corrected story), the passage features above
	// are switched off and these compare the documents as versions.
	efVersion  // symmetric: 1 for a version pair
	efVLen     // log ratio of word counts, u over v
	efVHead    // words u has before the text the versions share, minus the reverse (share)
	efVTail    // the same after it
	efVMid     // the same in between
	efVQuotes  // log ratio of quotation marks
	efVSaid    // log ratio of "said"
	efVCommas  // commas per word, u - v
	efVDigits  // share of words with digits, u - v
	efVMarkup  // log ratio of <angle-bracket> markup
	efVParas   // log ratio of paragraphs
	efVMention // +1 when v mentions a later calendar day than u, -1 the reverse
	efVNote    // v carries a revision note ("corrects", "adds"), minus u
	efVParens  // log ratio of parenthesised acronyms "(OECD)"
	numEdgeFeatures
)

// passageFeatures are switched off for version pairs.
var passageFeatures = []int{efContext, efFragment, efCover, efLenCopy, efLenDoc, efHead, efTail,
	efMid, efSubstFit, efCredit, efQuote, efSpeech, efCue, efCurly, efComma, efMention, efMarkup, efParas,
	efCompiled, efPosition, efPrivate}

// The features of a root edge R→v: v's copy came from outside the corpus.
const (
	rfBias          = iota // 1
	rfQuoteAll             // the least quoted copy's quoted share
	rfQuote                // v's quoted share
	rfSpeechAll            // share of copies introduced as someone's words
	rfSpeech               // v is introduced as someone's words
	rfCue                  // tweet/statement/briefing near v
	rfCreditOutside        // v credits an outlet that is no copy's source
	rfFitNear              // v's fit with its neighbouring text, times its unquoted share (ownFit)
	rfFitDoc               // v's fit with its whole host, the same
	rfNoContext            // v's host has no text besides the passage
	rfFragment             // v's copy starts or ends inside a host sentence
	rfCover                // share of v's host the copy covers
	rfLogN                 // log of the number of copies
	rfEarliestFine         // v's timestamp is strictly the earliest (minute/second)
	rfLaterFine            // share of other copies with an earlier timestamp
	rfLaterDay             // share of other copies on an earlier day
	rfUndated              // dates are in use but v has none
	rfCompiled             // v's host is a compilation
	rfMeanSim              // v's mean similarity to the other copies
	rfLenRel               // log of v's word count over the mean
	rfVersion              // share of the other copies that are versions of v's document
	rfNote                 // v's document carries a revision note
	rfPrivate              // share of v's word trigrams no other copy has
	rfMaxFit               // the best whole-host ownFit of any copy (cluster-wide: no copy at home suggests an outside origin)
	rfFitMargin            // v's whole-host ownFit minus the best of the others
	numRootFeatures
)

// EdgeFeatureNames and RootFeatureNames name the features, in the order
// of Weights.Edge and Weights.Root.
var (
	EdgeFeatureNames = []string{
		"date_fine_sign", "date_fine_log", "date_day_sign", "date_day_log", "date_fine_near", "date_day_near",
		"context", "fragment", "cover", "len_copy", "len_doc", "head", "tail", "mid", "subst_fit",
		"credit_match", "credit", "quote", "speech", "cue", "curly", "comma", "mention", "markup",
		"paras", "compiled", "position", "sim", "variant", "identical", "private", "version", "v_len", "v_head",
		"v_tail", "v_mid", "v_quotes", "v_said", "v_commas", "v_digits", "v_markup", "v_paras",
		"v_mention", "v_note", "v_parens",
	}
	RootFeatureNames = []string{
		"bias", "quote_all", "quote", "speech_all", "speech", "cue", "credit_outside", "fit_near",
		"fit_doc", "no_context", "fragment", "cover", "log_n", "earliest_fine", "later_fine",
		"later_day", "undated", "compiled", "mean_sim", "len_rel", "version", "note",
		"private", "max_fit", "fit_margin",
	}
)

// docInfo is what provenance reads of one document, computed once.
type docInfo struct {
	toks    []minhash.Token
	h       []uint64 // token hashes
	tri     []uint64 // word trigrams
	rank    []int32  // per word trigram of h, its index in tri
	mention int
	markup  bool
	marks   int // count of '<'
	paras   int
	quotes  int
	said    int
	commas  float64 // per word
	digits  float64 // share of words holding a digit
	note    bool
	parens  int
	comp    float64 // coverage by recycled passages, when it is a compilation
}

// node is one document of a cluster, with its (longest) copy.
type node struct {
	doc        int
	start, end int
	t0, t1     int
	h          []uint64 // the copy's token hashes
	tri        []uint64
	rank       []int32  // per word trigram of h, its index in tri
	vocab      []uint64 // the copy's distinct token hashes, sorted
	content    []uint64 // its distinct content words, sorted
	recurs     []bool   // per content word: it recurs in the host outside the copy
	variant    []uint64 // tri without the cluster's core
	words      int
	fitNear    float64
	fitDoc     float64
	ctx        bool
	quote      float64
	speech     bool
	cue        string
	credits    []string
	fragHead   bool
	fragTail   bool
	pos, cover float64
	curly      bool
	commas     float64
	key        uint64
}

// fitWindow is the number of tokens on each side of a copy that count as
// its neighbourhood.
const fitWindow = 60

// newNode reads the signals of one copy.
func (m *model) newNode(doc, start, end int) node {
	d := &m.docs[doc]
	di := m.info(doc)
	text := d.Text
	n := node{doc: doc, start: start, end: end}
	n.t0, n.t1 = tokenRange(di.toks, start, end)
	n.h = make([]uint64, 0, n.t1-n.t0)
	for _, t := range di.toks[n.t0:n.t1] {
		n.h = append(n.h, t.Hash)
	}
	n.words = len(n.h)
	n.vocab = sortedUnique(slices.Clone(n.h))
	n.tri, n.rank = trigramRanks(n.h)
	n.fitNear, n.fitDoc, n.ctx, n.content, n.recurs = fitSets(text, di.toks, n.t0, n.t1, fitWindow)
	n.quote = quotedShare(text, start, end, di.toks[n.t0:n.t1])
	n.speech = introducedAsSpeech(text, start, end)
	n.cue = outsideCueNear(text, start, end)
	n.credits = credits(text, start, end, m.sources)
	n.fragHead, n.fragTail = fragment(text, start, end)
	if len(di.toks) > 0 {
		n.pos = float64(n.t0) / float64(len(di.toks))
		n.cover = float64(n.words) / float64(len(di.toks))
	}
	n.curly, _, n.commas = typography(text[start:end], n.words)
	h := fnv.New64a()
	io.WriteString(h, text)
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(start) + ":" + strconv.Itoa(end) + ":" + d.Source + ":"))
	if !m.opts.IgnoreDates && !d.Date.IsZero() {
		h.Write([]byte(d.Date.Time.UTC().Format("2006-01-02T15:04:05") + strconv.Itoa(int(d.Date.Granularity))))
	}
	n.key = h.Sum64()
	return n
}

// info returns the per-document signals, computing them on first use.
// newModel computes it for every document in a cluster, in parallel,
// before any cluster is scored; other documents are computed here, under
// the model's lock.
func (m *model) info(doc int) *docInfo {
	if di := m.infos[doc]; di != nil {
		return di
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.infos[doc] == nil {
		m.infos[doc] = computeInfo(&m.tok, &m.docs[doc])
	}
	return m.infos[doc]
}

// computeInfo reads one document's signals.
func computeInfo(tok *minhash.Tokenizer, d *Document) *docInfo {
	text := d.Text
	toks := d.Tokens
	if toks == nil {
		toks = tok.Tokens(nil, text)
	}
	di := &docInfo{toks: toks, mention: latestMention(text), markup: strings.Contains(text, "<")}
	di.paras = 1 + strings.Count(strings.TrimSpace(text), "\n\n")
	di.h = make([]uint64, len(di.toks))
	digits := 0
	for i, t := range di.toks {
		di.h[i] = t.Hash
		if c := text[t.Start]; c >= '0' && c <= '9' {
			digits++
		}
	}
	di.tri, di.rank = trigramRanks(di.h)
	di.marks = strings.Count(text, "<")
	di.quotes = strings.Count(text, `"`) + strings.Count(text, "\u201c") + strings.Count(text, "\u201d")
	di.said = countSaid(text)
	di.note = hasRevisionNote(text)
	di.parens = countParenAcronyms(text)
	if n := len(di.toks); n > 0 {
		di.commas = float64(strings.Count(text, ",")) / float64(n)
		di.digits = float64(digits) / float64(n)
	}
	return di
}

// dateOf returns a document's date, or the zero Date when dates are
// ignored.
func (m *model) dateOf(doc int) Date {
	if m.opts.IgnoreDates {
		return Date{}
	}
	return m.docs[doc].Date
}

// compareDates orders two dates at the coarser of their granularities:
// -1, 0 (a tie) or 1, with the gap in hours; ok is false when either is
// undated.
func compareDates(a, b Date) (sign int, hours float64, g Granularity, ok bool) {
	if a.IsZero() || b.IsZero() {
		return 0, 0, GranularityNone, false
	}
	g = min(a.Granularity, b.Granularity)
	switch g {
	case GranularityDay:
		ya, ma, da := a.Time.Date()
		yb, mb, db := b.Time.Date()
		sign = cmp.Or(cmp.Compare(ya, yb), cmp.Compare(ma, mb), cmp.Compare(da, db))
		hours = math.Abs(float64(civilDay(ya, int(ma), da)-civilDay(yb, int(mb), db))) * 24
	case GranularityMinute:
		ta, tb := a.Time.Unix()/60, b.Time.Unix()/60
		sign = cmp.Compare(ta, tb)
		hours = math.Abs(float64(ta-tb)) / 60
	default:
		ta, tb := a.Time.Unix(), b.Time.Unix()
		sign = cmp.Compare(ta, tb)
		hours = math.Abs(float64(ta-tb)) / 3600
	}
	return sign, hours, g, true
}

// civilDay numbers calendar days (days since 1970-01-01 in the proleptic
// Gregorian calendar), so that day-level dates in different zones compare
// by their calendar day.
func civilDay(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// edgeFeatures fills f with the features of the edge from node u to node v.
func (c *clusterModel) edgeFeatures(f []float64, u, v int) {
	clear(f)
	a, b := &c.nodes[u], &c.nodes[v]
	m := c.m
	if sign, hours, g, ok := compareDates(m.dateOf(a.doc), m.dateOf(b.doc)); ok {
		s := float64(-sign) // +1 when u is earlier
		// Gaps saturate (two days for timestamps, a week for days): the
		// fitted data holds no longer gaps, and a longer one is no less
		// reliable.
		if g >= GranularityMinute {
			f[efDateFineSign] = s
			f[efDateFineLog] = s * math.Log1p(min(hours, 48))
			f[efDateFineNear] = math.Log1p(min(hours, 48))
		} else {
			f[efDateDaySign] = s
			f[efDateDayLog] = s * math.Log1p(min(hours/24, 7))
			f[efDateDayNear] = math.Log1p(min(hours/24, 7))
		}
	}
	f[efContext] = b2f(a.ctx) - b2f(b.ctx)
	f[efFragment] = b2f(a.fragHead) + b2f(a.fragTail) - b2f(b.fragHead) - b2f(b.fragTail)
	f[efCover] = a.cover - b.cover
	f[efLenCopy] = math.Log(float64(a.words+1) / float64(b.words+1))
	da, db := m.info(a.doc), m.info(b.doc)
	f[efLenDoc] = math.Log(float64(len(da.toks)+1) / float64(len(db.toks)+1))
	p := c.pair(u, v)
	f[efHead] = p.head
	f[efTail] = p.tail
	f[efMid] = p.mid
	f[efSubstFit] = p.substFit
	for _, cr := range b.credits {
		if sameOutlet(cr, m.docs[a.doc].Source) && !sameOutlet(cr, m.docs[b.doc].Source) {
			f[efCreditMatch] = 1
		}
	}
	for _, cr := range a.credits {
		if sameOutlet(cr, m.docs[b.doc].Source) && !sameOutlet(cr, m.docs[a.doc].Source) {
			f[efCreditMatch]--
		}
	}
	f[efCredit] = b2f(len(b.credits) > 0) - b2f(len(a.credits) > 0)
	f[efQuote] = b.quote - a.quote
	f[efSpeech] = b2f(b.speech) - b2f(a.speech)
	f[efCue] = b2f(b.cue != "") - b2f(a.cue != "")
	f[efCurly] = b2f(a.curly) - b2f(b.curly)
	f[efComma] = a.commas - b.commas
	if da.mention > 0 && db.mention > 0 {
		f[efMention] = float64(cmp.Compare(db.mention, da.mention))
	}
	f[efMarkup] = b2f(da.markup) - b2f(db.markup)
	f[efParas] = math.Log(float64(da.paras)) - math.Log(float64(db.paras))
	f[efCompiled] = db.comp - da.comp
	f[efPosition] = a.pos - b.pos
	f[efSim] = p.sim
	f[efVariant] = p.variant
	f[efIdentical] = b2f(p.identical)
	f[efPrivate] = c.private[v] - c.private[u]
	if !c.versions(u, v) {
		return
	}
	for _, k := range passageFeatures {
		f[k] = 0
	}
	f[efVersion] = 1
	f[efVLen] = math.Log(float64(len(da.toks)+1) / float64(len(db.toks)+1))
	f[efVHead], f[efVTail], f[efVMid] = p.vHead, p.vTail, p.vMid
	f[efVQuotes] = logRatio(da.quotes, db.quotes)
	f[efVSaid] = logRatio(da.said, db.said)
	f[efVCommas] = da.commas - db.commas
	f[efVDigits] = da.digits - db.digits
	f[efVMarkup] = logRatio(da.marks, db.marks)
	f[efVParas] = logRatio(da.paras, db.paras)
	if da.mention > 0 && db.mention > 0 {
		f[efVMention] = float64(cmp.Compare(db.mention, da.mention))
	}
	f[efVNote] = b2f(db.note) - b2f(da.note)
	f[efVParens] = logRatio(da.parens, db.parens)
}

func logRatio(a, b int) float64 { return math.Log(float64(a+1) / float64(b+1)) }

// rootFeatures fills f with the features of the root edge to node v.
func (c *clusterModel) rootFeatures(f []float64, v int) {
	clear(f)
	a := &c.nodes[v]
	m := c.m
	f[rfBias] = 1
	f[rfQuoteAll] = c.quoteAll
	f[rfQuote] = a.quote
	f[rfSpeechAll] = c.speechAll
	f[rfSpeech] = b2f(a.speech)
	f[rfCue] = b2f(a.cue != "")
	for _, cr := range a.credits {
		if !c.isClusterSource(cr) {
			f[rfCreditOutside] = 1
		}
	}
	f[rfFitNear], f[rfFitDoc] = a.ownFit()
	f[rfNoContext] = b2f(!a.ctx)
	f[rfFragment] = b2f(a.fragHead) + b2f(a.fragTail)
	f[rfCover] = a.cover
	f[rfLogN] = math.Log(float64(len(c.nodes)))
	earlierFine, earlierDay, dated := 0, 0, 0
	da := m.dateOf(a.doc)
	for w := range c.nodes {
		if w == v {
			continue
		}
		sign, _, g, ok := compareDates(m.dateOf(c.nodes[w].doc), da)
		if !ok {
			continue
		}
		dated++
		if sign < 0 {
			if g >= GranularityMinute {
				earlierFine++
			} else {
				earlierDay++
			}
		}
	}
	if others := len(c.nodes) - 1; others > 0 {
		f[rfLaterFine] = float64(earlierFine) / float64(others)
		f[rfLaterDay] = float64(earlierDay) / float64(others)
	}
	if c.earliest == v && da.Granularity >= GranularityMinute {
		f[rfEarliestFine] = 1
	}
	if !m.opts.IgnoreDates && da.IsZero() && c.anyDated {
		f[rfUndated] = 1
	}
	f[rfCompiled] = m.info(a.doc).comp
	if len(c.nodes) > 1 {
		s := 0.0
		for w := range c.nodes {
			if w != v {
				s += c.pair(v, w).sim
			}
		}
		f[rfMeanSim] = s / float64(len(c.nodes)-1)
	}
	f[rfLenRel] = math.Log(float64(a.words+1) / c.meanWords)
	if len(c.nodes) > 1 {
		k := 0
		for w := range c.nodes {
			if w != v && c.versions(v, w) {
				k++
			}
		}
		f[rfVersion] = float64(k) / float64(len(c.nodes)-1)
	}
	f[rfNote] = b2f(m.info(a.doc).note)
	f[rfPrivate] = c.private[v]
	best, other := 0.0, 0.0
	for w := range c.nodes {
		_, fw := c.nodes[w].ownFit()
		best = max(best, fw)
		if w != v {
			other = max(other, fw)
		}
	}
	f[rfMaxFit] = best
	f[rfFitMargin] = f[rfFitDoc] - other
}

// ownFit is the fit of the copy with its host (near, whole) as evidence
// that the host is the passage's origin: the fit scaled by the copy's
// unquoted share, since quoted words fit the story that quotes them,
// whoever first reported them.
func (n *node) ownFit() (near, doc float64) {
	k := 1 - n.quote
	return k * n.fitNear, k * n.fitDoc
}

// pairSignals are the signals of an ordered pair of copies.
type pairSignals struct {
	head, tail, mid    float64
	substFit           float64
	sim, variant       float64
	identical          bool
	vHead, vTail, vMid float64 // head, tail and mid of the whole documents, for versions
}

// pair returns the signals of the ordered pair (u, v), computing both
// orders on first use.
func (c *clusterModel) pair(u, v int) pairSignals {
	n := len(c.nodes)
	if c.pairs == nil {
		c.pairs = make([]pairSignals, n*n)
		c.pairDone = make([]bool, n*n)
	}
	if c.pairDone[u*n+v] {
		return c.pairs[u*n+v]
	}
	a, b := &c.nodes[u], &c.nodes[v]
	inA, inB := c.scratchA.bools(len(a.tri)), c.scratchB.bools(len(b.tri))
	inter := markShared(a.tri, b.tri, inA, inB)
	ha, ta, ma := extrasRanked(len(a.h), a.rank, inA, c.scratchC.bools(len(a.h)))
	hb, tb, mb := extrasRanked(len(b.h), b.rank, inB, c.scratchC.bools(len(b.h)))
	scale := float64(max(a.words, b.words, 1))
	var ab, ba pairSignals
	ab.head, ab.tail, ab.mid = float64(ha-hb)/scale, float64(ta-tb)/scale, float64(ma-mb)/scale
	ba.head, ba.tail, ba.mid = -ab.head, -ab.tail, -ab.mid
	fa, oka := substitutedFitSorted(a.content, a.recurs, b.vocab)
	fb, okb := substitutedFitSorted(b.content, b.recurs, a.vocab)
	if oka && okb {
		ab.substFit = fa - fb
	}
	ba.substFit = -ab.substFit
	ab.sim = jaccardCount(inter, len(a.tri), len(b.tri))
	ab.identical = slices.Equal(a.h, b.h)
	if len(c.core) > 0 || n > 2 {
		ab.variant = jaccard(a.variant, b.variant)
	}
	ba.sim, ba.identical, ba.variant = ab.sim, ab.identical, ab.variant
	if c.versions(u, v) {
		ab.vHead, ab.vTail, ab.vMid = c.versionExtras(a.doc, b.doc)
		ba.vHead, ba.vTail, ba.vMid = -ab.vHead, -ab.vTail, -ab.vMid
	}
	c.pairs[u*n+v], c.pairs[v*n+u] = ab, ba
	c.pairDone[u*n+v], c.pairDone[v*n+u] = true, true
	return ab
}

// minus returns the sorted set a without the elements of the sorted set b.
func minus(a, b []uint64) []uint64 {
	var out []uint64
	for _, x := range a {
		if !containsU64(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
