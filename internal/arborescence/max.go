package arborescence

import "math"

// Max returns the parent of every node (-1 for the root) in a tree of
// maximum total score (Chu-Liu/Edmonds). s[p*n+c] is the score of p→c
// (-Inf when forbidden), sr[c] that of the root edge to c; root edges are
// never forbidden, so a tree always exists. Ties go to the lower index.
func Max(n int, s, sr []float64) []int {
	// Node 0 of the working graph is the root; node i+1 is node i.
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
