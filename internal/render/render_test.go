package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/render/auditview"
)

func ptr[T any](v T) *T { return &v }

// hostile is a small report whose texts and ids try to break out of every
// context the renderers write into, with provenance filled in.
func hostile() (*model.Report, []model.Document) {
	evil := `Officials said <script>alert(1)</script> the "plan" & more would go ahead on Monday, a spokesman said.`
	copyText := `Officials said <script>alert(1)</script> the 'plan' & more would go ahead on Monday.`
	docs := []model.Document{
		{ID: "a<b>.txt", Text: "Intro line.\n" + evil + "\nEnd.", Title: `<img src=x onerror=alert(2)>`, URL: "javascript:alert(3)",
			Date: model.Date{Granularity: model.GranularityDay}},
		{ID: `b"'.txt`, Text: copyText + "\nTail.", TextOffset: 17, LineOffset: 1},
		{ID: "c.txt", Text: copyText},
	}
	aStart := len("Intro line.\n")
	rep := &model.Report{
		Schema: model.SchemaV1,
		Tool:   model.Tool{Name: "reprint", Version: "test"},
		Params: model.ReportParams{Shingle: 3, NumHash: 128, Bands: 42, Rows: 3, Threshold: 0.3, MinWords: 8, Seed: 1},
		Documents: []model.DocSummary{
			{ID: docs[0].ID, Title: docs[0].Title, Date: "2017-06-06", Words: 20, ReusedFraction: 0.8},
			{ID: docs[1].ID, Date: "2017-06-07", Words: 15, ReusedFraction: 0.9},
			{ID: docs[2].ID, Words: 14, ReusedFraction: 1},
		},
		DocPairs: []model.DocPair{
			{A: docs[0].ID, B: docs[1].ID, Jaccard: 0.5, ContainmentA: 0.6, ContainmentB: 0.9, SharedWords: 14, Source: ptr(docs[0].ID), SourceProbability: 0.8},
			{A: docs[1].ID, B: docs[2].ID, Jaccard: 0.9, ContainmentA: 0.9, ContainmentB: 1, SharedWords: 14},
		},
		Clusters: []model.Cluster{{
			ID: "c1",
			Passages: []model.Passage{
				{Doc: docs[0].ID, Start: aStart, End: aStart + len(evil), Line: 2, Text: evil},
				{Doc: docs[1].ID, Start: 17, End: 17 + len(copyText), Line: 2, Text: copyText},
				{Doc: docs[2].ID, Start: 0, End: len(copyText), Line: 1, Text: copyText},
			},
			Earliest: ptr(docs[0].ID),
			Origin:   &model.Origin{Doc: ptr(docs[0].ID), Probability: 0.7, ExternalProbability: 0.2, Reasons: []string{"dated earliest <b>", "longest copy"}},
			Edges: []model.Edge{
				{From: docs[0].ID, To: docs[1].ID, Probability: 0.8, Kind: "trimmed", Reasons: []string{"drops the attribution </title><script>alert(4)</script>"}},
				{From: docs[1].ID, To: docs[2].ID, Probability: 0.4, Kind: "verbatim", Reasons: []string{"same words"}},
			},
		}},
		Matches: []model.Match{
			{A: model.Span{Doc: docs[0].ID, Start: aStart, End: aStart + len(evil)}, B: model.Span{Doc: docs[1].ID, Start: 17, End: 17 + len(copyText)}, Similarity: 0.8, Words: 14},
		},
		Errors: []model.InputError{{Path: "gone<.txt", Error: "open gone<.txt: no such file"}},
	}
	return rep, docs
}

func TestHTMLEscapesAndIsSelfContained(t *testing.T) {
	rep, docs := hostile()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs}.HTML(&buf, rep))
	out := buf.String()

	hasNot(t, out, "<script", "no script element, from the template or the texts")
	hasNot(t, out, "<img", "a title is text, not markup")
	hasNot(t, out, `href="javascript:`, "unsafe URLs are neutralised")
	has(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;", "article text shows as text")
	has(t, out, "default-src 'none'", "a CSP forbids every fetch")
	// Nothing points outside the page: every src/href is a fragment.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if m[1] != "#ZgotmplZ" {
			assert.True(t, strings.HasPrefix(m[1], "#"), "link %q leaves the page", m[1])
		}
	}
	assert.NotRegexp(t, `url\((?:["']?)(?:https?:|//)`, out, "no remote resource in the CSS")
	hasNot(t, out, "@import")

	// Provenance: the tree is drawn with its edge labels, the reasons listed.
	has(t, out, "<svg class=\"tree\"")
	has(t, out, "trimmed 80%")
	has(t, out, "verbatim 40%")
	has(t, out, "dated earliest &lt;b&gt;")
	hasNot(t, out, "provenance not computed")
	// A pair with no likely source says why, not that a third party wrote it.
	has(t, out, "no source between them: the evidence does not tell which came first")
	// Both ways between the card and the document view.
	has(t, out, `href="#k1-1-at"`)
	has(t, out, `id="k1-1-at"`)
	has(t, out, `class="m" href="#k1"`)
	has(t, out, "gone&lt;.txt")
}

