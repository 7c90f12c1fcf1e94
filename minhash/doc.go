// Package minhash is reprint's similarity core: text is normalised and cut
// into word tokens that keep their byte spans, tokens are hashed into word
// k-gram shingles, shingles are sketched into MinHash signatures, and
// signatures are grouped by an LSH index so that passages likely to share
// text are found without comparing every pair.
//
// Signatures use one-permutation hashing with optimal densification
// (Shrivastava, ICML 2017): each shingle is hashed once and falls into one of
// NumHash bins, and empty bins borrow the value of a non-empty bin chosen by
// a seeded probe sequence. A signature costs O(shingles + NumHash) instead of
// the O(shingles × NumHash) of classic MinHash, with the same estimation
// error, so the Jaccard similarity of two sets is estimated by the share of
// equal bins.
//
// Everything that decides whether two signatures are comparable (shingle
// size, number of hashes, seed, bands and rows) is one Params value. The
// values of a signature for given Params never change across runs, machines
// or versions: golden vectors in the tests pin them, because stored indexes
// depend on them.
//
// Concurrency: a Tokenizer, Hasher or Sketcher holds scratch buffers and
// must not be shared between goroutines (make one per goroutine: they are
// cheap). An LSH index may be queried from many goroutines at once, also
// while another goroutine adds to it.
package minhash
