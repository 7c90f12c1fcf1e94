package minhash_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

// setPair returns two random shingle sets whose union has u elements and
// whose intersection has round(j*u), so that their Jaccard similarity is
// known exactly; it returns that similarity too.
func setPair(rng *rand.Rand, u int, j float64) (a, b []uint64, exact float64) {
	inter := int(math.Round(j * float64(u)))
	onlyA := (u - inter) / 2
	onlyB := u - inter - onlyA
	a = make([]uint64, 0, inter+onlyA)
	b = make([]uint64, 0, inter+onlyB)
	for range inter {
		x := rng.Uint64()
		a, b = append(a, x), append(b, x)
	}
	for range onlyA {
		a = append(a, rng.Uint64())
	}
	for range onlyB {
		b = append(b, rng.Uint64())
	}
	rng.Shuffle(len(b), func(i, k int) { b[i], b[k] = b[k], b[i] })
	return a, b, float64(inter) / float64(u)
}

// TestJaccardEstimateIsUnbiasedWithTheoreticalError checks Jaccard over
// many seeds, against the error of classic MinHash with N independent
// hashes, sqrt(J(1−J)/N).
//
// Big sets (55 to 1,900 shingles, unions of 100 to 2,000, 500 trials): the
// mean estimate is within 0.01 of J (about five standard errors of the
// mean) and the RMSE at most 1.15 × theory, which leaves room for the
// sampling error of the RMSE itself (relative standard error ≈ 3%, so 15%
// is about 4.5 standard errors) and nothing more: measured 0.88–1.03.
//
// Small sets (5 to 28 shingles, unions of 10 to 30, 1,000 trials), where
// most of the 128 bins are empty and filled by densification: the mean is
// still within 0.01 of J (standard error at most 0.0017); the error is
// larger, since 10 shingles hold less information than 128 independent
// hashes could give: measured 1.12–1.24 × theory, so the bound is 1.35.
func TestJaccardEstimateIsUnbiasedWithTheoreticalError(t *testing.T) {
	const n = 128
	for _, tc := range []struct {
		name      string
		unions    []int
		trials    int
		rmseBound float64
	}{
		{"big", []int{100, 500, 2000}, 500, 1.15},
		{"small", []int{10, 20, 30}, 1000, 1.35},
	} {
		for _, u := range tc.unions {
			for _, j := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
				t.Run(fmt.Sprintf("%s/union=%d/J=%.1f", tc.name, u, j), func(t *testing.T) {
					t.Parallel()
					bias, rmse := estimatorError(t, u, j, n, tc.trials)
					theory := math.Sqrt(j * (1 - j) / n)
					assert.Less(t, math.Abs(bias), 0.01, "bias")
					assert.LessOrEqual(t, rmse, tc.rmseBound*theory, "RMSE %.4f vs theory %.4f (ratio %.3f)", rmse, theory, rmse/theory)
				})
			}
		}
	}
}

func estimatorError(t *testing.T, u int, j float64, n, trials int) (bias, rmse float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(u), math.Float64bits(j)))
	var sum, sq float64
	var sa, sb minhash.Signature
	for range trials {
		sk, err := minhash.NewSketcher(n, rng.Uint64())
		require.NoError(t, err)
		a, b, exact := setPair(rng, u, j)
		sa, err = sk.Sketch(sa, a)
		require.NoError(t, err)
		sb, err = sk.Sketch(sb, b)
		require.NoError(t, err)
		est, err := minhash.Jaccard(sa, sb)
		require.NoError(t, err)
		sum += est - exact
		sq += (est - exact) * (est - exact)
	}
	return sum / float64(trials), math.Sqrt(sq / float64(trials))
}

func TestJaccardExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	sk, err := minhash.NewSketcher(128, 9)
	require.NoError(t, err)
	a, b, _ := setPair(rng, 4000, 0)
	sa, err := sk.Sketch(nil, a)
	require.NoError(t, err)
	sb, err := sk.Sketch(nil, b)
	require.NoError(t, err)
	same, err := sk.Sketch(nil, slices.Clone(a))
	require.NoError(t, err)

	j, err := minhash.Jaccard(sa, same)
	require.NoError(t, err)
	assert.Equal(t, 1.0, j, "identical sets")
	j, err = minhash.Jaccard(sa, sb)
	require.NoError(t, err)
	assert.Less(t, j, 0.05, "disjoint sets")
}

func TestJaccardRejectsIncomparableSignatures(t *testing.T) {
	tests := []struct {
		name string
		a, b minhash.Signature
	}{
		{"different lengths", make(minhash.Signature, 64), make(minhash.Signature, 128)},
		{"both empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := minhash.Jaccard(tt.a, tt.b)
			require.ErrorIs(t, err, minhash.ErrMismatch)
		})
	}
}

