package reprint

import "github.com/reprint-dev/reprint/internal/model"

// The documents and the report are defined in internal/model, below every
// part that reads or renders them; these are their names in the facade.

type (
	// Granularity says how precise a document's date is. Two dates of day
	// granularity on the same day tie: neither is known to be earlier.
	Granularity = model.Granularity

	// Date is a publication date with the precision it was given with. The zero
	// Date means "undated".
	Date = model.Date

	// Document is one article. Text is what is compared; byte offsets in a
	// Report index into Text, shifted by TextOffset so that they index the file
	// as read (see TextOffset).
	Document = model.Document

	// Report is the result of Detect. It marshals with encoding/json to the JSON
	// report; its field order and content are deterministic for the same inputs
	// and parameters, whatever the number of cores.
	Report = model.Report

	// Limits records the work the detector skipped on purpose: text shared by
	// so many documents that listing every pair would be quadratic.
	Limits = model.Limits

	// Boilerplate is one passage left out as boilerplate.
	Boilerplate = model.Boilerplate

	// Tool names the program that made a report.
	Tool = model.Tool

	// ReportParams records the parameters a report was made with.
	ReportParams = model.ReportParams

	// DocSummary describes one input document and how much of it is recycled.
	DocSummary = model.DocSummary

	// DocPair summarises the reuse between two documents that share at least
	// one reported passage. A is the document that comes first in input order.
	DocPair = model.DocPair

	// Cluster is one recycled passage with all its copies.
	Cluster = model.Cluster

	// Passage is one copy of a recycled passage: Text is exactly the bytes
	// [Start, End) of the file (or decoded text) the document came from.
	Passage = model.Passage

	// Origin is provenance's guess at where a cluster's passage came from.
	Origin = model.Origin

	// Edge is one derivation step in a cluster's tree: To copied From; for
	// kind "co-derived", From and To both copied a source outside the corpus.
	Edge = model.Edge

	// Span is a byte range of one document, half-open, in file offsets.
	Span = model.Span

	// Match is one aligned pair of recycled spans.
	Match = model.Match

	// InputError is a problem with one input: the file, the line (0 when it
	// does not apply) and what is wrong. Inputs with errors are skipped or
	// repaired; the others go on.
	InputError = model.InputError
)

// The granularities a date can have, from unknown to the second.
const (
	GranularityNone   = model.GranularityNone
	GranularityDay    = model.GranularityDay
	GranularityMinute = model.GranularityMinute
	GranularitySecond = model.GranularitySecond
)

// SchemaV1 is the value of Report.Schema for the JSON report described in
// the README (and fixed by DESIGN.md).
const SchemaV1 = model.SchemaV1
