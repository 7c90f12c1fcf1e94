package synth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"two sentences", "The cat sat. The dog ran.", []string{"The cat sat.", "The dog ran."}},
		{"question and exclamation", "Why? Because! Yes.", []string{"Why?", "Because!", "Yes."}},
		{"closing quote", `He said "no." Then he left.`, []string{`He said "no."`, "Then he left."}},
		{"curly quotes", "He said \u201cno.\u201d \u201cNever,\u201d she said.", []string{"He said \u201cno.\u201d", "\u201cNever,\u201d she said."}},
		{"title abbreviation", "Mr. Khan spoke. Dr. Who listened.", []string{"Mr. Khan spoke.", "Dr. Who listened."}},
		{"company abbreviation", "Acme Corp. Ltd. said so. Shares fell.", []string{"Acme Corp. Ltd. said so.", "Shares fell."}},
		{"month", "On Jan. 5 it rained. It stopped.", []string{"On Jan. 5 it rained.", "It stopped."}},
		{"dotted letters", "The U.S. Treasury agreed. Markets rose.", []string{"The U.S. Treasury agreed.", "Markets rose."}},
		{"spaced initials", "The U. S. President spoke. Nobody cheered.", []string{"The U. S. President spoke.", "Nobody cheered."}},
		{"lower-case continuation", "It cost 1.5 mln dlrs. vs last year.", []string{"It cost 1.5 mln dlrs. vs last year."}},
		{"paragraphs", "One here.\n\nTwo here\nstill two.\n\n\n  Three.", []string{"One here.", "Two here\nstill two.", "Three."}},
		{"bracket opener", "He said so. [Mr. Khan] agreed.", []string{"He said so.", "[Mr. Khan] agreed."}},
		{"no terminal", "A headline without a stop", []string{"A headline without a stop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range sentences(tt.text) {
				got = append(got, tt.text[s.start:s.end])
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSentencesParagraphIndex(t *testing.T) {
	s := sentences("A b. C d.\n\nE f.")
	require.Len(t, s, 3)
	assert.Equal(t, []int{0, 0, 1}, []int{s[0].para, s[1].para, s[2].para})
	assert.Equal(t, []int{2, 2, 2}, []int{s[0].words, s[1].words, s[2].words})
}

func TestNormWords(t *testing.T) {
	assert.Equal(t, []string{"dont", "stop", "us", "100"}, normWords("Don\u2019t  stop \u2014 U.S., 100!"))
	assert.Equal(t, normWords(`"Don't" - stop`), normWords("\u201cDon\u2019t\u201d \u2014 stop"))
}

func TestLoadDirStripsDatePrefix(t *testing.T) {
	docs, err := LoadDir(seedsDir)
	require.NoError(t, err)
	require.Len(t, docs, 5)
	for _, d := range docs {
		assert.False(t, strings.HasPrefix(strings.TrimSpace(d.Text), "date "), "%s keeps its date prefix", d.ID)
	}
	assert.Equal(t, "002_e7fb0567f1195848.txt", docs[2].ID)
	assert.True(t, strings.HasPrefix(docs[2].Text, "Khan himself said"), "%q", docs[2].Text[:30])
	assert.True(t, strings.HasPrefix(docs[0].Text, "London Mayor"), "a seed without prefix is kept whole")
}

func TestLoadJSONL(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	require.NoError(t, os.WriteFile(good, []byte(
		`{"id": "r-1", "date": "1987-02-26T15:01:01Z", "title": "T", "text": "One.\n\nTwo."}`+"\n"+
			`{"id": "r-2", "text": "Three."}`+"\n"), 0o644))
	docs, err := Load(good)
	require.NoError(t, err)
	assert.Equal(t, []Doc{{ID: "r-1", Text: "One.\n\nTwo."}, {ID: "r-2", Text: "Three."}}, docs)

	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id": "r-1", "text": "x"}`+"\n"+`{"id": `+"\n"), 0o644))
	_, err = LoadJSONL(bad)
	assert.ErrorContains(t, err, "record 2")

	noID := filepath.Join(dir, "noid.jsonl")
	require.NoError(t, os.WriteFile(noID, []byte(`{"text": "x"}`+"\n"), 0o644))
	_, err = LoadJSONL(noID)
	assert.ErrorContains(t, err, "missing id")

	_, err = Load(filepath.Join(dir, "absent.jsonl"))
	assert.Error(t, err)
}

func TestChunk(t *testing.T) {
	docs, err := LoadDir(seedsDir)
	require.NoError(t, err)
	pieces := Chunk(docs, 60)
	assert.Greater(t, len(pieces), 20)
	byDoc := map[string]string{}
	for _, d := range docs {
		byDoc[d.ID] = d.Text
	}
	for _, p := range pieces {
		orig := byDoc[p.ID[:strings.LastIndexByte(p.ID, '#')]]
		assert.Contains(t, orig, p.Text)
		assert.GreaterOrEqual(t, countWords(p.Text), 60, p.ID)
	}
	short := []Doc{{ID: "s", Text: "Too short. To split."}}
	assert.Equal(t, short, Chunk(short, 60))
}
