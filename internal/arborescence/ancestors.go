package arborescence

import "math"

// maxExact is the largest graph whose ancestor probabilities are
// computed exactly, by enumerating every tree (n^n parent functions).
const maxExact = 6

// Ancestors returns P(u is an ancestor of v) for every ordered pair and
// P(u and v share a root child): exact for small graphs, estimated from
// trees drawn with Wilson's algorithm for mid-sized ones (a seeded,
// deterministic sample; seed should depend on the nodes' content only;
// sample is false when nodes that nothing tells apart would make the
// draw depend on their order), approximated for large ones. st is
// Marginals' answer for w and r.
func Ancestors(n int, w, r []float64, st Stats, seed uint64, sample bool) Relations {
	if n <= maxExact {
		return ancestorsExact(n, w, r)
	}
	if sample && n <= maxSampled {
		if rel, ok := ancestorsSampled(n, w, r, seed, 800, 5_000_000); ok {
			return rel
		}
	}
	return ancestorsApprox(n, st)
}

// maxSampled is the largest graph whose relations are sampled; larger
// ones (boilerplate shared by dozens of stories, where walks to the root
// grow long) are approximated.
const maxSampled = 16

// Relations are the pairwise relations of nodes in the random tree:
// Anc[u*n+v] = P(u is an ancestor of v), Same[u*n+v] = P(u and v descend
// from one root child, so that their common source is a node).
type Relations struct {
	Anc, Same []float64
}

// First returns P(u came first) and P(v came first): u is an ancestor of
// v; or, when both descend from one root child (neither from the other),
// u is known to be the earlier (before > 0; before < 0 says v is,
// 0 that nothing is known, and that share then stays with "neither").
func (rel Relations) First(n, u, v, before int) (pu, pv float64) {
	pu, pv = rel.Anc[u*n+v], rel.Anc[v*n+u]
	s := pu + pv // commutative: the same whichever node comes first
	if s > 1 {
		pu, pv, s = pu/s, pv/s, 1
	}
	sib := clamp01(rel.Same[u*n+v] - s)
	switch {
	case before > 0:
		pu += sib
	case before < 0:
		pv += sib
	}
	return clamp01(pu), clamp01(pv)
}

// ancestorsApprox treats parent choices as independent given the exact
// edge marginals (D = M + D·M): exact on a chain, rough elsewhere. It is
// the fallback when sampling would take too long.
func ancestorsApprox(n int, st Stats) Relations {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a[i*n+j] = -st.Edge[i*n+j]
		}
		a[i*n+i]++
	}
	inv, _, ok := invert(n, a)
	d := make([]float64, n*n)
	if !ok {
		copy(d, st.Edge)
		return Relations{Anc: d, Same: sameFromAnc(n, d, 1-st.External)}
	}
	for u := 0; u < n; u++ {
		for v := 0; v < n; v++ {
			if u == v {
				continue
			}
			s := 0.0
			for k := 0; k < n; k++ {
				s += st.Edge[u*n+k] * inv[k*n+v]
			}
			d[u*n+v] = clamp01(s)
		}
	}
	// Where the independence assumption breaks down (two nodes each
	// "likely" the other's ancestor), keep only the direct edges.
	for u := 0; u < n; u++ {
		for v := u + 1; v < n; v++ {
			if d[u*n+v]+d[v*n+u] > 1 {
				d[u*n+v], d[v*n+u] = st.Edge[u*n+v], st.Edge[v*n+u]
			}
		}
	}
	rel := Relations{Anc: d, Same: sameFromAnc(n, d, 1-st.External)}
	// P(u and v share a root child) ≈ Σ_k P(top(u)=k)·P(top(v)=k), with
	// P(top(u)=k) ∝ P(R→k)·P(k is u or an ancestor of u).
	top := make([]float64, n*n) // top[u*n+k]
	for u := 0; u < n; u++ {
		z := 0.0
		for k := 0; k < n; k++ {
			a := 1.0
			if k != u {
				a = d[k*n+u]
			}
			top[u*n+k] = st.Root[k] * a
			z += top[u*n+k]
		}
		if z > 0 {
			for k := 0; k < n; k++ {
				top[u*n+k] /= z
			}
		}
	}
	for u := 0; u < n; u++ {
		for v := u + 1; v < n; v++ {
			x := 0.0
			for k := 0; k < n; k++ {
				x += top[u*n+k] * top[v*n+k]
			}
			x = clamp01(max(x, rel.Same[u*n+v]))
			rel.Same[u*n+v], rel.Same[v*n+u] = x, x
		}
	}
	return rel
}

// sameFromAnc bounds from below the probability that two nodes share a
// root child: by their ancestor relations, and by the probability that
// the whole tree hangs from a single root child.
func sameFromAnc(n int, d []float64, single float64) []float64 {
	same := make([]float64, n*n)
	for u := 0; u < n; u++ {
		for v := 0; v < n; v++ {
			if u != v {
				same[u*n+v] = clamp01(max(d[u*n+v]+d[v*n+u], single))
			}
		}
	}
	return same
}

// ancestorsSampled draws trees with probability proportional to their
// weight by Wilson's algorithm (loop-erased random walks along parent
// choices until they reach the tree built so far or the root) and counts
// ancestor relations. ok is false when the walks exceed maxSteps before
// a tenth of the samples are drawn.
func ancestorsSampled(n int, w, r []float64, seed uint64, samples, maxSteps int) (Relations, bool) {
	return sampleAncestors(n, w, r, seed, samples, maxSteps, true)
}

