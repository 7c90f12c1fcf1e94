package arborescence

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteTrees enumerates every tree of n nodes hanging from a root and
// returns its parent function and weight.
func bruteTrees(n int, w, r []float64, visit func(par []int, weight float64)) {
	par := make([]int, n)
	var rec func(i int)
	rec = func(i int) {
		if i == n {
			for v := 0; v < n; v++ {
				steps := 0
				for p := par[v]; p >= 0; p = par[p] {
					if steps++; steps > n {
						return
					}
				}
			}
			wt := 1.0
			for v, p := range par {
				if p < 0 {
					wt *= r[v]
				} else {
					wt *= w[p*n+v]
				}
			}
			visit(par, wt)
			return
		}
		for p := -1; p < n; p++ {
			if p != i {
				par[i] = p
				rec(i + 1)
			}
		}
	}
	rec(0)
}

func randomGraph(rng *rand.Rand, n int) (s, sr, w, r []float64) {
	s = make([]float64, n*n)
	sr = make([]float64, n)
	for i := range s {
		s[i] = 3 * rng.NormFloat64()
	}
	for i := range sr {
		sr[i] = 3 * rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		s[i*n+i] = math.Inf(-1)
	}
	w, r, _ = Weights(n, s, sr)
	return s, sr, w, r
}

func TestStatsMatchEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 5; n++ {
		for trial := 0; trial < 20; trial++ {
			_, _, w, r := randomGraph(rng, n)
			st, ok := Marginals(n, w, r)
			require.True(t, ok)
			edge := make([]float64, n*n)
			root := make([]float64, n)
			origin := make([]float64, n)
			anc := make([]float64, n*n)
			z, ext := 0.0, 0.0
			bruteTrees(n, w, r, func(par []int, wt float64) {
				z += wt
				roots := 0
				for v, p := range par {
					if p < 0 {
						root[v] += wt
						roots++
					} else {
						edge[p*n+v] += wt
					}
					for q := par[v]; q >= 0; q = par[q] {
						anc[q*n+v] += wt
					}
				}
				if roots == 1 {
					for v, p := range par {
						if p < 0 {
							origin[v] += wt
						}
					}
				} else {
					ext += wt
				}
			})
			assert.InDelta(t, math.Log(z), st.LogZ, 1e-9)
			for i := range edge {
				assert.InDelta(t, edge[i]/z, st.Edge[i], 1e-9, "edge %d n=%d", i, n)
			}
			for i := range root {
				assert.InDelta(t, root[i]/z, st.Root[i], 1e-9)
				assert.InDelta(t, origin[i]/z, st.Origin[i], 1e-9)
			}
			assert.InDelta(t, ext/z, st.External, 1e-9)
			exact := ancestorsExact(n, w, r)
			for i := range anc {
				assert.InDelta(t, anc[i]/z, exact.Anc[i], 1e-9)
			}
		}
	}
}

func TestBothFromRootMatchesEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 4
	_, _, w, r := randomGraph(rng, n)
	st, ok := Marginals(n, w, r)
	require.True(t, ok)
	z, both := 0.0, 0.0
	bruteTrees(n, w, r, func(par []int, wt float64) {
		z += wt
		if par[1] < 0 && par[3] < 0 {
			both += wt
		}
	})
	assert.InDelta(t, both/z, BothFromRoot(n, w, r, 1, 3, st.LogZ), 1e-9)
}

func TestMaxIsTheBestTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 5; n++ {
		for trial := 0; trial < 30; trial++ {
			s, sr, w, r := randomGraph(rng, n)
			got := Max(n, s, sr)
			score := func(par []int) float64 {
				x := 0.0
				for v, p := range par {
					if p < 0 {
						x += sr[v]
					} else {
						x += s[p*n+v]
					}
				}
				return x
			}
			best := math.Inf(-1)
			bruteTrees(n, w, r, func(par []int, _ float64) { best = max(best, score(par)) })
			assert.InDelta(t, best, score(got), 1e-9, "n=%d trial=%d", n, trial)
			require.Nil(t, findCycle(append([]int{-1}, shift1(got)...)))
		}
	}
}

func shift1(par []int) []int {
	out := make([]int, len(par))
	for i, p := range par {
		out[i] = p + 1
	}
	return out
}

func TestMaxHonoursForbiddenEdges(t *testing.T) {
	n := 3
	s := []float64{math.Inf(-1), 5, 5, math.Inf(-1), math.Inf(-1), math.Inf(-1), 9, math.Inf(-1), math.Inf(-1)}
	// 2→0 is strong, 0→1 and 0→2 exist; 1 has no other parent.
	sr := []float64{0, 0, 0}
	got := Max(n, s, sr)
	assert.Equal(t, []int{2, 0, -1}, got)
}

func TestAncestorsApproximationOnAChain(t *testing.T) {
	// A near-certain chain 0→1→…→7: the approximation must find it.
	n := 8
	s := make([]float64, n*n)
	sr := make([]float64, n)
	for i := range s {
		s[i] = -10
	}
	for i := 0; i < n; i++ {
		s[i*n+i] = math.Inf(-1)
		sr[i] = -10
		if i+1 < n {
			s[i*n+i+1] = 10
		}
	}
	sr[0] = 10
	w, r, _ := Weights(n, s, sr)
	st, ok := Marginals(n, w, r)
	require.True(t, ok)
	d := ancestorsApprox(n, st).Anc
	assert.Greater(t, d[0*n+7], 0.99)
	assert.Less(t, d[7*n+0], 0.01)
	assert.Greater(t, st.Origin[0], 0.99)
}

