package fitting

import (
	"errors"
	"fmt"
	"math"

	"github.com/reprint-dev/reprint/internal/arborescence"
	"github.com/reprint-dev/reprint/provenance"
)

// Example is a cluster with what is known of its derivation.
type Example struct {
	provenance.Instance
	// Parent, when known, gives each node's parent: an index into Docs,
	// or -1 for a copy taken from outside the corpus.
	Parent []int
	// Rank, used when Parent is nil, orders the nodes in time: a node can
	// only derive from a node of lower rank, and the nodes of the lowest
	// rank hang from outside. Re-issued stories with known times give it.
	Rank []int
	// Weight scales the example's log-likelihood (1 when zero).
	Weight float64
}

// Options tune Fit.
type Options struct {
	// L2 is the strength of the Gaussian prior on the weights.
	L2 float64
	// Iterations caps the optimiser's steps.
	Iterations int
	// Start is the starting point (zero weights when nil).
	Start *provenance.Weights
	// Log, when set, receives progress lines.
	Log func(string)
}

// ErrNoExamples is returned by Fit and Calibrate when given nothing usable.
var ErrNoExamples = errors.New("fitting: no usable examples")

// Fit fits the edge and root weights by maximum likelihood over the
// examples' derivation trees (conditional on the cluster, with a Gaussian
// prior), by full-batch Adam. Temperatures are left at 1: see Calibrate.
func Fit(examples []Example, opt Options) (provenance.Weights, error) {
	if opt.Iterations <= 0 {
		opt.Iterations = 400
	}
	edge, root := provenance.FeatureNames()
	nE, nR := len(edge), len(root)
	theta := make([]float64, nE+nR)
	if opt.Start != nil {
		copy(theta, opt.Start.Edge)
		copy(theta[nE:], opt.Start.Root)
	}
	usable := 0
	for _, ex := range examples {
		if ex.usable() {
			usable++
		}
	}
	if usable == 0 {
		return provenance.Weights{}, ErrNoExamples
	}
	m1 := make([]float64, len(theta))
	m2 := make([]float64, len(theta))
	const lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
	prev := math.Inf(-1)
	for it := 1; it <= opt.Iterations; it++ {
		ll, grad := logLikelihood(examples, theta, nE)
		for i := range theta {
			ll -= 0.5 * opt.L2 * theta[i] * theta[i]
			grad[i] -= opt.L2 * theta[i]
		}
		for i := range theta {
			g := -grad[i]
			m1[i] = b1*m1[i] + (1-b1)*g
			m2[i] = b2*m2[i] + (1-b2)*g*g
			mh := m1[i] / (1 - math.Pow(b1, float64(it)))
			vh := m2[i] / (1 - math.Pow(b2, float64(it)))
			theta[i] -= lr * mh / (math.Sqrt(vh) + eps)
		}
		if opt.Log != nil && (it%50 == 0 || it == 1) {
			opt.Log(fmt.Sprintf("iteration %d: penalised log-likelihood %.3f", it, ll))
		}
		if math.Abs(ll-prev) < 1e-7*math.Abs(ll) && it > 50 {
			break
		}
		prev = ll
	}
	return provenance.Weights{Edge: theta[:nE:nE], Root: theta[nE:]}, nil
}

func (ex *Example) usable() bool {
	n := len(ex.Docs)
	if n == 0 || len(ex.Root) != n || len(ex.Edge) != n*n {
		return false
	}
	if ex.Parent != nil {
		return len(ex.Parent) == n && (ex.Rank == nil || len(ex.Rank) == n)
	}
	return len(ex.Rank) == n
}

// logLikelihood returns the weighted log-likelihood of the examples and its
// gradient with respect to theta (nE edge weights, then root weights).
func logLikelihood(examples []Example, theta []float64, nE int) (float64, []float64) {
	grad := make([]float64, len(theta))
	ll := 0.0
	w := provenance.Weights{Edge: theta[:nE], Root: theta[nE:]}
	for i := range examples {
		ex := &examples[i]
		if !ex.usable() {
			continue
		}
		wt := ex.Weight
		if wt == 0 {
			wt = 1
		}
		n := len(ex.Docs)
		se, sr := ex.Scores(&w) // at temperature 1: w has none
		ew, rw, shift := arborescence.Weights(n, se, sr)
		st, ok := arborescence.Marginals(n, ew, rw)
		if !ok {
			continue
		}
		// Observed part: the true tree, or the sum over trees consistent
		// with the time order.
		obs := 0.0
		if ex.Parent != nil {
			for v, p := range ex.Parent {
				if p < 0 {
					obs += sr[v]
					addScaled(grad[nE:], ex.Root[v], wt)
				} else {
					obs += se[p*n+v]
					addScaled(grad[:nE], ex.Edge[p*n+v], wt)
				}
			}
		} else {
			for v := 0; v < n; v++ {
				var cand []int // -1 root
				for u := 0; u < n; u++ {
					if u != v && ex.Rank[u] < ex.Rank[v] {
						cand = append(cand, u)
					}
				}
				if len(cand) == 0 {
					cand = []int{-1}
				}
				hi := math.Inf(-1)
				for _, u := range cand {
					hi = max(hi, scoreOf(se, sr, n, u, v))
				}
				z := 0.0
				for _, u := range cand {
					z += math.Exp(scoreOf(se, sr, n, u, v) - hi)
				}
				obs += hi + math.Log(z)
				for _, u := range cand {
					p := math.Exp(scoreOf(se, sr, n, u, v)-hi) / z
					if u < 0 {
						addScaled(grad[nE:], ex.Root[v], wt*p)
					} else {
						addScaled(grad[:nE], ex.Edge[u*n+v], wt*p)
					}
				}
			}
		}
		// logZ from stats is of the shifted weights.
		logZ := st.LogZ + float64(n)*shift
		ll += wt * (obs - logZ)
		for v := 0; v < n; v++ {
			addScaled(grad[nE:], ex.Root[v], -wt*st.Root[v])
			for u := 0; u < n; u++ {
				if u != v && st.Edge[u*n+v] > 0 {
					addScaled(grad[:nE], ex.Edge[u*n+v], -wt*st.Edge[u*n+v])
				}
			}
		}
	}
	return ll, grad
}

