package minhash_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/reprint-dev/reprint/minhash"
)

// words returns the text of each token's span, as written.
func words(text string) []string {
	var t minhash.Tokenizer
	var out []string
	for _, tok := range t.Tokens(nil, text) {
		out = append(out, text[tok.Start:tok.End])
	}
	return out
}

func hashes(text string) []uint64 {
	var t minhash.Tokenizer
	var out []uint64
	for _, tok := range t.Tokens(nil, text) {
		out = append(out, tok.Hash)
	}
	return out
}

func TestTokensSpansAreTheWordsAsWritten(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // text[Start:End] of each token
	}{
		{"empty", "", nil},
		{"only punctuation and spaces", " \t\n.,;:!?—“”‘’ ", nil},
		{"ascii sentence", "Hello, world!", []string{"Hello", "world"}},
		{"leading and trailing space", "  two words  ", []string{"two", "words"}},
		{"curly quotes and apostrophe", "“I don’t know,” she said.", []string{"I", "don’t", "know", "she", "said"}},
		{"straight quotes and apostrophe", `"I don't know," she said.`, []string{"I", "don't", "know", "she", "said"}},
		{"apostrophe at word edges is not part of the word", "‘tis the dogs’ ball", []string{"tis", "the", "dogs", "ball"}},
		{"spaced initialism spans both letters without the final period", "the U. S. Army", []string{"the", "U. S", "Army"}},
		{"dotted initialism", "the U.S. Army", []string{"the", "U.S", "Army"}},
		{"initialism before a hyphen", "U.S.-made cars", []string{"U.S", "made", "cars"}},
		{"three-letter initialism", "I.B.M. said", []string{"I.B.M", "said"}},
		{"lone initial stays a word", "J. Smith", []string{"J", "Smith"}},
		{"em dash separates", "Khan  —   who", []string{"Khan", "who"}},
		{"hyphen separates", "well-known", []string{"well", "known"}},
		{"multi-byte letters", "café au lait", []string{"café", "au", "lait"}},
		{"decomposed accent stays in the word", "cafe\u0301 noir", []string{"cafe\u0301", "noir"}},
		{"sharp s", "Straße 5", []string{"Straße", "5"}},
		{"ligature", "ﬁne", []string{"ﬁne"}},
		{"full-width letters and digits", "ＡＢＣ１２３ x", []string{"ＡＢＣ１２３", "x"}},
		{"one token per ideograph and kana", "東京タワー", []string{"東", "京", "タ", "ワ", "ー"}},
		{"ideographs then latin", "中文abc", []string{"中", "文", "abc"}},
		{"hangul is not split", "한국어 text", []string{"한국어", "text"}},
		{"NUL separates", "a\x00b", []string{"a", "b"}},
		{"invalid byte separates", "a\xffb", []string{"a", "b"}},
		{"truncated UTF-8 sequence separates", "caf\xc3 x", []string{"caf", "x"}},
		{"only invalid bytes", "\xff\xfe\x00\xc3", nil},
		{"lone combining mark is no token", "x \u0301 y", []string{"x", "y"}},
		{"combining mark alone", "\u0301", nil},
		{"no-break and thin spaces separate", "\u00a0x\u2009y\u3000z", []string{"x", "y", "z"}},
		{"a number is one word", "1,646,000.50 bags", []string{"1,646,000.50", "bags"}},
		{"fraction", "5/8 inch", []string{"5/8", "inch"}},
		{"period after a number ends the sentence", "in 1987. The", []string{"in", "1987", "The"}},
		{"separators not between digits split", "1, 2 and 3.", []string{"1", "2", "and", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, words(tt.text))
		})
	}
}

