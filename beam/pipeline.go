package reprintbeam

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/minhash"
)

func init() {
	for _, t := range []any{(*readFn)(nil), (*numberFn)(nil), (*sketchFn)(nil), (*bucketsFn)(nil), (*unitsFn)(nil),
		(*wideFn)(nil), (*specialsFn)(nil), (*expandFn)(nil), (*boilerUnitsFn)(nil), (*boilerplateFn)(nil),
		(*fullFn)(nil), (*pickFn)(nil), (*seedsAFn)(nil), (*filterFn)(nil), (*baseFn)(nil), (*joinAFn)(nil),
		(*verifyFn)(nil), (*textsFn)(nil), (*reportFn)(nil), (*shardFn)(nil), FileTask{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
	register.Function2x1(neededFn)
	register.Function3x0(pairDocsFn)
	register.Emitter2[int, []byte]()
	register.Emitter2[int64, []byte]()
	register.Emitter2[int64, int64]()
	register.Emitter2[string, []byte]()
	register.Emitter2[int, string]()
	register.Iter1[string]()
	register.Emitter1[[]byte]()
	register.Iter1[[]byte]()
	register.Iter1[int64]()
}

// FileTask is one input file, numbered in input order.
type FileTask struct {
	Index int
	Path  string
}

// Expand expands the input patterns into files, in input order: each
// pattern's matches in lexical order, a file reached twice read once. A
// pattern that matches nothing is returned in missing.
func Expand(ctx context.Context, patterns []string) (files []FileTask, missing []string, err error) {
	seen := map[string]bool{}
	for _, pat := range patterns {
		fs, err := filesystem.New(ctx, pat)
		if err != nil {
			return nil, nil, fmt.Errorf("reprintbeam: %w", err)
		}
		names, err := fs.List(ctx, pat)
		fs.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("reprintbeam: %s: %w", pat, err)
		}
		if len(names) == 0 {
			missing = append(missing, pat)
		}
		slices.Sort(names)
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				files = append(files, FileTask{len(files), n})
			}
		}
	}
	return files, missing, nil
}

