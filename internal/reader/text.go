package reader

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/reprint-dev/reprint/internal/model"
)

// datePrefix matches the seed articles' metadata prefix, " date 2017-06-09 "
// (the leading space optional), and the whitespace after it. The value must
// start like a year so that an article opening with "date night…" is left
// alone; whether it is a valid date is ParseDate's call.
var datePrefix = regexp.MustCompile(`^ ?date[ \t]+(\d{4}-\S*)(\s+|$)`)

// parseText reads a plain-text article. data is valid UTF-8.
func parseText(in input, data []byte) ([]record, []model.InputError) {
	off := 0
	if bytes.HasPrefix(data, bom) {
		off = len(bom)
	}
	doc := model.Document{ID: in.id, Path: in.path}
	var errs []model.InputError
	if m := datePrefix.FindSubmatchIndex(data[off:]); m != nil {
		value := string(data[off+m[2] : off+m[3]])
		d, err := ParseDate(value)
		if err != nil {
			errs = append(errs, warning(in.path, 1, "unparsable date %q in the date prefix: read undated", truncate(value, 64)))
		}
		doc.Date = d
		off += m[1]
	}
	doc.TextOffset = off
	doc.LineOffset = bytes.Count(data[:off], []byte{'\n'})
	doc.Text = string(data[off:])
	if isBlank(doc.Text) {
		return nil, append(errs, warning(in.path, 0, "empty document: skipped"))
	}
	return []record{{doc: doc, line: 0}}, errs
}

// isBlank reports whether s has nothing but white space.
func isBlank(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) < 0
}

// warning makes an InputError for an input that was repaired or harmlessly
// skipped.
func warning(path string, line int, format string, args ...any) model.InputError {
	return model.InputError{Path: path, Line: line, Error: fmt.Sprintf(format, args...), Warning: true}
}

// failure makes an InputError for an input, or part of one, that was lost.
func failure(path string, line int, format string, args ...any) model.InputError {
	return model.InputError{Path: path, Line: line, Error: fmt.Sprintf(format, args...)}
}
