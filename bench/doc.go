// Package bench holds reprint's benchmarks and evaluation harnesses.
//
// The minhash benchmarks (minhash_test.go) compare reprint's similarity
// core with github.com/ekzhu/minhash-lsh on the same inputs in the same run:
//
//	go test -run '^$' -bench . -benchtime 1x ./bench/   # CI: every benchmark once
//	go test -run '^$' -bench . -benchtime 1s ./bench/   # figures
//
// BenchmarkScaleArchive10k (scale_test.go) runs the Detector on a
// generated archive of 10,000 articles (bench/scale) and reports its peak
// heap, the recall of the planted copies and the time per article; the
// command bench/cmd/scale measures larger archives and the boilerplate and
// long-line shapes through the CLI, with peak RSS and spill bytes.
//
// Sub-benchmark names are fixed (impl=reprint, impl=ekzhu, size=…) so that
// results can be compared across runs with benchstat.
package bench
