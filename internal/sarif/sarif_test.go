package sarif_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/sarif"
)

const wire = "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January and improving prospects for the coming temporao, although normal humidity levels have not been restored, Comissaria Smith said in its weekly review."

// audit runs a real audit of articles (path → text) against one wire story.
func runAudit(t *testing.T, root string, articles map[string]string) *audit.Report {
	t.Helper()
	ix, err := index.Open(context.Background(), "", index.Options{})
	require.NoError(t, err)
	defer ix.Close()
	require.NoError(t, ix.Add(context.Background(), reprint.Document{ID: "reuters-1", Source: "Reuters", Title: "BAHIA COCOA REVIEW", Text: wire + "\n\nThe dry period means the temporao will be late this year."}))
	var docs []reprint.Document
	for _, name := range []string{"news/copied.md", "news/credited.md", "news/moved.md", "news/clean.txt"} {
		text, ok := articles[name]
		if !ok {
			continue
		}
		path := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		docs = append(docs, reprint.Document{ID: name, Path: path, Text: text})
	}
	rep, err := audit.Run(context.Background(), ix, docs, audit.DefaultPolicy())
	require.NoError(t, err)
	return rep
}

func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", doc))
	s, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)
	return s
}

func TestOutputValidatesAgainstTheSchema(t *testing.T) {
	root := t.TempDir()
	rep := runAudit(t, root, map[string]string{
		"news/copied.md":   "Our own intro sentence about cocoa.\n\n" + wire + "\n",
		"news/credited.md": "BAHIA (Reuters) - " + wire + "\n",
		"news/clean.txt":   "Nothing recycled here at all, just a few words of our own.\n",
	})
	rep.Errors = append(rep.Errors, reprint.InputError{Path: filepath.Join(root, "news/bad.jsonl"), Line: 3, Error: "malformed JSON"})
	rep.ApplyBaseline(audit.Baseline{Schema: audit.BaselineSchemaV1, Entries: []audit.BaselineEntry{{Article: "news/copied.md", Fingerprint: "0000"}}})
	var buf bytes.Buffer
	require.NoError(t, sarif.Write(&buf, rep, sarif.Options{Root: root}))
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.NoError(t, schema(t).Validate(doc), buf.String())

	var log sarif.Log
	require.NoError(t, json.Unmarshal(buf.Bytes(), &log))
	run := log.Runs[0]
	assert.Equal(t, "utf16CodeUnits", run.ColumnKind)
	require.Len(t, run.Results, 2)
	byURI := map[string]sarif.Result{}
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		assert.Equal(t, sarif.SrcRoot, loc.ArtifactLocation.URIBaseID)
		byURI[loc.ArtifactLocation.URI] = r
		assert.Equal(t, run.Tool.Driver.Rules[r.RuleIndex].ID, r.RuleID)
		assert.NotEmpty(t, r.PartialFingerprints[sarif.FingerprintKey])
	}
	copied, credited := byURI["news/copied.md"], byURI["news/credited.md"]
	assert.Equal(t, "error", copied.Level)
	assert.Equal(t, audit.RuleUncredited, copied.RuleID)
	passage := strings.TrimSuffix(wire, ".") // spans run from word to word
	assert.Equal(t, sarif.Region{StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: len(passage) + 1, Snippet: &sarif.ArtifactContent{Text: passage}}, *copied.Locations[0].PhysicalLocation.Region)
	assert.Equal(t, "note", credited.Level)
	assert.Equal(t, audit.RuleAttributed, credited.RuleID)
	assert.Equal(t, len("BAHIA (Reuters) - ")+1, credited.Locations[0].PhysicalLocation.Region.StartColumn)
	assert.Len(t, run.Invocations[0].ToolExecutionNotifications, 2, "the input error and the stale baseline entry")
}

func TestSchemaRejectsInvalidLogs(t *testing.T) {
	s := schema(t)
	tests := map[string]string{
		"no version":    `{"runs": []}`,
		"bad level":     `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}`,
		"column zero":   `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 1, "startColumn": 0}}}]}]}]}`,
		"unknown field": `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "colour": "red"}]}`,
	}
	for name, js := range tests {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(js))
			require.NoError(t, err)
			assert.Error(t, s.Validate(doc))
		})
	}
}

func TestFingerprintsSurviveMovesAndReformatting(t *testing.T) {
	root := t.TempDir()
	a := runAudit(t, root, map[string]string{"news/copied.md": wire + "\n"})
	b := runAudit(t, root, map[string]string{"news/copied.md": "A new first paragraph.\n\nAnd a second one, also new.\n\n" + strings.ReplaceAll(wire, ", ", ",\n") + "\n"})
	fa, fb := a.Articles[0].Findings[0], b.Articles[0].Findings[0]
	assert.NotEqual(t, fa.Line, fb.Line)
	assert.Equal(t, fa.Fingerprint, fb.Fingerprint)
}

func TestURIsOutsideTheRootAreAbsolute(t *testing.T) {
	root := t.TempDir()
	rep := runAudit(t, root, map[string]string{"news/copied.md": wire + "\n"})
	log := sarif.Build(rep, sarif.Options{Root: filepath.Join(root, "elsewhere")})
	uri := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	assert.Empty(t, uri.URIBaseID)
	assert.True(t, strings.HasPrefix(uri.URI, "file:///"), uri.URI)
}
