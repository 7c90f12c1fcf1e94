// Package render draws a model.Report for its readers.
//
// The formats: text (the default; for people at a terminal or reading a
// log: a summary, then each cluster with its copies and a word diff of each
// against the longest, coloured on a terminal and marked [-so-]{+so+} when
// piped), json (the stable machine format of DESIGN.md), csv (one row per
// match, for spreadsheets) and html (one self-contained page with the
// copies side by side, a reuse matrix, derivation trees as inline SVG and
// the full texts with their recycled passages marked; it makes no network
// request and runs no script). Compare draws two documents' shared passages
// side by side, and Progress is the terminal's spinner for long runs.
//
// Output is deterministic: the same report and Renderer give the same
// bytes. Provenance (origins, derivation edges, pair sources) is drawn
// when the report carries it and said to be missing when it does not.
package render
