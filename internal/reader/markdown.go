package reader

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/reprint-dev/reprint/internal/model"
)

// parseMarkdown reads a Markdown article with optional YAML front matter
// between "---" lines (the closing line may also be "...", YAML's end of
// document). The body is kept as written, markup included, so that offsets
// into it are offsets into the file. data is valid UTF-8.
func parseMarkdown(in input, data []byte) ([]record, []model.InputError) {
	start := 0
	if bytes.HasPrefix(data, bom) {
		start = len(bom)
	}
	doc := model.Document{ID: in.id, Path: in.path, TextOffset: start}
	var errs []model.InputError
	if yamlStart, yamlEnd, body, ok := frontMatter(data, start); ok {
		errs = readFrontMatter(in.path, data[yamlStart:yamlEnd], &doc)
		doc.TextOffset = body
	} else if yamlStart > 0 {
		errs = append(errs, warning(in.path, 1, "front matter has no closing \"---\" line: read as body"))
	}
	doc.LineOffset = bytes.Count(data[:doc.TextOffset], []byte{'\n'})
	doc.Text = string(data[doc.TextOffset:])
	if isBlank(doc.Text) {
		return nil, append(errs, warning(in.path, 0, "empty document: skipped"))
	}
	return []record{{doc: doc}}, errs
}

// frontMatter finds the YAML between an opening "---" line at start and a
// closing "---" or "..." line, and where the body begins. When the opening
// line is there but no closing one, ok is false and yamlStart is non-zero.
func frontMatter(data []byte, start int) (yamlStart, yamlEnd, body int, ok bool) {
	line, next := nextLine(data, start)
	if string(bytes.TrimRight(line, " \t\r\n")) != "---" || !bytes.HasSuffix(line, []byte{'\n'}) {
		return 0, 0, 0, false
	}
	yamlStart = next
	for pos := next; pos < len(data); {
		line, next := nextLine(data, pos)
		if t := bytes.TrimRight(line, " \t\r\n"); string(t) == "---" || string(t) == "..." {
			return yamlStart, pos, next, true
		}
		pos = next
	}
	return yamlStart, 0, 0, false
}

// nextLine returns the line at pos, its newline included, and where the
// next one starts.
func nextLine(data []byte, pos int) ([]byte, int) {
	if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
		return data[pos : pos+i+1], pos + i + 1
	}
	return data[pos:], len(data)
}

// yamlLine finds the line number in a yaml error message.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// readFrontMatter sets doc's title, date, source and url from the front
// matter. It reads the YAML as a node tree rather than into a map so that
// a date keeps the precision it was written with (YAML would turn
// "2017-06-09" into midnight UTC) and problems can name their line. Front
// matter starts on the file's second line, hence the +1 on YAML lines.
func readFrontMatter(path string, src []byte, doc *model.Document) []model.InputError {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line, msg := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = n+1, msg[len(m[0]):]
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		return []model.InputError{warning(path, line, "front matter: %s; metadata ignored", msg)}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil // empty front matter
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return []model.InputError{warning(path, m.Line+1, "front matter is not a mapping of keys to values; metadata ignored")}
	}
	var errs []model.InputError
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i], m.Content[i+1]
		field := strings.ToLower(key.Value)
		switch field {
		case "title", "date", "source", "url":
		default:
			continue
		}
		if val.Kind == yaml.AliasNode && val.Alias != nil {
			val = val.Alias
		}
		if val.Kind != yaml.ScalarNode {
			errs = append(errs, warning(path, val.Line+1, "front matter: %s is not a single value; ignored", field))
			continue
		}
		if val.ShortTag() == "!!null" {
			continue
		}
		switch field {
		case "title":
			doc.Title = val.Value
		case "source":
			doc.Source = val.Value
		case "url":
			doc.URL = val.Value
		case "date":
			d, err := ParseDate(val.Value)
			if err != nil && val.ShortTag() == "!!timestamp" {
				// A YAML timestamp form ParseDate does not know, such as
				// "2017-6-9": let YAML read it.
				var t time.Time
				if val.Decode(&t) == nil {
					d, err = dateFromTime(t), nil
				}
			}
			if err != nil {
				errs = append(errs, warning(path, val.Line+1, "front matter: unparsable date %q: read undated", truncate(val.Value, 64)))
				continue
			}
			doc.Date = d
		}
	}
	return errs
}
