// Package synth generates synthetic text-reuse corpora with ground truth,
// to measure a reuse detector without hand labels.
//
// Generate starts from real documents (the Reuters dev corpus, or the seed
// articles cut into pieces with Chunk) and first keeps only documents that
// share no word 8-gram with each other, skipping short and table-like ones,
// so that the only reuse in the output is the reuse it plants. It then
// copies runs of one to five sentences from source documents into host
// documents at sentence or paragraph boundaries, each copy edited one way:
// verbatim, trimmed at the head or tail, words substituted, punctuation
// changed, sentences reordered, or wrapped in an attribution. A passage may
// be planted into several hosts and a host may take passages from several
// sources. Every document gets a hidden time so that sources come first,
// and optionally noisy dates. The Truth records, for every copy, the exact
// byte spans in the source and in the target as written, the edit, the
// share of words edited and the word count; ScoreMatches compares a
// detector's matches with it (recall, precision, character F1 of spans,
// broken down by edit, length and edit share).
//
// Output is a pure function of the input documents and the Config: the
// generator draws from its own seeded SplitMix64 streams, never ranges over
// a map for output and runs on one goroutine, so a seed gives byte-identical
// files on every machine and Go release. Document ids ("syn-" and 8 hex
// digits) hash the seed and the real id: they reveal neither roles nor
// order.
package synth
