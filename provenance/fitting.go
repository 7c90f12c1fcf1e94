package provenance

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Weights are the model's parameters: one weight per edge feature and per
// root feature (named by FeatureNames, in its order), and one temperature
// per date case (indexed by Case; zero means 1) that divides every score
// so that probabilities are calibrated.
type Weights struct {
	Edge        []float64
	Root        []float64
	Temperature [3]float64
}

// namedWeights are weights keyed by feature name, as weights.go holds
// them: the file then says which weight is which, and a feature added,
// removed or moved in the tables cannot shift the weights onto the wrong
// features.
type namedWeights struct {
	Edge, Root  map[string]float64
	Temperature [3]float64
}

// refit is the command that writes weights.go.
const refit = "go run ./bench/cmd/provenance-eval fit -write provenance/weights.go"

// fitted and fittedErr are weights.go's weights in the tables' order, and
// how they fail to match the tables.
var fitted, fittedErr = fittedWeights.inOrder()

// inOrder returns the weights in the order of the feature tables, and an
// error naming every feature without a weight and every weight without a
// feature.
func (nw namedWeights) inOrder() (Weights, error) {
	edge, root := FeatureNames()
	var problems []string
	pick := func(kind string, names []string, byName map[string]float64) []float64 {
		out := make([]float64, len(names))
		for i, name := range names {
			x, ok := byName[name]
			if !ok {
				problems = append(problems, fmt.Sprintf("no weight for %s feature %q", kind, name))
			}
			out[i] = x
		}
		var extra []string
		for name := range byName {
			if !slices.Contains(names, name) {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		for _, name := range extra {
			problems = append(problems, fmt.Sprintf("a weight for %q, which is no %s feature", name, kind))
		}
		return out
	}
	w := Weights{Edge: pick("edge", edge, nw.Edge), Root: pick("root", root, nw.Root), Temperature: nw.Temperature}
	if len(problems) > 0 {
		return w, fmt.Errorf("%w: weights.go does not match the feature tables (%s); refit with %s",
			errWeights, strings.Join(problems, "; "), refit)
	}
	return w, nil
}

// errWeights is wrapped by the error of weights that do not match the
// feature tables.
var errWeights = errors.New("provenance: fitted weights")

// Fitted returns a copy of the weights fitted by bench/cmd/provenance-eval
// (see weights.go), and an error when weights.go does not match the
// feature tables (a feature was added, renamed or removed since the last
// fit): Infer with the zero Options then returns that error.
func Fitted() (Weights, error) {
	w := fitted
	w.Edge = slices.Clone(fitted.Edge)
	w.Root = slices.Clone(fitted.Root)
	return w, fittedErr
}

func (w *Weights) temperature(c Case) float64 {
	if int(c) < len(w.Temperature) && w.Temperature[c] > 0 {
		return w.Temperature[c]
	}
	return 1
}

func (w *Weights) edge(k int) float64 {
	if k < len(w.Edge) {
		return w.Edge[k]
	}
	return 0
}

// root is the weight of root feature k, 0 beyond the weights given.
func (w *Weights) root(k int) float64 {
	if k < len(w.Root) {
		return w.Root[k]
	}
	return 0
}

// Instance is one cluster's features, for fitting and calibrating weights.
type Instance struct {
	// Docs are the cluster's documents, in the content order nodes use.
	Docs []int
	// Case is the cluster's date case.
	Case Case
	// Edge[u*n+v] holds the features of the edge u→v (nil when u == v);
	// Root[v] those of the root edge to v.
	Edge [][]float64
	Root [][]float64
	// Before[u*n+v] is 1 when u's date is strictly before v's, -1 after,
	// 0 unknown (it orders copies that share a source in the corpus).
	Before []int8
}

// Extract computes every cluster's features, as Infer would with opts.
// The features do not depend on the weights: Extract works when
// weights.go does not match the feature tables, as a refit needs.
func Extract(docs []Document, clusters []Cluster, opts Options) ([]Instance, error) {
	if err := validate(docs, clusters); err != nil {
		return nil, err
	}
	if opts.Weights == nil {
		opts.Weights = &Weights{}
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	m := newModel(docs, clusters, opts)
	out := make([]Instance, len(clusters))
	for i := range clusters {
		c := m.prepare(i)
		in := Instance{Case: c.cse}
		for _, nd := range c.nodes {
			in.Docs = append(in.Docs, nd.doc)
		}
		in.Edge, in.Root = c.features()
		n := len(c.nodes)
		in.Before = make([]int8, n*n)
		for u := 0; u < n; u++ {
			for v := 0; v < n; v++ {
				if u != v {
					in.Before[u*n+v] = int8(c.before(u, v))
				}
			}
		}
		out[i] = in
	}
	return out, nil
}

// Scores returns the scores of the instance's edges under w, at the
// temperature of its date case: edge[u*n+v] for u→v (-Inf when u == v)
// and root[v] for the root edge to v. Unlike Infer's, they are not
// bounded and no edge is forbidden by hard dates. They are nil when the
// instance's features do not match its Docs.
func (in *Instance) Scores(w *Weights) (edge, root []float64) {
	n := len(in.Docs)
	if len(in.Edge) != n*n || len(in.Root) != n {
		return nil, nil
	}
	t := w.temperature(in.Case)
	edge = make([]float64, n*n)
	root = make([]float64, n)
	for v := 0; v < n; v++ {
		root[v] = dot(w.Root, in.Root[v]) / t
		for u := 0; u < n; u++ {
			if u == v {
				edge[u*n+v] = math.Inf(-1)
			} else {
				edge[u*n+v] = dot(w.Edge, in.Edge[u*n+v]) / t
			}
		}
	}
	return edge, root
}
