package provenance

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withDefaults is Options.withDefaults for tests, which have fitted
// weights (TestFittedWeightsMatchTheTables).
func withDefaults(o Options) Options {
	o, err := o.withDefaults()
	if err != nil {
		panic(err)
	}
	return o
}

func TestFeatureTables(t *testing.T) {
	require.NoError(t, checkTables())
	edge, root := FeatureNames()
	require.Len(t, edge, numEdgeFeatures)
	require.Len(t, root, numRootFeatures)

	// A constant added without its row, and a name given twice.
	saved := edgeTable
	t.Cleanup(func() { edgeTable = saved })
	edgeTable[efCurly] = edgeFeature{}
	edgeTable[efComma].name = "mid"
	err := checkTables()
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("edge feature %d has no row", efCurly))
	assert.Contains(t, err.Error(), `edge feature "mid" twice`)

	// Infer and Extract refuse to run on such tables, rather than panic.
	savedErr := tablesErr
	t.Cleanup(func() { tablesErr = savedErr })
	tablesErr = err
	docs := []Document{{Text: wireStory}, {Text: wireStory}}
	clusters := []Cluster{{Copies: []Copy{{Doc: 0, End: len(wireStory)}, {Doc: 1, End: len(wireStory)}}}}
	_, err = Infer(docs, clusters, Options{})
	assert.ErrorIs(t, err, tablesErr)
	_, err = Extract(docs, clusters, Options{})
	assert.ErrorIs(t, err, tablesErr)
}

// weights.go must give every feature of the tables its weight, and no
// other.
func TestFittedWeightsMatchTheTables(t *testing.T) {
	w, err := Fitted()
	require.NoError(t, err)
	require.Len(t, w.Edge, numEdgeFeatures)
	require.Len(t, w.Root, numRootFeatures)
	assert.Equal(t, fittedWeights.Edge["len_copy"], w.Edge[efLenCopy], "weights follow the tables by name")
	assert.Equal(t, fittedWeights.Root["fit_margin"], w.Root[rfFitMargin])
	for c := Case(0); c < numCases; c++ {
		assert.Greater(t, w.temperature(c), 0.0)
	}
}

func TestWeightsByName(t *testing.T) {
	nw := namedWeights{Edge: map[string]float64{}, Root: map[string]float64{}, Temperature: [3]float64{1, 2, 3}}
	edge, root := FeatureNames()
	for i, n := range edge {
		nw.Edge[n] = float64(i)
	}
	for i, n := range root {
		nw.Root[n] = float64(-i)
	}
	w, err := nw.inOrder()
	require.NoError(t, err)
	assert.Equal(t, float64(efVNote), w.Edge[efVNote])
	assert.Equal(t, float64(-rfLaterDay), w.Root[rfLaterDay])
	assert.Equal(t, [3]float64{1, 2, 3}, w.Temperature)

	// A feature added to the table before the refit, and a weight left
	// for a feature that is gone.
	delete(nw.Edge, "curly")
	nw.Root["retired"] = 1
	_, err = nw.inOrder()
	require.ErrorIs(t, err, errWeights)
	assert.Contains(t, err.Error(), `no weight for edge feature "curly"`)
	assert.Contains(t, err.Error(), `a weight for "retired", which is no root feature`)
	assert.Contains(t, err.Error(), refit)
}

// With weights.go out of step with the tables, Infer with the fitted
// weights returns the error (it never panics), while Infer with weights
// of its own and Extract, which a refit needs, still work.
func TestStaleWeightsAreAnError(t *testing.T) {
	saved, savedErr := fitted, fittedErr
	t.Cleanup(func() { fitted, fittedErr = saved, savedErr })
	stale := errors.New("stale")
	fitted, fittedErr = Weights{}, stale

	docs := []Document{{Text: wireStory}, {Text: wireStory + " More."}}
	clusters := []Cluster{{Copies: []Copy{{Doc: 0, End: len(wireStory)}, {Doc: 1, End: len(wireStory)}}}}
	_, err := Infer(docs, clusters, Options{})
	require.ErrorIs(t, err, stale)
	w := saved
	res, err := Infer(docs, clusters, Options{Weights: &w})
	require.NoError(t, err)
	assert.Len(t, res.Clusters, 1)
	inst, err := Extract(docs, clusters, Options{})
	require.NoError(t, err)
	require.Len(t, inst, 1)
	assert.Len(t, inst[0].Root, 2)
}
