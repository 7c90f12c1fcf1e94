package provenance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const wireStory = "Lifetime Corp said it agreed to buy five mln shares, or 16 pct, of Nippon Lace Co Ltd for 27 mln dlrs.\n\n" +
	"The company said Nippon Lace, in turn, will buy four mln unissued shares of Lifetime for 20 mln dlrs.\n\n" +
	"Lifetime said the deal gives it a foothold in the Japanese health care market, where it hopes to sell its home care services.\n\n" +
	"It said the transaction is subject to approval by Japan's Ministry of Finance and is expected to close in April."

// versionPair returns a story A and a later version B of it (the same
// text, then extra), as one cluster covering the whole of A, and the
// cluster's nodes for A and B.
func versionPair(extra string) (c *clusterModel, a, b int) {
	docs := []Document{{Text: wireStory, Label: "A"}, {Text: wireStory + extra, Label: "B"}}
	clusters := []Cluster{{Copies: []Copy{{Doc: 0, End: len(wireStory)}, {Doc: 1, End: len(wireStory)}}}}
	m := newModel(docs, clusters, withDefaults(Options{}))
	c = m.cluster(0)
	if c.nodes[0].doc == 1 {
		return c, 1, 0
	}
	return c, 0, 1
}

func TestVersionReasonsNameWhatChanged(t *testing.T) {
	c, a, b := versionPair("\n\nLifetime shares rose 50 cts to 12 dlrs in early trading. Nippon Lace was unchanged in Tokyo.")
	require.True(t, c.versions(a, b))
	// B adds two sentences at the tail: said of A→B and of B→A alike.
	assert.Equal(t, "B adds two sentences (at the tail) to A", c.versionPhrase(efVTail, a, b))
	assert.Equal(t, "A drops B's last two sentences", c.versionPhrase(efVTail, b, a))
	assert.Empty(t, c.versionPhrase(efVHead, a, b), "nothing differs at the head")
	one, a1, b1 := versionPair("\n\nLifetime shares rose 50 cts to 12 dlrs in early trading.")
	assert.Equal(t, "A drops B's last sentence", one.versionPhrase(efVTail, b1, a1))
	assert.Equal(t, "B is the longer version (101 vs 84 words)", c.phrase(efVLen, b, a, 1))
	assert.Equal(t, "B has more paragraphs (5 vs 4)", c.phrase(efVParas, a, b, -1))
	assert.Equal(t, "B has more figures (5% of its words hold a digit, 4% in A)", c.phrase(efVDigits, b, a, 1))
}

func TestVersionReasonsQuoteTheRevisionNote(t *testing.T) {
	c, a, b := versionPair("\n\n-- Corrects price of Nippon Lace stake in first paragraph in item which originally ran March 2.")
	got := c.phrase(efVNote, a, b, 1)
	assert.Equal(t, `B carries a revision note ("Corrects price of Nippon Lace stake in first paragraph in…")`, got)
	assert.Empty(t, c.phrase(efVNote, b, a, 1), "A carries no note")
	// The fitted model reads the note as the mark of the later version and
	// says so, rather than "weak evidence".
	var reasons []string
	for _, e := range c.verdict().Edges {
		if e.From == 0 && e.To == 1 { // documents A and B
			reasons = e.Reasons
		}
	}
	require.NotEmpty(t, reasons, "A→B is the most likely tree")
	assert.Contains(t, reasons, got)
	assert.NotContains(t, strings.Join(reasons, "\n"), "weak evidence")
}

func TestRevisionNoteIn(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"No note here. The company adds that it corrects nothing.", ""},
		{"Text.\n\n(Corrects day to Tuesday)\n\nMore.", "Corrects day to Tuesday"},
		{"Text. -- adds detail on dividend", "adds detail on dividend"},
		{"Text. -- adds detail (of the dividend)", "adds detail (of the dividend)"},
		{"Text.\n-- corrects " + strings.Repeat("ü", 40), "corrects " + strings.Repeat("ü", 25) + "…"},
	} {
		assert.Equal(t, tc.want, revisionNoteIn(tc.text), tc.text)
	}
}

func TestWherePlace(t *testing.T) {
	assert.Equal(t, "last sentence", wherePlace("last", "one sentence"))
	assert.Equal(t, "first word", wherePlace("first", "one word"))
	assert.Equal(t, "first two words", wherePlace("first", "two words"))
}

// TestUnstatedSignalsAreNotCalledWeak: when the signals that favour an
// edge have no words of their own, the reason says the rest decide, not
// that the evidence is weak; with no signal at all, it is weak.
func TestUnstatedSignalsAreNotCalledWeak(t *testing.T) {
	reasons := func(private float64) string {
		w := Weights{Edge: make([]float64, numEdgeFeatures), Root: make([]float64, numRootFeatures)}
		w.Root[rfPrivate] = private // a root signal no phrase states
		docs := []Document{
			{Text: wireStory, Label: "A"},
			{Text: strings.Replace(wireStory, "Ltd for", "Ltd, a maker of lace curtains and tablecloths based in Osaka, for", 1), Label: "B"},
		}
		clusters := []Cluster{{Copies: []Copy{{Doc: 0, End: len(wireStory)}, {Doc: 1, End: len(docs[1].Text)}}}}
		m := newModel(docs, clusters, withDefaults(Options{Weights: &w}))
		c := m.cluster(0)
		var out []string
		for _, e := range c.verdict().Edges {
			out = append(out, e.Reasons...)
		}
		return strings.Join(out, "\n")
	}
	assert.Equal(t, "no single stated signal decides; the rest together favour this direction", reasons(-20))
	assert.Equal(t, "weak evidence: no single signal favours this direction", reasons(0))
}
