package provenance_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/provenance"
)

// story builds a document: its own sentences around a passage, with the
// passage's span.
func story(before, passage, after string) (string, provenance.Copy) {
	text := before + " " + passage + " " + after
	start := len(before) + 1
	return text, provenance.Copy{Start: start, End: start + len(passage)}
}

func at(s string) provenance.Date {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return provenance.Date{Time: t, Granularity: provenance.GranularityMinute}
}

func day(s string) provenance.Date {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return provenance.Date{Time: t, Granularity: provenance.GranularityDay}
}

const passage = "The strike at the Escondida copper mine in northern Chile cut output by a third in March, " +
	"the company said, and talks with the union were due to resume next week."

// copyCorpus returns an origin story about copper and a copy of its
// passage pasted into an unrelated story.
func copyCorpus() ([]provenance.Document, []provenance.Cluster) {
	a, ca := story("Copper prices rose in London as traders weighed supply from Chile. Miners at Escondida walked out.",
		passage, "Chile is the biggest copper producer and the Escondida mine its largest.")
	b, cb := story("The central bank left interest rates unchanged on Thursday. Bond yields eased.",
		passage, "Analysts expect the bank to cut rates in the second half of the year.")
	docs := []provenance.Document{{Text: a, Label: "A"}, {Text: b, Label: "B"}}
	ca.Doc, cb.Doc = 0, 1
	return docs, []provenance.Cluster{{Copies: []provenance.Copy{ca, cb}}}
}

func TestInferRejectsBadSpans(t *testing.T) {
	docs := []provenance.Document{{Text: "short"}}
	for _, c := range []provenance.Copy{{Doc: 1}, {Doc: -1}, {Doc: 0, Start: 2, End: 99}, {Doc: 0, Start: 3, End: 2}} {
		_, err := provenance.Infer(docs, []provenance.Cluster{{Copies: []provenance.Copy{c}}}, provenance.Options{})
		require.ErrorIs(t, err, provenance.ErrInput)
	}
}

func TestInferOddInputDoesNotPanic(t *testing.T) {
	docs := []provenance.Document{{Text: ""}, {Text: "\x00\xff\xfe“"}, {Text: "«»"}, {Text: strings.Repeat("a ", 1000)}}
	clusters := []provenance.Cluster{
		{},
		{Copies: []provenance.Copy{{Doc: 0}, {Doc: 1, End: 3}}},
		{Copies: []provenance.Copy{{Doc: 2, Start: 0, End: 4}, {Doc: 3, Start: 10, End: 10}, {Doc: 3, Start: 0, End: 2000}}},
	}
	res, err := provenance.Infer(docs, clusters, provenance.Options{})
	require.NoError(t, err)
	require.Len(t, res.Clusters, 3)
	assert.True(t, res.Clusters[0].Undetermined)
}

func TestInferDatesDecideWhenText(t *testing.T) {
	docs, clusters := copyCorpus()
	docs[0].Date, docs[1].Date = at("2017-06-09T10:00"), at("2017-06-09T14:00")
	res, err := provenance.Infer(docs, clusters, provenance.Options{})
	require.NoError(t, err)
	v := res.Clusters[0]
	assert.Equal(t, 0, v.Earliest)
	assert.Equal(t, 0, v.Origin)
	assert.Equal(t, provenance.CaseDistinct, v.Case)
	require.Len(t, v.Edges, 1)
	assert.Equal(t, 0, v.Edges[0].From)
	assert.Equal(t, 1, v.Edges[0].To)
	assert.Equal(t, provenance.KindVerbatim, v.Edges[0].Kind)
	assert.Contains(t, v.Edges[0].Reasons, "A is 4 h earlier (minute timestamps)")
	require.Len(t, res.Pairs, 1)
	assert.Equal(t, 0, res.Pairs[0].Source)
	assert.Greater(t, res.Pairs[0].Probability, 0.5)
}

