package reader

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/reprint-dev/reprint/internal/model"
)

// Format is an input format, named by its usual file extension.
type Format string

// The formats Read knows. The zero Format is read as text.
const (
	FormatText     Format = "txt"
	FormatMarkdown Format = "md"
	FormatJSONL    Format = "jsonl"
	FormatJSON     Format = "json" // an array of stories, or JSON Lines
	FormatHTML     Format = "html"
)

// FormatOf returns the format a file name's extension stands for (case
// does not matter), or "" when the extension is not one Read knows. A
// gzip-compressed file (".gz" after the extension: stories.jsonl.gz) has
// the format of its content.
func FormatOf(name string) Format {
	if Gzipped(name) {
		name = name[:len(name)-len(".gz")]
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".text":
		return FormatText
	case ".md", ".markdown":
		return FormatMarkdown
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".json":
		return FormatJSON
	case ".html", ".htm":
		return FormatHTML
	}
	return ""
}

// ParseFormat reads a format name as a user would give it for standard
// input ("txt", "text", "md", "markdown", "jsonl", "ndjson", "json",
// "html", "htm"); "" means text.
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return FormatText, nil
	}
	if f := FormatOf("." + s); f != "" {
		return f, nil
	}
	return "", fmt.Errorf("reader: unknown format %q (want txt, md, jsonl, json or html)", s)
}

// Options configures Read. The zero value reads with the default JSON
// Lines field names and takes standard input as plain text.
type Options struct {
	// Fields names the JSON Lines members; empty ones take the defaults.
	Fields Fields
	// Stdin is read for the path "-"; nil means os.Stdin. It is read at
	// most once: a second "-" is reported as an error.
	Stdin io.Reader
	// StdinFormat is the format of "-" ("" means text), since standard
	// input has no extension to tell it by. ParseFormat checks a user's
	// spelling of it.
	StdinFormat Format
	// Now is the run's clock (nil: time.Now): a date more than a day
	// after it is warned about, unless TrustFutureDates.
	Now              func() time.Time
	TrustFutureDates bool
}

// futureWarnings warns about the records dated more than a day after the
// run's clock (model.FutureSlack): a wrong year or a placeholder, which
// provenance leaves out unless trusted.
func (o Options) futureWarnings(path string, recs []record) []model.InputError {
	if o.TrustFutureDates || len(recs) == 0 {
		return nil
	}
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	var errs []model.InputError
	for _, r := range recs {
		if r.doc.Date.IsFuture(now) {
			errs = append(errs, warning(path, r.line,
				"date %s is in the future (after %s): the document stays dated, but provenance does not use the date (--trust-future-dates uses it)",
				r.doc.Date, now.UTC().Format("2006-01-02")))
		}
	}
	return errs
}

// Read reads every path — a file, a directory (recursively) or "-" for
// standard input — and returns the documents in a deterministic order: the
// paths in the order given, a directory's files in lexical order, JSON
// Lines records in file order.
//
// Read never stops at a bad input: each problem is an InputError naming
// the path as opened and, where it applies, the line, and the other inputs
// go on. Warnings mark inputs that were repaired or harmlessly skipped
// (invalid UTF-8 replaced, stray control bytes kept, a binary or empty
// file, an unparsable date, which leaves the document undated); errors
// mark inputs that were lost (a missing path, a malformed JSON line, a
// duplicate id).
//
// Ids: a JSON Lines record's id (or "<file id>:<line>" when it has none);
// for a file named as a path, the path as written, cleaned; for a file
// found in a directory, its path relative to that directory; "-" for
// standard input. Ids use forward slashes. A later document whose id was
// already taken is dropped with an error; the first one is kept. A file
// reached twice (through a symlink, or named both directly and inside a
// directory) is read once.
//
// In directories, entries whose names start with "." are skipped, as are
// files with an extension Read does not know; a file named directly is read
// as text whatever its extension. Symlinks are followed, but a directory is
// never entered twice, so symlink loops end.
//
// Files are parsed concurrently. The returned error is non-nil only when
// ctx is cancelled; the results are then discarded.
func Read(ctx context.Context, paths []string, opt Options) ([]model.Document, []model.InputError, error) {
	tasks := plan(paths)
	results := make([]result, len(tasks))
	if err := runTasks(ctx, tasks, results, opt); err != nil {
		return nil, nil, err
	}

	c := newCollector(tasks)
	var (
		docs []model.Document
		errs []model.InputError
	)
	for i, r := range results {
		kept, taskErrs := c.add(i, r.recs, r.errs)
		docs = append(docs, kept...)
		slices.SortStableFunc(taskErrs, func(a, b model.InputError) int { return cmp.Compare(a.Line, b.Line) })
		errs = append(errs, taskErrs...)
	}
	return docs, errs, nil
}

