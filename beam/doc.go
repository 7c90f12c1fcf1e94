// Package reprintbeam runs reprint's detection as an Apache Beam
// pipeline, so that a corpus too large for one machine runs on the
// engine its users already have (Flink, Spark, Google Cloud Dataflow),
// and in-process on the prism runner for tests.
//
// The pipeline runs reprint's own stages (package internal/pipeline,
// through reprint.Stages), not a copy of them: documents are read a file
// at a time and sketched a document at a time on every worker; the
// candidate stage runs by LSH band bucket, a shard of buckets (a band and
// a range of fingerprints) an element on every worker, decided by the
// per-bucket functions the single-machine candidate stage calls (the hot-
// bucket caps, the buckets set aside, ordinary buckets' pairs), with the
// band entries reaching the bucket workers as files under
// Options.TempDir, not through the runner; wide buckets, the special
// buckets' near-duplicate families and the boilerplate passages are
// rounds of their own over the few units they concern (the last two on
// one worker); candidate pairs are filtered on their documents' seeds and
// verified a pair at a time on every worker, each pair joined with its
// two documents; the report (matches, document pairs, coverage,
// clusters) is assembled on one worker by the same code as Detect's;
// provenance runs on every worker, one batch of clusters linked by
// shared documents (a connected component) an element, and one worker
// applies the verdicts and writes the outputs (reprint.Stages' Assemble,
// InferProvenance and ApplyProvenance, which Detect runs on one machine
// too), so that report.json is byte-identical to
// `reprint report --format json` on the same inputs and flags.
// Connected components are not distributed by choice: the match graph of
// 10M stories takes about 5 GB on the report worker, which writes
// report.json, every match in one file, anyway. The tables of the report
// are also written as sharded Parquet files, and, with Dedup, the
// documents to keep as JSON Lines.
//
// This package is its own module (github.com/reprint-dev/reprint/beam),
// so that users of the library never download Beam.
package reprintbeam
