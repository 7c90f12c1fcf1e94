// Package ellipsis shortens text for display: the one place where reprint
// cuts a string and marks the cut with "…", whether it counts runes (an
// audit's excerpt), terminal columns (the text views) or bytes (a bad
// value quoted in an error).
package ellipsis

import (
	"strings"
	"unicode/utf8"
)

// Mark ends a shortened string.
const Mark = "…"

// A Measure gives the width of one rune of a string, whose encoding there
// is size bytes (1 for a byte of invalid UTF-8).
type Measure func(r rune, size int) int

// The common measures.
var (
	// Runes counts each rune as 1.
	Runes Measure = func(rune, int) int { return 1 }
	// Bytes counts a rune's bytes.
	Bytes Measure = func(_ rune, size int) int { return size }
)

// Shorten returns s when it measures at most n; else the longest prefix of
// whole runes that measures at most n-1, then Mark (which counts as 1). It
// never splits a rune.
func Shorten(s string, n int, m Measure) string {
	total := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		total += m(r, size)
		i += size
	}
	if total <= n {
		return s
	}
	col, end := 0, 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		w := m(r, size)
		if col+w > n-1 {
			break
		}
		col += w
		end += size
	}
	return s[:end] + Mark
}

// Excerpt folds s's runs of white space (newlines included) to single
// spaces and shortens it to n runes: a passage quoted on one line.
func Excerpt(s string, n int) string {
	return Shorten(strings.Join(strings.Fields(s), " "), n, Runes)
}
