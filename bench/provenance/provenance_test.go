package provenance

import (
	"cmp"
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/synth"
	prov "github.com/reprint-dev/reprint/provenance"
)

func TestBlindKeepsOnlyTextAndRandomisesIDsAndOrder(t *testing.T) {
	date := reprint.Date{Time: time.Date(2017, 6, 9, 0, 0, 0, 0, time.UTC), Granularity: reprint.GranularityDay}
	var items []Item
	for i := 0; i < 50; i++ {
		items = append(items, Item{Key: string(rune('a' + i%26)), Text: string(rune('A'+i%26)) + " text", Date: date, Source: "Reuters"})
	}
	docs, perm := Blind(items, 1, false, false)
	moved := 0
	seen := map[string]bool{}
	for i, d := range docs {
		assert.Equal(t, items[perm[i]].Text, d.Text)
		assert.True(t, d.Date.IsZero())
		assert.Empty(t, d.Source)
		assert.NotEqual(t, items[perm[i]].Key, d.ID)
		assert.False(t, seen[d.ID])
		seen[d.ID] = true
		if perm[i] != i {
			moved++
		}
	}
	assert.Greater(t, moved, 40)
	docs, _ = Blind(items, 1, true, true)
	assert.Equal(t, date, docs[0].Date)
	assert.Equal(t, "Reuters", docs[0].Source)
}

func TestSplitOfIsStableAndBalanced(t *testing.T) {
	count := map[Split]int{}
	for i := 0; i < 10000; i++ {
		k := string(rune(i)) + "story"
		assert.Equal(t, splitOf(k), splitOf(k))
		count[splitOf(k)]++
	}
	assert.InDelta(t, 5000, count[Train], 300)
	assert.InDelta(t, 2000, count[Calibration], 300)
	assert.InDelta(t, 3000, count[Test], 300)
}

func TestCalibMetrics(t *testing.T) {
	var c Calib
	// Always 80% sure of the first outcome, right four times in five.
	for i := 0; i < 5; i++ {
		truth := 0
		if i == 4 {
			truth = 1
		}
		c.Add([3]float64{0.8, 0.2, 0}, truth)
	}
	assert.InDelta(t, 0, c.ECE(), 1e-9)
	// Brier: four of (0.2²+0.2²) and one of (0.8²+0.8²), over five.
	assert.InDelta(t, (4*0.08+1.28)/5, c.Brier(), 1e-9)
	var over Calib
	over.Add([3]float64{1, 0, 0}, 1)
	assert.InDelta(t, 1, over.ECE(), 1e-9)
	assert.True(t, math.IsNaN((&Calib{}).Brier()))
}

func TestAccAndTables(t *testing.T) {
	tab := NewTable("t", "m")
	tab.Add("m", "tied", 1)
	tab.Add("m", "tied", 0.5)
	tab.Add("m", "distinct", 0)
	assert.InDelta(t, 0.75, tab.Get("m", "tied"), 1e-9)
	assert.InDelta(t, 0.5, tab.Get("m", "all"), 1e-9)
	assert.Equal(t, 2, tab.Rows["m"]["all"].Decided)
	assert.True(t, math.IsNaN(tab.Get("m", "missing")))
}

func TestBaselineScores(t *testing.T) {
	assert.Equal(t, 1.0, byWords(100, 50, true))
	assert.Equal(t, 0.0, byWords(100, 50, false))
	assert.Equal(t, 0.5, byWords(50, 50, true))
	assert.Equal(t, 1.0, byContainment(0.2, 0.9, true))
	assert.Equal(t, 0.0, byContainment(0.2, 0.9, false))
	assert.InDelta(t, 0.5, pickScore([]int{1, 2, 3}, 2, func(a, b int) int { return 0 })*1.5, 1e-9)
	assert.Equal(t, 0.0, pickScore([]int{1, 2}, -1, cmp.Compare[int]))
	pv := prov.PairVerdict{A: 3, B: 5, AFirst: 0.7, BFirst: 0.1, Source: 3, Probability: 0.7}
	assert.Equal(t, 1.0, pairScore(pv, 3))
	assert.Equal(t, 0.0, pairScore(pv, 5))
	assert.Equal(t, [3]float64{0.1, 0.7, 0.2}, roundF(forecast(pv, 5)))
}

func roundF(p [3]float64) [3]float64 {
	for i := range p {
		p[i] = math.Round(p[i]*1e9) / 1e9
	}
	return p
}

func TestDateCase(t *testing.T) {
	d := func(s string, g reprint.Granularity) reprint.Date {
		tm, _ := time.Parse(time.RFC3339, s)
		return reprint.Date{Time: tm, Granularity: g}
	}
	a := d("2017-06-09T10:00:00Z", reprint.GranularityMinute)
	b := d("2017-06-09T12:00:00Z", reprint.GranularityMinute)
	dayB := d("2017-06-09T00:00:00Z", reprint.GranularityDay)
	assert.Equal(t, "distinct", dateCase(a, b))
	assert.Equal(t, "tied", dateCase(a, dayB))
	assert.Equal(t, "missing", dateCase(a, reprint.Date{}))
	assert.Equal(t, "tied", clusterCase([]reprint.Date{a, b, dayB}))
}

// TestSyntheticEndToEnd plants a small forest into the seed articles, cut
// into pieces, detects it and scores it: the plumbing, not the numbers.
func TestSyntheticEndToEnd(t *testing.T) {
	src, err := synth.LoadDir("../../testdata/seeds")
	require.NoError(t, err)
	src = synth.Chunk(src, 40)
	cfg := synth.DefaultForestConfig()
	cfg.Trees, cfg.Distractors, cfg.MinDocWords, cfg.MaxCopies = 6, 2, 30, 3
	cfg.Shapes = synth.ShapeRates{Star: 1, Hidden: 1}
	s, err := NewSynth(context.Background(), src, cfg)
	require.NoError(t, err)
	require.NotEmpty(t, s.Labels)
	w, err := prov.Fitted()
	require.NoError(t, err)
	sc, err := EvalSynth(s, w, Baselines{})
	require.NoError(t, err)
	assert.Equal(t, len(s.Labels), sc.Clusters)
	assert.Positive(t, sc.Calib[MethodText].N())
	ex, err := s.Examples(s.Hidden, 1)
	require.NoError(t, err)
	require.Len(t, ex, len(s.Labels))
	for _, e := range ex {
		roots := 0
		for _, p := range e.Parent {
			if p < 0 {
				roots++
			}
		}
		assert.Positive(t, roots)
	}
}
