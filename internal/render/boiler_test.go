package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
)

// withBoilerplate is the hostile report with a footer left out as
// boilerplate, its text trying to break out of the HTML too.
func withBoilerplate() (*model.Report, []model.Document) {
	rep, docs := hostile()
	footer := strings.Repeat("All rights reserved by the <b>publisher</b> of this fine newspaper. ", 8)
	rep.Limits = &model.Limits{Boilerplate: []model.Boilerplate{{Text: footer, Documents: 5000}}, HotBuckets: 7}
	return rep, docs
}

func TestTextBoilerplate(t *testing.T) {
	rep, docs := withBoilerplate()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs, Width: 80}.Text(&buf, rep))
	out := buf.String()
	assert.Contains(t, out, "\nBoilerplate (passages in so many documents that they are left out")
	assert.Contains(t, out, "\n  in 5000 documents\n      All rights reserved by the <b>publisher</b>")
	assert.Equal(t, 1, strings.Count(out, "in 5000 documents"), "listed once")
	assert.Contains(t, out, "7 lookups hit a bucket")
	i := strings.Index(out, "in 5000 documents")
	assert.LessOrEqual(t, strings.Count(out[i:strings.Index(out, "7 lookups")], "\n"), 1+textBoilerplateLines, "a long passage is cut")
	for _, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, displayWidth(l), 80, l)
	}

	buf.Reset()
	rep.Limits = nil
	require.NoError(t, Renderer{Docs: docs}.Text(&buf, rep))
	assert.NotContains(t, buf.String(), "Boilerplate")
}

func TestHTMLBoilerplate(t *testing.T) {
	rep, docs := withBoilerplate()
	var buf bytes.Buffer
	require.NoError(t, Renderer{Docs: docs}.HTML(&buf, rep))
	out := buf.String()
	assert.Contains(t, out, `<a href="#boilerplate">Boilerplate</a>`)
	assert.Contains(t, out, `<section id="boilerplate">`)
	assert.Contains(t, out, `<span class="meta">in 5,000 documents</span>`)
	assert.Contains(t, out, "All rights reserved by the &lt;b&gt;publisher&lt;/b&gt;")
	assert.Contains(t, out, "7 lookups hit a bucket")

	buf.Reset()
	rep.Limits = nil
	require.NoError(t, Renderer{Docs: docs}.HTML(&buf, rep))
	assert.NotContains(t, buf.String(), `id="boilerplate"`)
}
