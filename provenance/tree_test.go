package provenance

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
	w, r = weightsOf(n, s, sr)
	return s, sr, w, r
}

func TestStatsMatchEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 5; n++ {
		for trial := 0; trial < 20; trial++ {
			_, _, w, r := randomGraph(rng, n)
			st, ok := stats(n, w, r)
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
			assert.InDelta(t, math.Log(z), st.logZ, 1e-9)
			for i := range edge {
				assert.InDelta(t, edge[i]/z, st.edge[i], 1e-9, "edge %d n=%d", i, n)
			}
			for i := range root {
				assert.InDelta(t, root[i]/z, st.root[i], 1e-9)
				assert.InDelta(t, origin[i]/z, st.origin[i], 1e-9)
			}
			assert.InDelta(t, ext/z, st.ext, 1e-9)
			exact := ancestorsExact(n, w, r)
			for i := range anc {
				assert.InDelta(t, anc[i]/z, exact.anc[i], 1e-9)
			}
		}
	}
}

func TestBothFromRootMatchesEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 4
	_, _, w, r := randomGraph(rng, n)
	st, ok := stats(n, w, r)
	require.True(t, ok)
	z, both := 0.0, 0.0
	bruteTrees(n, w, r, func(par []int, wt float64) {
		z += wt
		if par[1] < 0 && par[3] < 0 {
			both += wt
		}
	})
	assert.InDelta(t, both/z, bothFromRoot(n, w, r, 1, 3, st.logZ), 1e-9)
}

func TestMaxTreeIsTheBestTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 5; n++ {
		for trial := 0; trial < 30; trial++ {
			s, sr, w, r := randomGraph(rng, n)
			got := maxTree(n, s, sr)
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

func TestMaxTreeHonoursForbiddenEdges(t *testing.T) {
	n := 3
	s := []float64{math.Inf(-1), 5, 5, math.Inf(-1), math.Inf(-1), math.Inf(-1), 9, math.Inf(-1), math.Inf(-1)}
	// 2→0 is strong, 0→1 and 0→2 exist; 1 has no other parent.
	sr := []float64{0, 0, 0}
	got := maxTree(n, s, sr)
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
	w, r := weightsOf(n, s, sr)
	st, ok := stats(n, w, r)
	require.True(t, ok)
	d := ancestorsApprox(n, st).anc
	assert.Greater(t, d[0*n+7], 0.99)
	assert.Less(t, d[7*n+0], 0.01)
	assert.Greater(t, st.origin[0], 0.99)
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
		for i := range exact.anc {
			assert.InDelta(t, exact.anc[i], got.anc[i], 0.02, "trial %d pair %d", trial, i)
			assert.InDelta(t, exact.same[i], got.same[i], 0.02, "trial %d pair %d", trial, i)
		}
	}
}

func TestFittedWeightsMatchFeatures(t *testing.T) {
	w := Fitted()
	require.Len(t, w.Edge, numEdgeFeatures)
	require.Len(t, w.Root, numRootFeatures)
	require.Len(t, EdgeFeatureNames, numEdgeFeatures)
	require.Len(t, RootFeatureNames, numRootFeatures)
	for c := Case(0); c < numCases; c++ {
		assert.Greater(t, w.temperature(c), 0.0)
	}
}

func TestOriginsByNullVectorMatchMinors(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{2, 3, 6, 12} {
		_, _, w, r := randomGraph(rng, n)
		st, ok := stats(n, w, r)
		require.True(t, ok)
		got := make([]float64, n)
		originsByNullVector(n, laplacian(n, w, r, false), r, st.logZ, got)
		for c := range got {
			assert.InDelta(t, st.origin[c], got[c], 1e-9, "n=%d c=%d", n, c)
		}
	}
}

// TestAgreeWith: the tree shown follows the origin verdict. Scores: copy
// 0 is a strong root and the best parent of 1 and 2; 1 is a fair root.
func TestAgreeWith(t *testing.T) {
	inf := math.Inf(-1)
	model := func() *clusterModel {
		c := &clusterModel{nodes: make([]node, 3)}
		c.sr = []float64{3, 1, -2}
		c.se = []float64{
			inf, 2, 2, // 0→1, 0→2
			0, inf, 1, // 1→0, 1→2
			-1, 0, inf, // 2→0, 2→1
		}
		c.parent = maxTree(3, c.se, c.sr)
		return c
	}
	c := model()
	require.Equal(t, []int{-1, 0, 0}, c.parent, "the most likely tree")
	c.agreeWith(0)
	assert.Equal(t, []int{-1, 0, 0}, c.parent, "it already hangs from the origin")

	c = model()
	c.agreeWith(1)
	assert.Equal(t, -1, c.parent[1], "the origin hangs from outside")
	assert.Equal(t, []int{1, -1, 0}, c.parent, "copy 1 from outside; 0 moves under 1 (2 is its own copy)")

	// Two copies from outside, the origin one of them: the other moves
	// under its best parent.
	c = model()
	c.sr[1] = 2.5
	c.parent = maxTree(3, c.se, c.sr)
	require.Equal(t, []int{-1, -1, 0}, c.parent)
	c.agreeWith(0)
	assert.Equal(t, []int{-1, 0, 0}, c.parent)

	// A forbidden edge (a hard date) is never shown: 2 cannot hang from 0,
	// and its only other parent, 1, is its own copy, so 2 stays outside.
	c = &clusterModel{nodes: make([]node, 3)}
	c.sr = []float64{1, 1, 1}
	c.se = []float64{
		inf, inf, inf,
		inf, inf, inf,
		inf, 2, inf, // 2→1
	}
	c.parent = []int{-1, 2, -1}
	c.agreeWith(0)
	assert.Equal(t, []int{-1, 2, -1}, c.parent)

	c = model()
	c.agreeWith(-1)
	// Moving 1 to the root costs 2-1 = 1, moving 2 costs 2-(-2) = 4.
	assert.Equal(t, []int{-1, -1, 0}, c.parent, "outside: two copies from outside")
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
		require.Equal(t, want.anc, got.anc, "trial %d", trial)
		require.Equal(t, want.same, got.same, "trial %d", trial)
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
