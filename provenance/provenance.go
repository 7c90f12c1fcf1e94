package provenance

import (
	rmodel "github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/minhash"

	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Granularity says how precise a date is: reprint's one Granularity.
type Granularity = rmodel.Granularity

// The granularities a date can have, from unknown to the second.
const (
	GranularityNone   = rmodel.GranularityNone   // no date
	GranularityDay    = rmodel.GranularityDay    // 2017-06-09
	GranularityMinute = rmodel.GranularityMinute // 2017-06-09T14:05
	GranularitySecond = rmodel.GranularitySecond // 2017-06-09T14:05:31
)

// Date is a publication date with the precision it was given with:
// reprint's one Date. The zero Date means "undated". Two dates compare
// at the coarser of their granularities (Date.Compare): two day-level
// dates on the same day tie, and so do a day and a minute of that day.
type Date = rmodel.Date

// Document is one article as provenance sees it: its text and optional
// metadata. It has no id on purpose: provenance must not learn from names.
type Document struct {
	// Text is the article's text; copies index into it.
	Text string
	// Source is the outlet or agency that published it ("Reuters"), if
	// known. A copy that credits another document's source is evidence.
	Source string
	// Date is the publication date, if known.
	Date Date
	// Label names the document in reasons ("B credits Reuters"). It is
	// never read as evidence.
	Label string
	// Tokens are Text's tokens by minhash.Tokenizer, if the caller has
	// them already (reprint's detector does); nil means Infer tokenizes.
	Tokens []minhash.Token
}

// Copy is one copy of a recycled passage: the bytes [Start, End) of
// document Doc's Text.
type Copy struct {
	Doc        int
	Start, End int
}

// Cluster is every copy of one recycled passage. A document may hold
// several copies; provenance reasons about documents and uses the longest.
type Cluster struct {
	Copies []Copy
}

// DefaultFloor is the default confidence floor: a verdict less likely than
// this is reported as undetermined.
const DefaultFloor = 0.5

// DefaultHardDateGap is the default gap from which two timestamps of
// minute or second granularity order their copies outright when
// Options.HardDates is set.
const DefaultHardDateGap = time.Hour

// Options tune Infer. The zero Options use dates as soft evidence, the
// default floor and the fitted weights.
type Options struct {
	// IgnoreDates makes provenance use the text alone, as if no document
	// were dated.
	IgnoreDates bool
	// HardDates makes reliable, well-separated timestamps a constraint:
	// when two copies both have a minute or second timestamp at least
	// HardDateGap apart, the later cannot be the parent of the earlier.
	HardDates   bool
	HardDateGap time.Duration
	// Floor is the confidence floor (DefaultFloor when zero).
	Floor float64
	// Weights replaces the fitted weights (for fitting and experiments).
	Weights *Weights
}

// Result holds Infer's verdicts.
type Result struct {
	// Clusters has one verdict per input cluster, in input order.
	Clusters []Verdict
	// Pairs has one verdict per pair of documents that share a cluster,
	// ordered by (A, B) with A < B.
	Pairs []PairVerdict
}

// Case says what the dates of a cluster's or a pair's copies can tell.
type Case uint8

// The date cases. Confidences are calibrated separately for each.
const (
	// CaseMissing: some copy is undated, or dates are ignored.
	CaseMissing Case = iota
	// CaseDistinct: every copy is dated and no two dates tie.
	CaseDistinct
	// CaseTied: every copy is dated and some dates tie at their
	// granularity.
	CaseTied
	numCases
)

// String returns "missing", "distinct" or "tied".
func (c Case) String() string {
	switch c {
	case CaseDistinct:
		return "distinct"
	case CaseTied:
		return "tied"
	}
	return "missing"
}

// Kind says how a copy differs from its parent.
type Kind string

// The kinds of derivation edges.
const (
	// KindVerbatim: the child's copy is the parent's, word for word.
	KindVerbatim Kind = "verbatim"
	// KindTrimmed: the child drops words or sentences of the parent's.
	KindTrimmed Kind = "trimmed"
	// KindExpanded: the child adds words: attribution or context.
	KindExpanded Kind = "expanded"
	// KindEdited: the child changes words (substitutions, reordering)
	// without clearly dropping or adding any.
	KindEdited Kind = "edited"
	// KindCompiled: the child is a compilation of passages from two or
	// more documents.
	KindCompiled Kind = "compiled"
	// KindCoDerived: neither copy derives from the other; both most
	// likely come from a common source outside the corpus.
	KindCoDerived Kind = "co-derived"
)

// Verdict is provenance's answer for one cluster.
type Verdict struct {
	// Docs lists the cluster's distinct documents in an order decided by
	// their content (never by input order or ids).
	Docs []int
	// Case says what the dates can tell (CaseMissing when ignored).
	Case Case
	// Earliest is the document with the strictly earliest date at the
	// granularity of the comparison (a fact), -1 when no copy is dated or
	// the earliest dates tie.
	Earliest int
	// Origin is the most likely origin document; -1 when the origin is
	// most likely outside the corpus or undetermined.
	Origin int
	// OriginProbability is the probability of the verdict: of Origin when
	// it is a document, of an outside origin when that is the verdict,
	// and of the most likely alternative when Undetermined.
	OriginProbability float64
	// ExternalProbability is the probability that the origin is outside
	// the corpus (two or more copies derive from it independently).
	ExternalProbability float64
	// Undetermined is set when no origin reaches the confidence floor.
	Undetermined bool
	// MostLikely is the most likely origin whatever the floor: a
	// document, or -1 for outside the corpus.
	MostLikely int
	// Quotation is set when every copy presents the passage as someone's
	// words (inside quotation marks, or after "said:", "tweeted:").
	Quotation bool
	// Reasons explain the origin verdict in plain words.
	Reasons []string
	// Edges is the most likely derivation tree: one edge per copy that
	// derives from another copy, plus co-derived edges between copies
	// that hang from an outside source.
	Edges []Edge
}

// Edge is one derivation step: To copied From (or, for KindCoDerived,
// From and To both copied an outside source).
type Edge struct {
	From, To    int
	Probability float64
	Kind        Kind
	Reasons     []string
}

// PairVerdict says which of two documents' shared text came first.
type PairVerdict struct {
	// A and B are the documents, A < B.
	A, B int
	// AFirst is the probability that A's copy is an ancestor of B's (A's
	// text came first); BFirst the reverse. The rest, 1-AFirst-BFirst, is
	// the probability that neither derives from the other.
	AFirst, BFirst float64
	// Source is A or B when that document's text probably came first,
	// with Probability its probability; -1 when both probably copy a third
	// party or it is undetermined (Probability is then 0).
	Source      int
	Probability float64
	// Case says what the two documents' dates can tell.
	Case Case
}

// ErrInput is wrapped by every error Infer returns for bad input.
var ErrInput = errors.New("provenance: bad input")

// Infer infers the origin, the derivation tree and the pairwise verdicts
// of every cluster. It reads only the documents' text, dates and sources
// and the copies' spans.
func Infer(docs []Document, clusters []Cluster, opts Options) (*Result, error) {
	if err := validate(docs, clusters); err != nil {
		return nil, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	m := newModel(docs, clusters, opts)
	res := &Result{Clusters: make([]Verdict, len(clusters))}
	models := make([]*clusterModel, len(clusters))
	// Largest clusters first (their cost grows with the square of their
	// copies): no core is left with a big one at the end. Each result
	// goes to its own slot, so the order changes nothing else.
	bySize := make([]int, len(clusters))
	for i := range bySize {
		bySize[i] = i
	}
	slices.SortStableFunc(bySize, func(a, b int) int { return cmp.Compare(len(clusters[b].Copies), len(clusters[a].Copies)) })
	parallel(len(clusters), func() func(k int) {
		return func(k int) {
			i := bySize[k]
			models[i] = m.cluster(i)
			res.Clusters[i] = models[i].verdict()
		}
	})
	// Pairs sum over clusters in an order decided by content, so that not
	// even rounding depends on input order.
	order := make([]int, len(clusters))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(models[a].seed(), models[b].seed()) })
	pairs := newPairAcc()
	for _, i := range order {
		models[i].addPairs(pairs)
	}
	res.Pairs = pairs.verdicts(docs, opts)
	return res, nil
}

