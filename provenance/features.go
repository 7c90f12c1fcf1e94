package provenance

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/reprint-dev/reprint/internal/credit"
	"github.com/reprint-dev/reprint/minhash"
)

// A feature is one signal of the model: its name (the key of its weight
// in weights.go), how it is read from the copies, and how a reason states
// it. The tables below hold every feature, one row each; the fitted
// weights follow them by name, and Weights.Edge and Weights.Root by
// position. A new signal is a constant, a row and a refit.

// The features of a candidate edge u→v (u the parent), in the order of
// Weights.Edge: most are differences "u minus v" of a per-copy signal, so
// that the edge v→u sees the opposite value; a few are symmetric (they say
// which copies are close relatives, not which came first). The fitted
// weights decide every sign.
const (
	efDateFineSign = iota
	efDateFineLog
	efDateDaySign
	efDateDayLog
	efDateFineNear
	efDateDayNear
	efContext
	efFragment
	efCover
	efLenCopy
	efLenDoc
	efHead
	efTail
	efMid
	efSubstFit
	efCreditMatch
	efCredit
	efQuote
	efSpeech
	efCue
	efCurly
	efComma
	efMention
	efMarkup
	efParas
	efCompiled
	efPosition
	efSim
	efVariant
	efIdentical
	efPrivate
	efVersion
	efVLen
	efVHead
	efVTail
	efVMid
	efVQuotes
	efVSaid
	efVCommas
	efVDigits
	efVMarkup
	efVParas
	efVMention
	efVNote
	efVParens
	numEdgeFeatures
)

// edgeFeature is one row of the edge table.
type edgeFeature struct {
	name string
	// scope says for which pairs of documents the feature is read.
	scope scope
	// value reads the feature of an edge.
	value func(e *edgeCtx) float64
	// phrase states the fact behind the feature in words ("" or nil:
	// it has none).
	phrase func(w *words) string
}

// scope says which pairs of documents an edge feature reads. When one
// document holds at least half of the other (a re-issued or corrected
// story), the passage features are switched off and the version features
// compare the documents as versions.
type scope uint8

const (
	always   scope = iota // every pair
	passages              // not versions of one story
	versions              // versions of one story
)

// edgeCtx is what an edge's features read: the two nodes, their
// documents' signals, the pair's signals and how their dates compare.
type edgeCtx struct {
	c      *clusterModel
	u, v   int
	a, b   *node
	da, db *docInfo
	p      pairSignals
	// dated says both dates are known; then sign is +1 when u's is
	// earlier, -1 when later, 0 on a tie, at granularity g, hours apart.
	dated bool
	sign  float64
	hours float64
	g     Granularity
}

// fine and day report whether the dates compare as timestamps (minute or
// second) or as days.
func (e *edgeCtx) fine() bool { return e.dated && e.g >= GranularityMinute }
func (e *edgeCtx) day() bool  { return e.dated && e.g < GranularityMinute }

// Gaps saturate (two days for timestamps, a week for days): the fitted
// data holds no longer gaps, and a longer one is no less reliable.
func (e *edgeCtx) fineGap() float64 { return math.Log1p(min(e.hours, 48)) }
func (e *edgeCtx) dayGap() float64  { return math.Log1p(min(e.hours/24, 7)) }