func TestNormalizeFoldsVariantsToOneForm(t *testing.T) {
	tests := []struct {
		name  string
		want  string
		texts []string
	}{
		{"initialisms", "us", []string{"U. S.", "U.S.", "US", "U.S", "us"}},
		{"lower-case letters with periods are no initialism", "u s", []string{"u.s.", "u. s."}},
		{"initialism in a sentence", "the us army", []string{"the U. S. Army", "the U.S. Army", "The US army"}},
		{"apostrophes", "dont", []string{"don’t", "don't", "donʼt", "don＇t", "DON'T", "dont"}},
		{"quotes", "quoted", []string{"“quoted”", `"quoted"`, "‘quoted’", "'quoted'", "«quoted»", "„quoted“"}},
		{"dashes", "well known", []string{"well—known", "well–known", "well-known", "well‐known", "well―known", "well − known", "well -- known"}},
		{"ligature", "fine", []string{"ﬁne", "fine", "FINE"}},
		{"full width", "abc123", []string{"ＡＢＣ１２３", "abc123", "ABC123"}},
		{"roman numeral", "xii", []string{"Ⅻ", "XII"}},
		{"superscript digit", "x2", []string{"x²", "X2"}},
		{"sharp s", "strasse", []string{"Straße", "STRASSE", "strasse", "STRAẞE"}},
		{"dotted capital I", "istanbul", []string{"İstanbul", "Istanbul", "ISTANBUL"}},
		{"final sigma", "σασ", []string{"ΣΑΣ", "σας", "σασ"}},
		{"precomposed and decomposed accents", "cafe", []string{"café", "cafe\u0301", "CAFÉ", "CAFE\u0301", "cafe"}},
		{"diacritics", "naive resume", []string{"naïve résumé", "naive resume", "NAÏVE RÉSUMÉ"}},
		{"angstrom sign", "angstrom", []string{"Ångström", "\u212bngstr\u00f6m", "angstrom"}},
		{"j with caron", "j", []string{"ǰ", "j\u030c", "J"}},
		{"title-case digraph", "dz", []string{"ǅ", "Ǆ", "dz"}},
		{"thousands separator is dropped", "1400 bags", []string{"1,400 bags", "1400 bags"}},
		{"decimal point and fraction bar are kept", "1.30 5/8", []string{"1.30 5/8"}},
		{"fraction slash U+2044 separates digits", "1 2", []string{"1⁄2", "1 2"}},
		{"leading combining mark is dropped", "abc", []string{"\u0301abc", "abc"}},
		{"NUL and invalid bytes are spaces", "a b c", []string{"a\x00b\xffc", "a b c"}},
		{"CJK", "東 京", []string{"東京", "東 京"}},
		{"nothing", "", []string{"", "—", "\u0301", "\xff", "\x00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, text := range tt.texts {
				assert.Equal(t, tt.want, minhash.Normalize(text), "Normalize(%q)", text)
				want := []uint64(nil)
				if tt.want != "" {
					for _, w := range strings.Split(tt.want, " ") {
						want = append(want, minhash.HashWord(w))
					}
				}
				assert.Equal(t, want, hashes(text), "token hashes of %q", text)
			}
		})
	}
}

// TestNormalizeAppliesNFKCFirst checks that text normalises as its NFKC
// form does, as the Tokenizer's doc and DESIGN.md promise.
//
// Text that is not in NFKC is normalised whole before it is cut into words:
// compatibility characters that stand for letters (™ ℃ ㎒ ㍻ ㈱) become
// them, punctuation that NFKC produces (½ → 1⁄2) splits, and full-width or
// no-break forms of "U. S." join as an initialism.
func TestNormalizeAppliesNFKCFirst(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"ligature", "ﬁne", "fine"},
		{"full-width word with apostrophe", "Ｄｏｎ＇ｔ", "dont"},
		{"circled digit", "①", "1"},
		{"superscript", "x²", "x2"},
		{"roman numeral", "Ⅻ", "xii"},
		{"half-width katakana", "ｶﾞｲﾄﾞ", "カ イ ト"},
		{"trade mark sign", "Acme™", "acmetm"},
		{"degree celsius", "100℃", "100 c"},
		{"squared unit", "100 ㎒", "100 mhz"},
		{"vulgar fraction", "½", "1 2"},
		{"squared era name", "㍻", "平 成"},
		{"parenthesised ideograph", "㈱", "株"},
		{"full-width initialism", "Ｕ．Ｓ．", "us"},
		{"initialism with no-break space", "U.\u00a0S.", "us"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, minhash.Normalize(norm.NFKC.String(tt.text)), "test is wrong")
			assert.Equal(t, tt.want, minhash.Normalize(tt.text))
		})
	}
}

// TestNormalizeIsIdempotent: the normal form of a normal form is itself.
// FuzzNormalize found the last four cases (its corpus keeps the inputs).
func TestNormalizeIsIdempotent(t *testing.T) {
	tests := []struct{ name, text string }{
		{"article", "London Mayor Sadiq Khan  —   who has seen two terror attacks"},
		{"curly quotes", "“no reason to be alarmed” following Saturday’s terror attack"},
		{"initialism", "the U. S. President"},
		{"compatibility forms", "½ ㎒ ǰ café ﬁne"},
		{"numbers", "1,646,000 bags at 1.30 dlrs, 5/8 up"},
		{"CJK", "東京タワー"},
		{"NUL and invalid bytes", "a\x00b\xffc"},
		// NFKC turns a compatibility character inside a word into an
		// ideograph ("a㊀b" → "a一b"), and ideographs are one token each.
		{"compatibility ideograph inside a word", "a㊀b"},
		// NFKC turns one katakana digraph into two katakana: "ヿ" → "コト".
		{"katakana digraph", "ヿ"},
		// NFKC gives "ʼn"; normalize keeps U+02BC as a letter (Lm), the
		// tokenizer drops it as an apostrophe when it sees it again.
		{"n preceded by apostrophe", "ŉ"},
		// golang.org/x/text/cases.Fold maps Cherokee small letters to
		// capitals and capitals back to small letters, so folding is not
		// idempotent: ꮈ → Ꮈ → ꮈ. (Unicode's CaseFolding.txt maps AB88 to
		// 13B8 and leaves 13B8 alone.) Lower-casing after folding fixes it.
		{"Cherokee case folding", "ꮈ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := minhash.Normalize(tt.text)
			assert.Equal(t, n, minhash.Normalize(n), "Normalize(Normalize(%q))", tt.text)
		})
	}
}

