package reader_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

func TestParseHTMLNewsPage(t *testing.T) {
	data, err := os.ReadFile("testdata/html/news.html")
	require.NoError(t, err)
	docs, errs := reader.Parse("news.html", data, reader.FormatHTML, reader.Fields{})
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	d := docs[0]

	assert.Equal(t, "news.html", d.ID)
	assert.Equal(t, "Khan calls for Trump state visit to be cancelled", d.Title)
	assert.Equal(t, "The Daily Ledger", d.Source)
	assert.Equal(t, "https://www.dailyledger.example/world/2017/jun/09/khan-trump-state-visit", d.URL)
	assert.Zero(t, d.TextOffset, "HTML offsets are into the extracted text")

	// article:published_time wins over JSON-LD, <time> and <meta name=date>.
	assert.Equal(t, model.GranularitySecond, d.Date.Granularity)
	assert.True(t, d.Date.HasZone)
	assert.True(t, time.Date(2017, 6, 9, 13, 5, 31, 0, time.UTC).Equal(d.Date.Time))
	assert.Equal(t, "2017-06-09T14:05:31+01:00", d.Date.String())

	paragraphs := strings.Split(d.Text, "\n\n")
	require.Len(t, paragraphs, 4, "paragraphs are separated by blank lines: %q", d.Text)
	assert.True(t, strings.HasPrefix(paragraphs[0], "London mayor Sadiq Khan has called"))
	assert.True(t, strings.HasPrefix(paragraphs[3], "Downing Street said"))
	for _, p := range paragraphs {
		assert.NotContains(t, p, "\n", "a paragraph is one line")
	}

	for _, junk := range []string{
		"Subscribe to our newsletter", "World news", // nav
		"Privacy policy", "All rights reserved", // footer
		"Most viewed", "pigeons", // sidebar
		"dataLayer", "trackPageview", "document.write", "Advertisement", // scripts
		"font-family", // style
		"NewsArticle", // JSON-LD
	} {
		assert.NotContains(t, d.Text, junk)
	}
}

// page wraps an article body long enough for readability to take it as
// the main content.
func page(head, extra string) string {
	body := strings.Repeat("<p>This paragraph is part of a long article about the mayor of London and a state visit, written to be long enough to be taken as the main content of the page.</p>\n", 4)
	return "<!DOCTYPE html><html><head><title>T</title>" + head + "</head><body><article>" + extra + body + "</article></body></html>"
}

func TestParseHTMLDateSources(t *testing.T) {
	tests := []struct {
		name     string
		head     string
		body     string
		want     string
		wantWarn string
	}{
		{
			name: "article:published_time first",
			head: `<meta property="article:published_time" content="2017-06-09T14:05:31Z"><meta name="date" content="2017-01-01">`,
			want: "2017-06-09T14:05:31Z",
		},
		{
			name: "JSON-LD datePublished",
			head: `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","datePublished":"2017-06-09T14:05+02:00"}]}</script><meta name="date" content="2017-01-01">`,
			want: "2017-06-09T14:05+02:00",
		},
		{
			name: "JSON-LD array",
			head: `<script type="application/ld+json">[{"@type":"NewsArticle","datePublished":"2017-06-09"}]</script>`,
			want: "2017-06-09",
		},
		{
			name: "time datetime marked as the publication date",
			body: `<time datetime="2016-01-01">old</time><time itemprop="datePublished" datetime="2017-06-09T14:05">9 June</time>`,
			want: "2017-06-09T14:05Z",
		},
		{
			name: "first time datetime",
			head: `<meta name="dc.date" content="2017-01-01">`,
			body: `<time datetime="2017-06-09">9 June</time>`,
			want: "2017-06-09",
		},
		{
			name: "og:published_time",
			head: `<meta property="og:published_time" content="2017-06-09T14:05:31+01:00">`,
			want: "2017-06-09T14:05:31+01:00",
		},
		{
			name: "dc.date in any case",
			head: `<meta name="DC.date" content="2017-06-09">`,
			want: "2017-06-09",
		},
		{
			name: "plain date meta",
			head: `<meta name="date" content="Fri, 09 Jun 2017 14:05:31 GMT">`,
			want: "2017-06-09T14:05:31Z",
		},
		{
			name: "an unparsable source gives way to the next",
			head: `<meta property="article:published_time" content="last week"><meta name="date" content="2017-06-09">`,
			want: "2017-06-09",
		},
		{
			name:     "no parsable date is a warning naming the line",
			head:     "\n<meta property=\"article:published_time\" content=\"last week\">",
			wantWarn: `"last week"`,
		},
		{
			name: "no date at all",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("p.html", []byte(page(tt.head, tt.body)), reader.FormatHTML, reader.Fields{})
			if tt.wantWarn != "" {
				require.Len(t, errs, 1)
				assert.True(t, errs[0].Warning)
				assert.Equal(t, 2, errs[0].Line)
				assert.Contains(t, errs[0].Error, tt.wantWarn)
			} else {
				assert.Empty(t, errs)
			}
			require.Len(t, docs, 1)
			assert.Equal(t, tt.want, docs[0].Date.String())
		})
	}
}

func TestParseHTMLCharsets(t *testing.T) {
	t.Run("declared windows-1252 is decoded without a warning", func(t *testing.T) {
		in := page(`<meta charset="windows-1252">`, "<p>Caf\xe9 society and the na\xefve mayor of the city, a long paragraph of article text for the test.</p>")
		docs, errs := reader.Parse("p.html", []byte(in), reader.FormatHTML, reader.Fields{})
		assert.Empty(t, errs)
		require.Len(t, docs, 1)
		assert.Contains(t, docs[0].Text, "Café society and the naïve mayor")
	})
	t.Run("undeclared invalid UTF-8 is repaired with a warning", func(t *testing.T) {
		in := page(`<meta charset="utf-8">`, "<p>Caf\xe9 society and the mayor of the city, a long paragraph of article text for the test.</p>")
		docs, errs := reader.Parse("p.html", []byte(in), reader.FormatHTML, reader.Fields{})
		require.Len(t, errs, 1)
		assert.True(t, errs[0].Warning)
		assert.Contains(t, errs[0].Error, "invalid UTF-8")
		assert.Equal(t, 1, errs[0].Line)
		require.Len(t, docs, 1)
		assert.Contains(t, docs[0].Text, "Caf? society")
	})
}

func TestParseHTMLWithoutArticleTextIsSkipped(t *testing.T) {
	for name, in := range map[string]string{
		"empty page":       "",
		"only white space": " \n\t ",
		"only a script":    "<script>var x = 1;</script>",
		"only a head":      "<html><head><title>x</title><style>p{}</style></head><body> </body></html>",
	} {
		t.Run(name, func(t *testing.T) {
			docs, errs := reader.Parse("p.html", []byte(in), reader.FormatHTML, reader.Fields{})
			assert.Empty(t, docs)
			require.Len(t, errs, 1)
			assert.True(t, errs[0].Warning)
			assert.Contains(t, errs[0].Error, "no article text")
		})
	}
}