func TestLogDetAndInvert(t *testing.T) {
	m := []float64{4, 1, 2, 1, 3, 0, 2, 0, 5}
	ld, ok := logDet(3, m)
	require.True(t, ok)
	assert.InDelta(t, math.Log(4*15-1*5+2*(-6)), ld, 1e-12)
	inv, ld2, ok := invert(3, m)
	require.True(t, ok)
	assert.InDelta(t, ld, ld2, 1e-12)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			s := 0.0
			for k := 0; k < 3; k++ {
				s += m[i*3+k] * inv[k*3+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			assert.InDelta(t, want, s, 1e-12)
		}
	}
	_, ok = logDet(2, []float64{1, 2, 2, 4})
	assert.False(t, ok)
}

func TestAncestorsSampledMatchExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 5; trial++ {
		n := 5
		_, _, w, r := randomGraph(rng, n)
		exact := ancestorsExact(n, w, r)
		got, ok := ancestorsSampled(n, w, r, uint64(trial), 20000, 1<<30)
		require.True(t, ok)
		for i := range exact.Anc {
			assert.InDelta(t, exact.Anc[i], got.Anc[i], 0.02, "trial %d pair %d", trial, i)
			assert.InDelta(t, exact.Same[i], got.Same[i], 0.02, "trial %d pair %d", trial, i)
		}
	}
}

func TestOriginsByNullVectorMatchMinors(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{2, 3, 6, 12} {
		_, _, w, r := randomGraph(rng, n)
		st, ok := Marginals(n, w, r)
		require.True(t, ok)
		got := make([]float64, n)
		originsByNullVector(n, laplacian(n, w, r, false), r, st.LogZ, got)
		for c := range got {
			assert.InDelta(t, st.Origin[c], got[c], 1e-9, "n=%d c=%d", n, c)
		}
	}
}

// The guide table only speeds up parent choices: the same seed must draw
// the same trees with it and without it, on weights with zeros and
// near-zeros (ties in the cumulative rows) and when the step budget runs
// out.
func TestSampleAncestorsGuideChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := 0; trial < 200; trial++ {
		n := 2 + rng.IntN(maxSampled-1)
		_, _, w, r := randomGraph(rng, n)
		for i := range w {
			switch rng.IntN(5) {
			case 0:
				w[i] = 0
			case 1:
				w[i] *= 1e-9
			}
		}
		if trial%3 == 0 {
			for i := range r {
				r[i] *= 1e-3
			}
		}
		maxSteps := 1 << 20
		if trial%4 == 0 {
			maxSteps = 500 + rng.IntN(5000)
		}
		seed := rng.Uint64()
		want, okWant := sampleAncestors(n, w, r, seed, 300, maxSteps, false)
		got, ok := sampleAncestors(n, w, r, seed, 300, maxSteps, true)
		require.Equal(t, okWant, ok, "trial %d", trial)
		require.Equal(t, want.Anc, got.Anc, "trial %d", trial)
		require.Equal(t, want.Same, got.Same, "trial %d", trial)
	}
}

// BenchmarkSampleAncestors draws trees for a mid-sized cluster whose
// root edges are weak, so that walks are long, as in boilerplate
// clusters: with the guide table and with the plain search.
func BenchmarkSampleAncestors(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 12
	_, _, w, r := randomGraph(rng, n)
	for i := range r {
		r[i] *= 1e-3
	}
	for _, guided := range []bool{true, false} {
		b.Run(fmt.Sprintf("guided=%v", guided), func(b *testing.B) {
			for b.Loop() {
				sampleAncestors(n, w, r, 1, 800, 5_000_000, guided)
			}
		})
	}
}

// The determinant alone and the inverse come from one elimination: the
// same pivots, so the same log-determinant to the last bit.
func TestLogDetIsTheInversesDeterminant(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := 1; n <= 30; n++ {
		_, _, w, r := randomGraph(rng, n)
		l := laplacian(n, w, r, true)
		ld, ok := logDet(n, l)
		require.True(t, ok)
		_, ld2, ok := invert(n, l)
		require.True(t, ok)
		assert.Equal(t, ld, ld2, "n=%d", n)
	}
}

func TestFirst(t *testing.T) {
	// Two nodes: 0 is 1's ancestor with probability 0.5, 1 is 0's with
	// 0.2; they share a root child with probability 0.9, so 0.2 of it
	// is siblings, which a known date order gives to the earlier.
	rel := Relations{Anc: []float64{0, 0.5, 0.2, 0}, Same: []float64{0, 0.9, 0.9, 0}}
	for _, tc := range []struct {
		before int
		pu, pv float64
	}{{0, 0.5, 0.2}, {1, 0.7, 0.2}, {-1, 0.5, 0.4}} {
		pu, pv := rel.First(2, 0, 1, tc.before)
		assert.InDelta(t, tc.pu, pu, 1e-12, "before %d", tc.before)
		assert.InDelta(t, tc.pv, pv, 1e-12, "before %d", tc.before)
	}
	// Ancestor probabilities that sum past 1 are scaled back.
	pu, pv := Relations{Anc: []float64{0, 0.9, 0.6, 0}, Same: make([]float64, 4)}.First(2, 0, 1, 0)
	assert.InDelta(t, 0.6, pu, 1e-12)
	assert.InDelta(t, 0.4, pv, 1e-12)
}
