package minhash_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

// SignTo works in one pass; it must give exactly what tokenizing,
// shingling and sketching give step by step.
func TestSignToEqualsTheStepByStepPath(t *testing.T) {
	texts := []string{
		"one", "two words", "just three words", "The U. S. President said on Monday that “nothing” had changed.",
		"Acme™ sold 100 ㎒ radios for ½ price: ㍻ ﬁne café", "Shr loss 1.30 dlrs vs profit 29 cts",
		"東京タワー is tall", "a\x00b\xffc don’t ʼ stop",
	}
	for _, p := range []minhash.Params{minhash.DefaultParams(), {Shingle: 5, NumHash: 64, Seed: 42, Bands: 8, Rows: 8}, {Shingle: 1, NumHash: 200, Seed: 7, Bands: 10, Rows: 20}} {
		h, err := minhash.NewHasher(p)
		require.NoError(t, err)
		sk, err := minhash.NewSketcher(p.NumHash, p.Seed)
		require.NoError(t, err)
		var tok minhash.Tokenizer
		for _, text := range texts {
			toks := tok.Tokens(nil, text)
			want, wantErr := sk.Sketch(nil, minhash.Shingles(nil, toks, p.Shingle, p.Seed))
			got, err := h.Sign(text)
			assert.Equal(t, wantErr, err, "%q", text)
			if wantErr == nil {
				assert.Equal(t, want, got, "%q with %+v", text, p)
			}
		}
	}
	h, _ := minhash.NewHasher(minhash.DefaultParams())
	_, err := h.Sign(" … — ")
	assert.ErrorIs(t, err, minhash.ErrEmpty)
}
