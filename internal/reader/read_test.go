package reader_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

// writeTree creates files (path → content) under a new temporary
// directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return root
}

func ids(docs []model.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func TestReadDirectory(t *testing.T) {
	root := writeTree(t, map[string]string{
		"b.txt":                "Bee.",
		"a.md":                 "---\ntitle: A\n---\nAy.",
		"c/z.html":             page("", ""),
		"c/d.jsonl":            `{"id":"j1","text":"One."}` + "\n" + `{"text":"Two."}` + "\n",
		"C.txt":                "Upper case sorts first.",
		".hidden.txt":          "Hidden.",
		".git/objects/x.txt":   "Hidden directory.",
		"notes.pdf":            "Unknown extension.",
		"README":               "No extension.",
		"sub/deeper/last.TXT":  "Extension case does not matter.",
		"sub/.cache/inner.txt": "Hidden directory inside.",
	})
	docs, errs, err := reader.Read(context.Background(), []string{root}, reader.Options{})
	require.NoError(t, err)
	require.Len(t, errs, 1, "one line names the files not read, by kind")
	assert.Equal(t, model.InputError{Path: root, Error: "1 .pdf file, 1 file without an extension: skipped; see --help for the formats read", Warning: true}, errs[0])
	assert.Equal(t, []string{"C.txt", "a.md", "b.txt", "j1", "c/d.jsonl:2", "c/z.html", "sub/deeper/last.TXT"}, ids(docs))
	assert.Equal(t, filepath.Join(root, "c", "d.jsonl"), docs[3].Path, "Path is the file as opened")
	assert.Equal(t, filepath.Join(root, "a.md"), docs[1].Path)
	assert.Equal(t, "A", docs[1].Title)
}

func TestReadSeedDirectory(t *testing.T) {
	docs, errs, err := reader.Read(context.Background(), []string{"../../testdata/seeds"}, reader.Options{})
	require.NoError(t, err)
	assert.Empty(t, errs)
	require.Len(t, docs, 5)
	assert.Equal(t, "000_ab9c95a0605b7d73.txt", docs[0].ID)
	for _, d := range docs {
		data, err := os.ReadFile(d.Path)
		require.NoError(t, err)
		assert.Equal(t, string(data[d.TextOffset:]), d.Text, d.ID)
	}
}

func TestReadFileArguments(t *testing.T) {
	root := writeTree(t, map[string]string{"x/a.txt": "A.", "x/notes.log": "Named explicitly, read as text."})
	t.Chdir(root)
	docs, errs, err := reader.Read(context.Background(), []string{"./x//a.txt", "x/notes.log", "missing.txt", "x/../x/a.txt"}, reader.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"x/a.txt", "x/notes.log"}, ids(docs), "a file argument's id is its cleaned path")
	assert.Equal(t, "./x//a.txt", docs[0].Path, "Path is the path as opened")
	require.Len(t, errs, 2)
	assert.Equal(t, "missing.txt", errs[0].Path)
	assert.False(t, errs[0].Warning)
	assert.Contains(t, errs[0].Error, "no such file")
	assert.Equal(t, "x/../x/a.txt", errs[1].Path)
	assert.True(t, errs[1].Warning)
	assert.Contains(t, errs[1].Error, "same file")
}

func TestReadDuplicateIDs(t *testing.T) {
	root := writeTree(t, map[string]string{
		"one.jsonl": `{"id":"a","text":"First a."}` + "\n" + `{"id":"b","text":"First b."}` + "\n" + `{"id":"a","text":"Second a, same file."}` + "\n",
		"two.jsonl": `{"id":"b","text":"Second b."}` + "\n" + `{"id":"one.jsonl:9","text":"Free."}` + "\n",
	})
	t.Chdir(root)
	docs, errs, err := reader.Read(context.Background(), []string{"one.jsonl", "two.jsonl"}, reader.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "one.jsonl:9"}, ids(docs))
	assert.Equal(t, "First a.", docs[0].Text, "the first is kept")
	assert.Equal(t, "First b.", docs[1].Text)
	require.Len(t, errs, 2)
	assert.Equal(t, model.InputError{Path: "one.jsonl", Line: 3, Error: `duplicate id "a", first read from one.jsonl:1: skipped`}, errs[0])
	assert.Equal(t, model.InputError{Path: "two.jsonl", Line: 1, Error: `duplicate id "b", first read from one.jsonl:2: skipped`}, errs[1])
}

