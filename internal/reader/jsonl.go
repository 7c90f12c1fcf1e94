package reader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pool"
)

// Fields names the members of a JSON Lines record that hold each part of a
// document, for corpora exported with other names ("body", "published").
// An empty field takes its default, the lower-case name of the field.
type Fields struct {
	ID     string // default "id"
	Text   string // default "text"
	Title  string // default "title"
	Date   string // default "date"
	Source string // default "source"
	URL    string // default "url"
}

// withDefaults fills the empty fields.
func (f Fields) withDefaults() Fields {
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	return Fields{
		ID:     def(f.ID, "id"),
		Text:   def(f.Text, "text"),
		Title:  def(f.Title, "title"),
		Date:   def(f.Date, "date"),
		Source: def(f.Source, "source"),
		URL:    def(f.URL, "url"),
	}
}

// parseJSONL reads one JSON object a line. It splits the buffer itself
// rather than with bufio.Scanner, whose token limit would refuse a long
// article on one line; each line is decoded once, so the cost is linear in
// the input. A bad line is reported with its number and the rest is read.
// data is valid UTF-8. (Stream reads a JSON Lines file a chunk of lines at
// a time with the same steps.)
func parseJSONL(in input, data []byte, fields Fields) ([]record, []model.InputError) {
	data = bytes.TrimPrefix(data, bom)
	recs, errs := decodeLines(in, splitLines(data, 1, nil), fields)
	if len(recs) == 0 && len(errs) == 0 {
		errs = append(errs, warning(in.path, 0, "empty document: skipped"))
	}
	return recs, errs
}

// jsonLine is one non-blank line of a JSON Lines input and its number.
type jsonLine struct {
	no   int
	text []byte
}

// splitLines appends the non-blank lines of data, the first numbered
// first, to lines.
func splitLines(data []byte, first int, lines []jsonLine) []jsonLine {
	for pos, lineNo := 0, first; pos < len(data); lineNo++ {
		l, next := nextLine(data, pos)
		pos = next
		l = bytes.TrimRight(l, "\r\n")
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, jsonLine{lineNo, l})
		}
	}
	return lines
}

// decodeLines decodes lines on all cores: decoding dominates, and each
// line's result goes to its own slot, so records and problems keep file
// order.
func decodeLines(in input, lines []jsonLine, fields Fields) ([]record, []model.InputError) {
	fields = fields.withDefaults()
	type parsed struct {
		rec  *record
		errs []model.InputError
	}
	out := make([]parsed, len(lines))
	_ = pool.Run(context.Background(), len(lines), pool.Options{Chunk: 256}, func() func(int) {
		return func(i int) { out[i].rec, out[i].errs = parseJSONLine(in, lines[i].no, lines[i].text, fields) }
	})
	var (
		recs []record
		errs []model.InputError
	)
	for _, p := range out {
		errs = append(errs, p.errs...)
		if p.rec != nil {
			recs = append(recs, *p.rec)
		}
	}
	return recs, errs
}

func parseJSONLine(in input, lineNo int, line []byte, f Fields) (*record, []model.InputError) {
	if t := bytes.TrimSpace(line); t[0] != '{' {
		return nil, []model.InputError{failure(in.path, lineNo, "not a JSON object: skipped")}
	}
	var obj map[string]member
	if err := json.Unmarshal(line, &obj); err != nil {
		return nil, []model.InputError{failure(in.path, lineNo, "malformed JSON: %s: skipped", jsonError(err))}
	}
	var errs []model.InputError
	doc := model.Document{Path: in.path}

	text, ok, err := jsonString(obj[f.Text])
	switch {
	case err != nil:
		return nil, []model.InputError{failure(in.path, lineNo, "%q is %v: skipped", f.Text, err)}
	case !ok || isBlank(text):
		return nil, []model.InputError{warning(in.path, lineNo, "no %q or an empty one: skipped", f.Text)}
	}
	switch c := sniff(text); {
	case c.binary():
		return nil, []model.InputError{binaryWarning(in.path, lineNo, c)}
	case c.first >= 0:
		errs = append(errs, strayWarning(in.path, lineNo, c, fmt.Sprintf(" of %q", f.Text)))
	}
	doc.Text = text

	fallbackID := fmt.Sprintf("%s:%d", in.id, lineNo)
	idm := obj[f.ID]
	switch raw := bytes.TrimSpace(idm.raw); {
	case !idm.isStr && (len(raw) == 0 || string(raw) == "null"):
		doc.ID = fallbackID
	case !idm.isStr && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9'):
		doc.ID = string(raw) // a number keeps its spelling: 007 stays 007
	default:
		id, _, err := jsonString(idm)
		switch {
		case err != nil:
			errs = append(errs, warning(in.path, lineNo, "%q is %v: using id %q", f.ID, err, fallbackID))
			doc.ID = fallbackID
		case id == "":
			doc.ID = fallbackID
		default:
			doc.ID = id
		}
	}

	for _, m := range []struct {
		name string
		dst  *string
	}{{f.Title, &doc.Title}, {f.Source, &doc.Source}, {f.URL, &doc.URL}} {
		s, _, err := jsonString(obj[m.name])
		if err != nil {
			errs = append(errs, warning(in.path, lineNo, "%q is %v: ignored", m.name, err))
			continue
		}
		*m.dst = s
	}

	if s, ok, err := jsonString(obj[f.Date]); err != nil {
		errs = append(errs, warning(in.path, lineNo, "%q is %v: read undated", f.Date, err))
	} else if ok && strings.TrimSpace(s) != "" {
		d, err := ParseDate(s)
		if err != nil {
			errs = append(errs, warning(in.path, lineNo, "unparsable date %q in %q: read undated", truncate(s, 64), f.Date))
		}
		doc.Date = d
	}
	return &record{doc: doc, line: lineNo}, errs
}

// member is one member of a story's object: a string decoded once (a
// text of 50 MB is not held a second time as raw JSON), anything else
// kept as its JSON.
type member struct {
	str   string
	isStr bool
	raw   []byte
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *member) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		m.isStr = true
		return json.Unmarshal(b, &m.str)
	}
	m.raw = bytes.Clone(b)
	return nil
}

// jsonString returns a member that should be a string; ok is false when
// it is missing or null.
func jsonString(m member) (s string, ok bool, err error) {
	switch {
	case m.isStr:
		return m.str, true, nil
	case len(m.raw) == 0 || string(m.raw) == "null":
		return "", false, nil
	}
	return "", false, fmt.Errorf("not a string")
}

// jsonError rewords encoding/json's errors, which name Go types, for
// people who write JSON.
func jsonError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at column %d)", se.Error(), se.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