func TestHTMLWithoutProvenanceOrTexts(t *testing.T) {
	rep, _ := hostile()
	rep.Clusters[0].Origin, rep.Clusters[0].Edges = nil, nil
	rep.DocPairs[0].Source = nil
	var buf bytes.Buffer
	require.NoError(t, Renderer{}.HTML(&buf, rep))
	out := buf.String()
	has(t, out, "provenance not computed")
	hasNot(t, out, "no source between them")
	has(t, out, "Full texts are not included")
	hasNot(t, out, "<svg")
	hasNot(t, out, "<script")
}

func TestHTMLDeterministic(t *testing.T) {
	rep, docs := hostile()
	var a, b bytes.Buffer
	require.NoError(t, Renderer{Docs: docs}.HTML(&a, rep))
	require.NoError(t, Renderer{Docs: docs}.HTML(&b, rep))
	assert.Equal(t, a.String(), b.String())
}

func TestTextProvenance(t *testing.T) {
	rep, docs := hostile()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs, Width: 80}.Text(&buf, rep))
	out := buf.String()
	has(t, out, "origin: a<b>.txt, 70% likely · outside the corpus, 20% likely")
	has(t, out, "· dated earliest <b>")
	has(t, out, "derivation: (who copied whom")
	has(t, out, "└─ b\"'.txt  trimmed copy, 80% likely")
	has(t, out, "   └─ c.txt  copied word for word, 40% likely")
	has(t, out, "source a<b>.txt (80% likely)")
	has(t, out, "no source between them:")
	has(t, out, "\nClusters (each cluster is one recycled passage with all its copies")
	has(t, out, "% recycled  a<b>.txt")
	has(t, out, "error: gone<.txt: open gone<.txt: no such file")
	hasNot(t, out, "\x1b[", "no colour unless asked")
	for _, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, displayWidth(l), 80, "line too wide: %q", l)
	}
}

func TestTextColour(t *testing.T) {
	rep, docs := hostile()
	var plain, color bytes.Buffer
	require.NoError(t, Renderer{Docs: docs}.Text(&plain, rep))
	require.NoError(t, Renderer{Docs: docs, Color: true}.Text(&color, rep))
	has(t, plain.String(), "[-")
	has(t, plain.String(), "{+")
	has(t, color.String(), sgr[stDel])
	has(t, color.String(), sgr[stIns])
	hasNot(t, color.String(), "[-", "colour replaces the brackets")
	stripped := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(color.String(), "")
	assert.Equal(t, strings.Count(plain.String(), "\n"), strings.Count(stripped, "\n"), "colour does not change the layout")
}

func TestCSV(t *testing.T) {
	rep, docs := hostile()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs}.CSV(&buf, rep))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, csvHeader, rows[0])
	row := map[string]string{}
	for i, h := range csvHeader {
		row[h] = rows[1][i]
	}
	assert.Equal(t, "c1", row["cluster"])
	assert.Equal(t, "a<b>.txt", row["a_doc"])
	assert.Equal(t, "2", row["a_line"])
	assert.Equal(t, "2", row["b_line"], "line counts the lines before the text")
	assert.Equal(t, rep.Clusters[0].Passages[0].Text, row["a_text"])
	assert.Equal(t, rep.Clusters[0].Passages[1].Text, row["b_text"])
	assert.Equal(t, "0.8", row["similarity"])
}

// TestCSVFormulas: text a spreadsheet would evaluate (a hostile id or
// passage starting with =, +, -, @) is written as text.
func TestCSVFormulas(t *testing.T) {
	rep, _ := hostile()
	rep.Matches[0].A.Doc = `=HYPERLINK("http://x","y")`
	rep.Matches[0].B.Doc = "@SUM(1)"
	rep.Clusters = nil
	var buf bytes.Buffer
	require.NoError(t, Renderer{}.CSV(&buf, rep))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, `'=HYPERLINK("http://x","y")`, rows[1][1])
	assert.Equal(t, "'@SUM(1)", rows[1][6])
	assert.Equal(t, "14", rows[1][12], "numbers are left alone")
	for _, s := range []string{"-1", "+x", "=", "\tx"} {
		assert.Equal(t, "'"+s, notFormula(s))
	}
	assert.Equal(t, "Officials said", notFormula("Officials said"))
}

