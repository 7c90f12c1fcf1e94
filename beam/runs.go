package reprintbeam

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pipeline"
)

// The sketches reach the candidate worker through files, not through the
// runner: the sketch workers write them as sorted runs under the
// temporary directory and send the runs' names, and the candidate worker
// merges the runs in input order, filing one document at a time. Sent
// through the runner, the corpus's sketches are one grouped element
// (about 13 kB an article), which an in-process runner such as prism
// holds in memory several times over (its buffer, the data channel on
// both sides, the decoded values): 12 GB and more at 100,000 articles,
// where the single-machine detector needs 1.4 GB.

// runRec is one document and its sketch, as a run holds it.
type runRec struct {
	File, Ord, Line int
	Doc             reprint.Document
	// Sketch is the document's sketch, packed by packSketch.
	Sketch []byte
}

// before orders records by their place in the input.
func (r *runRec) before(o *runRec) bool {
	return cmp.Or(cmp.Compare(r.File, o.File), cmp.Compare(r.Ord, o.Ord)) < 0
}

// packSketch packs a sketch of the band backend (no signatures): its
// band fingerprints, keys and seeds as raw little-endian words (random
// values, which varints would lengthen), spans and token ranges as
// uvarints.
func packSketch(s *pipeline.Sketch) []byte {
	n := len(s.Keys)
	b := make([]byte, 0, 16+n*(8+12)+4*len(s.Bands)+4*len(s.Seeds.Keys))
	b = binary.AppendUvarint(b, uint64(s.Words))
	b = binary.AppendUvarint(b, uint64(n))
	for i := range n {
		b = binary.LittleEndian.AppendUint64(b, s.Keys[i])
		b = binary.AppendUvarint(b, uint64(s.Spans[i].Start))
		b = binary.AppendUvarint(b, uint64(s.Spans[i].End))
		b = binary.AppendUvarint(b, uint64(uint32(s.Toks[i].Start)))
		b = binary.AppendUvarint(b, uint64(uint32(s.Toks[i].End)))
	}
	b = binary.AppendUvarint(b, uint64(len(s.Bands)))
	for _, v := range s.Bands {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	wild := byte(0)
	if s.Seeds.Wild {
		wild = 1
	}
	b = append(b, s.Seeds.PosBits, wild)
	b = binary.AppendUvarint(b, uint64(len(s.Seeds.Keys)))
	for _, k := range s.Seeds.Keys {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	return b
}

// unpacker reads the fields of a packed sketch in turn; the first short
// read sets err and every later one gives zero.
type unpacker struct {
	b   []byte
	err error
}

func (u *unpacker) uvarint() uint64 {
	v, k := binary.Uvarint(u.b)
	if k <= 0 {
		u.fail()
		return 0
	}
	u.b = u.b[k:]
	return v
}

// count reads a length whose items take at least size bytes each.
func (u *unpacker) count(size int) int {
	n := u.uvarint()
	if n > uint64(len(u.b)/size) {
		u.fail()
		return 0
	}
	return int(n)
}

// varint reads what binary.AppendVarint wrote: a zig-zag uvarint.
func (u *unpacker) varint() int64 {
	x := u.uvarint()
	return int64(x>>1) ^ -int64(x&1)
}

func (u *unpacker) string() string {
	return string(u.take(u.count(1)))
}

func (u *unpacker) take(n int) []byte {
	if len(u.b) < n {
		u.fail()
		return make([]byte, n)
	}
	v := u.b[:n]
	u.b = u.b[n:]
	return v
}

func (u *unpacker) fail() {
	u.err, u.b = errShort, nil
}

func unpackSketch(b []byte) (pipeline.Sketch, error) {
	u := unpacker{b: b}
	var s pipeline.Sketch
	s.Words = int(u.uvarint())
	n := u.count(12)
	s.Keys, s.Spans, s.Toks = make([]uint64, n), make([]pipeline.Span, n), make([]pipeline.Range, n)
	for i := range n {
		s.Keys[i] = binary.LittleEndian.Uint64(u.take(8))
		s.Spans[i] = pipeline.Span{Start: uint32(u.uvarint()), End: uint32(u.uvarint())}
		s.Toks[i] = pipeline.Range{Start: int32(uint32(u.uvarint())), End: int32(uint32(u.uvarint()))}
	}
	s.Bands = make([]uint32, u.count(4))
	for i := range s.Bands {
		s.Bands[i] = binary.LittleEndian.Uint32(u.take(4))
	}
	flags := u.take(2)
	s.Seeds.PosBits, s.Seeds.Wild = flags[0], flags[1] == 1
	if k := u.count(4); k > 0 {
		s.Seeds.Keys = make([]uint32, k)
		for i := range s.Seeds.Keys {
			s.Seeds.Keys[i] = binary.LittleEndian.Uint32(u.take(4))
		}
	}
	if u.err == nil && len(u.b) > 0 {
		u.err = errors.New("reprintbeam: trailing bytes after a sketch")
	}
	return s, u.err
}

// runBytes is the most bytes of records a sketch worker holds before it
// writes them out as a run (a variable, so that a test can make many
// runs of a small corpus).
var runBytes = 32 << 20

// runDir is a directory of this run's own under o's temporary directory,
// for the runs of sketches.
func runDir(o *Options) string {
	temp := o.TempDir
	if temp == "" {
		temp = o.Output
	}
	var r [8]byte
	rand.Read(r[:]) // never fails
	return join(temp, ".reprint-runs-"+hex.EncodeToString(r[:]))
}

// runWriter gathers a bundle's records and writes them out, sorted, as
// runs of at most runBytes: a run is a gob stream of runRecs, so that
// the document metadata's types are described once a run.
type runWriter struct {
	dir    string // where the runs go
	prefix string // the bundle's random part of their names
	limit  int    // bytes of records a run holds
	n      int    // runs written by the bundle
	recs   []runRec
	size   int
}

// newRunWriter returns a writer of runs under dir.
func newRunWriter(dir string) *runWriter {
	var r [8]byte
	rand.Read(r[:]) // never fails
	return &runWriter{dir: dir, prefix: hex.EncodeToString(r[:]), limit: runBytes}
}

// add gathers rec; it returns the name of the run that rec goes to when
// rec is the run's first (else ""), and writes the run when it is full.
func (w *runWriter) add(ctx context.Context, rec runRec) (started string, err error) {
	if len(w.recs) == 0 {
		started = w.name()
	}
	w.recs = append(w.recs, rec)
	w.size += len(rec.Doc.Text) + len(rec.Sketch) + 64
	if w.size >= w.limit {
		err = w.flush(ctx)
	}
	return started, err
}

func (w *runWriter) name() string { return join(w.dir, fmt.Sprintf("%s-%05d.run", w.prefix, w.n)) }

// flush writes the records gathered as a run.
func (w *runWriter) flush(ctx context.Context) error {
	if len(w.recs) == 0 {
		return nil
	}
	slices.SortFunc(w.recs, func(a, b runRec) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Ord, b.Ord))
	})
	err := writeWith(ctx, w.name(), func(out io.Writer) error {
		bw := bufio.NewWriterSize(out, 1<<20)
		enc := gob.NewEncoder(bw)
		for i := range w.recs {
			if err := enc.Encode(&w.recs[i]); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("reprintbeam: writing a run of sketches: %w", err)
	}
	w.n++
	w.recs, w.size = w.recs[:0], 0
	return nil
}

// runReader reads one run, a record at a time.
type runReader struct {
	name string
	fs   filesystem.Interface
	r    io.ReadCloser
	dec  *gob.Decoder
	cur  runRec
}

func openRun(ctx context.Context, name string) (*runReader, error) {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return nil, err
	}
	r, err := fs.OpenRead(ctx, name)
	if err != nil {
		fs.Close()
		return nil, err
	}
	return &runReader{name: name, fs: fs, r: r, dec: gob.NewDecoder(bufio.NewReaderSize(r, 256<<10))}, nil
}

