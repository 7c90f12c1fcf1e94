package reader_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/reader"
)

func TestInvalidUTF8IsRepairedInPlace(t *testing.T) {
	tests := []struct {
		name     string
		format   reader.Format
		in       string
		wantText string
		wantLine int
	}{
		{"text", reader.FormatText, "First line.\nCaf\xe9 and \xff\xfe bytes.\n", "First line.\nCaf? and ?? bytes.\n", 2},
		{"text after a date prefix", reader.FormatText, " date 2017-06-09 Caf\xe9.", "Caf?.", 1},
		{"truncated multi-byte sequence", reader.FormatText, "Dash \xe2\x80 end", "Dash ?? end", 1},
		{"markdown body", reader.FormatMarkdown, "---\ntitle: T\n---\nBody \xc3.", "Body ?.", 4},
		{"markdown front matter", reader.FormatMarkdown, "---\ntitle: T\xe9\n---\nBody.", "Body.", 2},
		{"json lines", reader.FormatJSONL, "{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\",\"text\":\"Caf\xe9\"}\n", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("f", []byte(tt.in), tt.format, reader.Fields{})
			require.Len(t, errs, 1)
			assert.True(t, errs[0].Warning)
			assert.Equal(t, tt.wantLine, errs[0].Line)
			assert.Contains(t, errs[0].Error, "invalid UTF-8")
			require.NotEmpty(t, docs)
			d := docs[len(docs)-1]
			assert.True(t, utf8.ValidString(d.Text))
			if tt.format != reader.FormatJSONL {
				assert.Equal(t, tt.wantText, d.Text)
				assert.Equal(t, len(tt.in)-d.TextOffset, len(d.Text), "repair keeps every byte offset")
			} else {
				assert.Equal(t, "Caf?", d.Text)
			}
		})
	}
}

func TestBinaryFilesAreSkipped(t *testing.T) {
	for _, f := range []reader.Format{reader.FormatText, reader.FormatMarkdown, reader.FormatJSONL, reader.FormatHTML} {
		t.Run(string(f), func(t *testing.T) {
			in := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
			docs, errs := reader.Parse("image", in, f, reader.Fields{})
			assert.Empty(t, docs)
			require.Len(t, errs, 1)
			assert.True(t, errs[0].Warning)
			assert.Contains(t, errs[0].Error, "binary data (4 of the first 16 bytes are NUL or control bytes, the first at offset 6)")
			assert.Zero(t, errs[0].Line)
		})
	}
	t.Run("a NUL after the first 8 KiB is not binary", func(t *testing.T) {
		in := make([]byte, 9000)
		for i := range in {
			in[i] = 'a'
		}
		in[8999] = 0
		docs, _ := reader.Parse("late-nul.txt", in, reader.FormatText, reader.Fields{})
		assert.Len(t, docs, 1)
	})
}

func TestEmptyDocumentsAreSkipped(t *testing.T) {
	tests := []struct {
		name   string
		format reader.Format
		in     string
	}{
		{"empty text", reader.FormatText, ""},
		{"white space only", reader.FormatText, " \n\t\r\n\u00a0 "},
		{"date prefix only", reader.FormatText, " date 2017-06-09 "},
		{"empty markdown", reader.FormatMarkdown, ""},
		{"front matter only", reader.FormatMarkdown, "---\ntitle: T\n---\n"},
		{"empty json lines", reader.FormatJSONL, ""},
		{"empty html", reader.FormatHTML, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("f", []byte(tt.in), tt.format, reader.Fields{})
			assert.Empty(t, docs)
			require.Len(t, errs, 1)
			assert.True(t, errs[0].Warning)
			assert.Equal(t, "f", errs[0].Path)
		})
	}
}

