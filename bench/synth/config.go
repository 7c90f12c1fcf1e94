package synth

import (
	"errors"
	"fmt"
	"time"
)

// Edit is the operation applied to a passage on its way from source to
// target.
type Edit string

// The edit operations, in the order tables list them.
const (
	// EditVerbatim copies the passage unchanged.
	EditVerbatim Edit = "verbatim"
	// EditTrim drops words or whole sentences at the head or the tail; the
	// rest is carried over verbatim and the source span covers only it.
	EditTrim Edit = "trim"
	// EditSubstitute replaces a set fraction of the words by other words of
	// the corpus vocabulary.
	EditSubstitute Edit = "substitute"
	// EditPunctuation swaps straight and curly quotes, drops commas and
	// changes dashes; the words stay.
	EditPunctuation Edit = "punctuation"
	// EditReorder permutes the sentences of a multi-sentence passage.
	EditReorder Edit = "reorder"
	// EditAttribution wraps the passage in an attribution ("According to
	// AP, …", "(Reuters) - …", "…, Reuters reported."); the passage itself
	// is verbatim.
	EditAttribution Edit = "attribution"
)

// Edits lists every edit operation in a fixed order.
var Edits = []Edit{EditVerbatim, EditTrim, EditSubstitute, EditPunctuation, EditReorder, EditAttribution}

// EditRates weighs the edit operations: each planted copy draws one with
// probability proportional to its weight. Weights need not sum to one.
type EditRates struct {
	Verbatim    float64 `json:"verbatim"`
	Trim        float64 `json:"trim"`
	Substitute  float64 `json:"substitute"`
	Punctuation float64 `json:"punctuation"`
	Reorder     float64 `json:"reorder"`
	Attribution float64 `json:"attribution"`
}

// weights returns the rates in the order of Edits.
func (e EditRates) weights() []float64 {
	return []float64{e.Verbatim, e.Trim, e.Substitute, e.Punctuation, e.Reorder, e.Attribution}
}

// DateConfig decides the documents' dates. Active documents (hosts and
// sources) get increasing times along a hidden timeline, so every source is
// earlier than its targets; distractors get times spread over the same
// range. The noise rates corrupt the dates as written, never the truth.
type DateConfig struct {
	// Start is the time of the earliest document.
	Start time.Time `json:"start"`
	// MinGap and MaxGap bound the gap between consecutive documents on the
	// timeline (drawn uniformly, to the second).
	MinGap time.Duration `json:"min_gap_ns"`
	MaxGap time.Duration `json:"max_gap_ns"`
	// MissingRate is the share of documents written without a date.
	MissingRate float64 `json:"missing_rate"`
	// TieRate is the share of hosts whose date is written at day
	// granularity on the day of their latest source, so that the dates tie.
	TieRate float64 `json:"tie_rate"`
	// WrongRate is the share of hosts whose date is written before that of
	// their earliest source.
	WrongRate float64 `json:"wrong_rate"`
}

// Config sets up Generate. Start from DefaultConfig; the zero Config is
// invalid.
type Config struct {
	// Seed decides every random choice: the same source documents and
	// Config give a byte-identical corpus and truth.
	Seed int64 `json:"seed"`
	// Hosts is the number of documents that receive planted passages.
	Hosts int `json:"hosts"`
	// Sources is the number of documents that only give passages (hosts
	// give passages too, to later hosts). At least one.
	Sources int `json:"sources"`
	// Distractors is the number of untouched documents added to the corpus
	// (fewer when the input runs out).
	Distractors int `json:"distractors"`
	// Passages is the number of planted copies: truth records one entry
	// per copy.
	Passages int `json:"passages"`
	// ClusterRate is the share of source passages planted into more than
	// one host; MaxClusterHosts caps how many.
	ClusterRate     float64 `json:"cluster_rate"`
	MaxClusterHosts int     `json:"max_cluster_hosts"`
	// MinWords and MaxWords bound a passage's length in words (the source
	// run before trimming, and the copy after it).
	MinWords int `json:"min_words"`
	MaxWords int `json:"max_words"`
	// MaxSentences caps the sentences in one passage.
	MaxSentences int `json:"max_sentences"`
	// Edits weighs the edit operations.
	Edits EditRates `json:"edits"`
	// SubstituteFractions are the shares of words a substitution replaces,
	// one drawn uniformly per substituted copy.
	SubstituteFractions []float64 `json:"substitute_fractions"`
	// MinDocWords skips shorter input documents; MaxDigitShare skips
	// table-like ones (the share of words holding a digit).
	MinDocWords   int     `json:"min_doc_words"`
	MaxDigitShare float64 `json:"max_digit_share"`
	// NGram is the word n-gram size of the overlap test that keeps the
	// chosen documents free of shared text before planting.
	NGram int `json:"ngram"`
	// Dates decides the documents' dates.
	Dates DateConfig `json:"dates"`
}

