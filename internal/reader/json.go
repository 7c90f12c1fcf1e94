package reader

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/reprint-dev/reprint/internal/model"
)

// parseJSON reads a .json file, which news exports use for two shapes: an
// array of stories ([{"id": …, "text": …}, …]), each element read as a
// JSON Lines record is, its line the line the element starts on; or
// JSON Lines under the other extension. A file that is neither (a single
// object that is not a story, a configuration file) is named as skipped.
// data is valid UTF-8.
func parseJSON(in input, data []byte, fields Fields) ([]record, []model.InputError) {
	body := bytes.TrimSpace(bytes.TrimPrefix(data, bom))
	if len(body) == 0 {
		return nil, []model.InputError{warning(in.path, 0, "empty document: skipped")}
	}
	if body[0] != '[' {
		if body[0] == '{' && bytes.Count(body, []byte{'\n'}) > 0 && json.Valid(body) {
			// One object over several lines: a story, or some other JSON.
			rec, errs := parseJSONLine(in, lineAt(data, bytes.IndexByte(data, '{')), body, fields.withDefaults())
			if rec == nil {
				return nil, errs
			}
			return []record{*rec}, errs
		}
		if body[0] == '{' {
			return parseJSONL(in, data, fields)
		}
		return nil, []model.InputError{warning(in.path, 1, "neither an array of stories nor JSON Lines: skipped")}
	}
	return parseJSONArray(in, data, fields.withDefaults())
}

// parseJSONArray reads an array of stories element by element, so that a
// bad element costs that element and its line is named.
func parseJSONArray(in input, data []byte, fields Fields) ([]record, []model.InputError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the '['
		return nil, []model.InputError{failure(in.path, 1, "malformed JSON: %s: skipped", jsonError(err))}
	}
	var (
		recs []record
		errs []model.InputError
	)
	for dec.More() {
		// InputOffset is before the comma; the element starts at the
		// first byte past it and the white space.
		start := int(dec.InputOffset())
		for start < len(data) && (data[start] == ',' || isJSONSpace(data[start])) {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			line := lineAt(data, start)
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return recs, append(errs, failure(in.path, line, "the array is cut short: the rest is lost"))
			}
			return recs, append(errs, failure(in.path, line, "malformed JSON: %s: the rest of the array is lost", jsonError(err)))
		}
		rec, more := parseJSONLine(in, lineAt(data, start), raw, fields)
		errs = append(errs, more...)
		if rec != nil {
			recs = append(recs, *rec)
		}
	}
	if len(recs) == 0 && len(errs) == 0 {
		errs = append(errs, warning(in.path, 0, "empty array: skipped"))
	}
	return recs, errs
}

func isJSONSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