func scoreOf(se, sr []float64, n, u, v int) float64 {
	if u < 0 {
		return sr[v]
	}
	return se[u*n+v]
}

func addScaled(dst, src []float64, k float64) {
	for i := range min(len(dst), len(src)) {
		dst[i] += k * src[i]
	}
}

// PairOutcomes returns, for every pair of an example's nodes whose relation
// is known, the model's probabilities (first, second, neither) and the
// index of the true outcome: 0 when node i's text came first, 1 when j's
// did, 2 when neither. With Parent, i's text came first when i is an
// ancestor of j, or when both descend from a common source in the corpus,
// their dates differ and i has the lower Rank (the true time order, when
// given); other copies of a common source give 2. With Rank alone, the
// lower rank came first. It is what Calibrate fits and the harness scores.
func PairOutcomes(ex *Example, w *provenance.Weights) (probs [][3]float64, truth []int) {
	if !ex.usable() {
		return nil, nil
	}
	n := len(ex.Docs)
	se, sr := ex.Scores(w)
	ew, rw, _ := arborescence.Weights(n, se, sr)
	st, ok := arborescence.Marginals(n, ew, rw)
	if !ok {
		return nil, nil
	}
	rel := arborescence.Ancestors(n, ew, rw, st, uint64(n), true)
	var truthAnc []bool
	var top []int
	if ex.Parent != nil {
		truthAnc = make([]bool, n*n)
		top = make([]int, n)
		for v := 0; v < n; v++ {
			top[v] = v
			steps := 0
			for p := ex.Parent[v]; p >= 0 && steps <= n; p = ex.Parent[p] {
				truthAnc[p*n+v] = true
				top[v] = p
				steps++
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			t := -1
			byRank := func() {
				if len(ex.Rank) == n && ex.Rank[i] != ex.Rank[j] {
					t = 1
					if ex.Rank[i] < ex.Rank[j] {
						t = 0
					}
				}
			}
			if truthAnc != nil {
				switch {
				case truthAnc[i*n+j]:
					t = 0
				case truthAnc[j*n+i]:
					t = 1
				case top[i] == top[j] && len(ex.Before) == n*n && ex.Before[i*n+j] != 0:
					// Copies of a common source in the corpus: the
					// earlier came first when the dates tell.
					t = 2
					byRank()
				default:
					t = 2
				}
			} else {
				byRank()
			}
			if t < 0 {
				continue
			}
			before := 0
			if len(ex.Before) == n*n {
				before = int(ex.Before[i*n+j])
			}
			a, b := rel.First(n, i, j, before)
			probs = append(probs, [3]float64{a, b, math.Max(0, 1-a-b)})
			truth = append(truth, t)
		}
	}
	return probs, truth
}

// Calibrate sets one temperature per date case that minimises the
// negative log-likelihood of the pairwise outcomes of held-out examples
// (see PairOutcomes), by a search over a log-spaced grid from 0.25 to 8.
// Cases without examples keep their temperature.
func Calibrate(examples []Example, w provenance.Weights) (provenance.Weights, error) {
	out := w
	found := false
	for k := range len(w.Temperature) {
		cse := provenance.Case(k)
		var sub []Example
		for _, ex := range examples {
			if ex.Case == cse && ex.usable() {
				sub = append(sub, ex)
			}
		}
		if len(sub) == 0 {
			continue
		}
		found = true
		bestT, bestNLL := 1.0, math.Inf(1)
		for k := 0; k <= 50; k++ {
			t := 0.25 * math.Pow(32, float64(k)/50)
			trial := w
			trial.Temperature[cse] = t
			nll := 0.0
			for i := range sub {
				probs, truth := PairOutcomes(&sub[i], &trial)
				for j, p := range probs {
					nll -= math.Log(math.Max(p[truth[j]], 1e-6))
				}
			}
			if nll < bestNLL {
				bestT, bestNLL = t, nll
			}
		}
		out.Temperature[cse] = bestT
	}
	if !found {
		return w, ErrNoExamples
	}
	return out, nil
}