// DefaultConfig returns a configuration sized for the Reuters dev corpus:
// 200 hosts, 100 sources, 200 distractors, 400 planted copies.
func DefaultConfig() Config {
	return Config{
		Seed:            1,
		Hosts:           200,
		Sources:         100,
		Distractors:     200,
		Passages:        400,
		ClusterRate:     0.2,
		MaxClusterHosts: 4,
		MinWords:        8,
		MaxWords:        120,
		MaxSentences:    5,
		Edits: EditRates{
			Verbatim:    0.25,
			Trim:        0.15,
			Substitute:  0.25,
			Punctuation: 0.1,
			Reorder:     0.1,
			Attribution: 0.15,
		},
		SubstituteFractions: []float64{0.05, 0.1, 0.2},
		MinDocWords:         50,
		MaxDigitShare:       0.25,
		NGram:               6,
		Dates: DateConfig{
			Start:  time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC),
			MinGap: time.Hour,
			MaxGap: 12 * time.Hour,
		},
	}
}

// ErrConfig is wrapped by every error Validate returns.
var ErrConfig = errors.New("synth: invalid config")

// Validate reports the first problem with c.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch {
	case c.Hosts < 1:
		return bad("hosts must be at least 1, got %d", c.Hosts)
	case c.Sources < 1:
		return bad("sources must be at least 1, got %d", c.Sources)
	case c.Distractors < 0:
		return bad("distractors must not be negative, got %d", c.Distractors)
	case c.Passages < 1:
		return bad("passages must be at least 1, got %d", c.Passages)
	case c.ClusterRate < 0 || c.ClusterRate > 1:
		return bad("cluster rate must be in [0,1], got %g", c.ClusterRate)
	case c.MaxClusterHosts < 1:
		return bad("max cluster hosts must be at least 1, got %d", c.MaxClusterHosts)
	case c.MinWords < 1 || c.MaxWords < c.MinWords:
		return bad("word range [%d,%d] is empty", c.MinWords, c.MaxWords)
	case c.MaxSentences < 1:
		return bad("max sentences must be at least 1, got %d", c.MaxSentences)
	case c.MinDocWords < 0:
		return bad("min doc words must not be negative, got %d", c.MinDocWords)
	case c.MaxDigitShare <= 0 || c.MaxDigitShare > 1:
		return bad("max digit share must be in (0,1], got %g", c.MaxDigitShare)
	case c.NGram < 1:
		return bad("ngram must be at least 1, got %d", c.NGram)
	case c.Dates.MinGap <= 0 || c.Dates.MaxGap < c.Dates.MinGap:
		return bad("date gap range [%v,%v] is empty or not positive", c.Dates.MinGap, c.Dates.MaxGap)
	}
	var total float64
	for i, w := range c.Edits.weights() {
		if w < 0 {
			return bad("edit rate %s is negative", Edits[i])
		}
		total += w
	}
	if total <= 0 {
		return bad("all edit rates are zero")
	}
	if c.Edits.Substitute > 0 && len(c.SubstituteFractions) == 0 {
		return bad("substitution needs at least one substitute fraction")
	}
	for _, f := range c.SubstituteFractions {
		if f <= 0 || f > 1 {
			return bad("substitute fraction must be in (0,1], got %g", f)
		}
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
