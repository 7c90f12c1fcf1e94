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

// Middle returns s when it measures at most n; else its start and its
// end around Mark, at most n in all, keeping more of the end (three fifths:
// a path's file name) than of the start. It never splits a rune.
func Middle(s string, n int, m Measure) string {
	type piece struct{ start, width int }
	var ps []piece
	total := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		w := m(r, size)
		ps = append(ps, piece{i, w})
		total += w
		i += size
	}
	if total <= n {
		return s
	}
	tailW := (n - 1) * 3 / 5
	headW := n - 1 - tailW
	i, col := 0, 0
	for i < len(ps) && col+ps[i].width <= headW {
		col += ps[i].width
		i++
	}
	j, col := len(ps), 0
	for j > i && col+ps[j-1].width <= tailW {
		col += ps[j-1].width
		j--
	}
	head, tail := len(s), len(s)
	if i < len(ps) {
		head = ps[i].start
	}
	if j < len(ps) {
		tail = ps[j].start
	}
	return s[:head] + Mark + s[tail:]
}

// Excerpt folds s's runs of white space (newlines included) to single
// spaces and shortens it to n runes: a passage quoted on one line.
func Excerpt(s string, n int) string {
	return Shorten(strings.Join(strings.Fields(s), " "), n, Runes)
}
