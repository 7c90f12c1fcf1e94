package reprint_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
)

func provSeeds(t *testing.T) []reprint.Document {
	t.Helper()
	docs, problems, err := reader.Read(context.Background(), []string{"testdata/seeds"}, reader.Options{})
	require.NoError(t, err)
	require.Empty(t, problems)
	return docs
}

// TestProvenanceOnSeeds checks the targets on the seed articles:
// the quotations of Khan's Channel 4 words, Trump's tweets and the White
// House briefing are marked as quotations and as likely of outside
// origin; every verdict keeps facts (Earliest) apart from inferences.
// Khan's Channel 4 words are the hard case: quoted at length and woven
// into one seed's story, whose text they fit.
func TestProvenanceOnSeeds(t *testing.T) {
	rep := detect(t, provSeeds(t))
	quotes := []string{"roll out the red carpet", "Pathetic excuse", "At least 7 dead", "picking a fight with the mayor"}
	found, outside := 0, 0
	for _, c := range rep.Clusters {
		require.NotNil(t, c.Origin, c.ID)
		require.NotEmpty(t, c.Origin.Reasons, c.ID)
		assert.GreaterOrEqual(t, c.Origin.ExternalProbability, 0.0)
		assert.LessOrEqual(t, c.Origin.Probability, 1.0)
		// The tree shown agrees with the origin verdict.
		if c.Origin.Doc != nil {
			assert.False(t, slices.ContainsFunc(c.Edges, func(e reprint.Edge) bool { return e.To == *c.Origin.Doc }),
				"%s: nothing derives the origin", c.ID)
		} else if c.Origin.ExternalProbability >= 0.5 && len(c.Edges) > 0 {
			assert.True(t, slices.ContainsFunc(c.Edges, func(e reprint.Edge) bool { return e.Kind == "co-derived" }),
				"%s: copies co-derived from the outside source", c.ID)
		}
		text := c.Passages[0].Text
		for _, p := range c.Passages {
			text += " " + p.Text
		}
		if !slices.ContainsFunc(quotes, func(q string) bool { return strings.Contains(text, q) }) {
			continue
		}
		found++
		assert.True(t, c.Quotation, "%s is a quotation", c.ID)
		if c.Origin.Doc == nil && c.Origin.ExternalProbability >= 0.5 {
			outside++
		}
	}
	assert.Equal(t, len(quotes), found)
	assert.Equal(t, found, outside, "every quotation is of outside origin")
	for _, p := range rep.DocPairs {
		if p.Source == nil {
			assert.Zero(t, p.SourceProbability)
		} else {
			assert.Contains(t, []string{p.A, p.B}, *p.Source)
			assert.GreaterOrEqual(t, p.SourceProbability, 0.5)
		}
	}
}

// TestProvenanceIgnoresDatesWhenAsked: with WithIgnoreDates no reason
// mentions a date and no cluster has an earliest witness.
func TestProvenanceIgnoresDatesWhenAsked(t *testing.T) {
	rep := detect(t, provSeeds(t), reprint.WithIgnoreDates(true))
	for _, c := range rep.Clusters {
		assert.Nil(t, c.Earliest)
		for _, r := range c.Origin.Reasons {
			assert.NotContains(t, r, "earlier (")
			assert.NotContains(t, r, "earliest witness")
		}
	}
}

// verdicts renders every provenance verdict of a report with documents
// named by name(id), clusters keyed by their passages: comparable across
// runs that name and order the documents differently.
func verdicts(rep *reprint.Report, name func(string) string) map[string]string {
	out := make(map[string]string)
	for _, c := range rep.Clusters {
		var key []string
		for _, p := range c.Passages {
			key = append(key, fmt.Sprintf("%s:%d-%d", name(p.Doc), p.Start, p.End))
		}
		slices.Sort(key)
		origin := "outside"
		if c.Origin.Doc != nil {
			origin = name(*c.Origin.Doc)
		}
		var earliest string
		if c.Earliest != nil {
			earliest = name(*c.Earliest)
		}
		var edges []string
		for _, e := range c.Edges {
			a, b := name(e.From), name(e.To)
			if e.Kind == "co-derived" && b < a {
				a, b = b, a
			}
			edges = append(edges, fmt.Sprintf("%s>%s %s %.4f", a, b, e.Kind, e.Probability))
		}
		slices.Sort(edges)
		out[strings.Join(key, " ")] = fmt.Sprintf("origin %s %.4f ext %.4f quote %v earliest %s edges %v",
			origin, c.Origin.Probability, c.Origin.ExternalProbability, c.Quotation, earliest, edges)
	}
	for _, p := range rep.DocPairs {
		a, b := name(p.A), name(p.B)
		if b < a {
			a, b = b, a
		}
		src := "none"
		if p.Source != nil {
			src = name(*p.Source)
		}
		out["pair "+a+" "+b] = fmt.Sprintf("%s %.4f", src, p.SourceProbability)
	}
	return out
}

