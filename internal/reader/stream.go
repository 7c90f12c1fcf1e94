package reader

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"slices"

	"github.com/reprint-dev/reprint/internal/model"
)

// streamChunk is about how much of a JSON Lines input Stream decodes at a
// time (it always ends a chunk at the end of a line), and streamWindow how
// many other inputs it reads at once, on all cores.
const (
	streamChunk  = 8 << 20
	streamWindow = 64
)

// Stream is Read for a corpus too large to hold in memory: it hands the
// documents to emit in batches as it reads them, in Read's order, and
// returns the same problems in the same order. A JSON Lines input (a file
// or standard input) is read a chunk of lines at a time, so that only a
// chunk of it is in memory at once; other inputs are articles, read whole.
// The documents of a batch are emit's to keep; an error from emit stops
// the reading and is returned.
func Stream(ctx context.Context, paths []string, opt Options, emit func([]model.Document) error) ([]model.InputError, error) {
	return stream(ctx, paths, opt, streamChunk, emit)
}

func stream(ctx context.Context, paths []string, opt Options, chunk int, emit func([]model.Document) error) ([]model.InputError, error) {
	tasks := plan(paths)
	c := newCollector(tasks)
	var errs []model.InputError
	finish := func(taskErrs []model.InputError) {
		slices.SortStableFunc(taskErrs, func(a, b model.InputError) int { return cmp.Compare(a.Line, b.Line) })
		errs = append(errs, taskErrs...)
	}
	for i := 0; i < len(tasks); {
		if streamable(tasks[i], opt) {
			taskErrs, err := streamJSONL(ctx, c, i, opt, chunk, emit)
			if err != nil {
				return nil, err
			}
			finish(taskErrs)
			i++
			continue
		}
		j := i + 1
		for j < len(tasks) && j-i < streamWindow && !streamable(tasks[j], opt) {
			j++
		}
		results := make([]result, j-i)
		if err := runTasks(ctx, tasks[i:j], results, opt); err != nil {
			return nil, err
		}
		for k, r := range results {
			docs, taskErrs := c.add(i+k, r.recs, r.errs)
			if len(docs) > 0 {
				if err := emit(docs); err != nil {
					return nil, err
				}
			}
			finish(taskErrs)
		}
		i = j
	}
	return errs, ctx.Err()
}

// streamable reports whether an input is JSON Lines that Stream reads a
// chunk at a time.
func streamable(in input, opt Options) bool {
	if in.err != nil {
		return false
	}
	if in.stdin {
		return opt.StdinFormat == FormatJSONL
	}
	return in.format == FormatJSONL
}

// streamJSONL reads task i, a JSON Lines input, a chunk of lines at a
// time, with the steps parse takes on a whole file: the binary test on the
// first bytes, the UTF-8 repair (one warning for the file), the byte order
// mark, the lines decoded on all cores.
func streamJSONL(ctx context.Context, c *collector, i int, opt Options, chunk int, emit func([]model.Document) error) ([]model.InputError, error) {
	in := c.tasks[i]
	var r io.Reader
	if in.stdin {
		in.format = opt.StdinFormat
		r = opt.Stdin
		if r == nil {
			r = os.Stdin
		}
	} else {
		f, err := os.Open(in.path)
		if err != nil {
			return []model.InputError{failure(in.path, 0, "cannot read: %v", pathError(err))}, nil
		}
		defer f.Close()
		r = f
		if Gzipped(in.path) {
			if r, err = gunzipReader(bufio.NewReaderSize(f, 1<<20)); err != nil {
				return []model.InputError{failure(in.path, 0, "%v: skipped", err)}, nil
			}
		}
	}
	br := bufio.NewReaderSize(r, 1<<20)
	var (
		taskErrs  []model.InputError
		buf       []byte
		lines     []jsonLine
		offset    int // of the chunk in the input
		lineNo    = 1 // of the chunk's first line
		replaced  int
		firstBad  = -1
		firstLine int
		anything  bool // a record or a problem of its own
	)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		buf, err = readChunk(br, buf[:0], chunk)
		if err != nil {
			what := "cannot read: %v"
			if in.stdin {
				what = "cannot read standard input: %v"
			}
			return append(taskErrs, failure(in.path, 0, what, pathError(err))), nil
		}
		if len(buf) == 0 {
			break
		}
		data := buf
		if offset == 0 {
			if c := sniff(data[:min(len(data), binarySniffLen)]); c.binary() {
				return []model.InputError{binaryWarning(in.path, 0, c)}, nil
			}
		}
		fixed, n, first := repairUTF8(data)
		if n > 0 {
			if firstBad < 0 {
				firstBad, firstLine = offset+first, lineNo-1+lineAt(data, first)
			}
			replaced += n
		}
		text := fixed
		skip := 0
		if offset == 0 && bytes.HasPrefix(text, bom) {
			skip = len(bom)
		}
		lines = splitLines(text[skip:], lineNo, lines[:0])
		recs, errs := decodeLines(in, lines, opt.Fields)
		offset += len(data)
		lineNo += bytes.Count(data, []byte{'\n'})
		if cap(buf) > 2*chunk {
			// A line far longer than a chunk (a whole book on one
			// line) grew the buffer: its records hold their decoded
			// texts, so let it go before they are handed on rather
			// than hold the line twice while emit works.
			buf, lines = nil, nil
		}
		errs = append(errs, opt.futureWarnings(in.path, recs)...)
		anything = anything || len(recs) > 0 || len(errs) > 0
		docs, errs := c.add(i, recs, errs)
		taskErrs = append(taskErrs, errs...)
		if len(docs) > 0 {
			if err := emit(docs); err != nil {
				return nil, err
			}
		}
	}
	if replaced > 0 {
		taskErrs = append([]model.InputError{warning(in.path, firstLine,
			"invalid UTF-8: %d byte(s) replaced with '?', the first at offset %d", replaced, firstBad)}, taskErrs...)
	}
	if !anything {
		taskErrs = append(taskErrs, warning(in.path, 0, "empty document: skipped"))
	}
	return taskErrs, nil
}

// readChunk appends to buf about size bytes of r, and then the rest of the
// line it is in, so that a chunk ends at a line's end (or the input's).
func readChunk(r *bufio.Reader, buf []byte, size int) ([]byte, error) {
	buf = slices.Grow(buf, size)[:size]
	n, err := io.ReadFull(r, buf)
	buf = buf[:n]
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return buf, nil
	}
	if err != nil {
		return nil, err
	}
	if buf[n-1] == '\n' {
		return buf, nil
	}
	for {
		// ReadSlice hands out the reader's own buffer: no copy of a long
		// line's rest but the one into buf.
		rest, err := r.ReadSlice('\n')
		buf = append(buf, rest...)
		switch {
		case err == nil || errors.Is(err, io.EOF):
			return buf, nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, err
		}
	}
}

// cutShort tells a truncated gzip stream from the end of the data, which
// io.ReadFull reports with the same io.ErrUnexpectedEOF.
type cutShort struct{ r io.Reader }

func (c cutShort) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = errCutShort
	}
	return n, err
}

// errCutShort is the error for a gzip stream that ends too early.
var errCutShort = errors.New("the compressed data is cut short")
