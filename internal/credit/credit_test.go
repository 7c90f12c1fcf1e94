package credit

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanonicalAndSame(t *testing.T) {
	for _, tc := range []struct{ name, canonical string }{
		{"Reuters", "Reuters"},
		{"Reuter", "Reuters"},
		{" thomson reuters ", "Reuters"},
		{"Associated Press", "AP"},
		{"the associated press", "AP"},
		{"ap", "AP"},
		{"Agence France Presse", "AFP"},
		{"Channel 4 News", "Channel 4"},
		{"The Guardian", "Guardian"},
		{"Daily Planet", "Daily Planet"},
	} {
		assert.Equal(t, tc.canonical, Canonical(tc.name), tc.name)
	}
	assert.True(t, Same("Reuter", "Reuters"))
	assert.True(t, Same("AP", "associated press"))
	assert.True(t, Same("The Daily Planet", "daily planet"))
	assert.False(t, Same("BBC", ""))
	assert.False(t, Same("", ""))
	assert.False(t, Same("AP", "AFP"))
	assert.Equal(t, "reuters", Key("Thomson Reuters"))
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, text string
		names      []string
		known      bool
		want       []Credit // Start and End of the credit's words
		words      []string // the credits' words
	}{
		{"dateline", "BAHIA, Brazil (Reuters) - Showers continued.", []string{"Reuters"}, false,
			[]Credit{{Outlet: "Reuters", Name: "Reuters"}}, []string{"(Reuters)"}},
		{"alias, the first word leads", "It will close, reported by the Associated Press.", []string{"AP"}, false,
			[]Credit{{Outlet: "AP", Name: "AP"}}, []string{"reported by the Associated Press"}},
		{"the name inside a longer one gives way", "It will close, Channel 4 News reported.", nil, true,
			[]Credit{{Outlet: "Channel 4", Name: "Channel 4"}}, []string{"Channel 4 News reported"}},
		{"a caller's name matches in any case, and says so", "he told reuters.", []string{"Reuters"}, false,
			[]Credit{{Outlet: "Reuters", Name: "reuters"}}, []string{"told reuters"}},
		{"a short name keeps its capitals", "Our map app says: it will close.", []string{"AP"}, true, nil, nil},
		{"the table's names match as written", "according to independent analysts", nil, true, nil, nil},
		{"two outlets, in the order of the text", "AFP said, and then, according to Reuters, it closed.", nil, true,
			[]Credit{{Outlet: "AFP", Name: "AFP"}, {Outlet: "Reuters", Name: "Reuters"}}, []string{"AFP said", "according to Reuters"}},
		{"unknown without known", "AFP said it will close.", []string{"Reuters"}, false, nil, nil},
		{"a mention is no credit", "Reuters staff moved offices.", []string{"Reuters"}, true, nil, nil},
		{"not inside a word", "The Reutersville plant, ReutersX said.", []string{"Reuters"}, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(tt.names, tt.known).Find(tt.text)
			require.Len(t, got, len(tt.want))
			for i, c := range got {
				assert.Equal(t, tt.want[i].Outlet, c.Outlet)
				assert.Equal(t, tt.want[i].Name, c.Name)
				assert.Equal(t, tt.words[i], tt.text[c.Start:c.End])
			}
		})
	}
}

// Before this package, the audit (a regexp per reference source, with its
// own table of agencies) and provenance (its own table of outlets, and
// words before or after the name) each decided what credits an outlet,
// and disagreed on these texts: audit and provenance are what each said
// then, "" or nil for no credit. Both now ask one Matcher, the audit for
// the reference's source alone, provenance for its documents' sources
// and every outlet it knows, and give the same answer, want.
func TestAuditAndProvenanceAgree(t *testing.T) {
	tests := []struct {
		text, source string
		audit        string
		provenance   []string
		want         bool
	}{
		// Credits provenance knew and the audit did not.
		{"The plant will close, Reuters learned.", "Reuters", "", []string{"Reuters"}, true},
		{"He said in an interview with Reuters that it will close.", "Reuters", "", []string{"Reuters"}, true},
		{"Citing Bloomberg, the paper said it will close.", "Bloomberg", "", []string{"Bloomberg"}, true},
		{"The plant will close, Reuters's report said.", "Reuters", "", []string{"Reuters"}, true},
		{"AP - The plant will close.", "AP", "", []string{"AP"}, true},
		{"The plant will close, Reuter reported.", "Reuters", "", []string{"Reuters"}, true},
		{"The plant will close, Channel 4 News reported.", "Channel 4", "", []string{"Channel 4"}, true},
		// Credits the audit knew and provenance did not.
		{"The plant will close (Reuters).", "Reuters", "(Reuters)", nil, true},
		{"The plant will close. - AP", "AP", "- AP", nil, true},
		{"Credit: Reuters. The plant will close.", "Reuters", "Credit: Reuters", nil, true},
		{"Reporting by Reuters; editing by Jane Doe.", "Reuters", "Reporting by Reuters", nil, true},
		// What the audit took for credits and provenance did not: a bare
		// preposition, a name in parentheses inside a sentence, a dash
		// inside a word, a slash.
		{"Analysts polled by Reuters expect it to close.", "Reuters", "by Reuters", nil, false},
		{"The shares not already owned by Reuters will be sold.", "Reuters", "by Reuters", nil, false},
		{"The letter was made available to Reuters on Monday.", "Reuters", "to Reuters", nil, false},
		{"A photo from Reuters showed the plant.", "Reuters", "from Reuters", nil, false},
		{"The Popular Alliance (AP) party tabled a motion.", "AP", "(AP)", nil, false},
		{"Biopool AB's drug t-PA dissolves clots.", "PA", "-PA", nil, false},
		{"A New York Times/CBS poll shows it will close.", "New York Times", "New York Times/", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			audit := New([]string{tt.source}, false).Find(tt.text)
			var prov []string
			for _, c := range New([]string{tt.source}, true).Find(tt.text) {
				if Same(c.Outlet, tt.source) && !slices.Contains(prov, c.Name) {
					prov = append(prov, c.Name)
				}
			}
			assert.Equal(t, tt.want, len(audit) > 0, "audit: %+v", audit)
			assert.Equal(t, tt.want, len(prov) > 0, "provenance: %v", prov)
			assert.NotEqual(t, tt.audit != "", tt.provenance != nil, "a case where they disagreed")
		})
	}
}
