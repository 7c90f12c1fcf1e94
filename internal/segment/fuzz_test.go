package segment

import (
	"testing"

	"github.com/reprint-dev/reprint/minhash"
)

// FuzzSegment checks that segmentation never panics and that its units
// are valid for any text: Boundaries gives one kind a token, the first a
// paragraph; every unit is a non-empty run of tokens inside the document,
// in order, and its byte span (from its first token's start to its last
// token's end) lies inside the text.
func FuzzSegment(f *testing.F) {
	for _, s := range []string{
		"",
		"The first sentence is here. The second one follows it. A third.",
		"“Quoted,” he said. Mr. Smith went to Washington.\n\nA new paragraph.",
		"Head line\n\x00\x00\x00 three NUL bytes in a sentence of ordinary words.",
		"An escape \x1b[2J\x1b]0;title\x07 inside a sentence, and a C1 \u009b31m one.",
		"Pay April 17\nRecord April 3\nDividend 12 cts",
		"a\x00b\xffc\xc3 ’ — … 東京タワー ＡＢＣ",
	} {
		f.Add(s, 0)
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, minTokens int) {
		var tok minhash.Tokenizer
		toks := tok.Tokens(nil, text)
		b := Boundaries(text, toks)
		if len(b) != len(toks) {
			t.Fatalf("%d boundaries for %d tokens", len(b), len(toks))
		}
		if len(b) > 0 && b[0] != Paragraph {
			t.Fatalf("first boundary %v, want Paragraph", b[0])
		}
		opt := Options{MinTokens: min(max(minTokens, 0), 64)}
		last := -1
		for _, u := range Units(b, opt) {
			if u.Start < 0 || u.End > len(toks) || u.Start >= u.End {
				t.Fatalf("unit [%d, %d) of %d tokens", u.Start, u.End, len(toks))
			}
			if u.Start < last {
				t.Fatalf("unit [%d, %d) starts before the previous one at %d", u.Start, u.End, last)
			}
			last = u.Start
			if s, e := toks[u.Start].Start, toks[u.End-1].End; s < 0 || e > len(text) || s > e {
				t.Fatalf("unit bytes [%d, %d) outside the text of %d", s, e, len(text))
			}
		}
	})
}