// edgeTable holds the edge features, indexed by their constants.
var edgeTable = [numEdgeFeatures]edgeFeature{
	// +1 when u's minute/second timestamp is earlier, -1 later.
	efDateFineSign: {name: "date_fine_sign", phrase: datePhrase, value: func(e *edgeCtx) float64 {
		return pick(e.fine(), e.sign, 0)
	}},
	// The same, times log(1 + gap in hours, at most 48).
	efDateFineLog: {name: "date_fine_log", phrase: datePhrase, value: func(e *edgeCtx) float64 {
		return pick(e.fine(), e.sign*e.fineGap(), 0)
	}},
	// +1 when u's day is earlier (day granularity), -1 later.
	efDateDaySign: {name: "date_day_sign", phrase: datePhrase, value: func(e *edgeCtx) float64 {
		return pick(e.day(), e.sign, 0)
	}},
	// The same, times log(1 + gap in days, at most 7).
	efDateDayLog: {name: "date_day_log", phrase: datePhrase, value: func(e *edgeCtx) float64 {
		return pick(e.day(), e.sign*e.dayGap(), 0)
	}},
	// Symmetric: log(1 + gap in hours) between minute/second timestamps
	// (a parent tends to be close in time).
	efDateFineNear: {name: "date_fine_near", value: func(e *edgeCtx) float64 {
		return pick(e.fine(), e.fineGap(), 0)
	}},
	// Symmetric: log(1 + gap in days) between day-level dates.
	efDateDayNear: {name: "date_day_near", value: func(e *edgeCtx) float64 {
		return pick(e.day(), e.dayGap(), 0)
	}},
	// The host has text besides the passage: u - v.
	efContext: {name: "context", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(e.a.ctx) - b2f(e.b.ctx)
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s's copy stands alone; %s's sits in text of its own", w.second, w.first)
	}},
	// The copy starts or ends inside a host sentence: u - v.
	efFragment: {name: "fragment", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(e.a.fragHead) + b2f(e.a.fragTail) - b2f(e.b.fragHead) - b2f(e.b.fragTail)
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s's copy starts or ends inside a sentence; %s's does not", w.first, w.second)
	}},
	// The share of the host that the copy covers: u - v.
	efCover: {name: "cover", scope: passages, value: func(e *edgeCtx) float64 {
		return e.a.cover - e.b.cover
	}, phrase: func(w *words) string {
		return fmt.Sprintf("the passage is a larger share of %s than of %s", w.first, w.second)
	}},
	// The log ratio of the copies' word counts, u over v.
	efLenCopy: {name: "len_copy", scope: passages, value: func(e *edgeCtx) float64 {
		return math.Log(float64(e.a.words+1) / float64(e.b.words+1))
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s's copy is longer (%d vs %d words)", w.first, max(w.a.words, w.b.words), min(w.a.words, w.b.words))
	}},
	// The log ratio of the hosts' word counts, u over v.
	efLenDoc: docLength("len_doc", passages, "document"),
	// The words u has before the text it shares with v, minus the
	// reverse (a share of the longer copy).
	efHead: {name: "head", scope: passages, phrase: copyGapPhrase, value: func(e *edgeCtx) float64 { return e.p.head }},
	// The same after it.
	efTail: {name: "tail", scope: passages, phrase: copyGapPhrase, value: func(e *edgeCtx) float64 { return e.p.tail }},
	// The same in between (dropped or inserted sentences).
	efMid: {name: "mid", scope: passages, phrase: copyGapPhrase, value: func(e *edgeCtx) float64 { return e.p.mid }},
	// How well the words only u has fit u's host, minus the reverse.
	efSubstFit: {name: "subst_fit", scope: passages, value: func(e *edgeCtx) float64 {
		return e.p.substFit
	}, phrase: func(w *words) string {
		return fmt.Sprintf("where the copies differ, %s's words fit its own story and %s's do not", w.first, w.second)
	}},
	// +1 when v credits u's source, -1 the reverse.
	efCreditMatch: {name: "credit_match", value: func(e *edgeCtx) float64 {
		docs := e.c.m.docs
		x := 0.0
		for _, cr := range e.b.credits {
			if credit.Same(cr, docs[e.a.doc].Source) && !credit.Same(cr, docs[e.b.doc].Source) {
				x = 1
			}
		}
		for _, cr := range e.a.credits {
			if credit.Same(cr, docs[e.b.doc].Source) && !credit.Same(cr, docs[e.a.doc].Source) {
				x--
			}
		}
		return x
	}, phrase: func(w *words) string {
		docs := w.c.m.docs
		if w.x > 0 {
			return fmt.Sprintf("%s credits %s", w.B, docs[w.a.doc].Source)
		}
		return fmt.Sprintf("%s credits %s", w.A, docs[w.b.doc].Source)
	}},
	// v credits an outlet, minus u does.
	efCredit: {name: "credit", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(len(e.b.credits) > 0) - b2f(len(e.a.credits) > 0)
	}, phrase: func(w *words) string {
		who, nd := w.B, w.b
		if w.x < 0 {
			who, nd = w.A, w.a
		}
		if len(nd.credits) == 0 {
			return ""
		}
		return fmt.Sprintf("%s credits %s", who, strings.Join(nd.credits, " and "))
	}},
	// The share of v's copy inside quotation marks, minus u's.
	efQuote: {name: "quote", scope: passages, value: func(e *edgeCtx) float64 {
		return e.b.quote - e.a.quote
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s presents the passage in quotation marks; %s does not", pick(w.x > 0, w.B, w.A), pick(w.x > 0, w.A, w.B))
	}},
	// v introduces the copy as someone's words, minus u.
	efSpeech: {name: "speech", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(e.b.speech) - b2f(e.a.speech)
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s introduces the passage as someone's words; %s does not", pick(w.x > 0, w.B, w.A), pick(w.x > 0, w.A, w.B))
	}},
	// A tweet, statement or briefing is named near v, minus near u.
	efCue: {name: "cue", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(e.b.cue != "") - b2f(e.a.cue != "")
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s names an outside source nearby (%s)", pick(w.x > 0, w.B, w.A), pick(w.x > 0, w.b.cue, w.a.cue))
	}},
	// u uses curly quotes, minus v.
	efCurly: {name: "curly", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(e.a.curly) - b2f(e.b.curly)
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s uses curly quotes, %s straight ones", w.first, w.second)
	}},
	// Commas per word, u - v.
	efComma: {name: "comma", scope: passages, value: func(e *edgeCtx) float64 {
		return e.a.commas - e.b.commas
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s's copy has more commas", w.first)
	}},
	// +1 when v mentions a later calendar day than u, -1 the reverse.
	efMention: mention("mention", passages),
	// u's host has <angle-bracket> markup, minus v's.
	efMarkup: {name: "markup", scope: passages, value: func(e *edgeCtx) float64 {
		return b2f(e.da.markup) - b2f(e.db.markup)
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s keeps <angle-bracket> markup; %s does not", w.first, w.second)
	}},
	// The log paragraph count, u - v.
	efParas: {name: "paras", scope: passages, value: func(e *edgeCtx) float64 {
		return math.Log(float64(e.da.paras)) - math.Log(float64(e.db.paras))
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s has more paragraphs", w.first)
	}},
	// v's host is a compilation of passages, minus u's.
	efCompiled: {name: "compiled", scope: passages, value: func(e *edgeCtx) float64 {
		return e.db.comp - e.da.comp
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s compiles passages from several documents", pick(w.x > 0, w.B, w.A))
	}},
	// The relative position of the copy in its host, u - v.
	efPosition: {name: "position", scope: passages, value: func(e *edgeCtx) float64 {
		return e.a.pos - e.b.pos
	}, phrase: func(w *words) string {
		return fmt.Sprintf("the passage comes later in %s than in %s", w.first, w.second)
	}},
	// Symmetric: the Jaccard similarity of the copies' word trigrams.
	efSim: {name: "sim", value: func(e *edgeCtx) float64 { return e.p.sim }},
	// Symmetric: the share of the cluster's variant readings u and v
	// share.
	efVariant: {name: "variant", value: func(e *edgeCtx) float64 { return e.p.variant }},
	// Symmetric: the copies are identical word for word.
	efIdentical: {name: "identical", value: func(e *edgeCtx) float64 { return b2f(e.p.identical) }},
	// The share of v's word trigrams no other copy has, minus u's (a copy
	// adds readings of its own).
	efPrivate: {name: "private", scope: passages, value: func(e *edgeCtx) float64 {
		return e.c.private[e.v] - e.c.private[e.u]
	}},
	// Symmetric: 1 for a version pair.
	efVersion: {name: "version", scope: versions, value: func(*edgeCtx) float64 { return 1 }},
	// The log ratio of the versions' word counts, u over v.
	efVLen: docLength("v_len", versions, "version"),
	// The words u has before the text the versions share, minus the
	// reverse (a share of the longer version).
	efVHead: {name: "v_head", scope: versions, phrase: versionGapPhrase, value: func(e *edgeCtx) float64 { return e.p.vHead }},
	// The same after it.
	efVTail: {name: "v_tail", scope: versions, phrase: versionGapPhrase, value: func(e *edgeCtx) float64 { return e.p.vTail }},
	// The same in between.
	efVMid: {name: "v_mid", scope: versions, phrase: versionGapPhrase, value: func(e *edgeCtx) float64 { return e.p.vMid }},
	// The log ratio of quotation marks.
	efVQuotes: versionCount("v_quotes", "quotation marks", func(d *docInfo) int { return d.quotes }),
	// The log ratio of "said".
	efVSaid: versionCount("v_said", `uses of "said"`, func(d *docInfo) int { return d.said }),
	// Commas per word, u - v.
	efVCommas: {name: "v_commas", scope: versions, value: func(e *edgeCtx) float64 {
		return e.da.commas - e.db.commas
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s has more commas per word", w.first)
	}},
	// The share of words with digits, u - v.
	efVDigits: {name: "v_digits", scope: versions, value: func(e *edgeCtx) float64 {
		return e.da.digits - e.db.digits
	}, phrase: func(w *words) string {
		da, db := w.c.m.info(w.a.doc), w.c.m.info(w.b.doc)
		return fmt.Sprintf("%s has more figures (%.0f%% of its words hold a digit, %.0f%% in %s)",
			w.first, 100*pick(w.x > 0, da.digits, db.digits), 100*pick(w.x > 0, db.digits, da.digits), w.second)
	}},
	// The log ratio of <angle-bracket> markup.
	efVMarkup: versionCount("v_markup", "<angle-bracket> markup", func(d *docInfo) int { return d.marks }),
	// The log ratio of paragraphs.
	efVParas: versionCount("v_paras", "paragraphs", func(d *docInfo) int { return d.paras }),
	// +1 when v mentions a later calendar day than u, -1 the reverse.
	efVMention: mention("v_mention", versions),
	// v carries a revision note ("corrects", "adds"), minus u.
	efVNote: {name: "v_note", scope: versions, value: func(e *edgeCtx) float64 {
		return b2f(e.db.note) - b2f(e.da.note)
	}, phrase: func(w *words) string {
		who, d := w.B, w.b.doc
		if w.x < 0 {
			who, d = w.A, w.a.doc
		}
		if note := revisionNoteIn(w.c.m.docs[d].Text); note != "" {
			return fmt.Sprintf("%s carries a revision note (%q)", who, note)
		}
		return ""
	}},
	// The log ratio of parenthesised acronyms "(OECD)".
	efVParens: versionCount("v_parens", `acronyms spelled out in parentheses ("(OECD)")`, func(d *docInfo) int { return d.parens }),
}