// Build adds the detection pipeline over files to s: the same stages as
// reprint.Detector.Detect, with coarse elements (a file, a document, a
// shard of band buckets, a candidate pair, a batch of linked clusters'
// provenance) on as many workers as the runner gives, and the rounds that
// need the whole corpus's view (the numbering of documents, the special
// buckets, the boilerplate, the report's assembly and writing) on one
// worker each, over the little they need (see candidates.go, report.go
// and docs/scale.md). missing are patterns that matched nothing, reported
// in the errors.
func Build(s beam.Scope, o Options, files []FileTask, missing []string) {
	parts, dir := max(1, o.BandParts), shardDir(&o)
	// Documents go by shard (number mod docShards) to the steps that
	// read their sketches and to the seed filter.
	docShards := 4 * parts
	tasks := beam.CreateList(s, files)
	docs, metas := beam.ParDo2(s, &readFn{Fields: o.Fields, Missing: missing}, tasks)
	nums, inputErrs := beam.ParDo2(s.Scope("number"), &numberFn{}, beam.GroupByKey(s, beam.AddFixedKey(s, metas)))
	sketched := beam.ParDoN(s.Scope("sketch"), &sketchFn{Opts: o, Parts: parts, DocShards: docShards, Dir: dir},
		beam.CoGroupByKey(s, docs, nums))
	data, docMetas, bands, band0 := sketched[0], sketched[1], sketched[2], sketched[3]

	// Band buckets, a shard at a time, then the rounds of wide and
	// special buckets.
	shards := beam.GroupByKey(s, bands)
	bucketOut := beam.ParDoN(s.Scope("buckets"), &bucketsFn{Opts: o, Parts: parts, DocShards: docShards}, shards)
	ordinary, reqs, wide, special := bucketOut[0], bucketOut[1], bucketOut[2], bucketOut[3]
	wideUnits, specialUnits := beam.ParDo2(s.Scope("units"), &unitsFn{Opts: o}, beam.CoGroupByKey(s, reqs, data))
	widePairs := beam.ParDo(s.Scope("wide"), &wideFn{Opts: o}, beam.CoGroupByKey(s, wide, wideUnits))
	boilerIDs, specialPairs, specialRes := beam.ParDo3(s.Scope("specials"), &specialsFn{Opts: o},
		beam.CoGroupByKey(s, special, specialUnits))
	boilerSide := beam.SideInput{Input: boilerIDs}

	// Boilerplate passages and masks; the documents' records for the
	// seed filter and alignment.
	boilerUnits := beam.ParDo(s.Scope("boiler-units"), &boilerUnitsFn{Opts: o}, beam.GroupByKey(s, band0), boilerSide)
	masks, boilerDocs, boilerRes := beam.ParDo3(s.Scope("boilerplate"), &boilerplateFn{DocShards: docShards}, beam.GroupByKey(s, boilerUnits))
	texts, seeds, seedShards := beam.ParDo3(s.Scope("full"), &fullFn{Opts: o, Shards: docShards}, beam.CoGroupByKey(s, data, masks))

	// Document pairs, the seed filter, then alignment: each pair that
	// passed meets the text of a, then of b.
	lists := beam.ParDo(s.Scope("expand"), &expandFn{}, beam.Flatten(s, ordinary, widePairs, specialPairs), boilerSide)
	seedsA := beam.ParDo(s.Scope("seeds-a"), &seedsAFn{Dir: dir, Shards: docShards}, beam.CoGroupByKey(s, lists, seeds))
	pairs, filtered := beam.ParDo2(s.Scope("filter"), &filterFn{Opts: o}, beam.CoGroupByKey(s, seedsA, seedShards))
	// Alignment and the report read the texts of the documents in a pair
	// that passed, and of the boilerplate passages' first documents.
	picked := beam.ParDo(s.Scope("pick"), &pickFn{},
		beam.CoGroupByKey(s, beam.Flatten(s, beam.ParDo(s, pairDocsFn, pairs), boilerDocs), texts))
	textsA := beam.ParDo(s.Scope("texts-a"), &joinAFn{}, beam.CoGroupByKey(s, pairs, picked))
	matches := beam.ParDo(s.Scope("verify"), &verifyFn{Opts: o}, beam.CoGroupByKey(s, textsA, picked))

	base := beam.ParDo(s.Scope("base"), &baseFn{Dir: dir},
		beam.CoGroupByKey(s, inputErrs, docMetas, specialRes, boilerRes, filtered))

	// The report: the matched documents' texts, then one worker.
	needed := beam.ParDo(s, neededFn, matches)
	// (and the texts of the boilerplate passages' first documents)
	quoted := beam.ParDo(s.Scope("quoted"), &textsFn{}, beam.CoGroupByKey(s, beam.Flatten(s, needed, boilerDocs), picked))
	rows := buildReport(s, o, base, matches, quoted)
	beam.ParDo0(s.Scope("parquet"), &shardFn{Output: o.Output}, beam.GroupByKey(s, rows))
}

// encode and decode move the stages' values between workers: gob keeps
// every exported field of the pipeline's types, nested slices and arrays
// included, without a schema to keep in step with them.
func encode(v any) []byte {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		panic(fmt.Sprintf("reprintbeam: encoding %T: %v", v, err)) // a programming error: the types are ours
	}
	return b.Bytes()
}

func decode(data []byte, v any) error {
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(v); err != nil {
		return fmt.Errorf("reprintbeam: decoding %T: %w", v, err)
	}
	return nil
}

// docRec is a document read, with its place in the input.
type docRec struct {
	File, Ord, Line int
	Doc             reprint.Document
}