func TestReadDuplicateIDsAcrossDirectories(t *testing.T) {
	root := writeTree(t, map[string]string{"siteA/story.txt": "From A.", "siteB/story.txt": "From B."})
	docs, errs, err := reader.Read(context.Background(), []string{filepath.Join(root, "siteA"), filepath.Join(root, "siteB")}, reader.Options{})
	require.NoError(t, err)
	require.Len(t, docs, 2, "both files are read")
	assert.Equal(t, "From A.", docs[0].Text)
	assert.Equal(t, "story.txt", docs[0].ID)
	assert.Equal(t, "From B.", docs[1].Text)
	assert.Equal(t, filepath.ToSlash(filepath.Join(root, "siteB", "story.txt")), docs[1].ID, "the later one takes its path as id")
	require.Len(t, errs, 1)
	assert.True(t, errs[0].Warning)
	assert.Contains(t, errs[0].Error, `id "story.txt" is already used`)
}

func TestReadStdin(t *testing.T) {
	tests := []struct {
		name    string
		format  reader.Format
		in      string
		wantIDs []string
		want    string
	}{
		{"text by default", "", " date 2017-06-09 From a pipe.", []string{"-"}, "From a pipe."},
		{"markdown", reader.FormatMarkdown, "---\ntitle: T\n---\nBody.", []string{"-"}, "Body."},
		{"json lines keep their ids", reader.FormatJSONL, `{"id":"p1","text":"One."}` + "\n" + `{"text":"Two."}`, []string{"p1", "-:2"}, "One."},
		{"html", reader.FormatHTML, page("", ""), []string{"-"}, "This paragraph"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := reader.Options{Stdin: strings.NewReader(tt.in), StdinFormat: tt.format}
			docs, errs, err := reader.Read(context.Background(), []string{"-"}, opt)
			require.NoError(t, err)
			assert.Empty(t, errs)
			assert.Equal(t, tt.wantIDs, ids(docs))
			assert.Equal(t, "-", docs[0].Path)
			assert.True(t, strings.HasPrefix(docs[0].Text, tt.want), docs[0].Text)
		})
	}
	t.Run("named twice", func(t *testing.T) {
		opt := reader.Options{Stdin: strings.NewReader("Once.")}
		docs, errs, err := reader.Read(context.Background(), []string{"-", "-"}, opt)
		require.NoError(t, err)
		assert.Equal(t, []string{"-"}, ids(docs))
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Error, "more than once")
	})
}