// sampleAncestors is ancestorsSampled; guided says whether parent choices
// may use the guide table (they are the same without it, only slower).
func sampleAncestors(n int, w, r []float64, seed uint64, samples, maxSteps int, guided bool) (Relations, bool) {
	// cum[x*(n+1)+k]: cumulative parent weights of x over candidates
	// 0..n-1 then the root (index n).
	cum := make([]float64, n*(n+1))
	for x := 0; x < n; x++ {
		s := 0.0
		for p := 0; p < n; p++ {
			if p != x {
				s += w[p*n+x]
			}
			cum[x*(n+1)+p] = s
		}
		s += r[x]
		cum[x*(n+1)+n] = s
		if s <= 0 {
			return Relations{}, false
		}
	}
	rng := seed | 1
	next := func() float64 {
		rng += 0x9e3779b97f4a7c15
		z := rng
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		return float64(z>>11) / (1 << 53)
	}
	// guide[x*guideSize+j] is the candidate chosen by the least draw of
	// the j-th of guideSize equal slices of [0, 1). Draws only grow with
	// r, and so do their choices: every draw in the slice chooses that
	// candidate or a later one, a step or two on, instead of a binary
	// search of the row. That needs rows in order and finite (an
	// infinite total could make a draw NaN); else the plain search is
	// kept.
	var guide []int32
	ordered := guided
	for x := 0; x < n; x++ {
		row := cum[x*(n+1) : (x+1)*(n+1)]
		for k := range n {
			ordered = ordered && row[k] <= row[k+1]
		}
		ordered = ordered && !math.IsInf(row[n], 0)
	}
	if ordered {
		guide = make([]int32, n*guideSize)
		for x := 0; x < n; x++ {
			row := cum[x*(n+1) : (x+1)*(n+1)]
			for j := range guideSize {
				guide[x*guideSize+j] = int32(searchCum(row, float64(j)/guideSize*row[n]))
			}
		}
	}
	choose := func(x int) int {
		row := cum[x*(n+1) : (x+1)*(n+1)]
		r := next()
		u := r * row[n]
		var k int
		if guide == nil {
			k = searchCum(row, u)
		} else {
			k = int(guide[x*guideSize+int(r*guideSize)])
			for k < n && row[k] <= u {
				k++
			}
		}
		if k == n {
			return -1
		}
		return k
	}
	counts := make([]float64, n*n)
	same := make([]float64, n*n)
	top := make([]int, n)
	par := make([]int, n)
	stamp := make([]int, n)
	steps, drawn := 0, 0
	for s := 1; s <= samples; s++ {
		for i := 0; i < n; i++ {
			u := i
			for u >= 0 && stamp[u] != s {
				par[u] = choose(u)
				u = par[u]
				if steps++; steps > maxSteps {
					return finishSamples(counts, same, drawn, samples)
				}
			}
			for u = i; u >= 0 && stamp[u] != s; u = par[u] {
				stamp[u] = s
			}
		}
		for v := 0; v < n; v++ {
			top[v] = v
			for p := par[v]; p >= 0; p = par[p] {
				counts[p*n+v]++
				top[v] = p
			}
		}
		for u := 0; u < n; u++ {
			for v := u + 1; v < n; v++ {
				if top[u] == top[v] {
					same[u*n+v]++
					same[v*n+u]++
				}
			}
		}
		drawn++
	}
	return finishSamples(counts, same, drawn, samples)
}

// guideSize is the number of slices of [0, 1) that ancestorsSampled's
// guide table divides the draws into (a power of two, so that a draw's
// slice is exact).
const guideSize = 64

// searchCum returns the first candidate k < n = len(row)-1 whose
// cumulative weight row[k] exceeds u, or n (the root) when none does.
func searchCum(row []float64, u float64) int {
	lo, hi := 0, len(row)-1
	for lo < hi {
		m := (lo + hi) / 2
		if row[m] <= u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func finishSamples(counts, same []float64, drawn, wanted int) (Relations, bool) {
	if drawn == 0 || drawn*10 < wanted {
		return Relations{}, false
	}
	for i := range counts {
		counts[i] /= float64(drawn)
		same[i] /= float64(drawn)
	}
	return Relations{Anc: counts, Same: same}, true
}

// ancestorsExact enumerates every parent function, keeps the trees, and
// sums their weights by ancestor relation.
func ancestorsExact(n int, w, r []float64) Relations {
	d := make([]float64, n*n)
	same := make([]float64, n*n)
	top := make([]int, n)
	par := make([]int, n) // -1 root
	for i := range par {
		par[i] = -1
	}
	total := 0.0
	var rec func(i int, weight float64)
	rec = func(i int, weight float64) {
		if weight == 0 {
			return
		}
		if i == n {
			// Check acyclicity and collect ancestors.
			for v := 0; v < n; v++ {
				steps := 0
				for p := par[v]; p >= 0; p = par[p] {
					if steps++; steps > n {
						return
					}
				}
			}
			total += weight
			for v := 0; v < n; v++ {
				top[v] = v
				for p := par[v]; p >= 0; p = par[p] {
					d[p*n+v] += weight
					top[v] = p
				}
			}
			for u := 0; u < n; u++ {
				for v := u + 1; v < n; v++ {
					if top[u] == top[v] {
						same[u*n+v] += weight
						same[v*n+u] += weight
					}
				}
			}
			return
		}
		par[i] = -1
		rec(i+1, weight*r[i])
		for p := 0; p < n; p++ {
			if p != i {
				par[i] = p
				rec(i+1, weight*w[p*n+i])
			}
		}
		par[i] = -1
	}
	rec(0, 1)
	if total > 0 {
		for i := range d {
			d[i] = clamp01(d[i] / total)
			same[i] = clamp01(same[i] / total)
		}
	}
	return Relations{Anc: d, Same: same}
}