// next reads the next record into cur; it returns false at the run's end.
func (r *runReader) next() (bool, error) {
	r.cur = runRec{}
	err := r.dec.Decode(&r.cur)
	switch {
	case err == io.EOF:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reprintbeam: reading run %s: %w", r.name, err)
	}
	return true, nil
}

func (r *runReader) close() error { return errors.Join(r.r.Close(), r.fs.Close()) }

// runHeap orders the open runs by their current record.
type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].cur.before(&h[j].cur) }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

// mergeRuns calls file with every record of the runs named, in input
// order, holding one record a run at a time.
func mergeRuns(ctx context.Context, names []string, file func(*runRec) error) (err error) {
	var h runHeap
	defer func() {
		for _, r := range h {
			err = errors.Join(err, r.close())
		}
	}()
	for _, name := range names {
		r, err := openRun(ctx, name)
		if err != nil {
			return fmt.Errorf("reprintbeam: opening run %s: %w", name, err)
		}
		ok, err := r.next()
		if !ok {
			err = errors.Join(err, r.close())
			if err != nil {
				return err
			}
			continue
		}
		h = append(h, r)
	}
	heap.Init(&h)
	for len(h) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := h[0]
		if err := file(&r.cur); err != nil {
			return err
		}
		ok, err := r.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
			continue
		}
		heap.Pop(&h)
		if err := r.close(); err != nil {
			return err
		}
	}
	return nil
}