func TestInferTextAlone(t *testing.T) {
	docs, clusters := copyCorpus()
	// Dates that say the opposite, ignored: the passage fits A's story.
	docs[0].Date, docs[1].Date = at("2017-06-09T14:00"), at("2017-06-09T10:00")
	res, err := provenance.Infer(docs, clusters, provenance.Options{IgnoreDates: true})
	require.NoError(t, err)
	v := res.Clusters[0]
	assert.Equal(t, provenance.CaseMissing, v.Case)
	assert.Equal(t, -1, v.Earliest, "dates ignored: no earliest witness")
	assert.Equal(t, 0, v.MostLikely)
	assert.Equal(t, 0, res.Pairs[0].Source)
}

func TestInferHardDates(t *testing.T) {
	docs, clusters := copyCorpus()
	docs[0].Date, docs[1].Date = at("2017-06-09T14:00"), at("2017-06-09T10:00")
	res, err := provenance.Infer(docs, clusters, provenance.Options{HardDates: true})
	require.NoError(t, err)
	for _, e := range res.Clusters[0].Edges {
		assert.False(t, e.From == 0 && e.To == 1, "A is hours later: it cannot be B's parent")
	}
	assert.NotEqual(t, 0, res.Pairs[0].Source)
}

func TestIdenticalUndatedCopiesAreUndetermined(t *testing.T) {
	text, c := story("Copper prices rose.", passage, "Chile is the biggest producer.")
	docs := []provenance.Document{{Text: text}, {Text: text}}
	c0, c1 := c, c
	c1.Doc = 1
	res, err := provenance.Infer(docs, []provenance.Cluster{{Copies: []provenance.Copy{c0, c1}}}, provenance.Options{})
	require.NoError(t, err)
	p := res.Pairs[0]
	assert.Equal(t, -1, p.Source)
	assert.Zero(t, p.Probability)
	assert.InDelta(t, p.AFirst, p.BFirst, 1e-12)
}

func TestTiedDayDatesAreNoEarliestWitness(t *testing.T) {
	docs, clusters := copyCorpus()
	docs[0].Date, docs[1].Date = day("2017-06-09"), at("2017-06-09T10:00")
	res, err := provenance.Infer(docs, clusters, provenance.Options{})
	require.NoError(t, err)
	assert.Equal(t, -1, res.Clusters[0].Earliest)
	assert.Equal(t, provenance.CaseTied, res.Clusters[0].Case)
	assert.Contains(t, res.Clusters[0].Reasons, "the earliest dates tie: no earliest witness")
}

func TestQuotationOfAnOutsideSource(t *testing.T) {
	quote := "We will not be cowed by terror and we will not let them divide our city"
	docs := []provenance.Document{
		{Text: "The mayor spoke after the attack on Saturday night. In an interview he said: “" + quote + "”. Police made arrests.", Label: "A"},
		{Text: "Stocks fell in Asia on Monday. The London mayor told reporters: \"" + quote + ".\" Oil prices were steady.", Label: "B"},
		{Text: "Rain is expected all week. \"" + quote + ",\" the mayor said in a statement. Trains ran late.", Label: "C"},
	}
	var cl provenance.Cluster
	for i, d := range docs {
		s := strings.Index(d.Text, quote)
		cl.Copies = append(cl.Copies, provenance.Copy{Doc: i, Start: s, End: s + len(quote)})
	}
	res, err := provenance.Infer(docs, []provenance.Cluster{cl}, provenance.Options{})
	require.NoError(t, err)
	v := res.Clusters[0]
	assert.True(t, v.Quotation)
	assert.Greater(t, v.ExternalProbability, 0.5)
	assert.Equal(t, -1, v.Origin)
	assert.False(t, v.Undetermined)
	assert.Contains(t, strings.Join(v.Reasons, "\n"), "likely a common outside source")
	for _, e := range v.Edges {
		assert.Equal(t, provenance.KindCoDerived, e.Kind)
	}
	for _, p := range res.Pairs {
		assert.Equal(t, -1, p.Source, "both copy a third party")
	}
}

