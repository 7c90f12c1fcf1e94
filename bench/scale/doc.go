// Package scale generates synthetic archive corpora, with the truth of the
// text they plant, to measure reprint at archive scale: memory, time and
// recall over hundreds of thousands of stories, and the shapes that blow up
// a detector (near-identical boilerplate, a one-line wall of text).
//
// Generate writes JSON Lines, one {"id","text","date"} story a line, as
// `reprint report` reads them, and streams: a million articles (about
// 2.5 GB) never sit in memory, because a document is a pure function of
// the seed and its index, and a copied paragraph is drawn again from its
// source's streams rather than kept. Beside the corpus it writes the truth,
// one Planted a line: the source document and byte span, the copy
// document and byte span in the decoded text, and the words edited.
//
// The text is a Zipf-distributed vocabulary (the i-th word drawn with
// weight 1/i): English function words at the head, invented words at the
// tail that grow longer as they grow rarer, in capitalised sentences with
// full stops, a comma now and then and a few numbers. An archive article
// has 6–14 paragraphs (separated by a blank line) of 25–60 words: 10,000
// articles make about 25 MB of text, 100,000 about 254 MB. The shapes
// (see Shape): an archive with 1% of paragraphs copied from an earlier
// article, half of those with two words changed; the same with a
// newsletter footer in every document, near-identical or identical; one
// long line and a small article copying two passages of it. Dates spread
// over a year at one-second granularity, so that every copy is dated after
// its source.
//
// Output is a pure function of the Config: the generator draws from seeded
// SplitMix64 streams (bench/internal/splitmix), one per part of a
// document, so the same Config gives the same bytes on every machine.
// Score counts the planted copies a report's matches find.
package scale
