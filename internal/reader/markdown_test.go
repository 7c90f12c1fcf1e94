package reader_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

func TestParseMarkdown(t *testing.T) {
	type want struct {
		text, title, source, url, date string
		gran                           model.Granularity
		lines                          int
		warnLine                       int    // line of the one warning expected, if any
		warn                           string // substring of it
	}
	tests := []struct {
		name string
		in   string
		want want
	}{
		{
			name: "full front matter",
			in:   "---\ntitle: Khan calls for visit to be cancelled\ndate: 2017-06-09\nsource: Reuters\nurl: https://example.com/a\ntags: [politics]\n---\nBody text.\n",
			want: want{text: "Body text.\n", title: "Khan calls for visit to be cancelled", source: "Reuters", url: "https://example.com/a", date: "2017-06-09", gran: model.GranularityDay, lines: 7},
		},
		{
			name: "unquoted datetime keeps minute granularity and zone",
			in:   "---\ndate: 2017-06-09T14:05+01:00\n---\nBody.",
			want: want{text: "Body.", date: "2017-06-09T14:05+01:00", gran: model.GranularityMinute, lines: 3},
		},
		{
			name: "quoted datetime with seconds",
			in:   "---\ndate: \"2017-06-09 14:05:31\"\n---\nBody.",
			want: want{text: "Body.", date: "2017-06-09T14:05:31Z", gran: model.GranularitySecond, lines: 3},
		},
		{
			name: "YAML-only timestamp form is read through time.Time",
			in:   "---\ndate: 2017-6-9\n---\nBody.",
			want: want{text: "Body.", date: "2017-06-09", gran: model.GranularityDay, lines: 3},
		},
		{
			name: "no front matter",
			in:   "# Heading\n\nBody.\n",
			want: want{text: "# Heading\n\nBody.\n"},
		},
		{
			name: "thematic break later in the body is not front matter",
			in:   "Body.\n\n---\n\nMore.\n",
			want: want{text: "Body.\n\n---\n\nMore.\n"},
		},
		{
			name: "CRLF line endings",
			in:   "---\r\ntitle: T\r\n---\r\nBody.\r\n",
			want: want{text: "Body.\r\n", title: "T", lines: 3},
		},
		{
			name: "closing with the YAML end-of-document marker",
			in:   "---\ntitle: T\n...\nBody.",
			want: want{text: "Body.", title: "T", lines: 3},
		},
		{
			name: "empty front matter",
			in:   "---\n---\nBody.",
			want: want{text: "Body.", lines: 2},
		},
		{
			name: "byte order mark before front matter",
			in:   "\uFEFF---\ntitle: T\n---\nBody.",
			want: want{text: "Body.", title: "T", lines: 3},
		},
		{
			name: "upper-case keys and unknown keys",
			in:   "---\nTitle: T\nauthor: Jane\nlayout: post\n---\nBody.",
			want: want{text: "Body.", title: "T", lines: 5},
		},
		{
			name: "unclosed front matter is read as body",
			in:   "---\ntitle: T\nBody.\n",
			want: want{text: "---\ntitle: T\nBody.\n", warnLine: 1, warn: "no closing"},
		},
		{
			name: "invalid YAML names the file line",
			in:   "---\ntitle: T\nsource: a: b\n---\nBody.",
			want: want{text: "Body.", lines: 4, warnLine: 3, warn: "mapping values are not allowed"},
		},
		{
			name: "front matter that is not a mapping",
			in:   "---\n- a\n- b\n---\nBody.",
			want: want{text: "Body.", lines: 4, warnLine: 2, warn: "not a mapping"},
		},
		{
			name: "unparsable date names its line",
			in:   "---\ntitle: T\ndate: last Tuesday\n---\nBody.",
			want: want{text: "Body.", title: "T", lines: 4, warnLine: 3, warn: "last Tuesday"},
		},
		{
			name: "title that is a list is ignored",
			in:   "---\ntitle:\n  - a\n---\nBody.",
			want: want{text: "Body.", lines: 4, warnLine: 3, warn: "title"},
		},
		{
			name: "numeric title is kept as written",
			in:   "---\ntitle: 1984\n---\nBody.",
			want: want{text: "Body.", title: "1984", lines: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("a.md", []byte(tt.in), reader.FormatMarkdown, reader.Fields{})
			if tt.want.warn != "" {
				require.Len(t, errs, 1, "%v", errs)
				assert.True(t, errs[0].Warning)
				assert.Equal(t, "a.md", errs[0].Path)
				assert.Equal(t, tt.want.warnLine, errs[0].Line)
				assert.Contains(t, errs[0].Error, tt.want.warn)
			} else {
				assert.Empty(t, errs)
			}
			require.Len(t, docs, 1)
			d := docs[0]
			assert.Equal(t, tt.want.text, d.Text)
			assert.Equal(t, tt.in[d.TextOffset:], d.Text, "file[TextOffset:] must be Text")
			assert.Equal(t, tt.want.lines, d.LineOffset)
			assert.Equal(t, strings.Count(tt.in[:d.TextOffset], "\n"), d.LineOffset)
			assert.Equal(t, tt.want.title, d.Title)
			assert.Equal(t, tt.want.source, d.Source)
			assert.Equal(t, tt.want.url, d.URL)
			assert.Equal(t, tt.want.date, d.Date.String())
			assert.Equal(t, tt.want.gran, d.Date.Granularity)
		})
	}
}

func TestParseMarkdownEmptyBodyIsSkipped(t *testing.T) {
	docs, errs := reader.Parse("a.md", []byte("---\ntitle: T\n---\n \n\t\n"), reader.FormatMarkdown, reader.Fields{})
	assert.Empty(t, docs)
	require.Len(t, errs, 1)
	assert.True(t, errs[0].Warning)
	assert.Contains(t, errs[0].Error, "empty")
}
