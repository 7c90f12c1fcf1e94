package synth

import (
	"encoding/json"
	"fmt"
	"io"
)

// TruthSchema names the truth format; it changes when the format does.
const TruthSchema = "reprint/synth-truth/v1"

// Direction is the only direction a planted copy has: the text went from
// the source document to the target document.
const Direction = "source->target"

// Truth is the ground truth of a generated corpus. All offsets are byte
// offsets, half-open, into the documents' final text as written to the
// corpus.
type Truth struct {
	Schema string `json:"schema"`
	// Config is the configuration that generated the corpus.
	Config Config `json:"config"`
	// Documents lists every document of the corpus, by id.
	Documents []TruthDoc `json:"documents"`
	// Passages lists the source passages, by source id and offset; each is
	// planted one or more times.
	Passages []Passage `json:"passages"`
	// Copies lists every planted copy, by target id and offset.
	Copies []Copy `json:"copies"`
	// Pairs lists every pair of documents that share planted text: source
	// and target of a copy ("copy"), or two targets of the same passage
	// ("sibling").
	Pairs []Pair `json:"pairs"`
}

// TruthDoc describes one document of the corpus.
type TruthDoc struct {
	ID string `json:"id"`
	// OrigID is the id of the real document it was made from.
	OrigID string `json:"orig_id"`
	// Host is set when the document received planted passages; Source when
	// some passage was copied from it. Neither: a distractor.
	Host   bool `json:"host,omitempty"`
	Source bool `json:"source,omitempty"`
	// Time is the document's true time (RFC 3339); sources are earlier
	// than their targets.
	Time string `json:"time"`
	// Date is the date as written to the corpus (empty when missing).
	Date string `json:"date,omitempty"`
	// DateNoise says how Date departs from Time: "", "missing", "tied"
	// (day granularity, same day as a source) or "wrong" (before a source).
	DateNoise string `json:"date_noise,omitempty"`
	// Words is the word count of the final text.
	Words int `json:"words"`
}

// Passage is a run of source sentences planted one or more times.
type Passage struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	// Start and End span the whole run in the source's final text (copies
	// that trim carry only part of it).
	Start int `json:"start"`
	End   int `json:"end"`
	// Sentences and Words measure the run.
	Sentences int `json:"sentences"`
	Words     int `json:"words"`
	// Copies lists the ids of its planted copies.
	Copies []string `json:"copies"`
}

// Copy is one planted copy of a passage.
type Copy struct {
	ID      string `json:"id"`
	Passage string `json:"passage"`
	// Source, SourceStart and SourceEnd span the text actually carried
	// over, in the source's final text.
	Source      string `json:"source"`
	SourceStart int    `json:"source_start"`
	SourceEnd   int    `json:"source_end"`
	// Target, TargetStart and TargetEnd span the planted passage in the
	// target's final text, attribution words excluded.
	Target      string `json:"target"`
	TargetStart int    `json:"target_start"`
	TargetEnd   int    `json:"target_end"`
	// OuterStart and OuterEnd span the planted passage with its
	// attribution words (equal to the target span for other edits).
	OuterStart int `json:"outer_start"`
	OuterEnd   int `json:"outer_end"`
	// Edit is the operation applied; Detail says more ("head sentences",
	// "rate 0.10", "order 2 1", the attribution used).
	Edit   Edit   `json:"edit"`
	Detail string `json:"detail,omitempty"`
	// EditFraction is the share of the copy's words that were changed:
	// substituted, or re-punctuated (for EditPunctuation, standalone dashes
	// count too). Zero for verbatim, trim, reorder and attribution.
	EditFraction float64 `json:"edit_fraction"`
	// Words is the copy's word count; SourceWords that of the carried
	// source span; TrimmedWords the words a trim dropped.
	Words        int `json:"words"`
	SourceWords  int `json:"source_words"`
	TrimmedWords int `json:"trimmed_words,omitempty"`
	// Boundary is where the copy was inserted: "sentence", "paragraph" or
	// "start" (before the first paragraph).
	Boundary string `json:"boundary"`
	// Direction is always Direction.
	Direction string `json:"direction"`
}

// Pair is an unordered pair of documents sharing planted text, A < B.
type Pair struct {
	A    string `json:"a"`
	B    string `json:"b"`
	Kind string `json:"kind"`
}

// WriteJSON writes t as indented JSON.
func (t *Truth) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return fmt.Errorf("synth: writing truth: %w", err)
	}
	return nil
}

// ReadTruth reads a truth file written by WriteJSON.
func ReadTruth(r io.Reader) (*Truth, error) {
	var t Truth
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, fmt.Errorf("synth: reading truth: %w", err)
	}
	if t.Schema != TruthSchema {
		return nil, fmt.Errorf("synth: reading truth: schema %q, want %q", t.Schema, TruthSchema)
	}
	return &t, nil
}
