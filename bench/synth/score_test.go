package synth

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallTruth: passage p1 of S goes to T1 (verbatim, 20 words) and to T2
// (substituted, 40 words); passage p2 of S goes to T2 (trimmed, 70 words).
func smallTruth() *Truth {
	return &Truth{
		Schema: TruthSchema,
		Passages: []Passage{
			{ID: "p1", Source: "S", Start: 0, End: 100, Copies: []string{"c1", "c3"}},
			{ID: "p2", Source: "S", Start: 200, End: 300, Copies: []string{"c2"}},
		},
		Copies: []Copy{
			{ID: "c1", Passage: "p1", Source: "S", SourceStart: 0, SourceEnd: 100, Target: "T1", TargetStart: 50, TargetEnd: 150,
				OuterStart: 50, OuterEnd: 150, Edit: EditVerbatim, Words: 20},
			{ID: "c2", Passage: "p2", Source: "S", SourceStart: 200, SourceEnd: 300, Target: "T2", TargetStart: 0, TargetEnd: 100,
				OuterStart: 0, OuterEnd: 100, Edit: EditTrim, Words: 70},
			{ID: "c3", Passage: "p1", Source: "S", SourceStart: 0, SourceEnd: 100, Target: "T2", TargetStart: 300, TargetEnd: 400,
				OuterStart: 300, OuterEnd: 400, Edit: EditSubstitute, EditFraction: 0.1, Words: 40},
		},
		Pairs: []Pair{{"S", "T1", "copy"}, {"S", "T2", "copy"}, {"T1", "T2", "sibling"}},
	}
}

// exact returns the perfect prediction for copy i of smallTruth.
func exact(tr *Truth, i int) Match {
	c := tr.Copies[i]
	return Match{ADoc: c.Source, AStart: c.SourceStart, AEnd: c.SourceEnd, BDoc: c.Target, BStart: c.TargetStart, BEnd: c.TargetEnd}
}

func bucket(bs []Bucket, name string) Score {
	for _, b := range bs {
		if b.Name == name {
			return b.Score
		}
	}
	panic("no bucket " + name)
}

func TestScoreMatches(t *testing.T) {
	tr := smallTruth()
	perfect := []Match{exact(tr, 0), exact(tr, 1), exact(tr, 2)}
	// The pair is unordered: swap the sides of one prediction.
	m := perfect[1]
	perfect[1] = Match{ADoc: m.BDoc, AStart: m.BStart, AEnd: m.BEnd, BDoc: m.ADoc, BStart: m.AStart, BEnd: m.AEnd}

	tests := []struct {
		name                      string
		preds                     []Match
		recall, precision, strict float64
		f1                        float64
	}{
		{"perfect", perfect, 1, 1, 1, 1},
		{"a missed copy lowers recall", perfect[:2], 2.0 / 3, 1, 1, 2.0 / 3},
		{"a spurious match lowers precision",
			append(append([]Match{}, perfect...), Match{ADoc: "S", AStart: 500, AEnd: 600, BDoc: "X", BStart: 0, BEnd: 100}),
			1, 0.75, 0.75, 1},
		{"a match between the right documents elsewhere is correct, not strictly",
			append(append([]Match{}, perfect...), Match{ADoc: "S", AStart: 500, AEnd: 600, BDoc: "T1", BStart: 500, BEnd: 600}),
			1, 1, 0.75, 1},
		{"a match between siblings is correct",
			append(append([]Match{}, perfect...), Match{ADoc: "T1", AStart: 50, AEnd: 150, BDoc: "T2", BStart: 300, BEnd: 400}),
			1, 1, 1, 1},
		{"half overlap: found, F1 one half",
			[]Match{{ADoc: "S", AStart: 0, AEnd: 100, BDoc: "T1", BStart: 100, BEnd: 200}},
			1.0 / 3, 1, 1, 0.5 / 3},
		{"just under half overlap: not found",
			[]Match{{ADoc: "S", AStart: 0, AEnd: 100, BDoc: "T1", BStart: 101, BEnd: 201}},
			0, 1, 1, (2 * 0.49 * 0.49 / 0.98) / 3},
		{"source side must overlap too",
			[]Match{{ADoc: "S", AStart: 60, AEnd: 160, BDoc: "T1", BStart: 50, BEnd: 150}},
			0, 1, 1, 1.0 / 3},
		{"pieces of one copy add up",
			[]Match{{ADoc: "S", AStart: 0, AEnd: 50, BDoc: "T1", BStart: 50, BEnd: 100}, {ADoc: "S", AStart: 50, AEnd: 100, BDoc: "T1", BStart: 100, BEnd: 150}},
			1.0 / 3, 1, 1, 1.0 / 3},
		{"two pieces under half each add up to a found copy (reordered sentences)",
			[]Match{{ADoc: "S", AStart: 0, AEnd: 40, BDoc: "T1", BStart: 110, BEnd: 150}, {ADoc: "S", AStart: 40, AEnd: 80, BDoc: "T1", BStart: 50, BEnd: 90}},
			1.0 / 3, 1, 1, (2 * 0.8 / 1.8) / 3},
		{"wrong pair of documents", []Match{{ADoc: "T1", AStart: 50, AEnd: 150, BDoc: "X", BStart: 0, BEnd: 100}}, 0, 0, 0, 0},
		{"nothing predicted", nil, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ScoreMatches(tr, tt.preds)
			assert.InDelta(t, tt.recall, s.All.Recall, 1e-9, "recall")
			assert.InDelta(t, tt.precision, s.All.Precision, 1e-9, "precision")
			assert.InDelta(t, tt.strict, s.All.StrictPrecision, 1e-9, "strict precision")
			assert.InDelta(t, tt.f1, s.All.SpanF1, 1e-9, "span F1")
			assert.Equal(t, 3, s.All.Copies)
			assert.Equal(t, len(tt.preds), s.All.Predictions)
		})
	}
}

