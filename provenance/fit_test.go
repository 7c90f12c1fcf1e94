package provenance

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toyExamples makes two-copy clusters whose true parent has the higher
// "fit_doc" signal nine times in ten; tree says which node is the parent.
func toyExamples(rng *rand.Rand, n int, withRank bool) []Example {
	var out []Example
	for i := 0; i < n; i++ {
		x := rng.Float64()
		if rng.Float64() < 0.1 {
			x = -x
		}
		in := Instance{Docs: []int{0, 1}, Edge: make([][]float64, 4), Root: make([][]float64, 2)}
		in.Edge[0*2+1] = make([]float64, numEdgeFeatures)
		in.Edge[1*2+0] = make([]float64, numEdgeFeatures)
		in.Edge[0*2+1][efLenCopy] = x // node 0's copy is longer when x > 0
		in.Edge[1*2+0][efLenCopy] = -x
		for v := 0; v < 2; v++ {
			in.Root[v] = make([]float64, numRootFeatures)
			in.Root[v][rfBias] = 1
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
	for _, withRank := range []bool{false, true} {
		w, err := Fit(toyExamples(rng, 300, withRank), FitOptions{L2: 0.1, Iterations: 300})
		require.NoError(t, err)
		assert.Greater(t, w.Edge[efLenCopy], 1.0, "rank=%v", withRank)
		assert.InDelta(t, 0, w.Edge[efDateFineSign], 1e-6, "no data, no weight")
	}
	_, err := Fit(nil, FitOptions{})
	require.ErrorIs(t, err, ErrNoExamples)
}

func TestCalibrateAndPairOutcomes(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	train := toyExamples(rng, 300, false)
	w, err := Fit(train, FitOptions{L2: 0.1, Iterations: 200})
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
	assert.Greater(t, cal.Temperature[CaseMissing], 1.5)
	probs, truth := PairOutcomes(&held[0], &cal)
	require.Len(t, probs, 1)
	assert.Equal(t, 0, truth[0], "node 0 is the parent")
	assert.InDelta(t, 1, probs[0][0]+probs[0][1]+probs[0][2], 1e-9)
}