func TestFormatOf(t *testing.T) {
	tests := map[string]reader.Format{
		"a.txt": reader.FormatText, "A.TXT": reader.FormatText, "a.md": reader.FormatMarkdown,
		"a.markdown": reader.FormatMarkdown, "a.jsonl": reader.FormatJSONL, "a.ndjson": reader.FormatJSONL,
		"a.html": reader.FormatHTML, "dir/a.htm": reader.FormatHTML, "a.pdf": "", "README": "", "a.json": reader.FormatJSON,
	}
	for name, want := range tests {
		assert.Equal(t, want, reader.FormatOf(name), name)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]reader.Format{"": reader.FormatText, "txt": reader.FormatText, "markdown": reader.FormatMarkdown, "ndjson": reader.FormatJSONL, "htm": reader.FormatHTML} {
		got, err := reader.ParseFormat(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := reader.ParseFormat("pdf")
	assert.ErrorContains(t, err, `unknown format "pdf"`)
}

// A few stray control bytes in a text are kept, with a warning naming the
// first; only a block that is mostly control bytes is binary. The rule is
// the same for every reader, on the file or, for JSON Lines and HTML, on
// the text read from it.
func TestStrayControlBytesAreKept(t *testing.T) {
	body := strings.Repeat("Recycled words go on and on. ", 10) // 290 bytes
	withNUL := body + "\x00\x00\x00" + body                     // NULs at offset 290
	tests := []struct {
		name     string
		format   reader.Format
		in       string
		wantLine int
		wantOff  string
	}{
		{"text", reader.FormatText, "Head line\n" + withNUL, 2, "offset 300 of the file"},
		{"markdown", reader.FormatMarkdown, "---\ntitle: T\n---\n" + withNUL, 4, "offset 307 of the file"},
		{"json lines", reader.FormatJSONL, `{"id":"a","text":"ok"}` + "\n" + `{"id":"b","text":"` + strings.ReplaceAll(withNUL, "\x00", `\u0000`) + `"}`, 2, `offset 290 of "text"`},
		{"html", reader.FormatHTML, "<html><body><article><p>" + strings.ReplaceAll(withNUL, "\x00", "\x1b") + "</p></article></body></html>", 0, "of the article's text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("f", []byte(tt.in), tt.format, reader.Fields{})
			require.NotEmpty(t, docs, "the article is kept")
			require.Len(t, errs, 1)
			assert.True(t, errs[0].Warning)
			assert.Equal(t, tt.wantLine, errs[0].Line)
			assert.Contains(t, errs[0].Error, "3 stray control byte(s) kept")
			assert.Contains(t, errs[0].Error, tt.wantOff)
			d := docs[len(docs)-1]
			if tt.format == reader.FormatText || tt.format == reader.FormatMarkdown {
				assert.Equal(t, tt.in[d.TextOffset:], d.Text, "offsets stay exact")
			}
		})
	}
}

func TestBinaryTextsAreSkipped(t *testing.T) {
	bin := strings.Repeat("ab\x00\x01", 40)
	t.Run("json lines text", func(t *testing.T) {
		in := `{"id":"a","text":"ok"}` + "\n" + `{"id":"b","text":"` + strings.ReplaceAll(strings.ReplaceAll(bin, "\x00", `\u0000`), "\x01", `\u0001`) + `"}`
		docs, errs := reader.Parse("f", []byte(in), reader.FormatJSONL, reader.Fields{})
		require.Len(t, docs, 1)
		require.Len(t, errs, 1)
		assert.Equal(t, 2, errs[0].Line)
		assert.Contains(t, errs[0].Error, "binary data (80 of the first 160 bytes")
	})
	t.Run("a share just over 1/32 is binary, just under is text", func(t *testing.T) {
		over := strings.Repeat("a", 8192-257) + strings.Repeat("\x00", 257)
		docs, errs := reader.Parse("f", []byte(over), reader.FormatText, reader.Fields{})
		assert.Empty(t, docs)
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Error, "binary data")
		under := strings.Repeat("a", 8192-256) + strings.Repeat("\x00", 256)
		docs, _ = reader.Parse("f", []byte(under), reader.FormatText, reader.Fields{})
		assert.Len(t, docs, 1)
	})
}
