package reprint_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
)

// The audit reads credits as provenance does (internal/credit): these are
// texts on which the two disagreed before.
func TestAuditCreditsAsProvenanceDoes(t *testing.T) {
	tests := []struct {
		name, text, rule, attribution string
	}{
		{"interview", "In an interview with Reuters, a trader said: " + wireStory, reprint.RuleAttributed, "interview with Reuters"},
		{"learned", wireStory + " Reuters learned this from growers.", reprint.RuleAttributed, "Reuters learned"},
		{"alias", "The Associated Press's story said it first. " + apStory, reprint.RuleAttributed, "The Associated Press's story"},
		{"a preposition alone is no credit", "Analysts polled by Reuters agreed. " + wireStory, reprint.RuleUncredited, ""},
		{"an acronym in parentheses is no credit", "The Popular Alliance (AP) party noted that " + apStory, reprint.RuleUncredited, ""},
	}
	ix := wireIndex(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ix.Audit(context.Background(), []reprint.Document{{ID: "a.md", Text: tt.text}}, reprint.DefaultPolicy())
			require.NoError(t, err)
			require.Len(t, rep.Articles[0].Findings, 1)
			f := rep.Articles[0].Findings[0]
			assert.Equal(t, tt.rule, f.Rule)
			assert.Equal(t, tt.attribution, f.Attribution)
		})
	}
}