// fileMeta is what one file gave besides its documents: its errors and
// its documents' ids and lines, for the numbering.
type fileMeta struct {
	File  int
	Path  string
	Errs  []reprint.InputError
	IDs   []string
	Lines []int
}

// readFn reads one file (gunzipped when its name ends in .gz) and parses
// it as `reprint report` parses a file named directly.
type readFn struct {
	Fields  reader.Fields
	Missing []string
}

// ProcessElement reads one file.
func (f *readFn) ProcessElement(ctx context.Context, t FileTask, emitDoc func(int64, []byte), emitMeta func([]byte)) error {
	meta := fileMeta{File: t.Index, Path: t.Path}
	if t.Index == 0 {
		for _, m := range f.Missing {
			meta.Errs = append(meta.Errs, reprint.InputError{Path: m, Error: "no such file or no match"})
		}
	}
	data, err := readFile(ctx, t.Path)
	if err != nil {
		meta.Errs = append(meta.Errs, reprint.InputError{Path: t.Path, Error: err.Error()})
		emitMeta(encode(meta))
		return nil
	}
	format := reader.FormatOf(t.Path) // the content's format, .gz or not
	if format == "" {
		format = reader.FormatText
	}
	docs, lines, errs := reader.ParseLines(t.Path, data, format, f.Fields)
	meta.Errs = append(meta.Errs, errs...)
	for i, d := range docs {
		meta.IDs, meta.Lines = append(meta.IDs, d.ID), append(meta.Lines, lines[i])
		emitDoc(placeOf(t.Index, i), (&docRec{t.Index, i, lines[i], d}).encode())
	}
	emitMeta(encode(meta))
	return nil
}

func readFile(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var in io.Reader = r
	if reader.Gzipped(path) {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer z.Close()
		in = z
	}
	return io.ReadAll(in)
}

// stages returns a fresh Detector's stages for o.
func stages(o *Options) (*reprint.Detector, *reprint.Stages, *pipeline.Config, error) {
	d, err := reprint.New(o.detectorOptions()...)
	if err != nil {
		return nil, nil, nil, err
	}
	st := d.Stages()
	cfg, err := st.Config()
	if err != nil {
		d.Close()
		return nil, nil, nil, err
	}
	return d, st, cfg, nil
}

// placeOf is a document's place in the input: its file and its order in
// the file.
func placeOf(file, ord int) int64 { return int64(file)<<32 | int64(ord) }

// numberFn numbers the documents in input order, as `reprint report`
// does: a repeated id is dropped with an error naming where it was first
// read. It reads the files' ids alone, on one worker.
type numberFn struct{}

// ProcessElement numbers the corpus.
func (f *numberFn) ProcessElement(_ int, metaIter func(*[]byte) bool, emitNum func(int64, int64), emitErrs func(int, []byte)) error {
	var metas []fileMeta
	var data []byte
	for metaIter(&data) {
		var m fileMeta
		if err := decode(data, &m); err != nil {
			return err
		}
		metas = append(metas, m)
	}
	slices.SortFunc(metas, func(a, b fileMeta) int { return cmp.Compare(a.File, b.File) })
	type origin struct {
		path string
		line int
	}
	first := map[string]origin{} // id → where it was first read
	var errs []reprint.InputError
	n := int64(0)
	for _, m := range metas {
		fileErrs := m.Errs
		for ord, id := range m.IDs {
			if id == "" {
				return fmt.Errorf("reprintbeam: %s:%d: %w", m.Path, m.Lines[ord], reprint.ErrEmptyID)
			}
			if o, dup := first[id]; dup {
				where := o.path
				if o.line > 0 {
					where = fmt.Sprintf("%s:%d", where, o.line)
				}
				fileErrs = append(fileErrs, reprint.InputError{Path: m.Path, Line: m.Lines[ord],
					Error: fmt.Sprintf("duplicate id %q, first read from %s: skipped", id, where)})
				continue
			}
			first[id] = origin{m.Path, m.Lines[ord]}
			emitNum(placeOf(m.File, ord), n)
			n++
		}
		slices.SortStableFunc(fileErrs, func(a, b reprint.InputError) int { return cmp.Compare(a.Line, b.Line) })
		errs = append(errs, fileErrs...)
	}
	emitErrs(0, encode(errs))
	return nil
}

