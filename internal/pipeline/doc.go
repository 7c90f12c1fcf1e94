// Package pipeline holds the stages of detection, each a plain function
// over plain, serialisable values, so that one driver (the root package's
// Detector, on one machine) or another (the Beam pipeline, on many) can
// run them:
//
//   - Sketch (sketch.go): one document's text → a [Sketch]: per unit
//     (sentence, quotation, short paragraph, window of a long sentence)
//     its exact content key, byte span and LSH band fingerprints, and the
//     document's packed seed keys for the verification filter. Tokens,
//     shingles and signatures are dropped.
//   - Candidates (candidates.go): all units' keys and band fingerprints →
//     the candidate document pairs, the boilerplate (identical or
//     near-identical passages in more documents than the bucket cap,
//     grouped once, never paired) and the hot-bucket count. Its
//     decisions are also functions of one bucket or one round
//     (buckets.go: SpecialBucket, BucketPairs, Specials, Boilerplates),
//     which Candidates calls and which a driver that shuffles band
//     buckets to many workers calls the same way.
//   - Verify (verify.go): a candidate pair → its aligned segments and
//     exact shingle overlap. A cheap exact filter on the seed keys
//     ([MayAlign]) rejects the pairs alignment cannot match before either
//     document is prepared again from its text ([Prepare]).
//   - Cluster (cluster.go): the matches' sides → clusters of copies of
//     one passage.
//
// Provenance then runs per cluster (package provenance) and the root
// package assembles the report. Spill (spill.go) keeps the large
// intermediate tables (band columns, pair runs, texts) on disk past a
// memory budget.
package pipeline
