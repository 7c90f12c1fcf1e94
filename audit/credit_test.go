package audit_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
)

// The audit reads credits as provenance does (internal/credit): these are
// texts on which the two disagreed before.
func TestAuditCreditsAsProvenanceDoes(t *testing.T) {
	tests := []struct {
		name, text, rule, attribution string
	}{
		{"interview", "In an interview with Reuters, a trader said: " + wireStory, audit.RuleAttributed, "interview with Reuters"},
		{"learned", wireStory + " Reuters learned this from growers.", audit.RuleAttributed, "Reuters learned"},
		{"alias", "The Associated Press's story said it first. " + apStory, audit.RuleAttributed, "The Associated Press's story"},
		{"a preposition alone is no credit", "Analysts polled by Reuters agreed. " + wireStory, audit.RuleUncredited, ""},
		{"an acronym in parentheses is no credit", "The Popular Alliance (AP) party noted that " + apStory, audit.RuleUncredited, ""},
	}
	ix := wireIndex(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := audit.Run(context.Background(), ix, []reprint.Document{{ID: "a.md", Text: tt.text}}, audit.DefaultPolicy())
			require.NoError(t, err)
			require.Len(t, rep.Articles[0].Findings, 1)
			f := rep.Articles[0].Findings[0]
			assert.Equal(t, tt.rule, f.Rule)
			assert.Equal(t, tt.attribution, f.Attribution)
		})
	}
}