// configOf returns the stages' configuration for o.
func configOf(o *Options) (*pipeline.Config, error) {
	d, _, cfg, err := stages(o)
	if err != nil {
		return nil, err
	}
	return cfg, d.Close()
}

// sketchFn sketches one numbered document and sends on its record for
// the joins by document, its metadata for the report, and its units'
// band entries, gathered per shard over a bundle.
type sketchFn struct {
	Opts      Options
	Parts     int
	DocShards int
	// Dir is where the band entries and documents go (see files.go).
	Dir   string
	sk    *pipeline.Sketcher
	bands int
	// out spools the bundle's band entries by shard, out0 band 0's with
	// spans, by shard, for the boilerplate, and docs the documents'
	// texts and sketches by shard of documents (see docData).
	out, out0, docs *spool
	entry           []byte
}

// Setup makes the worker's Sketcher.
func (f *sketchFn) Setup() error {
	cfg, err := configOf(&f.Opts)
	if err != nil {
		return err
	}
	f.bands = cfg.Params.Bands
	f.sk, err = cfg.NewSketcher(false)
	return err
}

// StartBundle starts the bundle's spools.
func (f *sketchFn) StartBundle(func(int, string), func(int, []byte), func(int, string), func(int, string)) {
	f.out, f.out0, f.docs = newSpool(f.Dir, f.bands*f.Parts), newSpool(f.Dir, f.Parts), newSpool(f.Dir, f.DocShards)
}

// ProcessElement sketches one document.
func (f *sketchFn) ProcessElement(ctx context.Context, _ int64, docIter func(*[]byte) bool, numIter func(*int64) bool,
	emitData func(int, string), emitMeta func(int, []byte), emitBand, emitBand0 func(int, string)) error {
	var data []byte
	if !docIter(&data) {
		return nil
	}
	var num int64
	if !numIter(&num) {
		return nil // a repeated id, dropped
	}
	var r docRec
	if err := r.decode(data); err != nil {
		return err
	}
	sk, _ := f.sk.Sketch(r.Doc.Text, false)
	for i := range sk.Keys {
		for b := range f.bands {
			e := entry{fp: sk.Bands[i*f.bands+b], key: sk.Keys[i], doc: int32(num), idx: uint32(i)}
			sh := shardOf(b, e.fp, f.Parts)
			f.entry = appendEntry(f.entry[:0], &e, false)
			f.out.add(sh, f.entry)
			if b == 0 {
				e.span, e.tok = sk.Spans[i], sk.Toks[i]
				f.entry = appendEntry(f.entry[:0], &e, true)
				f.out0.add(sh, f.entry)
			}
		}
	}
	sk.Bands = nil
	f.docs.add(int(num)%f.DocShards, (&docData{Doc: int32(num), Text: r.Doc.Text, Sketch: sk}).encode())
	if f.out.full() || f.out0.full() || f.docs.full() {
		if err := f.flush(ctx, emitData, emitBand, emitBand0); err != nil {
			return err
		}
	}
	// The report's record: the document without its text, its length and
	// word count in the place of file and order.
	doc := r.Doc
	doc.Text = ""
	emitMeta(0, (&docRec{File: int(num), Ord: len(r.Doc.Text), Line: sk.Words, Doc: doc}).encode())
	return nil
}

func (f *sketchFn) flush(ctx context.Context, emitData, emitBand, emitBand0 func(int, string)) error {
	return errors.Join(f.out.flush(ctx, emitBand), f.out0.flush(ctx, emitBand0), f.docs.flush(ctx, emitData))
}

