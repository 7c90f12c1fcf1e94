package synth

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func forestConfig(seed int64) ForestConfig {
	cfg := DefaultForestConfig()
	cfg.Seed = seed
	cfg.Trees, cfg.Distractors = 40, 10
	return cfg
}

func TestGenerateForestIsDeterministic(t *testing.T) {
	docs := fakeDocs(t, 400)
	a, err := GenerateForest(docs, forestConfig(7))
	require.NoError(t, err)
	b, err := GenerateForest(docs, forestConfig(7))
	require.NoError(t, err)
	var ba, bb bytes.Buffer
	require.NoError(t, a.WriteJSONL(&ba))
	require.NoError(t, b.WriteJSONL(&bb))
	require.NoError(t, a.Truth.WriteJSON(&ba))
	require.NoError(t, b.Truth.WriteJSON(&bb))
	assert.Equal(t, ba.String(), bb.String())
}

func TestGenerateForestTruth(t *testing.T) {
	docs := fakeDocs(t, 400)
	f, err := GenerateForest(docs, forestConfig(3))
	require.NoError(t, err)
	byID := map[string]ForestDocument{}
	for _, d := range f.Documents {
		byID[d.ID] = d
	}
	times := map[string]time.Time{}
	for _, d := range f.Truth.Documents {
		tm, err := time.Parse(time.RFC3339, d.Time)
		require.NoError(t, err)
		times[d.ID] = tm
	}
	shapesSeen := map[string]int{}
	for _, tr := range f.Truth.Trees {
		shapesSeen[tr.Shape]++
		require.NotEmpty(t, tr.Nodes)
		roots := 0
		for i, n := range tr.Nodes {
			d, ok := byID[n.Doc]
			require.True(t, ok, "tree %s node %s not in corpus", tr.ID, n.Doc)
			require.LessOrEqual(t, n.End, len(d.Text))
			text := d.Text[n.Start:n.End]
			if n.Parent == "" {
				roots++
				if i == 0 && tr.Origin != "" {
					assert.Equal(t, tr.Origin, n.Doc)
				}
				continue
			}
			p := byID[n.Parent]
			var pn TreeNode
			for _, q := range tr.Nodes {
				if q.Doc == n.Parent {
					pn = q
				}
			}
			assert.True(t, times[n.Doc].After(times[n.Parent]), "copy after its parent")
			if n.Edit == EditVerbatim || n.Edit == EditAttribution {
				assert.Equal(t, strings.ReplaceAll(p.Text[pn.Start:pn.End], `"`, "'"), strings.ReplaceAll(text, `"`, "'"))
			}
			if tr.Quotation {
				assert.Contains(t, []string{`"`, `,`}, d.Text[n.End:n.End+1])
			}
		}
		if tr.Origin == "" {
			assert.GreaterOrEqual(t, roots, 2, "a hidden origin has two copies or more")
			assert.Equal(t, ShapeHidden, tr.Shape)
		} else {
			assert.Equal(t, 1, roots)
		}
	}
	for _, s := range shapes {
		assert.Positive(t, shapesSeen[s], s)
	}
}

func TestForestConfigValidate(t *testing.T) {
	require.NoError(t, DefaultForestConfig().Validate())
	bad := DefaultForestConfig()
	bad.MinCopies = 0
	require.ErrorIs(t, bad.Validate(), ErrConfig)
	bad = DefaultForestConfig()
	bad.Shapes = ShapeRates{}
	require.ErrorIs(t, bad.Validate(), ErrConfig)
}
