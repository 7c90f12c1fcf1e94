// Package reprint finds recycled text between articles and says where it
// came from.
//
// Add documents to a Detector and call Detect: every passage that two or
// more documents share — a paragraph, or one sentence inside a long
// article, verbatim or lightly edited — comes back in a Report with exact
// byte spans, grouped into clusters of copies, with document-pair
// similarity and containment and, per cluster, the earliest dated copy.
//
// Detection runs in four stages. Each document is tokenized with the
// normaliser of package minhash and cut into units (sentences, quotations,
// short paragraphs). Units are signed with MinHash and grouped by an LSH
// index, which proposes candidate document pairs without comparing every
// pair; identical units are grouped exactly first. Each candidate pair is
// then aligned exactly on word shingles, tolerating small edits, and the
// aligned stretches become matches with byte spans. Matches are finally
// grouped into clusters of copies.
//
// The output is deterministic: the same documents (in the same order) and
// options give a byte-identical report whatever the number of goroutines.
// Library code never panics on input and never exits.
package reprint
