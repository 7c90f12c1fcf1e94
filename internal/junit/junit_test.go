package junit_test

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/internal/junit"
)

func TestOneCasePerArticle(t *testing.T) {
	rep := &audit.Report{
		Policy: audit.DefaultPolicy(),
		Articles: []audit.Article{
			{ID: "bad.md", Path: "content/bad.md", Violation: true, CountedShare: 0.6, Findings: []audit.Finding{
				{Rule: audit.RuleUncredited, Line: 3, Column: 1, Words: 30, Violation: true, Text: "a <copied> & passage", Reference: audit.FindingRef{ID: "reuters-1"}},
			}},
			{ID: "ok.md", Findings: []audit.Finding{{Rule: audit.RuleAttributed, Line: 1, Column: 5, Words: 12, Reference: audit.FindingRef{ID: "ap-2"}}}},
			{ID: "ignored.md", Ignored: "licensed"},
			{ID: "clean.md"},
		},
	}
	var buf bytes.Buffer
	require.NoError(t, junit.Write(&buf, rep))
	var got junit.TestSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &got), buf.String())
	assert.Equal(t, 4, got.Tests)
	assert.Equal(t, 1, got.Failures)
	assert.Equal(t, 1, got.Skipped)
	cases := got.Suites[0].TestCases
	require.Len(t, cases, 4)
	assert.Equal(t, "content/bad.md", cases[0].File)
	require.NotNil(t, cases[0].Failure)
	assert.Contains(t, cases[0].Failure.Message, "60%")
	assert.Contains(t, cases[0].Failure.Body, "bad.md:3:1  uncredited-wire-copy  30 words from reuters-1")
	assert.Contains(t, cases[0].Failure.Body, "a <copied> & passage")
	assert.Nil(t, cases[1].Failure)
	assert.Contains(t, cases[1].SystemOut, "attributed-wire-copy")
	require.NotNil(t, cases[2].Skipped)
	assert.Equal(t, "ignored: licensed", cases[2].Skipped.Message)
}