// FinishBundle writes the bundle's last band entries and documents.
func (f *sketchFn) FinishBundle(ctx context.Context, emitData func(int, string), _ func(int, []byte), emitBand, emitBand0 func(int, string)) error {
	err := f.flush(ctx, emitData, emitBand, emitBand0)
	f.out, f.out0, f.docs = nil, nil, nil
	return err
}

// textDoc is what alignment needs of a document: its text and its
// boilerplate's spans.
type textDoc struct {
	Text string
	Mask []pipeline.Span
}

// reportBase is what the report needs besides the matches and the
// matched documents' texts.
type reportBase struct {
	Docs        []reprint.Document // without Text
	Lens, Words []int
	Boilerplate []pipeline.Boilerplate
	Hot         int
	Errors      []reprint.InputError
}

// baseFn gathers the report's base on one worker: the input errors, the
// documents' metadata in input order, the hot count, the boilerplate
// and its texts.
type baseFn struct {
	// Dir holds the files of band entries and seeds, which every reader
	// is done with when the base's inputs are complete (the last input
	// is the seed filter's tokens that a shard is done).
	Dir string
}

// ProcessElement gathers the base.
func (f *baseFn) ProcessElement(ctx context.Context, _ int, errIter, metaIter, specialIter, boilerIter, _ func(*[]byte) bool, emit func(int, []byte)) error {
	var base reportBase
	var data []byte
	for errIter(&data) {
		if err := decode(data, &base.Errors); err != nil {
			return err
		}
	}
	var recs []docRec
	for metaIter(&data) {
		var r docRec
		if err := r.decode(data); err != nil {
			return err
		}
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b docRec) int { return cmp.Compare(a.File, b.File) })
	for i, r := range recs {
		if r.File != i {
			return fmt.Errorf("reprintbeam: document %d missing from the report's base", i)
		}
		base.Docs = append(base.Docs, r.Doc)
		base.Lens, base.Words = append(base.Lens, r.Ord), append(base.Words, r.Line)
	}
	for specialIter(&data) {
		var o specialOut
		if err := decode(data, &o); err != nil {
			return err
		}
		base.Hot = o.Hot
	}
	for boilerIter(&data) {
		var o boilerOut
		if err := decode(data, &o); err != nil {
			return err
		}
		base.Boilerplate = o.Boilerplate
	}
	// A file left behind is no reason to fail the job.
	if err := removeDir(ctx, f.Dir); err != nil {
		log.Warnf(ctx, "reprintbeam: removing the files of band entries: %v", err)
	}
	emit(0, encode(base))
	return nil
}

// encode packs d by hand: texts travel with every pair that passed the
// filter, and a gob decoder compiled per element costs more than the
// copy.
func (d textDoc) encode() []byte {
	b := make([]byte, 0, len(d.Text)+16+8*len(d.Mask))
	b = appendString(b, d.Text)
	b = binary.AppendUvarint(b, uint64(len(d.Mask)))
	for _, m := range d.Mask {
		b = binary.AppendUvarint(binary.AppendUvarint(b, uint64(m.Start)), uint64(m.End))
	}
	return b
}

var errShort = errors.New("reprintbeam: truncated record")

func (d *textDoc) decode(b []byte) error {
	u := unpacker{b: b}
	d.Text = u.string()
	d.Mask = nil
	for range u.count(2) {
		d.Mask = append(d.Mask, pipeline.Span{Start: uint32(u.uvarint()), End: uint32(u.uvarint())})
	}
	if u.err == nil && len(u.b) > 0 {
		u.err = errors.New("reprintbeam: trailing bytes after a document's text")
	}
	return u.err
}

// sideA is what a pair's document a sends to its b: its textDoc,
// encoded.
type sideA struct {
	A    int64
	Data []byte
}

func (s sideA) encode() []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(s.Data)), uint64(s.A)), s.Data...)
}

