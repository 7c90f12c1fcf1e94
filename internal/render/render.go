package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
)

// DefaultWidth is the line width of the text views when none is given: a
// pipe, a file or a log.
const DefaultWidth = 100

// Renderer holds how a report is drawn. The zero Renderer draws plain text
// 100 columns wide and knows only what the report holds. A Renderer is not
// changed by rendering and may be shared between goroutines.
type Renderer struct {
	// Docs are the documents the report was made from, when at hand: they
	// give the HTML report its full-document views and the CSV its match
	// texts and lines. Documents the report does not name are ignored.
	Docs []model.Document
	// Color draws the text views with ANSI colour; leave it off unless
	// the output is a terminal that wants it.
	Color bool
	// Width is the text views' line width in columns (0: DefaultWidth).
	Width int
}

func (r Renderer) width() int {
	if r.Width <= 0 {
		return DefaultWidth
	}
	return max(r.Width, 40)
}

// Write renders rep in format to w with the zero Renderer.
func Write(w io.Writer, format string, rep *model.Report) error {
	return Renderer{}.Write(w, format, rep)
}

// JSON writes the report as indented JSON: the stable machine format of
// DESIGN.md. Article text is not HTML-escaped: the output is for programs
// and people, not for pasting into a page.
//
// The report's long lists (documents, document pairs, clusters, matches)
// are encoded an element at a time and written as they come, so that a
// report of a million documents is never held encoded in memory: the
// bytes are those of encoding the whole report and indenting it.
func JSON(w io.Writer, rep *model.Report) error {
	// Encoded compact, then indented by indentJSON: the same bytes as
	// the encoder's own indentation (SetIndent), in a fraction of the
	// time.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	lists := []struct {
		key  string
		n    int
		elem func(i int) any
	}{
		{"documents", len(rep.Documents), func(i int) any { return &rep.Documents[i] }},
		{"doc_pairs", len(rep.DocPairs), func(i int) any { return &rep.DocPairs[i] }},
		{"clusters", len(rep.Clusters), func(i int) any { return &rep.Clusters[i] }},
		{"matches", len(rep.Matches), func(i int) any { return &rep.Matches[i] }},
	}
	// The head: the report with its long lists empty, each list's place
	// then marked by its [].
	head := *rep
	head.Documents, head.DocPairs = emptied(head.Documents), emptied(head.DocPairs)
	head.Clusters, head.Matches = emptied(head.Clusters), emptied(head.Matches)
	if err := enc.Encode(&head); err != nil {
		return err
	}
	text := indentJSON(nil, buf.Bytes(), "  ")
	out := bufio.NewWriterSize(w, 64<<10)
	var elem []byte
	for _, l := range lists {
		if l.n == 0 {
			continue
		}
		// A raw line break is never inside a string: this is the
		// top-level key.
		mark := []byte("\n  \"" + l.key + "\": [")
		at := bytes.Index(text, mark)
		if at < 0 || !bytes.HasPrefix(text[at+len(mark):], []byte("]")) {
			return fmt.Errorf("render: no place for %s in the report", l.key)
		}
		out.Write(text[:at+len(mark)])
		text = text[at+len(mark):] // from the list's closing ]
		for i := range l.n {
			buf.Reset()
			if err := enc.Encode(l.elem(i)); err != nil {
				return err
			}
			if i > 0 {
				out.WriteByte(',')
			}
			out.WriteString("\n    ")
			elem = indentJSONAt(elem[:0], bytes.TrimSuffix(buf.Bytes(), []byte("\n")), "  ", 2)
			out.Write(elem)
		}
		out.WriteString("\n  ")
	}
	out.Write(text)
	return out.Flush()
}

// emptied returns an empty list in place of a long one, nil for nil (the
// report encodes them as [] and null).
func emptied[T any](list []T) []T {
	if list == nil {
		return nil
	}
	return []T{}
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
	// explained records the notes a text view has given once (a
	// derivation's legend), so that they are not repeated.
	explained map[string]bool
}

// once reports whether the note named key is given for the first time.
func (e *errWriter) once(key string) bool {
	if e.explained[key] {
		return false
	}
	if e.explained == nil {
		e.explained = map[string]bool{}
	}
	e.explained[key] = true
	return true
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// lines writes wrapped lines, each after indent.
func (e *errWriter) lines(indent string, ls []line) {
	for _, l := range ls {
		e.str(strings.TrimRight(indent+l.text, " ") + "\n")
	}
}

// pct formats a fraction as a percentage with one decimal.
func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// plural returns "1 copy" or "3 copies" style counts.
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