// collector keeps the ids read so far, to drop or rename repeats.
type collector struct {
	tasks []input
	seen  map[string]origin // id → where it was first read
}

type origin struct{ task, line int }

func newCollector(tasks []input) *collector {
	return &collector{tasks: tasks, seen: map[string]origin{}}
}

// add takes the records of task i (all or some of them, in order) and
// their problems, and returns the documents kept and the problems with
// those of the ids appended.
func (c *collector) add(i int, recs []record, taskErrs []model.InputError) ([]model.Document, []model.InputError) {
	tasks, seen := c.tasks, c.seen
	var docs []model.Document
	for _, rec := range recs {
		// Two directories named together may hold files of the same
		// relative name (siteA/story.html, siteB/story.html): the
		// later file takes its path as opened for id, with a warning,
		// rather than being lost. Ids given in JSON Lines stay as
		// they are: a repeat there is an error.
		if _, dup := seen[rec.doc.ID]; dup && rec.line == 0 && rec.doc.Path != "" {
			if alt := filepath.ToSlash(filepath.Clean(rec.doc.Path)); alt != rec.doc.ID {
				if _, taken := seen[alt]; !taken {
					taskErrs = append(taskErrs, warning(tasks[i].path, 0,
						"id %q is already used by %s: this file's id is %q", rec.doc.ID, tasks[seen[rec.doc.ID].task].path, alt))
					rec.doc.ID = alt
				}
			}
		}
		if first, dup := seen[rec.doc.ID]; dup {
			where := tasks[first.task].path
			if first.line > 0 {
				where = fmt.Sprintf("%s:%d", where, first.line)
			}
			taskErrs = append(taskErrs, failure(tasks[i].path, rec.line,
				"duplicate id %q, first read from %s: skipped", rec.doc.ID, where))
			continue
		}
		seen[rec.doc.ID] = origin{i, rec.line}
		docs = append(docs, rec.doc)
	}
	return docs, taskErrs
}

// Parse reads one input already in memory. name is the document's id and
// the Path of its documents and errors (for JSON Lines, the prefix of the
// ids made for records without one). An unknown format is read as text.
//
// Invalid UTF-8 is repaired by replacing each byte of a bad sequence with
// '?', one byte for one, so that TextOffset and every offset into Text
// still index the file exactly; a warning names the line of the first bad
// byte. (An HTML page that declares another charset is decoded instead.)
// An input is binary, and skipped with a warning, when more than 1/32 of
// its first 8 KiB are NUL or other control bytes; one with fewer is read,
// every byte kept, with a warning naming the first. The same rule holds
// for a JSON Lines text and an HTML page's extracted text.
func Parse(name string, data []byte, format Format, fields Fields) ([]model.Document, []model.InputError) {
	docs, _, errs := ParseLines(name, data, format, fields)
	return docs, errs
}

// ParseLines is Parse that also returns the line each document came from
// (JSON Lines; 0 for the other formats), so that a caller reading the
// files of one corpus apart (the Beam pipeline) reports a repeated id as
// Read does.
func ParseLines(name string, data []byte, format Format, fields Fields) ([]model.Document, []int, []model.InputError) {
	recs, errs := parse(input{id: name, path: name, format: format}, data, fields)
	docs := make([]model.Document, len(recs))
	lines := make([]int, len(recs))
	for i, r := range recs {
		docs[i], lines[i] = r.doc, r.line
	}
	return docs, lines, errs
}

// input is one thing to read: where it is, what its document is called and
// how to read it.
type input struct {
	path   string // as opened, for Document.Path and errors
	id     string
	format Format
	stdin  bool
	err    *model.InputError // a problem found while planning
}

// record is a parsed document and the line it came from (JSON Lines) or 0.
type record struct {
	doc  model.Document
	line int
}

// result is what reading one input gave.
type result struct {
	recs []record
	errs []model.InputError
}