// docLength is the feature of the hosts' word counts, u over v, which
// the phrase calls documents or versions (noun).
func docLength(name string, s scope, noun string) edgeFeature {
	return edgeFeature{name: name, scope: s, value: func(e *edgeCtx) float64 {
		return math.Log(float64(len(e.da.toks)+1) / float64(len(e.db.toks)+1))
	}, phrase: func(w *words) string {
		la, lb := len(w.c.m.info(w.a.doc).toks), len(w.c.m.info(w.b.doc).toks)
		return fmt.Sprintf("%s is the longer %s (%d vs %d words)", w.first, noun, max(la, lb), min(la, lb))
	}}
}

// mention is the feature of the latest calendar days the documents
// mention: +1 when v's is later, -1 when u's is.
func mention(name string, s scope) edgeFeature {
	return edgeFeature{name: name, scope: s, value: func(e *edgeCtx) float64 {
		if e.da.mention > 0 && e.db.mention > 0 {
			return float64(cmp.Compare(e.db.mention, e.da.mention))
		}
		return 0
	}, phrase: func(w *words) string {
		return fmt.Sprintf("%s mentions a later calendar day than %s", pick(w.x > 0, w.B, w.A), pick(w.x > 0, w.A, w.B))
	}}
}

// versionCount is the feature of a count in each version (count reads
// it), the log ratio u over v, and the phrase names what it counts.
func versionCount(name, what string, count func(*docInfo) int) edgeFeature {
	return edgeFeature{name: name, scope: versions, value: func(e *edgeCtx) float64 {
		return logRatio(count(e.da), count(e.db))
	}, phrase: func(w *words) string {
		na, nb := count(w.c.m.info(w.a.doc)), count(w.c.m.info(w.b.doc))
		if na == nb {
			return ""
		}
		return fmt.Sprintf("%s has more %s (%d vs %d)", pick(na > nb, w.A, w.B), what, max(na, nb), min(na, nb))
	}}
}

