package reader

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
)

// TestStreamReadsWhatReadReads reads the same awkward inputs with Read and
// with Stream at chunk sizes that cut them everywhere: the documents, their
// order and the problems must be the same.
func TestStreamReadsWhatReadReads(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	var big bytes.Buffer
	for i := range 200 {
		switch i % 50 {
		case 7:
			big.WriteString("{not json\n")
		case 9:
			big.WriteString("\n  \r\n")
		case 11:
			big.WriteString(`{"id":"dup","text":"a repeated id"}` + "\n")
		case 13:
			big.WriteString(`{"id":"x13","text":"bad byte \xff here","date":"not a date"}` + "\r\n")
		}
		big.WriteString(`{"id":"s` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `","text":"Story number ` + string(rune('0'+i%10)) + ` says something.","date":"2024-01-02"}` + "\n")
	}
	big.WriteString(`{"text":"no id and no newline at the end"}`)
	paths := []string{
		write("corpus.jsonl", "\xEF\xBB\xBF"+big.String()),
		write("dir/a.txt", " date 2017-06-09 A seed-like article.\n"),
		write("dir/b.md", "---\ntitle: B\n---\nBody of b.\n"),
		write("dir/c.jsonl", `{"id":"dup","text":"seen again"}`+"\n"),
		write("empty.jsonl", "\n\n"),
		write("bad-only.jsonl", "\xff\n"),
		write("binary.jsonl", "{\"id\":\"z\",\"text\":\"\x00\"}\n"),
		filepath.Join(root, "missing.jsonl"),
		write("more.jsonl", `{"id":"m1","text":"more"}`+"\n"+`{"id":"s"}`+"\n"),
	}
	want, wantErrs, err := Read(context.Background(), paths, Options{})
	require.NoError(t, err)
	require.NotEmpty(t, wantErrs)
	for _, chunk := range []int{1, 7, 64, 1000, streamChunk} {
		var got []model.Document
		gotErrs, err := stream(context.Background(), paths, Options{}, chunk, func(docs []model.Document) error {
			got = append(got, docs...)
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, want, got, "documents, chunks of %d bytes", chunk)
		assert.Equal(t, wantErrs, gotErrs, "problems, chunks of %d bytes", chunk)
	}
}

// TestStreamReadsStandardInput streams JSON Lines from standard input.
func TestStreamReadsStandardInput(t *testing.T) {
	in := `{"id":"a","text":"one"}` + "\n" + `{"id":"b","text":"two"}` + "\n"
	want, wantErrs, err := Read(context.Background(), []string{"-"}, Options{Stdin: bytes.NewBufferString(in), StdinFormat: FormatJSONL})
	require.NoError(t, err)
	var got []model.Document
	gotErrs, err := stream(context.Background(), []string{"-"}, Options{Stdin: bytes.NewBufferString(in), StdinFormat: FormatJSONL}, 5, func(docs []model.Document) error {
		got = append(got, docs...)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, want, got)
	assert.Equal(t, wantErrs, gotErrs)
}

// TestStreamLetsALongLineGo streams a JSON Lines file whose one record is
// a line far longer than a chunk: while the record is handed on, the
// line's raw bytes are garbage, so the live heap holds the decoded text
// once, not the line too.
func TestStreamLetsALongLineGo(t *testing.T) {
	const size = 16 << 20
	text := strings.Repeat("word ", size/5)
	p := filepath.Join(t.TempDir(), "long.jsonl")
	require.NoError(t, os.WriteFile(p, []byte(`{"id":"long","text":"`+text+`"}`+"\n"), 0o644))
	text = ""
	var live uint64
	_, err := stream(context.Background(), []string{p}, Options{}, 1<<20, func(docs []model.Document) error {
		require.Len(t, docs, 1)
		require.Len(t, docs[0].Text, size/5*5)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
		runtime.KeepAlive(docs)
		return nil
	})
	require.NoError(t, err)
	assert.Less(t, live, uint64(size+size/2), "live heap while the record is handed on: the text (%d bytes) and little else", size)
}
