// Package provenance is the evaluation harness of reprint's provenance
// inference (package github.com/reprint-dev/reprint/provenance): it builds
// labelled clusters, fits the model's weights, calibrates them, and scores
// the verdicts against ground truth beside simple baselines.
//
// Two sources of direction labels are used, always split by story so that
// no story is in two of the train, calibration and test splits:
//
//   - synthetic derivation forests (bench/synth.GenerateForest) planted into
//     Reuters stories: chains, stars, random trees, compilations and trees
//     whose origin is hidden outside the corpus (half of them quotations),
//     with noisy dates (missing, tied at day granularity, some wrong);
//   - the Reuters-21578 dev corpus, whose re-issued stories (document pairs
//     at least ten minutes apart that share at least half of one side's
//     word 5-shingles) get a silver direction from their minute
//     timestamps.
//
// Detection always runs on a blinded copy of the corpus: ids replaced by
// random ones, order shuffled, only the id and the text kept (and the
// dates, when a run uses them). The date weights are fitted on the
// synthetic forests only, never against labels derived from dates.
package provenance