func TestCompare(t *testing.T) {
	rep, docs := hostile()
	for _, tc := range []struct {
		name    string
		columns bool
		want    []string
	}{
		{"stacked", false, []string{"A a<b>.txt", "60.0% of it found in B", "90.0% of it found in A", "similarity (Jaccard) 0.50 source: a<b>.txt (80% likely)", "[1] 14 words · similarity 0.80 (1 is word for word)", "A line 2 · bytes 12-", "[-\"plan\"-]", "{+'plan'+}"}},
		{"columns", true, []string{" │ B line 2 · bytes 17-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Renderer{Docs: docs, Width: 90}.Compare(&buf, rep, docs[0].ID, docs[1].ID, tc.columns))
			flat := strings.Join(strings.Fields(buf.String()), " ") // wrapping aside
			for _, w := range tc.want {
				has(t, flat, w)
			}
			for _, l := range strings.Split(buf.String(), "\n") {
				assert.LessOrEqual(t, displayWidth(l), 90, "line too wide: %q", l)
			}
		})
	}
	t.Run("no likely source", func(t *testing.T) {
		rep, docs := hostile()
		rep.DocPairs[0].Source = nil
		var buf bytes.Buffer
		require.NoError(t, Renderer{Docs: docs}.Compare(&buf, rep, docs[0].ID, docs[1].ID, false))
		has(t, strings.Join(strings.Fields(buf.String()), " "), "similarity (Jaccard) 0.50 no source between them: the evidence does not tell which came first")
		rep.Clusters[0].Origin, rep.Clusters[0].Edges = nil, nil
		buf.Reset()
		require.NoError(t, Renderer{Docs: docs}.Compare(&buf, rep, docs[0].ID, docs[1].ID, false))
		hasNot(t, buf.String(), "source", "without provenance, no word on the source")
	})
	t.Run("nothing shared", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, Renderer{Docs: docs}.Compare(&buf, rep, docs[0].ID, docs[2].ID, false))
		has(t, buf.String(), "No shared passage of 8 words or more.")
	})
}

func TestWriteFormats(t *testing.T) {
	rep, docs := hostile()
	for _, f := range ReportFormats() {
		var buf bytes.Buffer
		require.NoError(t, Renderer{Docs: docs}.Write(&buf, f, rep), f)
		assert.NotEmpty(t, buf.String(), f)
	}
	var buf bytes.Buffer
	require.NoError(t, JSON(&buf, rep))
	var back model.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, *rep, back)
	has(t, buf.String(), "<script>", "JSON keeps text as it is")
	assert.ErrorContains(t, Renderer{}.Write(&buf, "pdf", rep), `unknown format "pdf"`)
	assert.ErrorContains(t, Renderer{}.Write(&buf, "sarif", rep), `unknown format "sarif" (want one of text, json, csv, html)`, "an audit format")
}

// TestFormatRegistry: each format is one row, named once, writing a
// report, an audit or both; the commands' lists come from it in its order.
func TestFormatRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats {
		assert.False(t, seen[f.Name], "%s listed twice", f.Name)
		seen[f.Name] = true
		assert.NotEmpty(t, f.Help, f.Name)
		assert.True(t, f.Report != nil || f.Audit != nil, "%s writes nothing", f.Name)
	}
	assert.Equal(t, []string{"text", "json", "csv", "html"}, ReportFormats())
	assert.Equal(t, []string{"text", "json", "sarif", "junit", "github"}, AuditFormats())
	require.NoError(t, CheckFormat(""), "text by default")
	require.NoError(t, CheckAuditFormat(""), "text by default")
	assert.ErrorContains(t, CheckAuditFormat("csv"), `"csv": want one of text, json, sarif, junit, github`)
}

// TestFormatsWithoutTexts checks the formats the registry says draw no
// texts: their reports are the same with the documents and without them,
// so the CLI may stream the documents away.
func TestFormatsWithoutTexts(t *testing.T) {
	rep, docs := hostile()
	var without []string
	for _, name := range ReportFormats() {
		if DrawsTexts(name) {
			continue
		}
		without = append(without, name)
		var a, b bytes.Buffer
		require.NoError(t, Renderer{Docs: docs}.Write(&a, name, rep))
		require.NoError(t, Renderer{}.Write(&b, name, rep))
		assert.Equal(t, a.String(), b.String(), name)
	}
	assert.Equal(t, []string{"json"}, without)
	assert.True(t, DrawsTexts("no-such-format"), "unknown formats keep the documents")
}

