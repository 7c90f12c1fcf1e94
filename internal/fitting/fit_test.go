package fitting

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/provenance"
)

// feature returns the position of a feature among names.
func feature(names []string, name string) int {
	return slices.Index(names, name)
}

// toyExamples makes two-copy clusters whose true parent has the higher
// "fit_doc" signal nine times in ten; tree says which node is the parent.
func toyExamples(rng *rand.Rand, n int, withRank bool) []Example {
	edge, root := provenance.FeatureNames()
	lenCopy, bias := feature(edge, "len_copy"), feature(root, "bias")
	var out []Example
	for i := 0; i < n; i++ {
		x := rng.Float64()
		if rng.Float64() < 0.1 {
			x = -x
		}
		in := provenance.Instance{Docs: []int{0, 1}, Edge: make([][]float64, 4), Root: make([][]float64, 2)}
		in.Edge[0*2+1] = make([]float64, len(edge))
		in.Edge[1*2+0] = make([]float64, len(edge))
		in.Edge[0*2+1][lenCopy] = x // node 0's copy is longer when x > 0
		in.Edge[1*2+0][lenCopy] = -x
		for v := 0; v < 2; v++ {
			in.Root[v] = make([]float64, len(root))
			in.Root[v][bias] = 1
		}
		ex := Example{Instance: in}
		if withRank {
			ex.Rank = []int{0, 1}
		} else {
			ex.Parent = []int{-1, 0}
		}
		out = append(out, ex)
	}
	return out
}

func TestFitLearnsTheSignFromData(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	edge, _ := provenance.FeatureNames()
	for _, withRank := range []bool{false, true} {
		w, err := Fit(toyExamples(rng, 300, withRank), Options{L2: 0.1, Iterations: 300})
		require.NoError(t, err)
		assert.Greater(t, w.Edge[feature(edge, "len_copy")], 1.0, "rank=%v", withRank)
		assert.InDelta(t, 0, w.Edge[feature(edge, "date_fine_sign")], 1e-6, "no data, no weight")
	}
	_, err := Fit(nil, Options{})
	require.ErrorIs(t, err, ErrNoExamples)
}

func TestCalibrateAndPairOutcomes(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	train := toyExamples(rng, 300, false)
	w, err := Fit(train, Options{L2: 0.1, Iterations: 200})
	require.NoError(t, err)
	// Overconfident weights: calibration must cool them down.
	hot := w
	hot.Edge = append([]float64(nil), w.Edge...)
	for i := range hot.Edge {
		hot.Edge[i] *= 4
	}
	held := toyExamples(rng, 300, false)
	cal, err := Calibrate(held, hot)
	require.NoError(t, err)
	assert.Greater(t, cal.Temperature[provenance.CaseMissing], 1.5)
	probs, truth := PairOutcomes(&held[0], &cal)
	require.Len(t, probs, 1)
	assert.Equal(t, 0, truth[0], "node 0 is the parent")
	assert.InDelta(t, 1, probs[0][0]+probs[0][1]+probs[0][2], 1e-9)
}
