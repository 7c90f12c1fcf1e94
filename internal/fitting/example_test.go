package fitting_test

import (
	"fmt"
	"strings"

	"github.com/reprint-dev/reprint/internal/fitting"
	"github.com/reprint-dev/reprint/provenance"
)

// Fit learns weights from clusters whose derivation is known; Calibrate
// then sets the temperatures on held-out clusters. The command
// bench/cmd/provenance-eval does this on synthetic forests and re-issued
// Reuters stories and writes provenance/weights.go with WriteWeights.
func ExampleFit() {
	passage := "The strike at the Escondida copper mine in northern Chile cut output by a third in March, " +
		"the company said, and talks with the union were due to resume next week."
	a := "Copper prices rose in London as traders weighed supply from Chile. " + passage + " Chile is the biggest copper producer."
	b := "The central bank left interest rates unchanged on Thursday. " + passage + " Bond yields eased."
	docs := []provenance.Document{{Text: a}, {Text: b}}
	cl := provenance.Cluster{}
	for i, d := range docs {
		s := strings.Index(d.Text, passage)
		cl.Copies = append(cl.Copies, provenance.Copy{Doc: i, Start: s, End: s + len(passage)})
	}
	inst, err := provenance.Extract(docs, []provenance.Cluster{cl}, provenance.Options{})
	if err != nil {
		panic(err)
	}
	// The truth: document 0 is the origin, document 1 copied it. Nodes
	// are in an order of their own (inst[0].Docs).
	parent := make([]int, len(inst[0].Docs))
	for k, d := range inst[0].Docs {
		parent[k] = -1
		if d == 1 {
			parent[k] = 1 - k
		}
	}
	w, err := fitting.Fit([]fitting.Example{{Instance: inst[0], Parent: parent}}, fitting.Options{L2: 1, Iterations: 50})
	if err != nil {
		panic(err)
	}
	edge, root := provenance.FeatureNames()
	fmt.Println(len(w.Edge) == len(edge), len(w.Root) == len(root))
	// Output:
	// true true
}
