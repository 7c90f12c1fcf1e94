// Package bruteforce computes exact word-shingle containment between every
// pair of documents of a corpus, the reference that reprint's pair recall
// and precision are measured against. It is exact, not sampled: an inverted
// index from shingle to documents counts, for every pair that shares a
// shingle, how many distinct shingles it shares.
package bruteforce