// TestProvenanceIgnoresIDsAndOrder proves that provenance reads neither
// ids nor input order: shuffling the documents and renaming them changes
// no verdict, mapped back to the original documents. Documents with the
// same text, date and source are indistinguishable and share a name.
func TestProvenanceIgnoresIDsAndOrder(t *testing.T) {
	corpora := map[string][]reprint.Document{"seeds": provSeeds(t)}
	const dev = "../shared/corpora/reuters21578-dev.jsonl"
	if _, err := os.Stat(dev); err == nil && !testing.Short() {
		docs, _, err := reader.Read(context.Background(), []string{dev}, reader.Options{})
		require.NoError(t, err)
		corpora["dev sample"] = docs[:800]
	}
	for name, docs := range corpora {
		t.Run(name, func(t *testing.T) {
			class := make(map[string]string) // id → name of its equivalence class
			first := make(map[string]string)
			for _, d := range docs {
				k := d.Text + "\x00" + d.Date.String() + "\x00" + d.Source
				if _, ok := first[k]; !ok {
					first[k] = d.ID
				}
				class[d.ID] = first[k]
			}
			base := verdicts(detect(t, docs), func(id string) string { return class[id] })
			rng := rand.New(rand.NewPCG(7, 11))
			for trial := 0; trial < 2; trial++ {
				perm := rng.Perm(len(docs))
				renamed := make([]reprint.Document, len(docs))
				back := make(map[string]string)
				for i, k := range perm {
					d := docs[k]
					id := fmt.Sprintf("x%08x", rng.Uint32())
					back[id] = class[d.ID]
					d.ID, d.Path = id, ""
					renamed[i] = d
				}
				got := verdicts(detect(t, renamed), func(id string) string { return back[id] })
				require.Equal(t, len(base), len(got))
				for k, v := range base {
					assert.Equal(t, v, got[k], k)
				}
			}
		})
	}
}

// TestHardDates: a copy that credits the other document's outlet but is
// timestamped over an hour before it. As evidence, the credit outweighs a
// one-hour gap; with WithHardDates the later document cannot be the
// source of the earlier.
func TestHardDates(t *testing.T) {
	passage := "The central bank raised its main lending rate by half a point to 7.5 pct on Tuesday, " +
		"the first increase in three years, citing a surge in import prices and wage demands across the economy."
	at := func(s string) reprint.Date {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return reprint.Date{Time: tm, Granularity: reprint.GranularityMinute}
	}
	docs := []reprint.Document{
		{ID: "wire", Source: "Reuters", Date: at("2024-03-05T12:05:00Z"), Text: "Markets fell in early trade. " + passage +
			" Analysts had expected the bank to wait until the summer, and bond yields jumped after the decision."},
		{ID: "blog", Source: "Daily Blog", Date: at("2024-03-05T11:00:00Z"), Text: "Reuters reported: " + passage +
			" Our readers will remember the last increase."},
	}
	source := func(rep *reprint.Report) string {
		require.Len(t, rep.DocPairs, 1)
		if p := rep.DocPairs[0]; p.Source != nil {
			return *p.Source
		}
		return "none"
	}
	assert.Equal(t, "wire", source(detect(t, docs)), "soft dates: the credit wins")
	assert.Equal(t, "blog", source(detect(t, docs, reprint.WithHardDates(time.Hour))), "hard dates: the later cannot be the source")
	assert.Equal(t, "wire", source(detect(t, docs, reprint.WithHardDates(2*time.Hour))), "a gap under the threshold constrains nothing")
	_, err := reprint.New(reprint.WithHardDates(-time.Minute))
	assert.Error(t, err)
}

// A date more than a day after the run's clock is kept out of provenance
// (never the earliest witness, no date evidence) unless trusted; the
// clock is the option's, so the test does not age.
func TestFutureDates(t *testing.T) {
	passage := "The central bank raised its main lending rate by half a point to 7.5 pct on Tuesday, " +
		"the first increase in three years, citing a surge in import prices and wage demands across the economy."
	day := func(s string) reprint.Date {
		tm, err := time.Parse("2006-01-02", s)
		require.NoError(t, err)
		return reprint.Date{Time: tm, Granularity: reprint.GranularityDay}
	}
	docs := []reprint.Document{
		{ID: "early", Date: day("2030-01-01"), Text: "Markets fell in early trade. " + passage},
		{ID: "undated", Text: "Our readers will remember: " + passage + " More follows."},
	}
	clock := func(s string) reprint.Option {
		return reprint.WithClock(func() time.Time { return day(s).Time })
	}
	earliest := func(rep *reprint.Report) string {
		require.Len(t, rep.Clusters, 1)
		if e := rep.Clusters[0].Earliest; e != nil {
			return *e
		}
		return "none"
	}
	assert.Equal(t, "early", earliest(detect(t, docs, clock("2031-01-01"))), "a past date is a witness")
	assert.Equal(t, "early", earliest(detect(t, docs, clock("2029-12-31"))), "within a day of the clock: a zone or clock difference")
	assert.Equal(t, "none", earliest(detect(t, docs, clock("2029-12-30"))), "two days ahead: a mistake, left out")
	assert.Equal(t, "early", earliest(detect(t, docs, clock("2029-12-30"), reprint.WithTrustFutureDates(true))), "trusted")
	rep := detect(t, docs, clock("2029-12-30"))
	assert.Equal(t, "2030-01-01", rep.Documents[0].Date, "the document stays dated")
	_, err := reprint.New(reprint.WithClock(nil))
	assert.Error(t, err)
}
