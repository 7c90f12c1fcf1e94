package arborescence

import "math"

// Stats are the marginals of the distribution over trees.
type Stats struct {
	Edge     []float64 // P(p→c), n×n
	Root     []float64 // P(R→c)
	Origin   []float64 // P(the tree hangs from c alone)
	External float64   // P(two or more nodes hang from the root)
	LogZ     float64   // log of the sum of every tree's weight
}

// Weights exponentiates edge scores se (n×n, -Inf for an edge that may
// not be used) and root scores sr, shifted so that the largest is 1, and
// returns the shift (0 when no score is finite): the log-weights of the
// trees are then their scores minus n times shift.
func Weights(n int, se, sr []float64) (w, r []float64, shift float64) {
	hi := math.Inf(-1)
	for _, s := range se {
		hi = max(hi, s)
	}
	for _, s := range sr {
		hi = max(hi, s)
	}
	if math.IsInf(hi, 0) || math.IsNaN(hi) {
		hi = 0
	}
	w = make([]float64, n*n)
	r = make([]float64, n)
	for i, s := range se {
		w[i] = expSafe(s - hi)
	}
	for i, s := range sr {
		r[i] = expSafe(s - hi)
	}
	return w, r, hi
}

func expSafe(x float64) float64 {
	if math.IsNaN(x) || x < -700 {
		return 0
	}
	return math.Exp(x)
}

// laplacian returns the n×n Laplacian L with L[c][c] = r[c] + Σp w[p][c]
// and L[p][c] = -w[p][c]; det(L) sums the weights of all trees.
func laplacian(n int, w, r []float64, withRoot bool) []float64 {
	l := make([]float64, n*n)
	for c := 0; c < n; c++ {
		s := 0.0
		if withRoot {
			s = r[c]
		}
		for p := 0; p < n; p++ {
			if p != c {
				s += w[p*n+c]
				l[p*n+c] = -w[p*n+c]
			}
		}
		l[c*n+c] = s
	}
	return l
}

// Marginals computes the tree marginals from the edge weights; ok is
// false when no tree has weight.
func Marginals(n int, w, r []float64) (Stats, bool) {
	st := Stats{Edge: make([]float64, n*n), Root: make([]float64, n), Origin: make([]float64, n)}
	l := laplacian(n, w, r, true)
	inv, logdet, ok := invert(n, l)
	if !ok {
		return st, false
	}
	st.LogZ = logdet
	for c := 0; c < n; c++ {
		st.Root[c] = clamp01(r[c] * inv[c*n+c])
		for p := 0; p < n; p++ {
			if p != c {
				st.Edge[p*n+c] = clamp01(w[p*n+c] * (inv[c*n+c] - inv[c*n+p]))
			}
		}
	}
	// P(only c hangs from the root) = r[c]·det(L0 without c)/det(L),
	// where L0 is the Laplacian without root edges: the trees of the
	// other nodes rooted at c.
	l0 := laplacian(n, w, r, false)
	sum := 0.0
	switch {
	case n == 1:
		st.Origin[0] = 1
		sum = 1
	case n <= maxMinors:
		for c := 0; c < n; c++ {
			if r[c] == 0 {
				continue
			}
			ld, ok := logDet(n-1, minor(n, l0, c))
			if !ok {
				continue
			}
			st.Origin[c] = clamp01(math.Exp(math.Log(r[c]) + ld - logdet))
			sum += st.Origin[c]
		}
	default:
		sum = originsByNullVector(n, l0, r, logdet, st.Origin)
	}
	if sum > 1 {
		for c := range st.Origin {
			st.Origin[c] /= sum
		}
		sum = 1
	}
	st.External = clamp01(1 - sum)
	return st, true
}

// maxMinors is the largest graph whose origin probabilities take one
// determinant per node (O(n⁴) in all); larger ones use the null vector of
// the Laplacian (O(n³)).
const maxMinors = 24

// originsByNullVector fills origin[c] = r[c]·det(L0 without c)/det(L)
// from one solve: the columns of L0 sum to zero, so its adjugate is
// x·1ᵀ up to a factor, where L0·x = 0, and the diagonal cofactors are
// proportional to x. It returns the sum of the probabilities.
func originsByNullVector(n int, l0, r []float64, logdet float64, origin []float64) float64 {
	k := 0
	for c := range r {
		if r[c] > r[k] {
			k = c
		}
	}
	inv, ld, ok := invert(n-1, minor(n, l0, k))
	if !ok {
		return 0
	}
	// Solve L0[-k,-k]·y = -L0[-k,k]; x = (y with 1 at k).
	idx := make([]int, 0, n-1)
	for i := 0; i < n; i++ {
		if i != k {
			idx = append(idx, i)
		}
	}
	x := make([]float64, n)
	x[k] = 1
	for a, i := range idx {
		s := 0.0
		for b, j := range idx {
			s -= inv[a*(n-1)+b] * l0[j*n+k]
		}
		x[i] = s
	}
	sum := 0.0
	for c := 0; c < n; c++ {
		if r[c] <= 0 || x[c] <= 0 {
			continue
		}
		origin[c] = clamp01(math.Exp(math.Log(r[c]) + ld + math.Log(x[c]) - logdet))
		sum += origin[c]
	}
	return sum
}

// BothFromRoot returns the probability that nodes a and b both hang from
// the root: the weight of the trees in which they do, over all trees
// (logZ is Stats.LogZ).
func BothFromRoot(n int, w, r []float64, a, b int, logZ float64) float64 {
	l := laplacian(n, w, r, true)
	for _, c := range []int{a, b} {
		for p := 0; p < n; p++ {
			l[p*n+c] = 0
		}
		l[c*n+c] = r[c]
	}
	ld, ok := logDet(n, l)
	if !ok {
		return 0
	}
	return clamp01(math.Exp(ld - logZ))
}

// minor returns the (n-1)×(n-1) matrix m without row and column k.
func minor(n int, m []float64, k int) []float64 {
	out := make([]float64, 0, (n-1)*(n-1))
	for i := 0; i < n; i++ {
		if i == k {
			continue
		}
		for j := 0; j < n; j++ {
			if j != k {
				out = append(out, m[i*n+j])
			}
		}
	}
	return out
}

func clamp01(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}
