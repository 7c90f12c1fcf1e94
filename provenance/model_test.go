package provenance

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/arborescence"
)

// TestAgreeWith: the tree shown follows the origin verdict. Scores: copy
// 0 is a strong root and the best parent of 1 and 2; 1 is a fair root.
func TestAgreeWith(t *testing.T) {
	inf := math.Inf(-1)
	model := func() *clusterModel {
		c := &clusterModel{nodes: make([]node, 3)}
		c.sr = []float64{3, 1, -2}
		c.se = []float64{
			inf, 2, 2, // 0→1, 0→2
			0, inf, 1, // 1→0, 1→2
			-1, 0, inf, // 2→0, 2→1
		}
		c.parent = arborescence.Max(3, c.se, c.sr)
		return c
	}
	c := model()
	require.Equal(t, []int{-1, 0, 0}, c.parent, "the most likely tree")
	c.agreeWith(0)
	assert.Equal(t, []int{-1, 0, 0}, c.parent, "it already hangs from the origin")

	c = model()
	c.agreeWith(1)
	assert.Equal(t, -1, c.parent[1], "the origin hangs from outside")
	assert.Equal(t, []int{1, -1, 0}, c.parent, "copy 1 from outside; 0 moves under 1 (2 is its own copy)")

	// Two copies from outside, the origin one of them: the other moves
	// under its best parent.
	c = model()
	c.sr[1] = 2.5
	c.parent = arborescence.Max(3, c.se, c.sr)
	require.Equal(t, []int{-1, -1, 0}, c.parent)
	c.agreeWith(0)
	assert.Equal(t, []int{-1, 0, 0}, c.parent)

	// A forbidden edge (a hard date) is never shown: 2 cannot hang from 0,
	// and its only other parent, 1, is its own copy, so 2 stays outside.
	c = &clusterModel{nodes: make([]node, 3)}
	c.sr = []float64{1, 1, 1}
	c.se = []float64{
		inf, inf, inf,
		inf, inf, inf,
		inf, 2, inf, // 2→1
	}
	c.parent = []int{-1, 2, -1}
	c.agreeWith(0)
	assert.Equal(t, []int{-1, 2, -1}, c.parent)

	c = model()
	c.agreeWith(-1)
	// Moving 1 to the root costs 2-1 = 1, moving 2 costs 2-(-2) = 4.
	assert.Equal(t, []int{-1, -1, 0}, c.parent, "outside: two copies from outside")
}
