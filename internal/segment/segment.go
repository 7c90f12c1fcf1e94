package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/minhash"
)

// Unit is a run of tokens [Start, End) of a document.
type Unit struct {
	Start, End int
}

// Options tunes segmentation. The zero value means the defaults.
type Options struct {
	// MinTokens is the fewest tokens a unit keeps; shorter pieces join
	// their neighbour in the same paragraph, or are dropped when alone.
	MinTokens int
	// MaxTokens is the longest unit; longer ones are cut into
	// overlapping windows, so that a recycled clause inside a long
	// sentence still has a unit it fills most of.
	MaxTokens int
	// Window and Stride cut units longer than MaxTokens.
	Window, Stride int
}

func (o Options) withDefaults() Options {
	if o.MinTokens <= 0 {
		o.MinTokens = 4
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 40
	}
	if o.Window <= 0 {
		o.Window = 24
	}
	if o.Stride <= 0 {
		o.Stride = 12
	}
	return o
}

// Kind says what ends a piece of text.
type Kind uint8

// Boundary kinds between two tokens, from none to paragraph.
const (
	None      Kind = iota
	Quote          // a quotation mark opens or closes
	Sentence       // a sentence ends
	Paragraph      // a line break
)

// Boundaries returns, for each token i > 0, the kind of boundary between
// token i-1 and token i (b[0] is Paragraph).
func Boundaries(text string, tokens []minhash.Token) []Kind {
	b := make([]Kind, len(tokens))
	if len(tokens) == 0 {
		return b
	}
	b[0] = Paragraph
	for i := 1; i < len(tokens); i++ {
		gap := ""
		if tokens[i-1].End < tokens[i].Start { // tokens of one character share its span
			gap = text[tokens[i-1].End:tokens[i].Start]
		}
		b[i] = boundary(text, tokens[i-1], tokens[i], gap)
	}
	return b
}

func boundary(text string, prev, next minhash.Token, gap string) Kind {
	if strings.IndexByte(gap, '\n') >= 0 {
		return Paragraph
	}
	if strings.ContainsAny(gap, ".!?") && endsSentence(text, prev, next, gap) {
		return Sentence
	}
	if strings.ContainsAny(gap, "\"“”«»„") {
		return Quote
	}
	return None
}

// endsSentence decides whether sentence-ending punctuation in gap really
// ends a sentence: not after an abbreviation or initial (Mr., J., U.S.), and
// only before a word that starts with a capital, a digit or a quotation.
func endsSentence(text string, prev, next minhash.Token, gap string) bool {
	word := text[prev.Start:prev.End]
	if strings.IndexByte(gap, '.') == 0 && !strings.ContainsAny(gap, "!?") {
		if strings.IndexByte(word, '.') >= 0 || strings.Contains(word, ". ") {
			return false // an initialism such as U.S. or U. S.
		}
		if r, _ := utf8.DecodeRuneInString(word); utf8.RuneCountInString(word) == 1 && unicode.IsUpper(r) {
			return false // an initial: Donald J. Trump
		}
		if abbreviations[strings.ToLower(word)] {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(text[next.Start:])
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsAny(gap, "\"“'‘([")
}

// abbreviations that do not end a sentence when followed by a period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"gen": true, "sen": true, "rep": true, "gov": true, "lt": true, "col": true,
	"capt": true, "sgt": true, "jr": true, "sr": true, "mt": true, "ft": true,
	"no": true, "vs": true, "etc": true, "approx": true, "dept": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"inc": true, "corp": true, "co": true, "ltd": true, "bros": true,
}

// Units cuts a document into units, given its tokens' boundaries.
func Units(bounds []Kind, opt Options) []Unit {
	opt = opt.withDefaults()
	var pieces []Unit
	start := 0
	for i := 1; i <= len(bounds); i++ {
		if i == len(bounds) || bounds[i] >= Quote {
			if i > start {
				pieces = append(pieces, Unit{start, i})
			}
			start = i
		}
	}
	// A short piece joins the unit before it in its paragraph ("Yes."
	// after a sentence). A short paragraph gathers the paragraphs after
	// it, so that the one-line paragraphs of a template ("Pay April 17",
	// "Record April 3") form a unit of their own and leave the line before
	// them whole. A short piece left alone (a "Khan said:" before a
	// quotation) is dropped: units only seed the search, and alignment
	// covers every word.
	short := func(u Unit) bool { return u.End-u.Start < opt.MinTokens }
	var joined []Unit
	for _, p := range pieces {
		n := len(joined)
		newPara := bounds[p.Start] == Paragraph
		switch {
		case n > 0 && short(p) && !newPara:
			joined[n-1].End = p.End
		case n > 0 && short(joined[n-1]) && newPara:
			joined[n-1].End = p.End
		default:
			joined = append(joined, p)
		}
	}
	var units []Unit
	for _, u := range joined {
		switch n := u.End - u.Start; {
		case n < opt.MinTokens:
			continue
		case n <= opt.MaxTokens:
			units = append(units, u)
		default:
			for s := u.Start; ; s += opt.Stride {
				e := min(s+opt.Window, u.End)
				units = append(units, Unit{s, e})
				if e == u.End {
					break
				}
			}
		}
	}
	return units
}
