package render

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/reprint-dev/reprint/internal/ellipsis"
)

// style is how a stretch of terminal text is drawn.
type style uint8

const (
	stPlain style = iota
	stDel         // only in the reference (or in A): red, struck out
	stIns         // only in this copy (or in B): green, underlined
	stDim         // metadata
	stBold        // headings
	stHead        // cluster headings
	stWarn        // problems
)

// sgr holds the ANSI select-graphic-rendition codes of each style.
var sgr = [...]string{
	stPlain: "",
	stDel:   "\x1b[9;31m",
	stIns:   "\x1b[4;32m",
	stDim:   "\x1b[2m",
	stBold:  "\x1b[1m",
	stHead:  "\x1b[1;36m",
	stWarn:  "\x1b[33m",
}

const sgrReset = "\x1b[0m"

// painter draws styled text with ANSI colour, or leaves it plain.
type painter struct{ color bool }

func (p painter) paint(s string, st style) string {
	if !p.color || st == stPlain || s == "" {
		return s
	}
	return sgr[st] + s + sgrReset
}

// line is one wrapped line and the columns it takes on screen (escape
// codes take none).
type line struct {
	text  string
	width int
}

// word is one unbreakable piece of wrapped text.
type word struct {
	text  string
	style style
}

// runWords turns diff runs into words to wrap. Without colour, deleted
// runs are bracketed [-like this-] and inserted ones {+like this+} (the
// marking of git's word diff), so the change survives a pipe; with colour
// the brackets are left out. keep says which runs to show: a side of a
// two-column view shows only its own words.
func runWords(rs []run, color bool, head, tail bool, keepDel, keepIns bool) []word {
	var out []word
	if head {
		out = append(out, word{"…", stDim})
	}
	for _, r := range rs {
		st, open, close := stPlain, "", ""
		switch r.op {
		case opDel:
			if !keepDel {
				continue
			}
			st, open, close = stDel, "[-", "-]"
		case opIns:
			if !keepIns {
				continue
			}
			st, open, close = stIns, "{+", "+}"
		}
		if color {
			open, close = "", ""
		}
		for i, w := range r.words {
			w = visible(w)
			if i == 0 {
				w = open + w
			}
			if i == len(r.words)-1 {
				w += close
			}
			out = append(out, word{w, st})
		}
	}
	if tail {
		out = append(out, word{"…", stDim})
	}
	return out
}

// textWords splits plain text into words of one style.
func textWords(s string, st style) []word {
	f := strings.Fields(s)
	out := make([]word, len(f))
	for i, w := range f {
		out[i] = word{visible(w), st}
	}
	return out
}

// wrap fills lines of at most width columns with words, greedily. A word
// wider than the line gets a line of its own. Neighbouring words of one
// style are painted together, spaces included, so that colour codes come
// once per stretch, not once per word.
func wrap(words []word, width int, p painter) []line {
	width = max(width, 10)
	var (
		out []line
		b   strings.Builder // the line so far, painted
		run strings.Builder // the current stretch of one style, unpainted
		st  style
		col int
	)
	flush := func() {
		b.WriteString(p.paint(run.String(), st))
		run.Reset()
	}
	for _, w := range words {
		ww := displayWidth(w.text)
		if col > 0 && col+1+ww > width {
			flush()
			out = append(out, line{b.String(), col})
			b.Reset()
			col = 0
		}
		if col > 0 {
			if w.style != st {
				flush()
				b.WriteByte(' ')
			} else {
				run.WriteByte(' ')
			}
			col++
		} else if w.style != st {
			flush()
		}
		st = w.style
		run.WriteString(w.text)
		col += ww
	}
	flush()
	if col > 0 || len(out) == 0 {
		out = append(out, line{b.String(), col})
	}
	return out
}

// runeWidth is the number of terminal columns r takes.
func runeWidth(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f:
		return 0
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// truncate shortens s to at most n columns, ending it with "…" when cut.
func truncate(s string, n int) string {
	return ellipsis.Shorten(s, n, func(r rune, _ int) int { return runeWidth(r) })
}

// middle shortens s to at most n columns by putting "…" in place of its
// middle, keeping more of its end (a path's file name) than of its start.
func middle(s string, n int) string {
	return ellipsis.Middle(s, n, func(r rune, _ int) int { return runeWidth(r) })
}

// pad right-pads a line with spaces to n columns.
func pad(l line, n int) string {
	if l.width >= n {
		return l.text
	}
	return l.text + strings.Repeat(" ", n-l.width)
}
