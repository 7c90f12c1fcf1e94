// Package audit benchmarks reprint's persistent index and audit: adding
// the dev corpus, the index's size against the text's, and the wall time
// of auditing 100 articles (opening the index included) as the index
// grows. Corpus builds a deterministic synthetic reference corpus of any
// size from the dev corpus: each replica maps every word to another of
// about the same frequency, so replicas read like news, keep the
// corpus's statistics, and share no more text with each other than
// unrelated stories do.
//
// Run: go test -run '^$' -bench . -benchtime 1x ./bench/audit
// (REPRINT_BENCH_PASSAGES=1000000 adds the largest size; built indexes
// are cached in the system temp directory).
package audit