// datePhrase states how much earlier one copy's date is.
func datePhrase(w *words) string {
	m := w.c.m
	_, hours, g, _ := compareDates(m.dateOf(w.a.doc), m.dateOf(w.b.doc))
	unit := "minute timestamps"
	if g == GranularityDay {
		unit = "day dates"
	} else if g == GranularitySecond {
		unit = "second timestamps"
	}
	return fmt.Sprintf("%s is %s earlier (%s)", w.first, gapWords(hours), unit)
}

func copyGapPhrase(w *words) string    { return w.c.extraPhrase(w.k, w.u, w.v) }
func versionGapPhrase(w *words) string { return w.c.versionPhrase(w.k, w.u, w.v) }

// The features of a root edge R→v: v's copy came from outside the corpus,
// in the order of Weights.Root.
const (
	rfBias = iota
	rfQuoteAll
	rfQuote
	rfSpeechAll
	rfSpeech
	rfCue
	rfCreditOutside
	rfFitNear
	rfFitDoc
	rfNoContext
	rfFragment
	rfCover
	rfLogN
	rfEarliestFine
	rfLaterFine
	rfLaterDay
	rfUndated
	rfCompiled
	rfMeanSim
	rfLenRel
	rfVersion
	rfNote
	rfPrivate
	rfMaxFit
	rfFitMargin
	numRootFeatures
)