func TestCreditNamesTheSource(t *testing.T) {
	docs, clusters := copyCorpus()
	docs[0].Source = "Daily Planet"
	b := "The central bank left interest rates unchanged on Thursday. According to Daily Planet, " + passage + " Analysts expect a cut."
	docs[1].Text = b
	s := strings.Index(b, passage)
	clusters[0].Copies[1] = provenance.Copy{Doc: 1, Start: s, End: s + len(passage)}
	res, err := provenance.Infer(docs, clusters, provenance.Options{})
	require.NoError(t, err)
	require.NotEmpty(t, res.Clusters[0].Edges)
	e := res.Clusters[0].Edges[0]
	assert.Equal(t, [2]int{0, 1}, [2]int{e.From, e.To})
	assert.Contains(t, e.Reasons, "B credits Daily Planet")
}

// TestVerdictsIgnoreOrderAndLabels shuffles documents, clusters and copies
// and renames every document: mapped back, no verdict changes.
func TestVerdictsIgnoreOrderAndLabels(t *testing.T) {
	docs, clusters := copyCorpus()
	third := "Gold fell as the dollar firmed. " + passage[:90] + " Silver followed."
	docs = append(docs, provenance.Document{Text: third, Label: "C", Date: day("2017-06-10")})
	s := strings.Index(third, passage[:90])
	clusters[0].Copies = append(clusters[0].Copies, provenance.Copy{Doc: 2, Start: s, End: s + 90})
	docs[0].Date = day("2017-06-08")
	other := "Oil rose on supply worries. " + strings.Repeat("OPEC ministers meet in Vienna next week to review output quotas. ", 1)
	docs = append(docs, provenance.Document{Text: other + "Traders were cautious.", Label: "D"}, provenance.Document{Text: "Brent gained. " + other, Label: "E"})
	o := strings.Index(docs[3].Text, "OPEC")
	o2 := strings.Index(docs[4].Text, "OPEC")
	n := len("OPEC ministers meet in Vienna next week to review output quotas.")
	clusters = append(clusters, provenance.Cluster{Copies: []provenance.Copy{{Doc: 3, Start: o, End: o + n}, {Doc: 4, Start: o2, End: o2 + n}}})

	base, err := provenance.Infer(docs, clusters, provenance.Options{})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 5; trial++ {
		perm := rng.Perm(len(docs)) // new position of each document
		shuffled := make([]provenance.Document, len(docs))
		for i, p := range perm {
			d := docs[i]
			d.Label = string(rune('V' + p))
			shuffled[p] = d
		}
		corder := rng.Perm(len(clusters))
		sc := make([]provenance.Cluster, len(clusters))
		for i, c := range clusters {
			var cp []provenance.Copy
			for _, k := range rng.Perm(len(c.Copies)) {
				x := c.Copies[k]
				x.Doc = perm[x.Doc]
				cp = append(cp, x)
			}
			sc[corder[i]] = provenance.Cluster{Copies: cp}
		}
		got, err := provenance.Infer(shuffled, sc, provenance.Options{})
		require.NoError(t, err)
		back := func(d int) int {
			if d < 0 {
				return d
			}
			for i, p := range perm {
				if p == d {
					return i
				}
			}
			return -99
		}
		for i := range clusters {
			want, have := base.Clusters[i], got.Clusters[corder[i]]
			assert.Equal(t, want.Origin, back(have.Origin))
			assert.Equal(t, want.MostLikely, back(have.MostLikely))
			assert.Equal(t, want.Earliest, back(have.Earliest))
			assert.Equal(t, want.OriginProbability, have.OriginProbability)
			assert.Equal(t, want.ExternalProbability, have.ExternalProbability)
			assert.Equal(t, want.Quotation, have.Quotation)
			require.Len(t, have.Edges, len(want.Edges))
			for k := range want.Edges {
				assert.Equal(t, want.Edges[k].From, back(have.Edges[k].From))
				assert.Equal(t, want.Edges[k].To, back(have.Edges[k].To))
				assert.Equal(t, want.Edges[k].Probability, have.Edges[k].Probability)
				assert.Equal(t, want.Edges[k].Kind, have.Edges[k].Kind)
			}
		}
		require.Len(t, got.Pairs, len(base.Pairs))
		for _, p := range got.Pairs {
			a, b := back(p.A), back(p.B)
			for _, q := range base.Pairs {
				if q.A == min(a, b) && q.B == max(a, b) {
					assert.Equal(t, q.Source, back(p.Source))
					assert.Equal(t, q.Probability, p.Probability)
				}
			}
		}
	}
}

