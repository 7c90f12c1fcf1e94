package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/testcorpus"
)

const (
	wireStory = "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January and improving prospects for the coming temporao. " +
		"Normal humidity levels have not been restored, Comissaria Smith said in its weekly review of the crop."
	apStory = "The central bank left its benchmark interest rate unchanged on Thursday, saying inflation was slowing faster than it had expected at the start of the year."
	ownText = "Our correspondent spent a week on the farms south of the capital talking to growers about their worries for the season ahead."
)

func wireIndex(t *testing.T) *index.Index {
	t.Helper()
	ix, err := index.Open(context.Background(), "", index.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { ix.Close() })
	require.NoError(t, ix.Add(context.Background(),
		reprint.Document{ID: "reuters-1", Source: "Reuters", Title: "BAHIA COCOA REVIEW", Text: wireStory},
		reprint.Document{ID: "ap-7", Source: "Associated Press", Title: "Rates", Text: apStory},
		reprint.Document{ID: "blog-3", Source: "Some Blog", Text: "A blog wrote this. " + "Prices for cocoa futures in London and New York jumped to their highest level in three years on worries about the harvest."},
	))
	return ix
}

func TestAuditPolicy(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		policy    func(*audit.Policy)
		rule      string
		violation bool
		counted   bool
	}{
		{"uncredited copy violates", ownText + " " + wireStory, nil, audit.RuleUncredited, true, true},
		{"dateline credit", "BAHIA, Brazil (Reuters) - " + wireStory + " " + ownText, nil, audit.RuleAttributed, false, false},
		{"according to", ownText + " " + strings.Replace(wireStory, "the crop.", "the crop, according to Reuters.", 1), nil, audit.RuleAttributed, false, false},
		{"told", wireStory + " A grower told Reuters the rain came just in time.", nil, audit.RuleAttributed, false, false},
		{"reported in the sentence before", "Reuters reported on the weather on Monday. " + wireStory, nil, audit.RuleAttributed, false, false},
		{"credit too far away", "Reuters reported on the weather on Monday. " + ownText + " " + ownText + " " + wireStory, nil, audit.RuleUncredited, true, true},
		{"alias credit", "The rate decision was reported by the Associated Press. " + apStory, nil, audit.RuleAttributed, false, false},
		{"short name must keep its capitals", "Our map app says: " + apStory, nil, audit.RuleUncredited, true, true},
		{"attributed counts when not allowed", "BAHIA (Reuters) - " + wireStory, func(p *audit.Policy) { p.AllowAttributed = false }, audit.RuleAttributed, true, true},
		{"within the allowed share", ownText + " " + ownText + " " + ownText + " " + apStory, func(p *audit.Policy) { p.MaxShare = 0.5 }, audit.RuleUncredited, false, true},
		{"over the allowed share", ownText + " " + apStory, func(p *audit.Policy) { p.MaxShare = 0.3 }, audit.RuleUncredited, true, true},
		{"not a wire source", ownText + " Prices for cocoa futures in London and New York jumped to their highest level in three years on worries about the harvest.", func(p *audit.Policy) { p.Wire = []string{"Reuters", "AP"} }, audit.RuleRecycled, false, false},
		{"wire list with alias", ownText + " " + apStory, func(p *audit.Policy) { p.Wire = []string{"AP"} }, audit.RuleUncredited, true, true},
		{"passage shorter than min words", ownText + " " + apStory, func(p *audit.Policy) { p.MinWords = 40 }, "", false, false},
	}
	ix := wireIndex(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := audit.DefaultPolicy()
			if tt.policy != nil {
				tt.policy(&p)
			}
			rep, err := audit.Run(context.Background(), ix, []reprint.Document{{ID: "a.md", Text: tt.text}}, p)
			require.NoError(t, err)
			a := rep.Articles[0]
			if tt.rule == "" {
				assert.Empty(t, a.Findings)
				assert.False(t, a.Violation)
				return
			}
			require.Len(t, a.Findings, 1, "%+v", a.Findings)
			f := a.Findings[0]
			assert.Equal(t, tt.rule, f.Rule, "attribution %q", f.Attribution)
			assert.Equal(t, tt.violation, f.Violation)
			assert.Equal(t, tt.counted, f.Counted)
			assert.Equal(t, tt.violation, a.Violation)
			assert.Equal(t, tt.text[f.Start:f.End], f.Text)
			assert.Equal(t, f.Reference.Text, f.Text, "the copies are verbatim")
			if tt.violation {
				assert.Equal(t, 1, rep.Summary.Violating)
			}
		})
	}
}

