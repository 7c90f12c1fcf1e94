package model

// SchemaV1 is the value of Report.Schema for the JSON report described in
// the README (and fixed by DESIGN.md).
const SchemaV1 = "reprint/report/v1"

// Report is the result of Detect. It marshals with encoding/json to the JSON
// report; its field order and content are deterministic for the same inputs
// and parameters, whatever the number of cores.
type Report struct {
	Schema    string       `json:"schema"`
	Tool      Tool         `json:"tool"`
	Params    ReportParams `json:"params"`
	Documents []DocSummary `json:"documents"`
	DocPairs  []DocPair    `json:"doc_pairs"`
	Clusters  []Cluster    `json:"clusters"`
	Matches   []Match      `json:"matches"`
	Errors    []InputError `json:"errors"`
	// Limits says what the detector left out to stay fast (an addition to
	// the DESIGN.md schema, omitted when nothing was left out).
	Limits *Limits `json:"limits,omitempty"`
}

// Limits records the work the detector skipped on purpose: text shared by
// so many documents that listing every pair would be quadratic.
type Limits struct {
	// Boilerplate lists identical passages found in more documents than
	// the bucket cap; their document pairs are not reported.
	Boilerplate []Boilerplate `json:"boilerplate,omitempty"`
	// HotBuckets counts LSH lookups that hit a bucket over the cap and
	// were not listed, so candidates sharing only such a bucket are
	// missing.
	HotBuckets int `json:"hot_buckets,omitempty"`
}

// Boilerplate is one passage left out as boilerplate.
type Boilerplate struct {
	Text      string `json:"text"`
	Documents int    `json:"documents"`
}

// Tool names the program that made a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ReportParams records the parameters a report was made with.
type ReportParams struct {
	Shingle   int     `json:"shingle"`
	NumHash   int     `json:"num_hash"`
	Bands     int     `json:"bands"`
	Rows      int     `json:"rows"`
	Threshold float64 `json:"threshold"`
	MinWords  int     `json:"min_words"`
	Seed      uint64  `json:"seed"`
	// VerifyShingle is the shingle size of exact verification and of
	// DocPair containment (an addition to the DESIGN.md schema).
	VerifyShingle int `json:"verify_shingle"`
}

// DocSummary describes one input document and how much of it is recycled.
type DocSummary struct {
	ID     string `json:"id"`
	Path   string `json:"path,omitempty"`
	Title  string `json:"title,omitempty"`
	Source string `json:"source,omitempty"`
	// Date is the document's date at its own granularity ("" if undated).
	Date  string `json:"date,omitempty"`
	Bytes int    `json:"bytes"`
	Words int    `json:"words"`
	// ReusedFraction is the share of the document's words that lie in a
	// reported recycled passage.
	ReusedFraction float64 `json:"reused_fraction"`
}

// DocPair summarises the reuse between two documents that share at least
// one reported passage. A is the document that comes first in input order.
type DocPair struct {
	A string `json:"a"`
	B string `json:"b"`
	// Jaccard is the exact Jaccard similarity of the two documents' sets
	// of word shingles (of params.verify_shingle words).
	Jaccard float64 `json:"jaccard"`
	// ContainmentA is the exact share of A's distinct word shingles that
	// also occur in B: how much of A is found in B. ContainmentB is the
	// reverse.
	ContainmentA float64 `json:"containment_a"`
	ContainmentB float64 `json:"containment_b"`
	// SharedWords is the number of words in the recycled passages the two
	// share (the smaller of the two sides' counts).
	SharedWords int `json:"shared_words"`
	// Source is the document whose shared text came first, by provenance's
	// verdict; nil when both probably copy a third party or it is
	// undetermined.
	Source            *string `json:"source"`
	SourceProbability float64 `json:"source_probability"`
}

// Cluster is one recycled passage with all its copies.
type Cluster struct {
	ID       string    `json:"id"`
	Passages []Passage `json:"passages"`
	// Earliest is the id of the earliest dated copy (a fact from dates);
	// nil when no copy is dated or the earliest dates tie.
	Earliest  *string `json:"earliest"`
	Origin    *Origin `json:"origin"`
	Quotation bool    `json:"quotation"`
	Edges     []Edge  `json:"edges"`
}

// Passage is one copy of a recycled passage: Text is exactly the bytes
// [Start, End) of the file (or decoded text) the document came from.
type Passage struct {
	Doc   string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
}

// Origin is provenance's guess at where a cluster's passage came from.
type Origin struct {
	// Doc is the most likely origin, nil when that is outside the corpus.
	Doc                 *string  `json:"doc"`
	Probability         float64  `json:"probability"`
	ExternalProbability float64  `json:"external_probability"`
	Reasons             []string `json:"reasons"`
}

// Edge is one derivation step in a cluster's tree: To copied From; for
// kind "co-derived", From and To both copied a source outside the corpus.
type Edge struct {
	From        string   `json:"from"`
	To          string   `json:"to"`
	Probability float64  `json:"probability"`
	Kind        string   `json:"kind"`
	Reasons     []string `json:"reasons"`
}

// Span is a byte range of one document, half-open, in file offsets.
type Span struct {
	Doc   string `json:"doc"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Match is one aligned pair of recycled spans.
type Match struct {
	A          Span    `json:"a"`
	B          Span    `json:"b"`
	Similarity float64 `json:"similarity"`
	Words      int     `json:"words"`
}

// InputError is a problem with one input: the file, the line (0 when it
// does not apply) and what is wrong. Inputs with errors are skipped or
// repaired; the others go on.
type InputError struct {
	Path  string `json:"path"`
	Line  int    `json:"line,omitempty"`
	Error string `json:"error"`
	// Warning is true when the input was repaired or skipped harmlessly
	// (for example invalid UTF-8 replaced) rather than lost.
	Warning bool `json:"warning,omitempty"`
}
