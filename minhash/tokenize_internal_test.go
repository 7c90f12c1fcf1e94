package minhash

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// tokensByNext is Tokens without its inlined fast path: every token from
// next, the tokenizer's one definition.
func tokensByNext(t *Tokenizer, text string) []Token {
	t.keep = false
	scan, mapped := t.prepare(text)
	var dst []Token
	for pos := 0; ; {
		start, end, h, next := t.next(scan, pos)
		if start < 0 {
			return dst
		}
		if mapped {
			start, end = t.origin(start, end)
		}
		dst = append(dst, Token{Start: start, End: end, Hash: h})
		pos = next
	}
}

// TestInlinedTokensEqualNext checks that the loops that take spaces,
// punctuation and plain words inline (Tokens, and SignTo through the
// step-by-step path) give what next alone gives, on random texts of the
// pieces those shortcuts decide on: words before spaces, ASCII and
// General Punctuation (dashes, quotes, apostrophes, some cut short into
// invalid UTF-8), initialisms, numbers, and characters next normalises.
func TestInlinedTokensEqualNext(t *testing.T) {
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
		want := tokensByNext(&slow, text)
		require.Equal(t, want, fast.Tokens(nil, text), "%q", text)
		sig, err := h.Sign(text)
		wantSig, wantErr := h.SignTokens(nil, want)
		require.Equal(t, wantErr, err, "%q", text)
		if err == nil {
			require.Equal(t, wantSig, sig, "%q", text)
		}
	}
}
