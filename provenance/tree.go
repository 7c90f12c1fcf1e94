package provenance

import "math"

// This file holds the tree machinery: the matrix-tree theorem for edge
// marginals and origin probabilities, the maximum arborescence, and
// ancestor probabilities. Nodes are 0..n-1; the root (the outside world)
// is separate. w[p*n+c] is the weight (exp of the score) of the edge p→c,
// r[c] that of the root edge to c. Clusters are small, so dense O(n³)
// linear algebra is enough; it is written out here rather than pulled in
// from a matrix library.

// treeStats are the marginals of the distribution over derivation trees.
type treeStats struct {
	edge   []float64 // P(p→c), n×n
	root   []float64 // P(R→c)
	origin []float64 // P(the tree hangs from c alone)
	ext    float64   // P(two or more copies hang from the root)
	logZ   float64
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

// stats computes the tree marginals from the edge weights.
func stats(n int, w, r []float64) (treeStats, bool) {
	st := treeStats{edge: make([]float64, n*n), root: make([]float64, n), origin: make([]float64, n)}
	l := laplacian(n, w, r, true)
	inv, logdet, ok := invert(n, l)
	if !ok {
		return st, false
	}
	st.logZ = logdet
	for c := 0; c < n; c++ {
		st.root[c] = clamp01(r[c] * inv[c*n+c])
		for p := 0; p < n; p++ {
			if p != c {
				st.edge[p*n+c] = clamp01(w[p*n+c] * (inv[c*n+c] - inv[c*n+p]))
			}
		}
	}
	// P(only c hangs from the root) = r[c]·det(L0 without c)/det(L),
	// where L0 is the Laplacian without root edges: the trees of the
	// other copies rooted at c.
	l0 := laplacian(n, w, r, false)
	sum := 0.0
	switch {
	case n == 1:
		st.origin[0] = 1
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
			st.origin[c] = clamp01(math.Exp(math.Log(r[c]) + ld - logdet))
			sum += st.origin[c]
		}
	default:
		sum = originsByNullVector(n, l0, r, logdet, st.origin)
	}
	if sum > 1 {
		for c := range st.origin {
			st.origin[c] /= sum
		}
		sum = 1
	}
	st.ext = clamp01(1 - sum)
	return st, true
}

// maxMinors is the largest cluster whose origin probabilities take one
// determinant per copy (O(n⁴) in all); larger ones use the null vector of
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

