package reprint

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/minhash"
)

// ErrDuplicateID is returned by Add for a document whose ID was added
// before; ErrEmptyID for a document without one.
var (
	ErrDuplicateID = errors.New("reprint: duplicate document id")
	ErrEmptyID     = model.ErrEmptyID
)

// Detector finds recycled passages among the documents added to it. Add
// documents, then call Detect.
//
// A Detector is a short driver of the detection stages (package
// internal/pipeline): Add sketches documents as they come, keeping of each
// only its metadata, its text (in memory up to a share of the memory
// budget, then in a temporary file) and what candidate generation needs;
// Detect finds the candidate pairs band by band, verifies them, and
// clusters and explains the matches. Its memory stays near the budget of
// WithMaxMemory whatever the corpus size; Close frees its temporary files.
//
// A Detector is not safe for concurrent use; Add and Detect themselves
// use several goroutines.
type Detector struct {
	cfg  config
	pc   pipeline.Config
	docs []Document // metadata; Text is in texts
	lens []int      // each text's length
	ids  map[string]int

	spill  *pipeline.Spill
	texts  *pipeline.Texts
	units  pipeline.Units
	words  []int32
	seeds  *pipeline.SeedStore
	cache  map[int32]*pipeline.Prepared
	cached int64 // bytes in cache

	pending      []Document
	pendingBytes int
	sketchTime   time.Duration // spent by Add and Detect sketching
	sketchCPU    time.Duration
	stats        Stats
	peak         atomic.Uint64
}

// New returns a Detector configured by opts.
func New(opts ...Option) (*Detector, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	b, r, err := minhash.ChooseBands(cfg.params.NumHash, cfg.threshold)
	if err != nil {
		return nil, fmt.Errorf("reprint: %w", err)
	}
	cfg.params.Bands, cfg.params.Rows = b, r
	if err := cfg.params.Validate(); err != nil {
		return nil, fmt.Errorf("reprint: %w", err)
	}
	d := &Detector{cfg: cfg, pc: cfg.pipeline(), ids: make(map[string]int), cache: map[int32]*pipeline.Prepared{}}
	d.spill = &pipeline.Spill{Dir: cfg.tmpDir}
	sh := cfg.shares()
	d.texts = pipeline.NewTexts(sh.texts, d.spill)
	d.units.Bands = pipeline.NewColumns(b, sh.columns, d.spill)
	d.seeds = pipeline.NewSeedStore(sh.seeds, d.spill, cfg.params.Shingle)
	return d, nil
}

// Params returns the similarity params the Detector uses.
func (d *Detector) Params() minhash.Params { return d.cfg.params }

// Len returns the number of documents added.
func (d *Detector) Len() int { return len(d.docs) + len(d.pending) }