// rootFeature is one row of the root table.
type rootFeature struct {
	name string
	// value reads the feature of the root edge to a node.
	value func(r *rootCtx) float64
	// states, when its sign is not 0, is the edge feature whose phrase
	// states the same fact, and the sign that turns "u's value minus
	// v's" into that edge feature's value for u→v.
	states mirror
}

// mirror names an edge feature and a sign.
type mirror struct {
	edge int
	sign float64
}

// rootCtx is what a root edge's features read: the node, and what the
// other copies' dates and fits say of it.
type rootCtx struct {
	c    *clusterModel
	v    int
	a    *node
	date Date
	// earlierFine and earlierDay count the other copies dated earlier,
	// by timestamp or by day.
	earlierFine, earlierDay int
	// bestFit is the best whole-host ownFit of any copy, otherFit the
	// best of the other copies'.
	bestFit, otherFit float64
}

// others is the share of the other copies that k of them make.
func (r *rootCtx) others(k int) float64 {
	if n := len(r.c.nodes) - 1; n > 0 {
		return float64(k) / float64(n)
	}
	return 0
}

// rootTable holds the root features, indexed by their constants.
var rootTable = [numRootFeatures]rootFeature{
	// 1.
	rfBias: {name: "bias", value: func(*rootCtx) float64 { return 1 }},
	// The least quoted copy's quoted share.
	rfQuoteAll: {name: "quote_all", value: func(r *rootCtx) float64 { return r.c.quoteAll }},
	// v's quoted share.
	rfQuote: {name: "quote", states: mirror{efQuote, -1}, value: func(r *rootCtx) float64 { return r.a.quote }},
	// The share of copies introduced as someone's words.
	rfSpeechAll: {name: "speech_all", value: func(r *rootCtx) float64 { return r.c.speechAll }},
	// v is introduced as someone's words.
	rfSpeech: {name: "speech", states: mirror{efSpeech, -1}, value: func(r *rootCtx) float64 { return b2f(r.a.speech) }},
	// A tweet, statement or briefing is named near v.
	rfCue: {name: "cue", states: mirror{efCue, -1}, value: func(r *rootCtx) float64 { return b2f(r.a.cue != "") }},
	// v credits an outlet that is no copy's source.
	rfCreditOutside: {name: "credit_outside", value: func(r *rootCtx) float64 {
		x := 0.0
		for _, cr := range r.a.credits {
			if !r.c.isClusterSource(cr) {
				x = 1
			}
		}
		return x
	}},
	// v's fit with its neighbouring text, times its unquoted share
	// (ownFit).
	rfFitNear: {name: "fit_near", value: func(r *rootCtx) float64 {
		near, _ := r.a.ownFit()
		return near
	}},
	// v's fit with its whole host, the same.
	rfFitDoc: {name: "fit_doc", value: func(r *rootCtx) float64 {
		_, doc := r.a.ownFit()
		return doc
	}},
	// v's host has no text besides the passage.
	rfNoContext: {name: "no_context", states: mirror{efContext, -1}, value: func(r *rootCtx) float64 { return b2f(!r.a.ctx) }},
	// v's copy starts or ends inside a host sentence.
	rfFragment: {name: "fragment", states: mirror{efFragment, 1}, value: func(r *rootCtx) float64 {
		return b2f(r.a.fragHead) + b2f(r.a.fragTail)
	}},
	// The share of v's host the copy covers.
	rfCover: {name: "cover", states: mirror{efCover, 1}, value: func(r *rootCtx) float64 { return r.a.cover }},
	// The log of the number of copies.
	rfLogN: {name: "log_n", value: func(r *rootCtx) float64 { return math.Log(float64(len(r.c.nodes))) }},
	// v's timestamp is strictly the earliest (minute/second).
	rfEarliestFine: {name: "earliest_fine", value: func(r *rootCtx) float64 {
		return b2f(r.c.earliest == r.v && r.date.Granularity >= GranularityMinute)
	}},
	// The share of other copies with an earlier timestamp.
	rfLaterFine: {name: "later_fine", value: func(r *rootCtx) float64 { return r.others(r.earlierFine) }},
	// The share of other copies on an earlier day.
	rfLaterDay: {name: "later_day", value: func(r *rootCtx) float64 { return r.others(r.earlierDay) }},
	// Dates are in use but v has none.
	rfUndated: {name: "undated", value: func(r *rootCtx) float64 {
		return b2f(!r.c.m.opts.IgnoreDates && r.date.IsZero() && r.c.anyDated)
	}},
	// v's host is a compilation.
	rfCompiled: {name: "compiled", states: mirror{efCompiled, -1}, value: func(r *rootCtx) float64 {
		return r.c.m.info(r.a.doc).comp
	}},
	// v's mean similarity to the other copies.
	rfMeanSim: {name: "mean_sim", value: func(r *rootCtx) float64 {
		if len(r.c.nodes) < 2 {
			return 0
		}
		s := 0.0
		for w := range r.c.nodes {
			if w != r.v {
				s += r.c.pair(r.v, w).sim
			}
		}
		return s / float64(len(r.c.nodes)-1)
	}},
	// The log of v's word count over the mean.
	rfLenRel: {name: "len_rel", states: mirror{efLenCopy, 1}, value: func(r *rootCtx) float64 {
		return math.Log(float64(r.a.words+1) / r.c.meanWords)
	}},
	// The share of the other copies that are versions of v's document.
	rfVersion: {name: "version", value: func(r *rootCtx) float64 {
		k := 0
		for w := range r.c.nodes {
			if w != r.v && r.c.versions(r.v, w) {
				k++
			}
		}
		return r.others(k)
	}},
	// v's document carries a revision note.
	rfNote: {name: "note", states: mirror{efVNote, -1}, value: func(r *rootCtx) float64 { return b2f(r.c.m.info(r.a.doc).note) }},
	// The share of v's word trigrams no other copy has.
	rfPrivate: {name: "private", value: func(r *rootCtx) float64 { return r.c.private[r.v] }},
	// The best whole-host ownFit of any copy (cluster-wide: no copy at
	// home suggests an outside origin).
	rfMaxFit: {name: "max_fit", value: func(r *rootCtx) float64 { return r.bestFit }},
	// v's whole-host ownFit minus the best of the others.
	rfFitMargin: {name: "fit_margin", value: func(r *rootCtx) float64 {
		_, doc := r.a.ownFit()
		return doc - r.otherFit
	}},
}