// TestWriteAuditFormats writes an audit in every audit format.
func TestWriteAuditFormats(t *testing.T) {
	// Decoded from its JSON, so that the test does not name where the
	// audit's types live.
	var rep auditview.Report
	require.NoError(t, json.Unmarshal([]byte(`{"schema": "reprint/audit/v1",
		"summary": {"articles": 1, "violating": 1, "findings": 1, "violations": 1},
		"articles": [{"id": "a.md", "path": "a.md", "words": 40, "violation": true,
			"findings": [{"rule": "uncredited-wire-copy", "line": 3, "column": 1, "end_line": 3, "end_column": 20,
				"text": "recycled <text>", "words": 20, "counted": true, "violation": true,
				"reference": {"id": "wire-1", "source": "Reuters"}}]}]}`), &rep))
	for _, f := range AuditFormats() {
		var buf bytes.Buffer
		require.NoError(t, WriteAudit(&buf, f, &rep, AuditOptions{Root: "/src", Regions: func(string) bool { return true }}), f)
		has(t, buf.String(), "a.md")
	}
	var buf bytes.Buffer
	assert.ErrorContains(t, WriteAudit(&buf, "html", &rep, AuditOptions{}), `"html": want one of`)
	assert.Empty(t, buf.String())
}

// has and hasNot are assert.Contains and NotContains for long outputs:
// a failure names the string, not the whole output.
func has(t *testing.T, out, want string, msg ...any) {
	t.Helper()
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q %v", want, msg)
	}
}

func hasNot(t *testing.T, out, unwanted string, msg ...any) {
	t.Helper()
	if i := strings.Index(out, unwanted); i >= 0 {
		t.Errorf("output has %q %v: …%s…", unwanted, msg, out[max(0, i-80):min(len(out), i+80)])
	}
}

// coDerived turns the hostile report's cluster into one whose origin is
// outside the corpus: a<b>.txt and c.txt copy it independently, and
// b"'.txt copies a<b>.txt.
func coDerived() (*model.Report, []model.Document) {
	rep, docs := hostile()
	c := &rep.Clusters[0]
	c.Origin = &model.Origin{Probability: 0.9, ExternalProbability: 0.9, Reasons: []string{"all copies quote a tweet"}}
	c.Edges = []model.Edge{
		{From: docs[0].ID, To: docs[1].ID, Probability: 0.8, Kind: "trimmed", Reasons: []string{"drops the attribution"}},
		{From: docs[0].ID, To: docs[2].ID, Probability: 0.6, Kind: "co-derived", Reasons: []string{"all copies quote a tweet", "c.txt credits AP"}},
	}
	return rep, docs
}

func TestTextCoDerivedHangFromOutside(t *testing.T) {
	rep, docs := coDerived()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs, Width: 100}.Text(&buf, rep))
	out := buf.String()
	tree := out[strings.Index(out, "derivation:"):]
	want := strings.Join([]string{
		"derivation: (who copied whom: each copy under its likely source, with how it was made)",
		"    outside the corpus",
		"    ├─ a<b>.txt",
		"    │  └─ b\"'.txt  trimmed copy, 80% likely",
		"    │        · drops the attribution",
		"    └─ c.txt  from the same source as a<b>.txt, 60% likely",
		"          · c.txt credits AP",
		"",
	}, "\n")
	assert.True(t, strings.HasPrefix(tree, want), "the co-derived copies hang side by side from the outside source, "+
		"without the reasons the origin already gave:\n%s", tree)
}

func TestHTMLCoDerivedHangFromOutside(t *testing.T) {
	rep, docs := coDerived()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs}.HTML(&buf, rep))
	out := buf.String()
	has(t, out, `<g class="node extern">`, "the outside source is a node of the tree")
	has(t, out, "a&lt;b&gt;.txt and c.txt both copy outside the corpus: 60% likely")
	hasNot(t, out, "a&lt;b&gt;.txt → c.txt", "no arrow from one co-derived copy to the other")
	has(t, out, "<b>a&lt;b&gt;.txt and c.txt</b> both copy one source, 60% likely: all copies quote a tweet; c.txt credits AP",
		"the edge list says 'and', not an arrow, and gives every reason")
	has(t, out, "a&lt;b&gt;.txt → b&#34;&#39;.txt: trimmed copy, 80% likely", "the edge's title in plain words")
}
