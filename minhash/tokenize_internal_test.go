package minhash

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// referenceNext is next with none of its shortcuts (plain ASCII words
// hashed from the text, General Punctuation skipped by its bytes): every
// word goes through word and every other character is decoded.
// It returns the token's normalised form too.
func referenceNext(t *Tokenizer, text string, pos int) (start, end int, normalised string, nextPos int) {
	for pos < len(text) {
		switch asciiClass[text[pos]] {
		case clsLower, clsUpper:
			if s, e, n, np, ok := t.word(text, pos); ok {
				return s, e, string(n), np
			} else {
				pos = max(np, pos+1)
			}
		case clsNonASCII:
			r, size := utf8.DecodeRuneInString(text[pos:])
			switch {
			case isIdeograph(r):
				if n := t.ideograph(text[pos : pos+size]); len(n) > 0 {
					return pos, pos + size, string(n), pos + size
				}
				pos += size
			case isWordRune(r) && !isApostrophe(r):
				if s, e, n, np, ok := t.word(text, pos); ok {
					return s, e, string(n), np
				} else {
					pos = max(np, pos+size)
				}
			default:
				pos += size
			}
		default:
			pos++
		}
	}
	return -1, -1, "", len(text)
}

// referenceTokens is Tokens and AppendNormalized through referenceNext.
func referenceTokens(t *Tokenizer, text string) ([]Token, string) {
	scan, mapped := t.prepare(text)
	var dst []Token
	var words []string
	for pos := 0; ; {
		start, end, n, next := referenceNext(t, scan, pos)
		if start < 0 {
			return dst, strings.Join(words, " ")
		}
		if mapped {
			start, end = t.origin(start, end)
		}
		dst = append(dst, Token{Start: start, End: end, Hash: HashWord(n)})
		words = append(words, n)
		pos = next
	}
}

// TestTokenizerShortcutsChangeNothing checks next's shortcuts against
// referenceNext, through Tokens, SignTo (against SignTokens on the
// reference tokens) and AppendNormalized, on random texts of the pieces
// the shortcuts decide on: words before spaces, ASCII and General
// Punctuation (dashes, quotes, apostrophes, some cut short into invalid
// UTF-8), initialisms, numbers, and characters that normalisation
// changes.
func TestTokenizerShortcutsChangeNothing(t *testing.T) {
	pieces := []string{
		"word", "Word", "W", "x", "abcdefgh", "abcdefghijk", "42", "1", " ", " ", "  ", ".", ",", "'", "-", "/",
		"U.", "U. ", "S.", "—", "–", "“", "”", "’", "‘", "…", "\u2060", "\u206f", "\u2070", "\xe2\x80", "\xe2", "\xe2\x81\xb0",
		"é", "東", "e\u0301", "™", "½", "\x00", "\xff", "\n", "don’t", "O'Neil",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var fast, slow Tokenizer
	h, err := NewHasher(Params{Shingle: 2, NumHash: 64, Seed: 9, Bands: 1, Rows: 1})
	require.NoError(t, err)
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		want, norm := referenceTokens(&slow, text)
		require.Equal(t, want, fast.Tokens(nil, text), "%q", text)
		require.Equal(t, norm, string(fast.AppendNormalized(nil, text)), "%q", text)
		sig, err := h.Sign(text)
		wantSig, wantErr := h.SignTokens(nil, want)
		require.Equal(t, wantErr, err, "%q", text)
		if err == nil {
			require.Equal(t, wantSig, sig, "%q", text)
		}
	}
}
