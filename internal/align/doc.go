// Package align finds the shared passages of two tokenized documents
// exactly: equal word shingles are seeds, seeds on one diagonal form runs
// that tolerate substituted words, and runs chain across small insertions
// and deletions into maximal aligned segments with exact token bounds.
package align