// withDefaults fills in the floor, the gap and the fitted weights; the
// error is Fitted's, when the weights are needed and do not match the
// feature tables.
func (o Options) withDefaults() (Options, error) {
	if o.Floor <= 0 || o.Floor > 1 {
		o.Floor = DefaultFloor
	}
	if o.HardDateGap <= 0 {
		o.HardDateGap = DefaultHardDateGap
	}
	if o.Weights == nil {
		w, err := Fitted()
		if err != nil {
			return o, err
		}
		o.Weights = &w
	}
	return o, nil
}

func validate(docs []Document, clusters []Cluster) error {
	if tablesErr != nil {
		return tablesErr
	}
	for i, c := range clusters {
		for _, cp := range c.Copies {
			if cp.Doc < 0 || cp.Doc >= len(docs) {
				return fmt.Errorf("%w: cluster %d: document %d out of range [0,%d)", ErrInput, i, cp.Doc, len(docs))
			}
			if cp.Start < 0 || cp.End > len(docs[cp.Doc].Text) || cp.Start > cp.End {
				return fmt.Errorf("%w: cluster %d: span [%d,%d) outside document %d's %d bytes",
					ErrInput, i, cp.Start, cp.End, cp.Doc, len(docs[cp.Doc].Text))
			}
		}
	}
	return nil
}
