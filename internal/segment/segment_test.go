package segment

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reprint-dev/reprint/minhash"
)

// pieces returns the text of each unit.
func pieces(text string, opt Options) []string {
	var tok minhash.Tokenizer
	toks := tok.Tokens(nil, text)
	var out []string
	for _, u := range Units(Boundaries(text, toks), opt) {
		out = append(out, text[toks[u.Start].Start:toks[u.End-1].End])
	}
	return out
}

func TestUnits(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"sentences", "The first sentence is here. The second one follows it. A third.",
			[]string{"The first sentence is here", "The second one follows it. A third"}},
		{"abbreviations and initials do not end a sentence",
			"Mr. Khan met U. S. President Donald J. Trump in the U.S. capital on Monday. Then he left.",
			[]string{"Mr. Khan met U. S. President Donald J. Trump in the U.S. capital on Monday. Then he left"}},
		{"a lower-case word after a period does not start a sentence", "It costs approx. five dollars a day in total. Fine words are here.",
			[]string{"It costs approx. five dollars a day in total", "Fine words are here"}},
		{"quotations are units of their own, a short lead-in is dropped",
			`Khan said: "I don't think we should roll out the red carpet," he added on Monday.`,
			[]string{`I don't think we should roll out the red carpet`, "he added on Monday"}},
		{"curly quotations too",
			"She said “this is the quoted part of it” to reporters who were waiting.",
			[]string{"this is the quoted part of it", "to reporters who were waiting"}},
		{"one-line template paragraphs gather, the line before stays whole",
			"Qtly div 25 cts vs 25 cts prior\n\nPay April 30\n\nRecord April 16",
			[]string{"Qtly div 25 cts vs 25 cts prior", "Pay April 30\n\nRecord April 16"}},
		{"a short tail joins the unit before", "This sentence is long enough to stand. Yes.",
			[]string{"This sentence is long enough to stand. Yes"}},
		{"empty", "", nil},
		{"punctuation only", "… — !!", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, pieces(tt.text, Options{}))
		})
	}
}

func TestLongUnitsAreWindowed(t *testing.T) {
	words := make([]string, 100)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", i%7)
	}
	text := strings.Join(words, " ")
	var tok minhash.Tokenizer
	toks := tok.Tokens(nil, text)
	units := Units(Boundaries(text, toks), Options{MaxTokens: 40, Window: 24, Stride: 12})
	assert.Equal(t, Unit{0, 24}, units[0])
	assert.Equal(t, Unit{12, 36}, units[1])
	last := units[len(units)-1]
	assert.Equal(t, 100, last.End, "the windows cover the whole unit")
	for i := 1; i < len(units); i++ {
		assert.Equal(t, units[i-1].Start+12, units[i].Start)
	}
}

func TestBoundaryKinds(t *testing.T) {
	text := "One two.\nThree four. Five “six” seven"
	var tok minhash.Tokenizer
	toks := tok.Tokens(nil, text)
	assert.Equal(t, []Kind{Paragraph, None, Paragraph, None, Sentence, Quote, Quote}, Boundaries(text, toks))
}
