package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/reprint-dev/reprint"
)

// Formats lists the formats Write knows.
var Formats = []string{"text", "json"}

// Write renders rep in format to w.
func Write(w io.Writer, format string, rep *reprint.Report) error {
	switch format {
	case "json":
		return JSON(w, rep)
	case "text", "":
		return Text(w, rep)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// JSON writes the report as indented JSON. Article text is not
// HTML-escaped: the output is for programs and people, not for pasting
// into a page.
func JSON(w io.Writer, rep *reprint.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// Text writes a plain, stable summary: the counts, then each cluster with
// its copies (document, line, byte span, date) and the passage text.
func Text(w io.Writer, rep *reprint.Report) error {
	words, reused := 0, 0.0
	for _, d := range rep.Documents {
		words += d.Words
		reused += d.ReusedFraction * float64(d.Words)
	}
	dates := make(map[string]string, len(rep.Documents))
	for _, d := range rep.Documents {
		dates[d.ID] = d.Date
	}
	ew := &errWriter{w: w}
	ew.printf("reprint: %d documents, %d clusters of recycled passages, %d document pairs; %.1f%% of all words recycled\n",
		len(rep.Documents), len(rep.Clusters), len(rep.DocPairs), 100*ratio(reused, float64(words)))
	for _, c := range rep.Clusters {
		ew.printf("\n%s  %d copies", c.ID, len(c.Passages))
		if c.Earliest != nil {
			ew.printf(", earliest %s", *c.Earliest)
		}
		ew.printf("\n")
		for _, p := range c.Passages {
			ew.printf("  %s:%d  bytes %d-%d", p.Doc, p.Line, p.Start, p.End)
			if d := dates[p.Doc]; d != "" {
				ew.printf("  %s", d)
			}
			ew.printf("\n    %s\n", oneLine(p.Text))
		}
	}
	if len(rep.Errors) > 0 {
		ew.printf("\n%d input problem(s):\n", len(rep.Errors))
		for _, e := range rep.Errors {
			loc := e.Path
			if e.Line > 0 {
				loc = fmt.Sprintf("%s:%d", e.Path, e.Line)
			}
			kind := "error"
			if e.Warning {
				kind = "warning"
			}
			ew.printf("  %s: %s: %s\n", kind, loc, e.Error)
		}
	}
	return ew.err
}

// oneLine folds a passage's line breaks so each copy reads as one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}
