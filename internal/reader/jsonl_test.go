package reader_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

func TestParseJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"First article.","title":"A","date":"2017-06-09T14:05Z","source":"Reuters","url":"https://example.com/a"}`,
		``,
		`{"id":"b","text":"Broken" `, // 3: malformed
		`   `,
		`{"text":"No id here."}`,         // 5: id made up
		`{"id":"d","title":"no text"}`,   // 6: skipped
		`{"id":"e","text":"   "}`,        // 7: skipped
		`["not","an","object"]`,          // 8: not an object
		`{"id":42,"text":"Numeric id."}`, // 9
		`{"id":"g","text":"Bad date.","date":"soon"}`,                 // 10: warning, undated
		`{"id":"h","text":"Bad title.","title":["x"]}`,                // 11: warning, no title
		`{"id":"i","text":7}`,                                         // 12: text not a string
		`{"id":{"x":1},"text":"Object id."}`,                          // 13: warning, made-up id
		"{\"id\":\"j\",\"text\":\"Windows line end.\"}\r",             // 14
		`{"id":"k","text":"Escapes: \"quoted\" \u00e9 \n new line."}`, // 15
	}, "\n")
	docs, errs := reader.Parse("corpus.jsonl", []byte(in), reader.FormatJSONL, reader.Fields{})

	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
		assert.Zero(t, d.TextOffset, "JSON Lines offsets are into the decoded text")
		assert.Equal(t, "corpus.jsonl", d.Path)
	}
	assert.Equal(t, []string{"a", "corpus.jsonl:5", "42", "g", "h", "corpus.jsonl:13", "j", "k"}, ids)

	a := docs[0]
	assert.Equal(t, "First article.", a.Text)
	assert.Equal(t, "A", a.Title)
	assert.Equal(t, "Reuters", a.Source)
	assert.Equal(t, "https://example.com/a", a.URL)
	assert.Equal(t, "2017-06-09T14:05Z", a.Date.String())
	assert.Equal(t, model.GranularityMinute, a.Date.Granularity)
	assert.True(t, docs[3].Date.IsZero())
	assert.Empty(t, docs[4].Title)
	assert.Equal(t, "Escapes: \"quoted\" é \n new line.", docs[7].Text)

	type problem struct {
		line    int
		warning bool
		msg     string
	}
	want := []problem{
		{3, false, "malformed JSON"},
		{6, true, `no "text"`},
		{7, true, `no "text"`},
		{8, false, "not a JSON object"},
		{10, true, `"soon"`},
		{11, true, `"title" is not a string`},
		{12, false, `"text" is not a string`},
		{13, true, `using id "corpus.jsonl:13"`},
	}
	require.Len(t, errs, len(want), "%v", errs)
	for i, w := range want {
		assert.Equal(t, "corpus.jsonl", errs[i].Path)
		assert.Equal(t, w.line, errs[i].Line, "error %d: %v", i, errs[i])
		assert.Equal(t, w.warning, errs[i].Warning, "error %d: %v", i, errs[i])
		assert.Contains(t, errs[i].Error, w.msg)
	}
}

func TestParseJSONLCustomFields(t *testing.T) {
	in := `{"guid":"x1","body":"Text in body.","headline":"H","published":"2017-06-09","outlet":"AP","link":"https://e.com","text":"ignored"}`
	fields := reader.Fields{ID: "guid", Text: "body", Title: "headline", Date: "published", Source: "outlet", URL: "link"}
	docs, errs := reader.Parse("c.jsonl", []byte(in), reader.FormatJSONL, fields)
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	assert.Equal(t, model.Document{
		ID: "x1", Path: "c.jsonl", Text: "Text in body.", Title: "H", Source: "AP", URL: "https://e.com",
		Date: model.Date{Time: time.Date(2017, 6, 9, 0, 0, 0, 0, time.UTC), Granularity: model.GranularityDay},
	}, docs[0])

	// Only the fields that are set change; the others keep their defaults.
	docs, errs = reader.Parse("c.jsonl", []byte(`{"id":"y","body":"B.","title":"T"}`), reader.FormatJSONL, reader.Fields{Text: "body"})
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	assert.Equal(t, "y", docs[0].ID)
	assert.Equal(t, "T", docs[0].Title)
}

func TestParseJSONLOnlyBlankLines(t *testing.T) {
	docs, errs := reader.Parse("c.jsonl", []byte("\n  \n\n"), reader.FormatJSONL, reader.Fields{})
	assert.Empty(t, docs)
	require.Len(t, errs, 1)
	assert.True(t, errs[0].Warning)
	assert.Contains(t, errs[0].Error, "empty")
}

func TestParseJSONLFiftyMegabyteLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB line")
	}
	const size = 50 << 20
	word := []byte("recycled ")
	var b bytes.Buffer
	b.Grow(size + 200)
	b.WriteString(`{"id":"before","text":"short one"}` + "\n")
	b.WriteString(`{"id":"big","text":"`)
	for b.Len() < size {
		b.Write(word)
	}
	b.WriteString(`end"}` + "\n")
	b.WriteString(`{"id":"after","text":"short two"}` + "\n")

	start := time.Now()
	docs, errs := reader.Parse("big.jsonl", b.Bytes(), reader.FormatJSONL, reader.Fields{})
	elapsed := time.Since(start)
	t.Logf("parsed %d MB in %v", b.Len()>>20, elapsed)

	require.Empty(t, errs)
	require.Len(t, docs, 3)
	assert.Equal(t, []string{"before", "big", "after"}, []string{docs[0].ID, docs[1].ID, docs[2].ID})
	assert.Greater(t, len(docs[1].Text), size-100)
	assert.True(t, strings.HasSuffix(docs[1].Text, "recycled end"))
	assert.Less(t, elapsed, 20*time.Second, "reading must stay linear in the line length")
}