func TestAppendNormalizedAppendsAndReusesTheTokenizer(t *testing.T) {
	var tok minhash.Tokenizer
	dst := []byte("prefix:")
	dst = tok.AppendNormalized(dst, "The U. S. café")
	assert.Equal(t, "prefix:the us cafe", string(dst))
	dst = tok.AppendNormalized(dst[:0], "")
	assert.Empty(t, dst)
	// The same Tokenizer serves Tokens and AppendNormalized in turn.
	toks := tok.Tokens(nil, "Don’t stop")
	require.Len(t, toks, 2)
	assert.Equal(t, minhash.HashWord("dont"), toks[0].Hash)
	assert.Equal(t, "dont stop", string(tok.AppendNormalized(nil, "Don’t stop")))
}

func TestIsNumber(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"1987", true}, {"1,646,000", true}, {"5/8", true}, {"0.5", true},
		{"one", true}, {"Hundred", true}, {"TWENTY", true}, {"half", true},
		{"", false}, {"Reuters", false}, {"oneself", false}, {"ninetynine", false},
		{"café", false}, {"½", false}, {"\xff", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, minhash.IsNumber(tt.word), "IsNumber(%q)", tt.word)
	}
}

func TestTokensAppendsToDst(t *testing.T) {
	var tok minhash.Tokenizer
	dst := tok.Tokens(nil, "one two")
	dst = tok.Tokens(dst, "three")
	require.Len(t, dst, 3)
	assert.Equal(t, minhash.Token{Start: 0, End: 5, Hash: minhash.HashWord("three")}, dst[2])
}

func TestHashWordDistinguishesWords(t *testing.T) {
	// Words of every length up to 17 bytes, so that both the 8-byte loop
	// and every tail length are covered, must not collide with each other.
	seen := map[uint64]string{}
	for n := 1; n <= 17; n++ {
		for _, c := range "abcdefghijklmnopqrstuvwxyz0123456789" {
			w := strings.Repeat("x", n-1) + string(c)
			h := minhash.HashWord(w)
			prev, dup := seen[h]
			require.False(t, dup, "HashWord(%q) == HashWord(%q)", w, prev)
			seen[h] = w
		}
	}
}

func TestTokenHashesMatchHashWordOfTheNormalisedForm(t *testing.T) {
	for _, text := range []string{
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789",
		"Mixed CASE words Of Every length: a ab abc abcd abcde abcdef abcdefg abcdefgh abcdefghi",
		"Ünïcödé wörds, “quotes”, don’t — U. S. and U.K. 東京",
	} {
		n := minhash.Normalize(text)
		var want []uint64
		for _, w := range strings.Split(n, " ") {
			want = append(want, minhash.HashWord(w))
		}
		assert.Equal(t, want, hashes(text), "text %q normalised %q", text, n)
	}
}

// normalizeWithin and tokensWithin run the tokenizer under a deadline, so
// that an input that makes it loop forever fails (and the fuzzer saves it)
// instead of hanging the run. The deadline is far above the microseconds
// these inputs take, even under -race.
func normalizeWithin(t *testing.T, text string) string {
	t.Helper()
	var n string
	within(t, text, func() { n = minhash.Normalize(text) })
	return n
}

func tokensWithin(t *testing.T, text string) []minhash.Token {
	t.Helper()
	var toks []minhash.Token
	within(t, text, func() {
		var tok minhash.Tokenizer
		toks = tok.Tokens(nil, text)
	})
	return toks
}

func within(t *testing.T, text string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(hangTimeout):
		t.Fatalf("tokenizer did not return within %v on %q (infinite loop?)", hangTimeout, text)
	}
}

const hangTimeout = 3 * time.Second

