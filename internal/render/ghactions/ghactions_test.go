package ghactions_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/internal/render/ghactions"
)

func report() *audit.Report {
	return &audit.Report{
		Policy:    audit.DefaultPolicy(),
		Reference: audit.Reference{Documents: 10},
		Summary:   audit.Summary{Articles: 2, Violating: 1, Findings: 3, Violations: 1, Suppressed: 1},
		Articles: []audit.Article{
			{ID: "a,b:c.md", Path: "content/a,b:c.md", Violation: true, CountedShare: 0.5, Findings: []audit.Finding{
				{Rule: audit.RuleUncredited, Line: 2, Column: 3, EndLine: 2, EndColumn: 40, Words: 20, Counted: true, Violation: true, Reference: audit.FindingRef{ID: "r1", Source: "Reuters"}},
				{Rule: audit.RuleUncredited, Line: 9, Column: 1, Words: 15, Suppressed: "baseline", Reference: audit.FindingRef{ID: "r2"}},
			}},
			{ID: "b.md", Path: "b.md", Findings: []audit.Finding{
				{Rule: audit.RuleAttributed, Line: 1, Column: 1, EndLine: 3, EndColumn: 2, Words: 12, Attributed: true, Attribution: "(Reuters)", Reference: audit.FindingRef{ID: "r1", Source: "Reuters"}},
				{Rule: audit.RuleUncredited, Line: 5, Column: 1, EndLine: 5, EndColumn: 9, Words: 9, Reference: audit.FindingRef{ID: "r3"}},
			}},
		},
	}
}

func TestAnnotations(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, ghactions.WriteAnnotations(&buf, report()))
	assert.Equal(t,
		"::error file=content/a%2Cb%3Ac.md,line=2,col=3,endLine=2,endColumn=40,title=reprint%3A uncredited-wire-copy::20 words match r1 (Reuters); uncredited wire copy is 50%25 of the article, the policy allows 0%25\n"+
			"::notice file=b.md,line=1,col=1,endLine=3,endColumn=2,title=reprint%3A attributed-wire-copy::12 words match r1 (Reuters), credited as \"(Reuters)\"\n"+
			"::notice file=b.md,line=5,col=1,endLine=5,endColumn=9,title=reprint%3A uncredited-wire-copy::9 words match r3\n",
		buf.String())
}

func TestSummary(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, ghactions.WriteSummary(&buf, report()))
	md := buf.String()
	assert.Contains(t, md, "## reprint audit: ❌ 1 of 2 articles violate the policy")
	assert.Contains(t, md, "| `a,b:c.md` | **violation** | 50.0% | 2 | 20 words from `r1` (line 2) |")
	assert.Contains(t, md, "1 finding(s) suppressed")
}