// Add adds documents. It fails, adding none of the remaining ones, on an
// empty or repeated ID. Documents are sketched in batches as they come,
// so the caller need not keep them.
func (d *Detector) Add(docs ...Document) error {
	for _, doc := range docs {
		if doc.ID == "" {
			return ErrEmptyID
		}
		if _, dup := d.ids[doc.ID]; dup {
			return fmt.Errorf("%w: %q", ErrDuplicateID, doc.ID)
		}
		d.ids[doc.ID] = len(d.docs) + len(d.pending)
		d.pending = append(d.pending, doc)
		d.pendingBytes += len(doc.Text)
		if len(d.pending) >= 1024 || d.pendingBytes >= 8<<20 {
			if err := d.flush(context.Background()); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close frees the Detector's temporary files (they are unlinked as soon
// as they are made, so a process that ends without Close leaves nothing
// behind either). The Detector cannot be used after Close.
func (d *Detector) Close() error {
	return errors.Join(d.texts.Close(), d.units.Close(), d.seeds.Close())
}

// flush sketches the pending documents on all cores and files them.
func (d *Detector) flush(ctx context.Context) error {
	if len(d.pending) == 0 {
		return nil
	}
	start, cpu := time.Now(), processCPU()
	defer func() { d.sketchTime, d.sketchCPU = d.sketchTime+time.Since(start), d.sketchCPU+processCPU()-cpu }()
	batch := d.pending
	sketches := make([]pipeline.Sketch, len(batch))
	prepared := make([]*pipeline.Prepared, len(batch))
	cacheLimit := d.cfg.shares().cache
	keep := d.cached < cacheLimit
	err := pool.Run(ctx, len(batch), pool.Options{Workers: d.cfg.workers, Chunk: 4}, func() func(int) {
		s, _ := d.pc.NewSketcher(d.cfg.backend == BackendEkzhu) // params were validated by New
		return func(i int) {
			if len(batch[i].Text) <= pipeline.BigText { // walls of text are sketched below, in parts
				sketches[i], prepared[i] = s.Sketch(batch[i].Text, keep)
			}
		}
	})
	if err != nil {
		return err
	}
	for i, doc := range batch {
		n := int32(len(d.docs))
		if len(doc.Text) > pipeline.BigText {
			s, _ := d.pc.NewSketcher(d.cfg.backend == BackendEkzhu)
			var err error
			sketches[i], prepared[i], err = s.SketchParts(doc.Text, func(part *pipeline.Sketch) error { return d.units.Append(n, part) })
			if err != nil {
				return fmt.Errorf("reprint: %w", err)
			}
		} else if err := d.units.Append(n, &sketches[i]); err != nil {
			return fmt.Errorf("reprint: %w", err)
		}
		if err := d.file(doc, &sketches[i]); err != nil {
			return err
		}
		if p := prepared[i]; p != nil && d.cached < cacheLimit {
			d.cache[n] = p
			d.cached += p.Size()
		}
	}
	d.pending, d.pendingBytes = d.pending[:0], 0
	d.sample()
	if d.cfg.progress != nil {
		d.cfg.progress("sketching documents", len(d.docs), 0)
	}
	return nil
}

// file keeps document doc (its units already appended) and its sketch's
// word count and seeds.
func (d *Detector) file(doc Document, sk *pipeline.Sketch) error {
	if _, err := d.texts.Add(doc.Text); err != nil {
		return fmt.Errorf("reprint: %w", err)
	}
	d.lens = append(d.lens, len(doc.Text))
	doc.Text = ""
	d.docs = append(d.docs, doc)
	d.words = append(d.words, int32(sk.Words))
	if err := d.seeds.Add(sk.Seeds); err != nil {
		return fmt.Errorf("reprint: %w", err)
	}
	return nil
}

// Detect finds the recycled passages among the documents added so far and
// returns the report. It honours ctx's cancellation.
func (d *Detector) Detect(ctx context.Context) (*Report, error) {
	stop := d.sampleWhile()
	defer stop()
	if err := d.flush(ctx); err != nil {
		return nil, err
	}
	d.stats = Stats{Documents: len(d.docs), Units: d.units.Len(), Stages: []StageTime{{"sketch", d.sketchTime, d.sketchCPU}}}
	d.progress("finding candidates", 0, 0)
	start, cpu := time.Now(), processCPU()
	cand, err := d.candidates(ctx)
	if err != nil {
		return nil, err
	}
	d.timeStage("candidates", start, cpu)
	// What only the candidate stage reads goes to disk until the next
	// Detect: the unit table now (with its band fingerprints, when they
	// outgrew their share and spilled), the seeds after verification.
	if err := d.units.Bands.Settle(); err != nil {
		return nil, wrapStageErr(err)
	}
	if park := d.cfg.shares().park; park >= 0 && (d.units.Bands.Spilled() || d.units.Bytes() > park) {
		if err := d.units.Park(d.spill); err != nil {
			return nil, wrapStageErr(err)
		}
	}
	d.progress("verifying candidate pairs", 0, 0)
	start, cpu = time.Now(), processCPU()
	matches, vs, err := d.pc.VerifyPairs(ctx, cand.Pairs, pipeline.VerifyOptions{
		Seeds: d.seeds.Get,
		Prepare: func(h *minhash.Hasher, doc int32) (*pipeline.Prepared, error) {
			return d.prepared(h, doc, cand.Mask[doc])
		},
		Progress: func(n int) { d.progress("verifying candidate pairs", n, 0) },
	})
	cand.Pairs.Close()
	if err != nil {
		return nil, wrapStageErr(err)
	}
	d.stats.Candidates, d.stats.Verified, d.stats.Matches = vs.Candidates, vs.Aligned, len(matches)
	d.timeStage("verify", start, cpu)
	if park := d.cfg.shares().park; park >= 0 && d.seeds.Held() > park {
		if err := d.seeds.Park(); err != nil {
			return nil, wrapStageErr(err)
		}
	}
	r, err := d.report(matches, cand.Boilerplate, cand.Hot)
	if err != nil {
		return nil, err
	}
	d.stats.SpillBytes, d.stats.SpillFiles = d.spill.Bytes(), d.spill.Files()
	d.sample()
	d.stats.PeakHeap = d.peak.Load()
	return r, nil
}

// candidates runs the candidate stage over the documents filed so far and
// masks their seeds with the boilerplate found.
func (d *Detector) candidates(ctx context.Context) (*pipeline.Candidates, error) {
	d.seeds.SetMasks(nil) // the boilerplate of a Detect before
	if err := d.units.Unpark(); err != nil {
		return nil, wrapStageErr(err)
	}
	cand, err := d.pc.Candidates(ctx, &d.units, pipeline.CandidateOptions{
		Ekzhu:     d.cfg.backend == BackendEkzhu,
		PairLimit: int(d.cfg.shares().pairs),
		Spill:     d.spill,
		Text:      func(doc int32) (string, error) { return d.texts.Get(int(doc)) },
		Seeds:     d.seeds.Get,
		Scratch:   d.cfg.shares().scratch,
		ParkKeys:  d.cfg.shares().park >= 0 && d.units.Bytes() > d.cfg.shares().park,
	})
	if err != nil {
		return nil, wrapStageErr(err)
	}
	d.seeds.SetMasks(cand.MaskTokens)
	return cand, nil
}

// report assembles the report of the matches found (in pair order), the
// boilerplate and the hot-bucket count: matches, pairs, clusters, limits,
// then provenance.
func (d *Detector) report(matches []pipeline.Match, boiler []pipeline.Boilerplate, hot int) (*Report, error) {
	start, cpu := time.Now(), processCPU()
	r, clusters, err := d.assembleReport(matches, boiler, hot)
	if err != nil {
		return nil, err
	}
	d.timeStage("clusters", start, cpu)
	d.progress("inferring provenance", 0, 0)
	start, cpu = time.Now(), processCPU()
	if err := d.applyProvenance(r, clusters); err != nil {
		return nil, err
	}
	d.timeStage("provenance", start, cpu)
	return r, nil
}

// assembleReport is the report without provenance: assemble, then the
// limits (the boilerplate left out and the hot-bucket count). It returns
// the clusters' passages as the pipeline made them, for provenance.
func (d *Detector) assembleReport(matches []pipeline.Match, boiler []pipeline.Boilerplate, hot int) (*Report, [][]pipeline.Side, error) {
	r, clusters, err := d.assemble(matches)
	if err != nil {
		return nil, nil, wrapStageErr(err)
	}
	if len(boiler) > 0 || hot > 0 {
		r.Limits = &Limits{HotBuckets: hot}
		for _, b := range boiler {
			text, err := d.texts.Get(int(b.Doc))
			if err != nil {
				return nil, nil, wrapStageErr(err)
			}
			r.Limits.Boilerplate = append(r.Limits.Boilerplate, Boilerplate{Text: strings.Clone(text[b.Span.Start:b.Span.End]), Documents: b.Documents})
		}
	}
	return r, clusters, nil
}

// prepared returns document doc's alignment form: the one kept from
// sketching, or made again from its text.
func (d *Detector) prepared(h *minhash.Hasher, doc int32, mask []pipeline.Span) (*pipeline.Prepared, error) {
	if p, ok := d.cache[doc]; ok && len(mask) == 0 {
		return p, nil
	}
	text, err := d.texts.Get(int(doc))
	if err != nil {
		return nil, err
	}
	return d.pc.Prepare(h, text, mask), nil
}

func wrapStageErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("reprint: %w", err)
}

// Stats describes the work of the last Detect.
type Stats struct {
	// Documents and Units count what was sketched; Candidates the
	// candidate document pairs, Verified those the seed filter let
	// through to alignment, Matches those that share a passage.
	Documents, Units              int
	Candidates, Verified, Matches int
	// PeakHeap is the largest Go heap seen (bytes of live and not yet
	// collected objects).
	PeakHeap uint64
	// SpillBytes and SpillFiles count what went to temporary files.
	SpillBytes, SpillFiles int64
	// Stages are the stages' wall times, in order.
	Stages []StageTime
}

// StageTime is one stage's wall time and the process's CPU time during it
// (user and system, all cores; 0 where the system does not say): on a
// shared machine the CPU time is the steadier measure.
type StageTime struct {
	Name     string
	Duration time.Duration
	CPU      time.Duration
}

// Stats returns the statistics of the last Detect.
func (d *Detector) Stats() Stats { return d.stats }

func (d *Detector) timeStage(name string, start time.Time, cpu time.Duration) {
	d.stats.Stages = append(d.stats.Stages, StageTime{name, time.Since(start), processCPU() - cpu})
}

func (d *Detector) progress(stage string, done, total int) {
	if d.cfg.progress != nil {
		d.cfg.progress(stage, done, total)
	}
}

// heapMetric is the Go heap's bytes in objects, live or not yet swept.
const heapMetric = "/memory/classes/heap/objects:bytes"

// sample records the heap's size if it is the largest seen.
func (d *Detector) sample() {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	v := s[0].Value.Uint64()
	for {
		old := d.peak.Load()
		if v <= old || d.peak.CompareAndSwap(old, v) {
			return
		}
	}
}

// sampleWhile samples the heap every few milliseconds until stop is
// called.
func (d *Detector) sampleWhile() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				d.sample()
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