// parse dispatches on the format after the checks all formats share.
func parse(in input, data []byte, fields Fields) ([]record, []model.InputError) {
	c := sniff(data)
	if c.binary() {
		return nil, []model.InputError{binaryWarning(in.path, 0, c)}
	}
	if in.format == FormatHTML {
		return parseHTML(in, data)
	}
	data, errs := repairInput(in.path, data)
	var (
		recs []record
		more []model.InputError
	)
	switch in.format {
	case FormatMarkdown:
		recs, more = parseMarkdown(in, data)
	case FormatJSONL:
		// A raw control byte is malformed JSON, reported by its line;
		// the texts' escaped ones are checked record by record.
		recs, more = parseJSONL(in, data, fields)
		return recs, append(errs, more...)
	case FormatJSON:
		recs, more = parseJSON(in, data, fields)
		return recs, append(errs, more...)
	default:
		recs, more = parseText(in, data)
	}
	if c.first >= 0 && len(recs) > 0 {
		errs = append(errs, strayWarning(in.path, lineAt(data, c.first), c, " of the file"))
	}
	return recs, append(errs, more...)
}

// plan turns the paths into the list of inputs to read, in output order.
// It walks directories but reads no file, so that reading can be spread
// over cores while the order stays fixed.
func plan(paths []string) []input {
	p := planner{dirs: map[string]bool{}, files: map[string]string{}}
	for _, arg := range paths {
		p.arg(arg)
	}
	return p.inputs
}

// planner holds what plan has seen so far.
type planner struct {
	inputs    []input
	dirs      map[string]bool   // real paths of directories entered
	files     map[string]string // real path of a file → its id
	seenStdin bool
	// skipped counts the files of the directory argument being walked
	// that are not read, by extension ("" for none); hidden counts its
	// entries whose names start with a dot.
	skipped map[string]int
	hidden  int
}

func (p *planner) fail(path string, line int, format string, args ...any) {
	e := failure(path, line, format, args...)
	p.inputs = append(p.inputs, input{path: path, err: &e})
}

func (p *planner) warn(path string, format string, args ...any) {
	e := warning(path, 0, format, args...)
	p.inputs = append(p.inputs, input{path: path, err: &e})
}

// arg plans one command-line path.
func (p *planner) arg(arg string) {
	if arg == "-" {
		if p.seenStdin {
			p.fail("-", 0, "standard input named more than once: read once")
			return
		}
		p.seenStdin = true
		p.inputs = append(p.inputs, input{path: "-", id: "-", stdin: true})
		return
	}
	fi, err := os.Stat(arg)
	if err != nil {
		p.fail(arg, 0, "cannot read: %v", pathError(err))
		return
	}
	if fi.IsDir() {
		if !p.enterDir(arg) {
			p.warn(arg, "directory already read: skipped")
			return
		}
		p.skipped, p.hidden = map[string]int{}, 0
		before := len(p.inputs)
		p.walk(arg, "")
		p.reportSkipped(arg, len(p.inputs) == before)
		return
	}
	format := FormatOf(arg)
	if format == "" {
		format = FormatText
	}
	p.file(arg, filepath.ToSlash(filepath.Clean(arg)), format)
}

// walk plans the files under dir, whose ids start with rel.
func (p *planner) walk(dir, rel string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		// ReadDir returns the entries it read before the error; read those.
		p.fail(dir, 0, "cannot read directory: %v", pathError(err))
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			p.hidden++
			continue
		}
		full, id := filepath.Join(dir, name), path.Join(rel, name)
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			fi, err := os.Stat(full)
			if err != nil {
				p.warn(full, "broken symbolic link: skipped")
				continue
			}
			mode = fi.Mode().Type()
		}
		switch {
		case mode.IsDir():
			if p.enterDir(full) {
				p.walk(full, id)
			} else if e.Type()&fs.ModeSymlink != 0 {
				p.warn(full, "symbolic link to a directory already read: skipped")
			}
		case mode.IsRegular():
			if f := FormatOf(name); f != "" {
				p.file(full, id, f)
			} else {
				p.skipped[strings.ToLower(filepath.Ext(name))]++
			}
		}
	}
}