func TestAuditLocatesPassagesInTheFile(t *testing.T) {
	ix := wireIndex(t)
	doc := reprint.Document{ID: "a.md", Text: "Intro line.\n\nSecond “paragraph” — ünïcode.\n" + wireStory + "\n", TextOffset: 40, LineOffset: 4}
	rep, err := audit.Run(context.Background(), ix, []reprint.Document{doc}, audit.DefaultPolicy())
	require.NoError(t, err)
	f := rep.Articles[0].Findings[0]
	assert.Equal(t, 4+4, f.Line)
	assert.Equal(t, 1, f.Column)
	assert.Equal(t, f.Line, f.EndLine)
	assert.Equal(t, doc.Text[f.Start-40:f.End-40], f.Text)
	assert.Equal(t, len(f.Text)+1, f.EndColumn)
}

func TestBaselineSuppressesAndReportsStale(t *testing.T) {
	ix := wireIndex(t)
	docs := []reprint.Document{{ID: "a.md", Text: ownText + " " + wireStory}, {ID: "b.md", Text: apStory}}
	rep, err := audit.Run(context.Background(), ix, docs, audit.DefaultPolicy())
	require.NoError(t, err)
	require.Equal(t, 2, rep.Summary.Violating)
	base := rep.Baseline()
	require.Len(t, base.Entries, 2)
	base.Entries = append(base.Entries, audit.BaselineEntry{Article: "a.md", Fingerprint: "gone"}, audit.BaselineEntry{Article: "not-audited.md", Fingerprint: "x"})

	// The passage moves and is reformatted: still known.
	docs[0].Text = ownText + "\n\n" + strings.ReplaceAll(wireStory, " ", "  ")
	rep, err = audit.Run(context.Background(), ix, docs, audit.DefaultPolicy())
	require.NoError(t, err)
	rep.ApplyBaseline(base)
	assert.Zero(t, rep.Summary.Violating)
	assert.Equal(t, 2, rep.Summary.Suppressed)
	assert.Equal(t, []audit.BaselineEntry{{Article: "a.md", Fingerprint: "gone"}}, rep.Stale)
}

func TestSuppressWithReason(t *testing.T) {
	ix := wireIndex(t)
	rep, err := audit.Run(context.Background(), ix, []reprint.Document{{ID: "a.md", Text: apStory}}, audit.DefaultPolicy())
	require.NoError(t, err)
	rep.Suppress("a.md", "licensed")
	assert.Zero(t, rep.Summary.Violating)
	assert.Equal(t, "licensed", rep.Articles[0].Ignored)
	assert.Equal(t, "ignored: licensed", rep.Articles[0].Findings[0].Suppressed)
}

// The audit finds what the detector finds between articles and
// references, whenever the passage is long enough for the anchors'
// guarantee (DefaultAuditMinWords is).
func TestAuditFindsWhatTheDetectorFinds(t *testing.T) {
	docs := testcorpus.Synthetic(240, 21)
	refs, targets := docs[:160], docs[160:]
	ix, _ := testcorpus.NewIndex(t, refs, index.Options{})
	p := audit.DefaultPolicy()
	rep, err := audit.Run(context.Background(), ix, targets, p)
	require.NoError(t, err)

	isRef := map[string]bool{}
	for _, d := range refs {
		isRef[d.ID] = true
	}
	detector, err := reprint.New(reprint.WithMinWords(p.MinWords))
	require.NoError(t, err)
	require.NoError(t, detector.Add(docs...))
	det, err := detector.Detect(context.Background())
	require.NoError(t, err)
	want := map[string][]reprint.Span{} // target → spans shared with a reference
	for _, m := range det.Matches {
		for _, pair := range [][2]reprint.Span{{m.A, m.B}, {m.B, m.A}} {
			if !isRef[pair[0].Doc] && isRef[pair[1].Doc] {
				want[pair[0].Doc] = append(want[pair[0].Doc], pair[0])
			}
		}
	}
	require.NotEmpty(t, want)
	found := 0
	for _, a := range rep.Articles {
		for _, sp := range want[a.ID] {
			covered := false
			for _, f := range a.Findings {
				covered = covered || (f.Start <= sp.Start && sp.End <= f.End)
			}
			assert.True(t, covered, "%s [%d,%d) found by the detector, not by the audit", a.ID, sp.Start, sp.End)
			found++
		}
	}
	t.Logf("%d detector passages between %d targets and %d references, all found by the audit", found, len(targets), len(refs))
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		p    audit.Policy
		ok   bool
	}{
		{"default", audit.DefaultPolicy(), true},
		{"zero min words", audit.Policy{MinWords: 0}, false},
		{"share above one", audit.Policy{MinWords: 5, MaxShare: 1.5}, false},
		{"negative share", audit.Policy{MinWords: 5, MaxShare: -0.1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ok {
				assert.NoError(t, tt.p.Validate())
			} else {
				assert.Error(t, tt.p.Validate())
			}
		})
	}
}
