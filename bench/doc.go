// Package bench holds reprint's benchmarks and evaluation harnesses.
//
// The minhash benchmarks (minhash_test.go) compare reprint's similarity
// core with github.com/ekzhu/minhash-lsh on the same inputs in the same run:
//
//	go test -run '^$' -bench . -benchtime 1x ./bench/   # CI: every benchmark once
//	go test -run '^$' -bench . -benchtime 1s ./bench/   # figures
//
// Sub-benchmark names are fixed (impl=reprint, impl=ekzhu, size=…) so that
// results can be compared across runs with benchstat.
package bench