// reportSkipped warns, in one line for a directory argument, about the
// files in it that were not read, by kind: "3 .pdf files, 2 files without
// an extension: skipped". Hidden entries are named only when nothing else
// was found to read, as the reason the directory gave no document.
func (p *planner) reportSkipped(dir string, nothingRead bool) {
	// The most frequent kind first; files without an extension last.
	exts := slices.SortedFunc(maps.Keys(p.skipped), func(a, b string) int {
		if (a == "") != (b == "") {
			return boolCmp(a == "", b == "")
		}
		return cmp.Or(-cmp.Compare(p.skipped[a], p.skipped[b]), cmp.Compare(a, b))
	})
	var kinds []string
	for _, ext := range exts {
		n := p.skipped[ext]
		if ext == "" {
			kinds = append(kinds, plural(n, "file without an extension", "files without an extension"))
			continue
		}
		kinds = append(kinds, plural(n, ext+" file", ext+" files"))
	}
	if nothingRead && p.hidden > 0 {
		kinds = append(kinds, plural(p.hidden, "hidden file or directory", "hidden files or directories"))
	}
	switch {
	case len(kinds) > 0:
		p.warn(dir, "%s: skipped; see --help for the formats read", strings.Join(kinds, ", "))
	case nothingRead:
		p.warn(dir, "no file to read in this directory")
	}
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// plural is "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// enterDir records a directory as entered; false if it already was.
func (p *planner) enterDir(dir string) bool {
	real := realPath(dir)
	if p.dirs[real] {
		return false
	}
	p.dirs[real] = true
	return true
}

// file plans one file unless it was already planned under another name.
func (p *planner) file(full, id string, f Format) {
	real := realPath(full)
	if first, ok := p.files[real]; ok {
		p.warn(full, "same file as %q, already read: skipped", first)
		return
	}
	p.files[real] = id
	p.inputs = append(p.inputs, input{path: full, id: id, format: f})
}

// Gzipped reports whether a file's name says it is gzip-compressed.
func Gzipped(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".gz") }

// gunzipReader returns the decompressed stream of r (all its members),
// which tells a stream cut short by errCutShort.
func gunzipReader(r io.Reader) (io.Reader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, errNotGzip
	}
	return cutShort{zr}, nil
}

// gunzip decompresses a gzip file's data.
func gunzip(data []byte) ([]byte, error) {
	r, err := gunzipReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("cannot decompress: %w", err)
	}
	return out, nil
}

// errNotGzip is the error for a ".gz" file without a gzip header.
var errNotGzip = errors.New("not gzip-compressed (no gzip header)")

// realPath resolves symlinks so that one file has one name; it falls back
// to the absolute path when that fails.
func realPath(name string) string {
	if r, err := filepath.EvalSymlinks(name); err == nil {
		name = r
	}
	if a, err := filepath.Abs(name); err == nil {
		return a
	}
	return name
}

// pathError drops the operation and path from an *fs.PathError, which the
// InputError already names.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runTasks reads and parses the inputs on all cores, each result in its
// slot so that the output order does not depend on scheduling.
func runTasks(ctx context.Context, inputs []input, results []result, opt Options) error {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(inputs))) {
		wg.Go(func() {
			for i := range next {
				results[i] = readInput(inputs[i], opt)
			}
		})
	}
	var err error
feed:
	for i := range inputs {
		select {
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		case next <- i:
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// readInput reads and parses one planned input.
func readInput(in input, opt Options) result {
	if in.err != nil {
		return result{errs: []model.InputError{*in.err}}
	}
	var (
		data []byte
		err  error
	)
	if in.stdin {
		in.format = opt.StdinFormat
		r := opt.Stdin
		if r == nil {
			r = os.Stdin
		}
		data, err = io.ReadAll(r)
		if err != nil {
			return result{errs: []model.InputError{failure(in.path, 0, "cannot read standard input: %v", err)}}
		}
	} else {
		data, err = os.ReadFile(in.path)
		if err != nil {
			return result{errs: []model.InputError{failure(in.path, 0, "cannot read: %v", pathError(err))}}
		}
		if Gzipped(in.path) {
			if data, err = gunzip(data); err != nil {
				return result{errs: []model.InputError{failure(in.path, 0, "%v: skipped", err)}}
			}
		}
	}
	recs, errs := parse(in, data, opt.Fields)
	errs = append(errs, opt.futureWarnings(in.path, recs)...)
	return result{recs: recs, errs: errs}
}
