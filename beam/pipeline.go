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
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/minhash"
)

func init() {
	for _, t := range []any{(*readFn)(nil), (*sketchFn)(nil), (*candidatesFn)(nil), (*joinAFn)(nil),
		(*verifyFn)(nil), (*textsFn)(nil), (*reportFn)(nil), (*shardFn)(nil), FileTask{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
	register.Function2x1(neededFn)
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
// candidate pair) on as many workers as the runner gives, and the
// candidate stage and the report on one worker each (see the README).
// missing are patterns that matched nothing, reported in the errors.
func Build(s beam.Scope, o Options, files []FileTask, missing []string) {
	runs := runDir(&o)
	tasks := beam.CreateList(s, files)
	docs, metas := beam.ParDo2(s, &readFn{Fields: o.Fields, Missing: missing}, tasks)
	names := beam.ParDo(s.Scope("sketch"), &sketchFn{Opts: o, Runs: runs}, beam.Reshuffle(s, docs))
	texts, pairs, base := beam.ParDo3(s.Scope("candidates"), &candidatesFn{Opts: o}, beam.CoGroupByKey(s, metas, names))

	// Alignment: each pair that passed the seed filter meets the text of
	// a, then of b.
	textsA := beam.ParDo(s.Scope("texts-a"), &joinAFn{}, beam.CoGroupByKey(s, pairs, texts))
	matches := beam.ParDo(s.Scope("verify"), &verifyFn{Opts: o}, beam.CoGroupByKey(s, textsA, texts))

	// The report: the matched documents' texts, then one worker.
	needed := beam.ParDo(s, neededFn, matches)
	quoted := beam.ParDo(s.Scope("quoted"), &textsFn{}, beam.CoGroupByKey(s, needed, texts))
	rows := buildReport(s, o, runs, base, matches, quoted)
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

// fileMeta is what one file gave besides its documents.
type fileMeta struct {
	File int
	Path string
	Errs []reprint.InputError
}

// readFn reads one file (gunzipped when its name ends in .gz) and parses
// it as `reprint report` parses a file named directly.
type readFn struct {
	Fields  reader.Fields
	Missing []string
}

// ProcessElement reads one file.
func (f *readFn) ProcessElement(ctx context.Context, t FileTask, emitDoc func([]byte), emitMeta func(int, []byte)) error {
	meta := fileMeta{File: t.Index, Path: t.Path}
	if t.Index == 0 {
		for _, m := range f.Missing {
			meta.Errs = append(meta.Errs, reprint.InputError{Path: m, Error: "no such file or no match"})
		}
	}
	data, err := readFile(ctx, t.Path)
	if err != nil {
		meta.Errs = append(meta.Errs, reprint.InputError{Path: t.Path, Error: err.Error()})
		emitMeta(0, encode(meta))
		return nil
	}
	format := reader.FormatOf(t.Path) // the content's format, .gz or not
	if format == "" {
		format = reader.FormatText
	}
	docs, lines, errs := reader.ParseLines(t.Path, data, format, f.Fields)
	meta.Errs = append(meta.Errs, errs...)
	for i, d := range docs {
		emitDoc((&docRec{t.Index, i, lines[i], d}).encode())
	}
	emitMeta(0, encode(meta))
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

// sketchFn sketches one document and writes it with its sketch to a run
// under Runs, emitting the name of each run it starts.
type sketchFn struct {
	Opts Options
	Runs string
	sk   *pipeline.Sketcher
	det  *reprint.Detector
	w    *runWriter
}

// Setup makes the worker's Sketcher.
func (f *sketchFn) Setup() error {
	d, _, cfg, err := stages(&f.Opts)
	if err != nil {
		return err
	}
	f.det = d
	f.sk, err = cfg.NewSketcher(false)
	return err
}

// StartBundle starts the bundle's runs.
func (f *sketchFn) StartBundle(context.Context, func(int, string)) {
	f.w = newRunWriter(f.Runs)
}

// ProcessElement sketches one document.
func (f *sketchFn) ProcessElement(ctx context.Context, data []byte, emit func(int, string)) error {
	var r docRec
	if err := r.decode(data); err != nil {
		return err
	}
	sk, _ := f.sk.Sketch(r.Doc.Text, false)
	name, err := f.w.add(ctx, runRec{File: r.File, Ord: r.Ord, Line: r.Line, Doc: r.Doc, Sketch: packSketch(&sk)})
	if name != "" {
		emit(0, name)
	}
	return err
}

// FinishBundle writes the bundle's last run.
func (f *sketchFn) FinishBundle(ctx context.Context, _ func(int, string)) error {
	return f.w.flush(ctx)
}

// Teardown frees the Detector.
func (f *sketchFn) Teardown() error { return f.det.Close() }

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
	BoilerTexts map[int32]string
	Hot         int
	Errors      []reprint.InputError
	// Candidates counts the candidate pairs, Aligned those the seed
	// filter let through.
	Candidates, Aligned int
	// Runs name the runs of sketches, which the report worker removes.
	Runs []string
}

// candidatesFn numbers the documents in input order (a repeated id is
// dropped with an error, as `reprint report` does), files their sketches
// and runs the candidate stage: the band join with its hot-bucket caps and
// boilerplate families, reprint's own code on one worker. The sketches
// come from the runs named, merged in input order a document at a time;
// the Detector keeps their texts within its memory budget, as
// `reprint report` does, and only the texts of documents in a pair that
// passed the seed filter leave the worker.
type candidatesFn struct {
	Opts Options
}

// ProcessElement runs the candidate stage over the whole corpus.
func (f *candidatesFn) ProcessElement(ctx context.Context, _ int, metaIter func(*[]byte) bool, runIter func(*string) bool,
	emitText func(int64, []byte), emitPair func(int64, int64), emitBase func(int, []byte)) error {
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
	base := reportBase{BoilerTexts: map[int32]string{}}
	var name string
	for runIter(&name) {
		base.Runs = append(base.Runs, name)
	}
	slices.Sort(base.Runs) // the same order on a retry

	det, st, cfg, err := stages(&f.Opts)
	if err != nil {
		return err
	}
	defer det.Close()
	type origin struct {
		path string
		line int
	}
	first := map[string]origin{} // id → where it was first read
	byFile := map[int][]reprint.InputError{}
	for _, m := range metas {
		byFile[m.File] = m.Errs
	}
	err = mergeRuns(ctx, base.Runs, func(r *runRec) error {
		if o, dup := first[r.Doc.ID]; dup {
			where := o.path
			if o.line > 0 {
				where = fmt.Sprintf("%s:%d", where, o.line)
			}
			byFile[r.File] = append(byFile[r.File], reprint.InputError{Path: r.Doc.Path, Line: r.Line,
				Error: fmt.Sprintf("duplicate id %q, first read from %s: skipped", r.Doc.ID, where)})
			return nil
		}
		first[r.Doc.ID] = origin{r.Doc.Path, r.Line}
		sk, err := unpackSketch(r.Sketch)
		if err != nil {
			return err
		}
		if err := st.Add(r.Doc, &sk); err != nil {
			return err
		}
		doc := r.Doc
		base.Lens = append(base.Lens, len(doc.Text))
		base.Words = append(base.Words, sk.Words)
		doc.Text = ""
		base.Docs = append(base.Docs, doc)
		return nil
	})
	if err != nil {
		return err
	}
	first = nil
	for _, m := range metas {
		errs := byFile[m.File]
		slices.SortStableFunc(errs, func(a, b reprint.InputError) int { return cmp.Compare(a.Line, b.Line) })
		base.Errors = append(base.Errors, errs...)
	}
	cand, err := st.Candidates(ctx)
	if err != nil {
		return err
	}
	defer cand.Pairs.Close()
	// The seed filter runs here, where every document's seeds are at
	// hand (about 3 µs a pair): only the pairs that may align leave this
	// worker, instead of every candidate pair carrying a document's seeds.
	filter := cfg.NewFilter()
	lastA := int64(-1)
	paired := make([]bool, len(base.Docs))
	var bufA, bufB pipeline.SeedBuf
	for {
		p, ok := cand.Pairs.Next()
		if !ok {
			break
		}
		a, b := int64(p>>32), int64(uint32(p))
		if a != lastA {
			sa, err := st.Seeds(int32(a), &bufA)
			if err != nil {
				return err
			}
			filter.Reset(sa)
			lastA = a
		}
		base.Candidates++
		sb, err := st.Seeds(int32(b), &bufB)
		if err != nil {
			return err
		}
		if filter.MayAlign(sb) {
			base.Aligned++
			paired[a], paired[b] = true, true
			emitPair(a, b)
		}
	}
	if err := cand.Pairs.Err(); err != nil {
		return err
	}
	// Alignment and the report read the texts of paired documents only.
	for i, ok := range paired {
		if !ok {
			continue
		}
		text, err := st.Text(int32(i))
		if err != nil {
			return err
		}
		emitText(int64(i), textDoc{Text: text, Mask: cand.Mask[int32(i)]}.encode())
	}
	base.Boilerplate, base.Hot = cand.Boilerplate, cand.Hot
	for _, b := range cand.Boilerplate {
		if base.BoilerTexts[b.Doc], err = st.Text(b.Doc); err != nil {
			return err
		}
	}
	emitBase(0, encode(base))
	return nil
}

// encode packs d by hand: texts travel with every pair that passed the
// filter, and a gob decoder compiled per element costs more than the
// copy.
func (d textDoc) encode() []byte {
	b := binary.AppendUvarint(make([]byte, 0, len(d.Text)+16+8*len(d.Mask)), uint64(len(d.Text)))
	b = append(b, d.Text...)
	b = binary.AppendUvarint(b, uint64(len(d.Mask)))
	for _, m := range d.Mask {
		b = binary.AppendUvarint(binary.AppendUvarint(b, uint64(m.Start)), uint64(m.End))
	}
	return b
}

var errShort = errors.New("reprintbeam: truncated record")

func (d *textDoc) decode(b []byte) error {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return errShort
	}
	d.Text, b = string(b[k:k+int(n)]), b[k+int(n):]
	n, k = binary.Uvarint(b)
	if k <= 0 {
		return errShort
	}
	b = b[k:]
	d.Mask = nil
	for range n {
		start, k1 := binary.Uvarint(b)
		if k1 <= 0 {
			return errShort
		}
		end, k2 := binary.Uvarint(b[k1:])
		if k2 <= 0 {
			return errShort
		}
		d.Mask = append(d.Mask, pipeline.Span{Start: uint32(start), End: uint32(end)})
		b = b[k1+k2:]
	}
	return nil
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
	det  *reprint.Detector
	h    *minhash.Hasher
	al   align.Aligner

	found beam.Counter
}

// Setup makes the worker's scratch space.
func (f *verifyFn) Setup() error {
	d, _, cfg, err := stages(&f.Opts)
	if err != nil {
		return err
	}
	f.det, f.cfg = d, cfg
	f.h, err = minhash.NewHasher(cfg.Params)
	f.found = beam.NewCounter("reprint", "matches")
	return err
}

// Teardown frees the Detector.
func (f *verifyFn) Teardown() error { return f.det.Close() }

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