func TestSketchIgnoresOrderAndDuplicates(t *testing.T) {
	sk, err := minhash.NewSketcher(128, 3)
	require.NoError(t, err)
	set := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	want, err := sk.Sketch(nil, set)
	require.NoError(t, err)

	shuffled := slices.Clone(set)
	slices.Reverse(shuffled)
	got, err := sk.Sketch(nil, append(shuffled, set...))
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestSketchReusesDst(t *testing.T) {
	sk, err := minhash.NewSketcher(64, 3)
	require.NoError(t, err)
	dst := make(minhash.Signature, 0, 64)
	got, err := sk.Sketch(dst, []uint64{42})
	require.NoError(t, err)
	require.Len(t, got, 64)
	assert.Same(t, &dst[:1][0], &got[0], "dst with enough capacity is reused")
	// One shingle fills one bin; densification copies it everywhere.
	for _, v := range got {
		assert.Equal(t, got[0], v)
	}
}

func TestSketchDependsOnSeed(t *testing.T) {
	set := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	s1, err := minhash.NewSketcher(128, 1)
	require.NoError(t, err)
	s2, err := minhash.NewSketcher(128, 2)
	require.NoError(t, err)
	a, err := s1.Sketch(nil, set)
	require.NoError(t, err)
	b, err := s2.Sketch(nil, set)
	require.NoError(t, err)
	j, err := minhash.Jaccard(a, b)
	require.NoError(t, err)
	assert.Less(t, j, 0.2)
}

func TestSketchErrors(t *testing.T) {
	for _, n := range []int{0, -1, minhash.MaxNumHash + 1} {
		_, err := minhash.NewSketcher(n, 1)
		assert.Error(t, err, "numHash %d", n)
	}
	sk, err := minhash.NewSketcher(128, 1)
	require.NoError(t, err)
	_, err = sk.Sketch(nil, nil)
	assert.ErrorIs(t, err, minhash.ErrEmpty)
}

func TestShingles(t *testing.T) {
	toks := func(n int) []minhash.Token {
		out := make([]minhash.Token, n)
		for i := range out {
			out[i].Hash = uint64(i + 1)
		}
		return out
	}
	tests := []struct {
		name   string
		tokens int
		k      int
		want   int
	}{
		{"no tokens", 0, 3, 0},
		{"k below one", 5, 0, 0},
		{"shorter than k gives one shingle", 2, 3, 1},
		{"exactly k", 3, 3, 1},
		{"longer", 10, 3, 8},
		{"unigrams", 4, 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := toks(tt.tokens)
			got := minhash.Shingles([]uint64{99}, tk, tt.k, 7)
			require.Len(t, got, 1+tt.want, "appends to dst")
			assert.Equal(t, uint64(99), got[0])
			for i, h := range got[1:] {
				end := min(i+tt.k, len(tk))
				assert.Equal(t, minhash.ShingleHash(tk[i:end], 7), h, "shingle %d", i)
			}
		})
	}
	tk := toks(3)
	assert.NotEqual(t, minhash.ShingleHash(tk, 1), minhash.ShingleHash(tk, 2), "seed matters")
	assert.NotEqual(t, minhash.ShingleHash(tk[:2], 1), minhash.ShingleHash(tk[1:], 1), "words matter")
	assert.NotEqual(t, minhash.ShingleHash([]minhash.Token{tk[1], tk[0]}, 1), minhash.ShingleHash(tk[:2], 1), "order matters")
}

func TestHasherSignsTokensShinglesAndSketches(t *testing.T) {
	p := minhash.DefaultParams()
	h, err := minhash.NewHasher(p)
	require.NoError(t, err)
	assert.Equal(t, p, h.Params())

	text := "The U. S. President said “no reason to be alarmed” on Saturday."
	got, err := h.Sign(text)
	require.NoError(t, err)

	var tok minhash.Tokenizer
	sk, err := minhash.NewSketcher(p.NumHash, p.Seed)
	require.NoError(t, err)
	want, err := sk.Sketch(nil, minhash.Shingles(nil, tok.Tokens(nil, text), p.Shingle, p.Seed))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Variants that normalise alike sign alike.
	same, err := h.Sign("the US president said \"no reason to be alarmed\" on saturday")
	require.NoError(t, err)
	assert.Equal(t, got, same)

	_, err = h.Sign(" — “” ")
	assert.ErrorIs(t, err, minhash.ErrEmpty)
	_, err = minhash.NewHasher(minhash.Params{})
	assert.ErrorIs(t, err, minhash.ErrParams)
}

// TestHotPathsDoNotAllocate proves the doc's promise that signing with a
// reused dst, and tokenising into a reused slice, allocate nothing once
// the scratch buffers have grown.
//
// Words with letters outside ASCII once allocated: a string conversion,
// and norm.Form.Append's reorder buffer; the Tokenizer now keeps a
// norm.Iter and reuses its buffers.
func TestHotPathsDoNotAllocate(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"ascii", "London Mayor Sadiq Khan has called for a planned state visit by Donald Trump to the UK to be cancelled."},
		{"curly quotes, apostrophes and dashes", "Khan  —   said: “I don’t think we should roll out the red carpet,” the U. S. President’s critics agreed."},
		{"diacritics", "Le café de la place était fermé, a dit le maire de Montréal."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := minhash.NewHasher(minhash.DefaultParams())
			require.NoError(t, err)
			sig, err := h.SignTo(nil, tt.text) // warm up the scratch buffers
			require.NoError(t, err)
			allocs := testing.AllocsPerRun(100, func() {
				sig, _ = h.SignTo(sig, tt.text)
			})
			assert.Zero(t, allocs, "Hasher.SignTo allocations per call")

			var tok minhash.Tokenizer
			toks := tok.Tokens(nil, tt.text)
			allocs = testing.AllocsPerRun(100, func() {
				toks = tok.Tokens(toks[:0], tt.text)
			})
			assert.Zero(t, allocs, "Tokenizer.Tokens allocations per call")
		})
	}
}