func TestReadSymlinks(t *testing.T) {
	root := writeTree(t, map[string]string{"d/a.txt": "A.", "d/sub/b.txt": "B."})
	requireSymlink(t, "..", filepath.Join(root, "d", "sub", "loop"))         // a loop back up
	requireSymlink(t, "a.txt", filepath.Join(root, "d", "alias.txt"))        // the same file twice
	requireSymlink(t, "nowhere.txt", filepath.Join(root, "d", "broken.txt")) // dangling
	docs, errs, err := reader.Read(context.Background(), []string{filepath.Join(root, "d")}, reader.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.txt", "sub/b.txt"}, ids(docs))
	require.Len(t, errs, 3, "%v", errs)
	for _, e := range errs {
		assert.True(t, e.Warning, e.Error)
	}
	assert.Contains(t, errs[0].Error, "same file as \"a.txt\"")
	assert.Contains(t, errs[1].Error, "broken symbolic link")
	assert.Contains(t, errs[2].Error, "directory already read")
}

func requireSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

func TestReadUnreadableFileDoesNotStopOthers(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	root := writeTree(t, map[string]string{"a.txt": "A.", "b.txt": "B.", "c.txt": "C."})
	require.NoError(t, os.Chmod(filepath.Join(root, "b.txt"), 0))
	docs, errs, err := reader.Read(context.Background(), []string{root}, reader.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.txt", "c.txt"}, ids(docs))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error, "permission denied")
}

func TestReadOrderIsDeterministic(t *testing.T) {
	files := map[string]string{}
	for i := range 200 {
		files[filepath.Join("d", string(rune('a'+i%26)), strings.Repeat("x", i%7+1)+".txt")] = "Text."
	}
	root := writeTree(t, files)
	first, _, err := reader.Read(context.Background(), []string{root}, reader.Options{})
	require.NoError(t, err)
	for range 5 {
		again, _, err := reader.Read(context.Background(), []string{root}, reader.Options{})
		require.NoError(t, err)
		assert.Equal(t, ids(first), ids(again))
	}
	assert.IsNonDecreasing(t, ids(first))
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	docs, errs, err := reader.Read(ctx, []string{"../../testdata/seeds"}, reader.Options{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, docs)
	assert.Nil(t, errs)
}

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.String()
}

// TestReadGzipped: a gzip-compressed file (its format named before
// ".gz") reads as its content, whole and streamed, in a directory or
// named; a corrupt one is an error naming it, and the others go on.
func TestReadGzipped(t *testing.T) {
	lines := `{"id":"j1","text":"One."}` + "\n" + `{"text":"Two."}` + "\n"
	root := writeTree(t, map[string]string{
		"plain/d.jsonl": lines,
		"plain/a.txt":   "Ay.",
		"gz/d.jsonl.gz": gz(t, lines),
		"gz/a.txt.gz":   gz(t, "Ay."),
		"bad.jsonl.gz":  "not gzip at all",
		"cut.jsonl.gz":  gz(t, lines)[:30],
	})
	plain, errs, err := reader.Read(context.Background(), []string{filepath.Join(root, "plain")}, reader.Options{})
	require.NoError(t, err)
	require.Empty(t, errs)
	packed, errs, err := reader.Read(context.Background(), []string{filepath.Join(root, "gz")}, reader.Options{})
	require.NoError(t, err)
	require.Empty(t, errs)
	assert.Equal(t, []string{"a.txt.gz", "j1", "d.jsonl.gz:2"}, ids(packed))
	require.Len(t, packed, len(plain))
	for i := range plain {
		assert.Equal(t, plain[i].Text, packed[i].Text)
	}
	var streamed []model.Document
	errs, err = reader.Stream(context.Background(), []string{filepath.Join(root, "gz", "d.jsonl.gz")}, reader.Options{}, func(d []model.Document) error {
		streamed = append(streamed, d...)
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, errs)
	assert.Equal(t, []string{"j1", filepath.Join(root, "gz", "d.jsonl.gz") + ":2"}, ids(streamed))

	for _, name := range []string{"bad.jsonl.gz", "cut.jsonl.gz"} {
		path := filepath.Join(root, name)
		docs, errs, err := reader.Read(context.Background(), []string{path, filepath.Join(root, "plain", "a.txt")}, reader.Options{})
		require.NoError(t, err)
		assert.Equal(t, []string{filepath.Join(root, "plain", "a.txt")}, ids(docs), "%s: the other file is read", name)
		require.Len(t, errs, 1, name)
		assert.Equal(t, path, errs[0].Path)
		assert.False(t, errs[0].Warning, "%s: a lost input is an error", name)
		errs, err = reader.Stream(context.Background(), []string{path}, reader.Options{}, func([]model.Document) error { return nil })
		require.NoError(t, err)
		require.Len(t, errs, 1, name)
		assert.Equal(t, path, errs[0].Path)
	}
}
