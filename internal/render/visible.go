package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Visible returns s with every control character drawn visibly, so that
// text from an article cannot drive the terminal it is shown on (clear
// the screen, retitle the window, move the cursor): ESC becomes ␛
// (U+241B), the other C0 controls their Control Pictures (U+2400 + c,
// NUL as ␀), and DEL and the C1 controls (U+0080–U+009F, among them the
// one-byte CSI) a \u009b-style escape, as are the Unicode bidirectional
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
// would make a line read in another order than its bytes ("Trojan
// Source"). Line feeds and tabs are kept when
// keepLines is true (CSV fields, multi-line messages); else they are drawn
// too, as is a carriage return always (it could overwrite a line). s is returned as it is when it holds no control character.
//
// Only the drawing changes: reports keep their exact text and offsets.
func Visible(s string, keepLines bool) string {
	if !hasControl(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		writeVisible(&b, r, keepLines)
	}
	return b.String()
}

// visible is Visible for the text views' words, which hold no line
// break.
func visible(s string) string { return Visible(s, false) }

func hasControl(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20:
			if !(keepLines && (c == '\n' || c == '\t')) {
				return true
			}
		case c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			return true // U+0080–U+009F in UTF-8
		case c == 0xe2: // the first byte of U+2000–U+2FFF
			if r, _ := utf8.DecodeRuneInString(s[i:]); isBidiControl(r) {
				return true
			}
		}
	}
	return false
}

func writeVisible(b *strings.Builder, r rune, keepLines bool) {
	switch {
	case keepLines && (r == '\n' || r == '\t'):
		b.WriteRune(r)
	case r == 0x1b:
		b.WriteRune('␛')
	case r < 0x20:
		b.WriteRune(0x2400 + r)
	case r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r):
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		b.WriteRune(r)
	}
}

// isBidiControl reports whether r is a bidirectional embedding, override
// or isolate.
func isBidiControl(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }

// VisibleWriter returns a writer that draws the control characters of
// what it is given visibly (see Visible), keeping line feeds and tabs: for
// plain-text outputs that carry article text, such as audit's text view
// and the messages on standard error. It must not be given colour codes.
func VisibleWriter(w io.Writer) io.Writer { return visibleWriter{w} }

type visibleWriter struct{ w io.Writer }

func (v visibleWriter) Write(p []byte) (int, error) {
	if !hasControl(string(p), true) {
		return v.w.Write(p)
	}
	// A rune split over two writes is left as it is: the writers this
	// guards write whole lines.
	n0 := len(p)
	var b strings.Builder
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(p[0])
		} else {
			writeVisible(&b, r, true)
		}
		p = p[n:]
	}
	if _, err := io.WriteString(v.w, b.String()); err != nil {
		return 0, err
	}
	return n0, nil
}
