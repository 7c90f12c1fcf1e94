package reprintbeam

import (
	"bytes"
	"context"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/render"
)

func init() {
	for _, t := range []any{(*provenanceFn)(nil), (*writeFn)(nil)} {
		beam.RegisterType(reflect.TypeOf(t))
	}
}

// buildReport adds the report's steps and returns the table rows for the
// Parquet writers. One worker assembles the report from the matches and
// the matched documents' texts (reprint's own assembly and clustering)
// and splits provenance into batches, one per connected component of
// clusters linked by shared documents; every worker infers provenance a
// batch at a time; one worker applies the verdicts and writes
// report.json (and dedup.jsonl).
//
// The report worker puts the texts into the batches itself: it holds
// every clustered document's text anyway, since the report quotes each
// copy and counts its line, so joining the batches with the texts by
// document would send each text through the runner a second time and take
// nothing off that worker.
func buildReport(s beam.Scope, o Options, base, matches, quoted beam.PCollection) beam.PCollection {
	keyed := beam.AddFixedKey(s, matches)
	assembled, batches, sources := beam.ParDo3(s.Scope("report"), &reportFn{Opts: o}, beam.CoGroupByKey(s, base, keyed, quoted))
	// The batches leave the report worker's bundle: fused to it, they
	// would all be inferred there.
	verdicts := beam.ParDo(s.Scope("provenance"), &provenanceFn{Opts: o}, beam.Reshuffle(s, batches), beam.SideInput{Input: sources})
	return beam.ParDo(s.Scope("write"), &writeFn{Opts: o}, beam.CoGroupByKey(s, assembled, verdicts))
}

// neededFn names the documents of a match, whose texts the report quotes.
func neededFn(data []byte, emit func(int64, []byte)) error {
	var m pipeline.Match
	if err := decode(data, &m); err != nil {
		return err
	}
	emit(int64(m.A), []byte{})
	emit(int64(m.B), []byte{})
	return nil
}

// textRec is a matched document's text.
type textRec struct {
	Doc  int32
	Text string
}

// textsFn sends the text of each matched document to the report.
type textsFn struct{}

// ProcessElement sends one document's text if it is matched.
func (f *textsFn) ProcessElement(doc int64, needed func(*[]byte) bool, docs func(*[]byte) bool, emit func(int, []byte)) error {
	data, err := named(doc, needed, docs)
	if data == nil || err != nil {
		return err
	}
	var d textDoc
	if err := d.decode(data); err != nil {
		return err
	}
	emit(0, encode(textRec{int32(doc), d.Text}))
	return nil
}

// assembled is the report without provenance, on its way from the report
// worker to the one that applies the verdicts.
type assembled struct {
	Report *reprint.Report
}

// reportFn assembles the report on one worker (reprint's own assembly
// and clustering: Stages.Assemble) and sends it on, with provenance's
// work as one element per batch of linked clusters and the corpus's
// sources, which every batch is inferred with, as one element.
type reportFn struct {
	Opts Options
}

// ProcessElement assembles the report.
func (f *reportFn) ProcessElement(ctx context.Context, _ int, bases, matchIter, textIter func(*[]byte) bool,
	emitReport func(int, []byte), emitBatch func([]byte), emitSources func([]byte)) error {
	var data []byte
	if !bases(&data) {
		return fmt.Errorf("reprintbeam: no candidate stage result")
	}
	var base reportBase
	if err := decode(data, &base); err != nil {
		return err
	}
	var matches []pipeline.Match
	for matchIter(&data) {
		var m pipeline.Match
		if err := decode(data, &m); err != nil {
			return err
		}
		matches = append(matches, m)
	}
	texts := map[int32]string{} // of matched documents and boilerplate
	for textIter(&data) {
		var t textRec
		if err := decode(data, &t); err != nil {
			return err
		}
		texts[t.Doc] = t.Text
	}
	det, st, _, err := stages(&f.Opts)
	if err != nil {
		return err
	}
	defer det.Close()
	for i, doc := range base.Docs {
		doc.Text = texts[int32(i)]
		if err := st.AddReported(doc, base.Lens[i], base.Words[i]); err != nil {
			return err
		}
	}
	rep, work, err := st.Assemble(ctx, matches, base.Boilerplate, base.Hot)
	if err != nil {
		return err
	}
	rep.Errors = append(rep.Errors, base.Errors...)
	for i := range work.Len() {
		b, err := work.Batch(i)
		if err != nil {
			return err
		}
		emitBatch(encode(b))
	}
	emitSources(encode(work.Sources))
	emitReport(0, encode(assembled{rep}))
	return nil
}

// provenanceFn infers provenance over one batch of linked clusters
// (Stages.InferProvenance), the corpus's sources a side input.
type provenanceFn struct {
	Opts Options

	sourceData []byte // the side input decoded into sources
	sources    []string
	batches    beam.Counter
}

// Setup makes the worker's counter.
func (f *provenanceFn) Setup() {
	f.batches = beam.NewCounter("reprint", "provenance-batches")
}

// ProcessElement infers one batch's verdicts, with the options of a
// Detector of Opts (made for the batch: it holds nothing).
func (f *provenanceFn) ProcessElement(ctx context.Context, data, sources []byte, emit func(int, []byte)) error {
	if f.sourceData == nil || !bytes.Equal(f.sourceData, sources) {
		f.sources = nil
		if err := decode(sources, &f.sources); err != nil {
			return err
		}
		f.sourceData = bytes.Clone(sources)
	}
	var b reprint.ProvenanceBatch
	if err := decode(data, &b); err != nil {
		return err
	}
	det, st, _, err := stages(&f.Opts)
	if err != nil {
		return err
	}
	defer det.Close()
	v, err := st.InferProvenance(f.sources, &b)
	if err != nil {
		return err
	}
	f.batches.Inc(ctx, 1)
	emit(0, encode(v))
	return nil
}

// writeFn applies the verdicts to the report (Stages.ApplyProvenance),
// writes report.json and dedup.jsonl, and hands the table rows to the
// Parquet writers.
type writeFn struct {
	Opts Options
}

// ProcessElement completes and writes the report.
func (f *writeFn) ProcessElement(ctx context.Context, _ int, reports, verdictIter func(*[]byte) bool, emit func(string, []byte)) error {
	var data []byte
	if !reports(&data) {
		return fmt.Errorf("reprintbeam: no assembled report")
	}
	var a assembled
	if err := decode(data, &a); err != nil {
		return err
	}
	var verdicts []reprint.ProvenanceVerdict
	for verdictIter(&data) {
		var v reprint.ProvenanceVerdict
		if err := decode(data, &v); err != nil {
			return err
		}
		verdicts = append(verdicts, v)
	}
	det, st, _, err := stages(&f.Opts)
	if err != nil {
		return err
	}
	defer det.Close()
	rep := a.Report
	if err := st.ApplyProvenance(rep, verdicts); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.JSON(&buf, rep); err != nil {
		return err
	}
	if err := writeFile(ctx, join(f.Opts.Output, "report.json"), buf.Bytes()); err != nil {
		return err
	}
	if f.Opts.Dedup {
		buf.Reset()
		if err := writeDedup(&buf, rep, f.Opts.DedupContainment); err != nil {
			return err
		}
		if err := writeFile(ctx, join(f.Opts.Output, "dedup.jsonl"), buf.Bytes()); err != nil {
			return err
		}
	}
	return emitRows(rep, f.Opts.ShardRows, emit)
}
