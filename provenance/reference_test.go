package provenance

import (
	"regexp"
)

// This file keeps the plain forms of signals that the package computes
// faster: the tests compare the two.

// saidPattern is what countSaid counts.
var saidPattern = regexp.MustCompile(`\b(said|says|told)\b`)

// parenAcronym is what countParenAcronyms counts.
var parenAcronym = regexp.MustCompile(`\([A-Z][A-Z.&]{1,7}\)`)

// fit is fitSets without the sets.
func fit(text string, toks []token, t0, t1, window int) (near, whole float64, ctx bool) {
	near, whole, ctx, _, _ = fitSets(text, toks, t0, t1, window)
	return near, whole, ctx
}

// substitutedFit is substitutedFitSorted read from the host: the share
// of the copy's (tokens [t0, t1)) content words missing from bBag that
// recur elsewhere in its host.
func substitutedFit(text string, toks []token, t0, t1 int, bBag map[uint64]bool) (float64, bool) {
	missing := make(map[uint64]bool)
	for _, t := range toks[t0:t1] {
		if !bBag[t.Hash] && isContent(text, t) {
			missing[t.Hash] = true
		}
	}
	if len(missing) == 0 {
		return 0, false
	}
	found := make(map[uint64]bool)
	for i, t := range toks {
		if (i < t0 || i >= t1) && missing[t.Hash] {
			found[t.Hash] = true
		}
	}
	return float64(len(found)) / float64(len(missing)), true
}
