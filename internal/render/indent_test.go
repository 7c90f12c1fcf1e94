package render

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
)

// checkIndent compares indentJSON with the encoder's own indentation of v.
func checkIndent(t *testing.T, v any) {
	t.Helper()
	var compact, want bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	enc = json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	require.Equal(t, want.String(), string(indentJSON(nil, compact.Bytes(), "  ")))
}

func TestIndentJSONMatchesEncoder(t *testing.T) {
	type inner struct {
		S    string            `json:"s"`
		N    *float64          `json:"n"`
		L    []int             `json:"l"`
		E    []string          `json:"e"`
		M    map[string]any    `json:"m"`
		O    map[string]string `json:"o,omitempty"`
		Raw  json.RawMessage   `json:"raw,omitempty"`
		Flag bool              `json:"flag"`
	}
	half := 0.5
	for _, v := range []any{
		nil, 1, "x", []int{}, map[string]int{}, []any{[]any{}, map[string]any{}, []any{[]int{}}},
		inner{S: `a "quoted" \ back\slash\\`, N: &half, L: []int{1, -2, 3}, E: []string{}, M: map[string]any{"k": []any{nil, true, "v"}}},
		inner{S: `\`, Raw: json.RawMessage(`{ "a" : [ 1 , 2 ] }`)},
		[]string{`"`, `\"`, `\\`, `\\"`, "ü, é: {[<&>]}", "line\nbreak\ttab", "\u2028"},
	} {
		checkIndent(t, v)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, " ", "a", "é", "\n"}
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkIndent(t, map[string]any{b.String(): []any{b.String(), map[string]string{"k": b.String()}, []int{}}})
	}
}

func BenchmarkIndentJSON(b *testing.B) {
	v := make([]map[string]any, 2000)
	for i := range v {
		v[i] = map[string]any{"doc": "reuters-1", "start": i, "text": strings.Repeat(`a passage with "quotes", commas: and words `, 8)}
	}
	src, err := json.Marshal(v)
	require.NoError(b, err)
	b.SetBytes(int64(len(src)))
	b.Run("indentJSON", func(b *testing.B) {
		var dst []byte
		for b.Loop() {
			dst = indentJSON(dst[:0], src, "  ")
		}
	})
	b.Run("json.Indent", func(b *testing.B) {
		var dst bytes.Buffer
		for b.Loop() {
			dst.Reset()
			_ = json.Indent(&dst, src, "", "  ")
		}
	})
}

// TestJSONStreamsTheWholeReportsBytes checks that JSON, which writes the
// long lists an element at a time, gives the bytes of the encoder's own
// indentation of the whole report: lists nil, empty, of one and of
// several elements, with text that looks like the report's own layout.
func TestJSONStreamsTheWholeReportsBytes(t *testing.T) {
	tricky := "\n  \"documents\": [] <&> \"quoted\" ü"
	full := &model.Report{
		Schema:    model.SchemaV1,
		Params:    model.ReportParams{Shingle: 5, Threshold: 0.5},
		Documents: []model.DocSummary{{ID: "a", Title: tricky}, {ID: "b", ReusedFraction: 0.25}},
		DocPairs:  []model.DocPair{{A: "a", B: "b", Jaccard: 0.5}},
		Clusters: []model.Cluster{{ID: "c1", Passages: []model.Passage{{Doc: "a", Text: tricky}, {Doc: "b", Text: "x"}},
			Edges: []model.Edge{}}, {ID: "c2"}},
		Matches: []model.Match{{A: model.Span{Doc: "a"}, B: model.Span{Doc: "b"}, Words: 9}},
		Errors:  []model.InputError{},
		Limits:  &model.Limits{Boilerplate: []model.Boilerplate{{Text: tricky, Documents: 3}}},
	}
	empty := &model.Report{Documents: []model.DocSummary{}, Clusters: []model.Cluster{}}
	oneEach := *full
	oneEach.Documents, oneEach.Clusters = full.Documents[:1], full.Clusters[1:]
	for _, rep := range []*model.Report{full, empty, {}, &oneEach} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(rep))
		require.NoError(t, JSON(&got, rep))
		require.Equal(t, want.String(), got.String())
	}
}