// tablesErr says what is wrong with the feature tables: a row without a
// name or a way to read it (a constant added without its row), or a name
// twice. Infer and Extract return it; the tests see that it is nil.
var tablesErr = checkTables()

func checkTables() error {
	var problems []string
	seen := map[string]bool{}
	check := func(kind string, k int, name string, readable bool) {
		switch {
		case name == "" || !readable:
			problems = append(problems, fmt.Sprintf("%s feature %d has no row", kind, k))
		case seen[kind+name]:
			problems = append(problems, fmt.Sprintf("%s feature %q twice", kind, name))
		}
		seen[kind+name] = true
	}
	for k, f := range edgeTable {
		check("edge", k, f.name, f.value != nil)
	}
	for k, f := range rootTable {
		check("root", k, f.name, f.value != nil)
		if m := f.states; m.sign != 0 && edgeTable[m.edge].phrase == nil {
			problems = append(problems, fmt.Sprintf("root feature %q is stated by edge feature %q, which has no phrase", f.name, edgeTable[m.edge].name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("provenance: feature tables: %s", strings.Join(problems, "; "))
	}
	return nil
}

// FeatureNames returns the names of the edge and root features, in the
// order of Weights.Edge and Weights.Root.
func FeatureNames() (edge, root []string) {
	for _, f := range edgeTable {
		edge = append(edge, f.name)
	}
	for _, f := range rootTable {
		root = append(root, f.name)
	}
	return edge, root
}

// docInfo is what provenance reads of one document, computed once.
type docInfo struct {
	toks    []token
	tri     []uint64 // word trigrams
	rank    []int32  // per word trigram of the tokens, its index in tri
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
	n.credits = credits(text, start, end, m.credits)
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

// token is a minhash.Token in 16 bytes instead of 24: the signals of
// every document in a cluster keep their tokens while clusters are
// scored.
type token struct {
	Start, End int32
	Hash       uint64
}

// compactTokens converts tokens; of a text over 2 GiB, the signals read
// the tokens of its first 2 GiB.
func compactTokens(toks []minhash.Token) []token {
	out := make([]token, 0, len(toks))
	for _, t := range toks {
		if t.End > math.MaxInt32 {
			break
		}
		out = append(out, token{int32(t.Start), int32(t.End), t.Hash})
	}
	return out
}

// computeInfo reads one document's signals.
func computeInfo(tok *minhash.Tokenizer, d *Document) *docInfo {
	text := d.Text
	toks := d.Tokens
	if toks == nil {
		toks = tok.Tokens(nil, text)
	}
	di := &docInfo{toks: compactTokens(toks), mention: latestMention(text), markup: strings.Contains(text, "<")}
	di.paras = 1 + strings.Count(strings.TrimSpace(text), "\n\n")
	h := make([]uint64, len(di.toks)) // the token hashes, for the trigrams only
	digits := 0
	for i, t := range di.toks {
		h[i] = t.Hash
		if c := text[t.Start]; c >= '0' && c <= '9' {
			digits++
		}
	}
	di.tri, di.rank = trigramRanks(h)
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

// compareDates orders two dates at the coarser g of their
// granularities (Date.Compare): -1, 0 (a tie) or 1, with the gap in hours
// (Date.Hours); ok is false when either is undated.
func compareDates(a, b Date) (sign int, hours float64, g Granularity, ok bool) {
	if a.IsZero() || b.IsZero() {
		return 0, 0, GranularityNone, false
	}
	return a.Compare(b), a.Hours(b), min(a.Granularity, b.Granularity), true
}

// edgeFeatures fills f with the features of the edge from node u to node v.
func (c *clusterModel) edgeFeatures(f []float64, u, v int) {
	a, b := &c.nodes[u], &c.nodes[v]
	m := c.m
	// The context lives in the cluster model: passed to the rows'
	// functions, one on the stack would move to the heap at every edge.
	e := &c.ec
	*e = edgeCtx{c: c, u: u, v: v, a: a, b: b, da: m.info(a.doc), db: m.info(b.doc), p: c.pair(u, v)}
	if sign, hours, g, ok := compareDates(m.dateOf(a.doc), m.dateOf(b.doc)); ok {
		e.dated, e.sign, e.hours, e.g = true, float64(-sign), hours, g
	}
	vers := c.versions(u, v)
	for k := range edgeTable {
		switch row := &edgeTable[k]; {
		case row.scope == passages && vers, row.scope == versions && !vers:
			f[k] = 0
		default:
			f[k] = row.value(e)
		}
	}
}

func logRatio(a, b int) float64 { return math.Log(float64(a+1) / float64(b+1)) }

// rootFeatures fills f with the features of the root edge to node v.
func (c *clusterModel) rootFeatures(f []float64, v int) {
	m := c.m
	r := &c.rc // as in edgeFeatures
	*r = rootCtx{c: c, v: v, a: &c.nodes[v], date: m.dateOf(c.nodes[v].doc)}
	for w := range c.nodes {
		if w != v {
			if sign, _, g, ok := compareDates(m.dateOf(c.nodes[w].doc), r.date); ok && sign < 0 {
				if g >= GranularityMinute {
					r.earlierFine++
				} else {
					r.earlierDay++
				}
			}
		}
		_, fw := c.nodes[w].ownFit()
		r.bestFit = max(r.bestFit, fw)
		if w != v {
			r.otherFit = max(r.otherFit, fw)
		}
	}
	for k := range rootTable {
		f[k] = rootTable[k].value(r)
	}
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