// removeRuns deletes the runs named, and then their directory where the
// file system has directories, if it is empty.
func removeRuns(ctx context.Context, dir string, names []string) error {
	var errs []error
	for _, name := range names {
		if err := removeFile(ctx, name); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		removeFile(ctx, dir) // a local directory; other file systems have none
	}
	return errors.Join(errs...)
}

func removeFile(ctx context.Context, name string) error {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("reprintbeam: the file system of %s cannot remove files", name)
	}
	return rm.Remove(ctx, name)
}

// encode packs r by hand for its way from the read worker to a sketch
// worker: a gob encoder and decoder made per element describe the types
// again each time (about 440 bytes a document) and compile a decoder
// each time. TestDocRecRoundTrip fills every field, so that a field
// added to Document and not packed here fails it.
func (r *docRec) encode() []byte {
	d := &r.Doc
	b := make([]byte, 0, len(d.Text)+len(d.ID)+len(d.Path)+len(d.Title)+len(d.Source)+len(d.URL)+64)
	for _, v := range []int{r.File, r.Ord, r.Line, d.TextOffset, d.LineOffset} {
		b = binary.AppendVarint(b, int64(v))
	}
	for _, s := range []string{d.ID, d.Path, d.Text, d.Title, d.Source, d.URL} {
		b = appendString(b, s)
	}
	t, err := d.Date.Time.MarshalBinary()
	if err != nil { // a zone offset that is not whole minutes, which no reader makes
		panic(fmt.Sprintf("reprintbeam: encoding a date: %v", err))
	}
	b = appendString(b, string(t))
	b = append(b, byte(d.Date.Granularity), boolByte(d.Date.HasZone))
	b = binary.AppendUvarint(b, uint64(len(d.FrontMatter)))
	for _, k := range d.FrontMatter {
		b = appendString(appendString(b, k.Key), k.Value)
		b = binary.AppendVarint(append(b, boolByte(k.Text)), int64(k.Line))
	}
	return b
}

func (r *docRec) decode(b []byte) error {
	u := unpacker{b: b}
	d := &r.Doc
	*r = docRec{}
	for _, v := range []*int{&r.File, &r.Ord, &r.Line, &d.TextOffset, &d.LineOffset} {
		*v = int(u.varint())
	}
	for _, s := range []*string{&d.ID, &d.Path, &d.Text, &d.Title, &d.Source, &d.URL} {
		*s = u.string()
	}
	if t := u.string(); u.err == nil {
		if err := d.Date.Time.UnmarshalBinary([]byte(t)); err != nil {
			return fmt.Errorf("reprintbeam: decoding a date: %w", err)
		}
	}
	flags := u.take(2)
	d.Date.Granularity, d.Date.HasZone = model.Granularity(flags[0]), flags[1] == 1
	if n := u.count(4); n > 0 {
		d.FrontMatter = make([]reprint.FrontMatterKey, n)
		for i := range d.FrontMatter {
			k := &d.FrontMatter[i]
			k.Key, k.Value = u.string(), u.string()
			k.Text, k.Line = u.take(1)[0] == 1, int(u.varint())
		}
	}
	if u.err == nil && len(u.b) > 0 {
		u.err = errors.New("reprintbeam: trailing bytes after a document")
	}
	return u.err
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