// FuzzInfer feeds arbitrary texts and spans: Infer returns an error or a
// verdict per cluster, never panics.
func FuzzInfer(f *testing.F) {
	f.Add("Khan said: “We will not be cowed.”", "“We will not be cowed,” he said. (Reuters) -", 12, 30, 1, 20, true)
	f.Add("", "\xff\xfe", 0, 0, 0, 1, false)
	f.Fuzz(func(t *testing.T, a, b string, s1, e1, s2, e2 int, dated bool) {
		docs := []provenance.Document{{Text: a}, {Text: b}}
		if dated {
			docs[0].Date = at("2017-06-09T10:00")
			docs[1].Date = day("2017-06-09")
		}
		cl := provenance.Cluster{Copies: []provenance.Copy{{Doc: 0, Start: s1, End: e1}, {Doc: 1, Start: s2, End: e2}}}
		res, err := provenance.Infer(docs, []provenance.Cluster{cl, cl}, provenance.Options{})
		if err != nil {
			return
		}
		if len(res.Clusters) != 2 {
			t.Fatalf("%d verdicts for 2 clusters", len(res.Clusters))
		}
	})
}

// TestInferHostileWeights: weights a caller passes may be NaN, infinite
// or huge; Infer never panics, every probability stays in [0, 1] and every
// tree it returns is a tree (each copy has one parent and no cycle).
func TestInferHostileWeights(t *testing.T) {
	docs, clusters := copyCorpus()
	third := "Gold fell as the dollar firmed. " + passage[:90] + " Silver followed."
	docs = append(docs, provenance.Document{Text: third, Date: day("2017-06-10")})
	s := strings.Index(third, passage[:90])
	clusters[0].Copies = append(clusters[0].Copies, provenance.Copy{Doc: 2, Start: s, End: s + 90})
	docs[0].Date = at("2017-06-08T10:00")
	docs[1].Date = at("2017-06-09T10:00")
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308} {
		for _, root := range []bool{false, true} {
			w, err := provenance.Fitted()
			require.NoError(t, err)
			if root {
				for k := range w.Root {
					w.Root[k] = bad
				}
			} else {
				for k := range w.Edge {
					w.Edge[k] = bad
				}
			}
			w.Temperature = [3]float64{bad, bad, bad}
			for _, hard := range []bool{false, true} {
				res, err := provenance.Infer(docs, clusters, provenance.Options{Weights: &w, HardDates: hard})
				require.NoError(t, err)
				v := res.Clusters[0]
				name := fmt.Sprintf("weight %v root %v hard %v", bad, root, hard)
				for _, p := range []float64{v.OriginProbability, v.ExternalProbability} {
					assert.True(t, p >= 0 && p <= 1, "%s: probability %v", name, p)
				}
				parent := make(map[int]int)
				for _, e := range v.Edges {
					assert.True(t, e.Probability >= 0 && e.Probability <= 1, "%s: edge probability %v", name, e.Probability)
					if e.Kind == provenance.KindCoDerived {
						continue
					}
					_, twice := parent[e.To]
					assert.False(t, twice, "%s: %d has two parents", name, e.To)
					parent[e.To] = e.From
				}
				for d := range parent {
					x, steps := d, 0
					for ok := true; ok && steps <= len(docs); steps++ {
						x, ok = parent[x]
					}
					assert.LessOrEqual(t, steps, len(docs), "%s: a cycle through %d", name, d)
				}
				for _, p := range res.Pairs {
					assert.True(t, p.AFirst >= 0 && p.BFirst >= 0 && p.AFirst+p.BFirst <= 1+1e-9, "%s: pair %+v", name, p)
				}
			}
		}
	}
}