func (s *sideA) decode(b []byte) error {
	if len(b) < 8 {
		return errShort
	}
	s.A, s.Data = int64(binary.BigEndian.Uint64(b)), b[8:]
	return nil
}

// joinAFn sends document a's text to the b of each of its pairs.
type joinAFn struct{}

// ProcessElement sends document a to each b.
func (f *joinAFn) ProcessElement(a int64, bs func(*int64) bool, docs func(*[]byte) bool, emit func(int64, []byte)) error {
	var data []byte
	if !docs(&data) {
		return fmt.Errorf("reprintbeam: candidate pair of unknown document %d", a)
	}
	var out []byte
	var b int64
	for bs(&b) {
		if out == nil {
			out = sideA{a, data}.encode()
		}
		emit(b, out)
	}
	return nil
}

// verifyFn aligns the pairs of one document b that passed the filter.
type verifyFn struct {
	Opts Options
	cfg  *pipeline.Config
	h    *minhash.Hasher
	al   align.Aligner

	found beam.Counter
}

// Setup makes the worker's scratch space.
func (f *verifyFn) Setup() (err error) {
	if f.cfg, err = configOf(&f.Opts); err != nil {
		return err
	}
	f.h, err = minhash.NewHasher(f.cfg.Params)
	f.found = beam.NewCounter("reprint", "matches")
	return err
}

// ProcessElement aligns the pairs (a, b) of one b.
func (f *verifyFn) ProcessElement(ctx context.Context, b int64, as func(*[]byte) bool, docs func(*[]byte) bool, emit func([]byte)) error {
	var data []byte
	if !docs(&data) {
		return fmt.Errorf("reprintbeam: candidate pair of unknown document %d", b)
	}
	var db textDoc
	if err := db.decode(data); err != nil {
		return err
	}
	var pb *pipeline.Prepared
	for as(&data) {
		var a sideA
		var da textDoc
		if err := a.decode(data); err != nil {
			return err
		}
		if err := da.decode(a.Data); err != nil {
			return err
		}
		if pb == nil {
			pb = f.cfg.Prepare(f.h, db.Text, db.Mask)
		}
		pa := f.cfg.Prepare(f.h, da.Text, da.Mask)
		if m, ok := f.cfg.Verify(f.h, &f.al, int32(a.A), int32(b), pa, pb); ok {
			f.found.Inc(ctx, 1)
			emit(encode(m))
		}
	}
	return nil
}

// pairDocsFn names the documents of a pair that passed the seed filter.
func pairDocsFn(a, b int64, emit func(int64, []byte)) {
	emit(a, []byte{})
	emit(b, []byte{})
}

// pickFn passes on the text of a document that is named.
type pickFn struct{}

// ProcessElement passes on one document's text if it is named.
func (f *pickFn) ProcessElement(doc int64, names func(*[]byte) bool, docs func(*[]byte) bool, emit func(int64, []byte)) error {
	data, err := named(doc, names, docs)
	if data != nil {
		emit(doc, data)
	}
	return err
}

// named returns the record of document doc from a join of names (empty
// values) with the documents' records: nil if doc is not named.
func named(doc int64, names func(*[]byte) bool, docs func(*[]byte) bool) ([]byte, error) {
	var data []byte
	if !names(&data) {
		return nil, nil
	}
	if !docs(&data) {
		return nil, fmt.Errorf("reprintbeam: text of unknown document %d", doc)
	}
	return data, nil
}

func join(dir, name string) string { return strings.TrimSuffix(dir, "/") + "/" + name }

func writeFile(ctx context.Context, path string, data []byte) error {
	return writeWith(ctx, path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeWith opens path on its Beam file system, has write fill it, and
// closes it: the file is whole only when both succeed.
func writeWith(ctx context.Context, path string, write func(io.Writer) error) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return err
	}
	if err := write(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