// bothFromRoot returns the probability that copies a and b both hang from
// the root: the weight of the trees in which they do, over all trees.
func bothFromRoot(n int, w, r []float64, a, b int, logZ float64) float64 {
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

// logDet returns log|det m| by LU decomposition with partial pivoting;
// ok is false when m is singular or the result is not positive.
func logDet(n int, m []float64) (float64, bool) {
	if n == 0 {
		return 0, true
	}
	a := append([]float64(nil), m...)
	sign := 1.0
	ld := 0.0
	for k := 0; k < n; k++ {
		p := k
		for i := k + 1; i < n; i++ {
			if math.Abs(a[i*n+k]) > math.Abs(a[p*n+k]) {
				p = i
			}
		}
		if a[p*n+k] == 0 || math.IsNaN(a[p*n+k]) {
			return 0, false
		}
		if p != k {
			for j := 0; j < n; j++ {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
			sign = -sign
		}
		piv := a[k*n+k]
		if piv < 0 {
			sign = -sign
		}
		ld += math.Log(math.Abs(piv))
		for i := k + 1; i < n; i++ {
			f := a[i*n+k] / piv
			if f == 0 {
				continue
			}
			for j := k + 1; j < n; j++ {
				a[i*n+j] -= f * a[k*n+j]
			}
		}
	}
	return ld, sign > 0
}

// invert returns the inverse of m and log|det m| by Gauss-Jordan
// elimination with partial pivoting; ok is false when m is singular.
func invert(n int, m []float64) ([]float64, float64, bool) {
	a := append([]float64(nil), m...)
	inv := make([]float64, n*n)
	for i := 0; i < n; i++ {
		inv[i*n+i] = 1
	}
	ld := 0.0
	sign := 1.0
	for k := 0; k < n; k++ {
		p := k
		for i := k + 1; i < n; i++ {
			if math.Abs(a[i*n+k]) > math.Abs(a[p*n+k]) {
				p = i
			}
		}
		if a[p*n+k] == 0 || math.IsNaN(a[p*n+k]) {
			return nil, 0, false
		}
		if p != k {
			for j := 0; j < n; j++ {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
				inv[k*n+j], inv[p*n+j] = inv[p*n+j], inv[k*n+j]
			}
			sign = -sign
		}
		piv := a[k*n+k]
		if piv < 0 {
			sign = -sign
		}
		ld += math.Log(math.Abs(piv))
		for j := 0; j < n; j++ {
			a[k*n+j] /= piv
			inv[k*n+j] /= piv
		}
		for i := 0; i < n; i++ {
			if i == k {
				continue
			}
			f := a[i*n+k]
			if f == 0 {
				continue
			}
			for j := 0; j < n; j++ {
				a[i*n+j] -= f * a[k*n+j]
				inv[i*n+j] -= f * inv[k*n+j]
			}
		}
	}
	return inv, ld, sign > 0
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

// maxTree returns the parent of every node (-1 for the root) in a tree of
// maximum total score (Chu-Liu/Edmonds). s[p*n+c] is the score of p→c
// (-Inf when forbidden), sr[c] that of the root edge to c; root edges are
// never forbidden, so a tree always exists. Ties go to the lower index.
func maxTree(n int, s, sr []float64) []int {
	// Node 0 of the working graph is the root; node i+1 is copy i.
	N := n + 1
	w := make([]float64, N*N)
	for i := range w {
		w[i] = math.Inf(-1)
	}
	for c := 0; c < n; c++ {
		w[0*N+c+1] = sr[c]
		for p := 0; p < n; p++ {
			if p != c {
				w[(p+1)*N+c+1] = s[p*n+c]
			}
		}
	}
	par := edmonds(N, w)
	out := make([]int, n)
	for c := 0; c < n; c++ {
		out[c] = par[c+1] - 1
	}
	return out
}

// edmonds finds a maximum arborescence rooted at node 0 of the dense graph
// w (N×N, -Inf for missing edges) and returns each node's parent.
func edmonds(N int, w []float64) []int {
	par := make([]int, N)
	par[0] = -1
	for v := 1; v < N; v++ {
		best := -1
		for u := 0; u < N; u++ {
			if u != v && (best < 0 || w[u*N+v] > w[best*N+v]) {
				best = u
			}
		}
		par[v] = best
	}
	cycle := findCycle(par)
	if cycle == nil {
		return par
	}
	inCycle := make([]bool, N)
	for _, v := range cycle {
		inCycle[v] = true
	}
	// Contract the cycle into one node c at the end of the new graph.
	idx := make([]int, N)
	M := 0
	for v := 0; v < N; v++ {
		if !inCycle[v] {
			idx[v] = M
			M++
		}
	}
	c := M
	M++
	cw := make([]float64, M*M)
	for i := range cw {
		cw[i] = math.Inf(-1)
	}
	enter := make([]int, M) // for u→c: the cycle node entered
	leave := make([]int, M) // for c→v: the cycle node left from
	for u := 0; u < N; u++ {
		for v := 0; v < N; v++ {
			if u == v || math.IsInf(w[u*N+v], -1) {
				continue
			}
			switch {
			case !inCycle[u] && !inCycle[v]:
				cw[idx[u]*M+idx[v]] = w[u*N+v]
			case !inCycle[u] && inCycle[v]:
				x := w[u*N+v] - w[par[v]*N+v]
				if x > cw[idx[u]*M+c] {
					cw[idx[u]*M+c] = x
					enter[idx[u]] = v
				}
			case inCycle[u] && !inCycle[v]:
				if w[u*N+v] > cw[c*M+idx[v]] {
					cw[c*M+idx[v]] = w[u*N+v]
					leave[idx[v]] = u
				}
			}
		}
	}
	sub := edmonds(M, cw)
	out := make([]int, N)
	out[0] = -1
	back := make([]int, M) // new index → old node (for non-cycle nodes)
	for v := 0; v < N; v++ {
		if !inCycle[v] {
			back[idx[v]] = v
		}
	}
	for v := 0; v < N; v++ {
		if inCycle[v] {
			out[v] = par[v]
			continue
		}
		if v == 0 {
			continue
		}
		p := sub[idx[v]]
		if p == c {
			out[v] = leave[idx[v]]
		} else {
			out[v] = back[p]
		}
	}
	u := sub[c]
	out[enter[u]] = back[u]
	return out
}

// findCycle returns the nodes of a cycle of the parent function, or nil.
func findCycle(par []int) []int {
	N := len(par)
	state := make([]int, N) // 0 new, 1 on the current path, 2 done
	for s := 1; s < N; s++ {
		if state[s] != 0 {
			continue
		}
		var path []int
		v := s
		for v > 0 && state[v] == 0 {
			state[v] = 1
			path = append(path, v)
			v = par[v]
		}
		if v > 0 && state[v] == 1 {
			var cyc []int
			for i := len(path) - 1; i >= 0; i-- {
				cyc = append(cyc, path[i])
				if path[i] == v {
					break
				}
			}
			return cyc
		}
		for _, x := range path {
			state[x] = 2
		}
	}
	return nil
}

// maxExact is the largest cluster whose ancestor probabilities are
// computed exactly, by enumerating every tree (n^n parent functions).
const maxExact = 6

// ancestors returns P(u is an ancestor of v) for every ordered pair and
// P(u and v share a root child): exact for small clusters, estimated from
// trees drawn with Wilson's algorithm for mid-sized ones (a seeded,
// deterministic sample; seed should depend on the cluster's content
// only; sample is false when copies that nothing tells apart would make
// the draw depend on input order), approximated for large ones.
func ancestors(n int, w, r []float64, st treeStats, seed uint64, sample bool) relations {
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

// maxSampled is the largest cluster whose relations are sampled; larger
// ones (boilerplate shared by dozens of stories, where walks to the root
// grow long) are approximated.
const maxSampled = 16

// relations are the pairwise relations of copies in the random tree:
// anc[u*n+v] = P(u is an ancestor of v), same[u*n+v] = P(u and v descend
// from one root child, so their common source is in the corpus).
type relations struct {
	anc, same []float64
}

// ancestorsApprox treats parent choices as independent given the exact
// edge marginals (D = M + D·M): exact on a chain, rough elsewhere. It is
// the fallback when sampling would take too long.
func ancestorsApprox(n int, st treeStats) relations {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a[i*n+j] = -st.edge[i*n+j]
		}
		a[i*n+i]++
	}
	inv, _, ok := invert(n, a)
	d := make([]float64, n*n)
	if !ok {
		copy(d, st.edge)
		return relations{anc: d, same: sameFromAnc(n, d, 1-st.ext)}
	}
	for u := 0; u < n; u++ {
		for v := 0; v < n; v++ {
			if u == v {
				continue
			}
			s := 0.0
			for k := 0; k < n; k++ {
				s += st.edge[u*n+k] * inv[k*n+v]
			}
			d[u*n+v] = clamp01(s)
		}
	}
	// Where the independence assumption breaks down (two copies each
	// "likely" the other's ancestor), keep only the direct edges.
	for u := 0; u < n; u++ {
		for v := u + 1; v < n; v++ {
			if d[u*n+v]+d[v*n+u] > 1 {
				d[u*n+v], d[v*n+u] = st.edge[u*n+v], st.edge[v*n+u]
			}
		}
	}
	rel := relations{anc: d, same: sameFromAnc(n, d, 1-st.ext)}
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
			top[u*n+k] = st.root[k] * a
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
			x = clamp01(max(x, rel.same[u*n+v]))
			rel.same[u*n+v], rel.same[v*n+u] = x, x
		}
	}
	return rel
}

// sameFromAnc bounds from below the probability that two copies share a
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
func ancestorsSampled(n int, w, r []float64, seed uint64, samples, maxSteps int) (relations, bool) {
	return sampleAncestors(n, w, r, seed, samples, maxSteps, true)
}

// sampleAncestors is ancestorsSampled; guided says whether parent choices
// may use the guide table (they are the same without it, only slower).
func sampleAncestors(n int, w, r []float64, seed uint64, samples, maxSteps int, guided bool) (relations, bool) {
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
			return relations{}, false
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

func finishSamples(counts, same []float64, drawn, wanted int) (relations, bool) {
	if drawn == 0 || drawn*10 < wanted {
		return relations{}, false
	}
	for i := range counts {
		counts[i] /= float64(drawn)
		same[i] /= float64(drawn)
	}
	return relations{anc: counts, same: same}, true
}

// ancestorsExact enumerates every parent function, keeps the trees, and
// sums their weights by ancestor relation.
func ancestorsExact(n int, w, r []float64) relations {
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
	return relations{anc: d, same: same}
}
