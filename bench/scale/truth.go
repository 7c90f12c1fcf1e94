package scale

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Kinds of planted text.
const (
	// KindCopy is a paragraph or passage copied from a source document.
	KindCopy = "copy"
	// KindBoilerplate is a document's footer, traced to the first
	// document's (ShapeNearBoiler, ShapeBoiler).
	KindBoilerplate = "boilerplate"
)

// Planted is one line of the truth: text of Source copied into Copy. Spans
// are byte offsets, half-open, into the documents' decoded text, so that
// Copy's text[CopyStart:CopyEnd] is Source's text[SourceStart:SourceEnd]
// with Edits applied.
type Planted struct {
	Kind        string `json:"kind"`
	Source      string `json:"source"`
	SourceStart int    `json:"source_start"`
	SourceEnd   int    `json:"source_end"`
	Copy        string `json:"copy"`
	CopyStart   int    `json:"copy_start"`
	CopyEnd     int    `json:"copy_end"`
	// Edits lists the words changed, in order.
	Edits []Edit `json:"edits,omitempty"`
}

// Edit is one word of a copy replaced by another.
type Edit struct {
	// At is the byte offset of To in the copy document's text.
	At   int    `json:"at"`
	From string `json:"from"`
	To   string `json:"to"`
}

// ReadTruth reads a truth written by Generate: one Planted a line.
func ReadTruth(r io.Reader) ([]Planted, error) {
	var out []Planted
	dec := json.NewDecoder(bufio.NewReader(r))
	for n := 1; ; n++ {
		var p Planted
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("scale: reading truth: record %d: %w", n, err)
		}
		out = append(out, p)
	}
}