func TestScoreMatchesBreakdown(t *testing.T) {
	tr := smallTruth()
	s := ScoreMatches(tr, []Match{exact(tr, 0), exact(tr, 2),
		{ADoc: "T2", AStart: 0, AEnd: 100, BDoc: "X", BStart: 0, BEnd: 100}}) // c2 missed, paired with X instead

	assert.Equal(t, Score{Copies: 1, Found: 1, Recall: 1, Predictions: 1, Correct: 1, StrictCorrect: 1,
		Precision: 1, StrictPrecision: 1, SpanF1: 1}, bucket(s.ByEdit, "verbatim"))
	trim := bucket(s.ByEdit, "trim")
	assert.Equal(t, 1, trim.Copies)
	assert.Equal(t, 0, trim.Found)
	assert.Equal(t, 1, trim.Predictions, "the X match touches c2's target span")
	assert.Equal(t, 0.0, trim.Precision)
	assert.Equal(t, Score{}, bucket(s.ByEdit, "reorder"))

	assert.Equal(t, 1, bucket(s.ByLength, "12-29").Found)
	assert.Equal(t, 1, bucket(s.ByLength, "30-59").Found)
	assert.Equal(t, 0, bucket(s.ByLength, ">=60").Found)
	assert.Equal(t, 0, bucket(s.ByLength, "<12").Copies)

	assert.Equal(t, 2, bucket(s.ByEditRate, "0").Copies)
	assert.Equal(t, 1, bucket(s.ByEditRate, "5-10%").Copies)
	assert.InDelta(t, 2.0/3, s.All.Recall, 1e-9)
	assert.InDelta(t, 2.0/3, s.All.Precision, 1e-9)
}

func TestEditRateBucket(t *testing.T) {
	assert.Equal(t, "0", editRateBucket(0))
	assert.Equal(t, "<=5%", editRateBucket(1.0/20))
	assert.Equal(t, "5-10%", editRateBucket(2.0/20))
	assert.Equal(t, "10-20%", editRateBucket(0.2))
	assert.Equal(t, ">20%", editRateBucket(0.21))
}

func TestWriteTable(t *testing.T) {
	tr := smallTruth()
	var buf bytes.Buffer
	require.NoError(t, ScoreMatches(tr, []Match{exact(tr, 0)}).WriteTable(&buf))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 3+len(Edits)+len(LengthBuckets)+len(EditRateBuckets)) // header, all, target
	for _, l := range lines {
		assert.Len(t, l, len(lines[0]), "row %q is not aligned", l)
	}
	assert.Equal(t, strings.Fields("bucket copies found recall preds precision strict span-F1"), strings.Fields(lines[0]))
	assert.Equal(t, strings.Fields("all 3 1 0.333 1 1.000 1.000 0.333"), strings.Fields(lines[1]))
	assert.Contains(t, buf.String(), "edit reorder")
	assert.Equal(t, strings.Fields("target >=12w <=10% 3 1 0.333 1 1.000 1.000 0.333"), strings.Fields(lines[2]))
	assert.Equal(t, strings.Fields("edit reorder 0 0 - 0 - - -"), strings.Fields(lines[3+4]))
}

func TestScoreRoundTripOnGeneratedTruth(t *testing.T) {
	c, err := Generate(seedDocs(t), seedConfig(2))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, c.Truth.WriteJSON(&buf))
	tr, err := ReadTruth(&buf)
	require.NoError(t, err)
	assert.Equal(t, c.Truth, tr)

	var preds []Match
	for i := range tr.Copies {
		preds = append(preds, exact(tr, i))
	}
	s := ScoreMatches(tr, preds)
	assert.Equal(t, 1.0, s.All.Recall)
	assert.Equal(t, 1.0, s.All.Precision)
	assert.Equal(t, 1.0, s.All.StrictPrecision)
	assert.InDelta(t, 1.0, s.All.SpanF1, 1e-12)

	_, err = ReadTruth(strings.NewReader(`{"schema": "other"}`))
	assert.Error(t, err)
}
