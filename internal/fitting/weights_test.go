package fitting

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/provenance"
)

const refit = "go run ./bench/cmd/provenance-eval fit -write provenance/weights.go"

// provenance/weights.go is what Source writes for its weights: the
// generator and the file agree, so a refit changes only the values.
func TestWeightsFileIsGenerated(t *testing.T) {
	w, err := provenance.Fitted()
	require.NoError(t, err)
	src, err := Source(w, refit)
	require.NoError(t, err)
	file, err := os.ReadFile(filepath.Join("..", "..", "provenance", "weights.go"))
	require.NoError(t, err)
	assert.Equal(t, string(file), string(src))
}

func TestSourceRefusesWeightsOfOtherFeatures(t *testing.T) {
	w, err := provenance.Fitted()
	require.NoError(t, err)
	w.Edge = w.Edge[1:]
	_, err = Source(w, refit)
	assert.ErrorContains(t, err, "edge and")
	assert.Error(t, WriteWeights(filepath.Join(t.TempDir(), "w.go"), w, refit))
}