// TestTokenizerTerminates covers inputs that once looped forever.
//
// U+02BC MODIFIER LETTER APOSTROPHE is both a word rune (category Lm) and
// an apostrophe; where it did not precede a letter the tokenizer once
// looped forever on it ("Khanʼ said", a lone "ʼ"). Found by FuzzTokens (the
// fuzzer cannot report hangs; it stalled at 0 execs/s).
func TestTokenizerTerminates(t *testing.T) {
	for _, text := range []string{"ʼ", "Khanʼ said"} {
		t.Run(text, func(t *testing.T) {
			tokensWithin(t, text)
		})
	}
}

// splitsWords reports whether s holds a character that normalises to
// several words on its own (½ → 1⁄2 → "1 2").
func splitsWords(s string) bool {
	for _, r := range s {
		if strings.Contains(minhash.Normalize(string(r)), " ") {
			return true
		}
	}
	return false
}

// changedByNFKC reports whether NFKC changes s (a character that
// decomposes, or composes with its neighbour).
func changedByNFKC(s string) bool { return !norm.NFKC.IsNormalString(s) }

// checkTokens asserts the invariants of Tokens and Normalize on any input.
func checkTokens(t *testing.T, text string) {
	t.Helper()
	toks := tokensWithin(t, text)
	n := normalizeWithin(t, text)
	var fields []string
	if n != "" {
		fields = strings.Split(n, " ")
	}
	require.Len(t, fields, len(toks), "Normalize(%q) = %q has one field per token", text, n)
	prevStart, prevEnd := 0, 0
	for i, k := range toks {
		// Spans never go back; tokens made from one character that
		// expands to several words (㍻ → 平 成, ½ → 1 2) share its span.
		shared := i > 0 && k.Start == prevStart && k.End == prevEnd
		sharedNext := i+1 < len(toks) && toks[i+1].Start == k.Start && toks[i+1].End == k.End
		// A character that expands to several words may also be shared
		// by the words either side of it ("0½0" → "01" [0,3), "20" [1,4)):
		// the spans then overlap on it, still in order.
		// The same holds for any character that normalisation changes
		// and whose pieces fall in two words (罶ﾞ: the ideograph is a word
		// of its own, its voiced mark starts the next).
		overlap := i > 0 && prevEnd > k.Start && k.Start >= prevStart && k.End >= prevEnd && changedByNFKC(text[k.Start:prevEnd])
		overlapNext := i+1 < len(toks) && toks[i+1].Start < k.End && !(toks[i+1].Start == k.Start && toks[i+1].End == k.End)
		require.True(t, (shared || overlap || prevEnd <= k.Start) && k.Start < k.End && k.End <= len(text),
			"token %d span [%d,%d) after [%d,%d) in %d bytes", i, k.Start, k.End, prevStart, prevEnd, len(text))
		prevStart, prevEnd = k.Start, k.End
		require.NotEmpty(t, fields[i], "token %d normalises to nothing", i)
		require.Equal(t, minhash.HashWord(fields[i]), k.Hash, "token %d %q hash", i, text[k.Start:k.End])
		// A span normalises alone as in context, except spaced initialisms
		// ("U. S"), which need their final period to be recognised, and
		// spans holding a character that expands to several words, whether
		// the token is the character alone (shared spans) or a word the
		// character's first or last part joins ("0½0" → "01", "20").
		if span := text[k.Start:k.End]; !strings.Contains(span, " ") && !shared && !sharedNext && !overlap && !overlapNext && !splitsWords(span) {
			require.Equal(t, fields[i], normalizeWithin(t, span), "span %q alone", span)
		}
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkTokens(t, text)
	})
}

// FuzzNormalize checks that Normalize never hangs or panics, returns
// UTF-8 words separated by single spaces, and is idempotent.
//
// Its corpus keeps the inputs it found (54ebb7f43f5244e8,
// bug-katakana-digraph, bug-cherokee-fold): see TestNormalizeIsIdempotent.
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := normalizeWithin(t, text)
		require.True(t, utf8.ValidString(n), "Normalize(%q) = %q is not UTF-8", text, n)
		require.False(t, strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  "),
			"Normalize(%q) = %q has stray spaces", text, n)
		require.Equal(t, n, normalizeWithin(t, n), "Normalize is not idempotent on %q", text)
	})
}

// fuzzSeeds are added in code as well as in testdata/fuzz, so that the
// plain test run covers them even if the corpus directory is pruned.
var fuzzSeeds = []string{
	"",
	"London Mayor Sadiq Khan  —   who has seen two terror attacks",
	"“no reason to be alarmed” following Saturday’s terror attack",
	"I don’t think — U. S. President ½ ㎒ ǰ café",
	"the U.S. Army and U. K. and J. Smith",
	"cafe\u0301 \u0301 Straße ﬁne ＡＢＣ１２３ 東京タワー",
	"a\x00b\xffc\xc3",
}
