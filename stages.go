package reprint

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reprint-dev/reprint/internal/pipeline"
)

// Stages lets another driver run Detect's stages one at a time, each
// perhaps on another machine, and still get Detect's report: the Beam
// pipeline of module github.com/reprint-dev/reprint/beam sketches
// documents, decides band buckets and verifies pairs on many workers
// with the stage functions of package internal/pipeline, calls Stages
// for the report's assembly (Assemble) on one worker, infers provenance
// on many, a batch of linked clusters at a time (InferProvenance), and
// applies the verdicts on one (ApplyProvenance). Add and Candidates run
// the candidate stage on one machine instead, with Detect's memory
// budget, for a driver that wants no more. Most of its methods take
// the types of package internal/pipeline, which only modules under this
// one can name: for other callers it is of no use, and Detect is the
// whole detection.
//
// A Stages shares its Detector's state: use one or the other.
type Stages struct{ d *Detector }

// Stages returns the Detector's stages.
func (d *Detector) Stages() *Stages { return &Stages{d} }

// ErrStagesBackend is returned by Stages for a Detector with the ekzhu
// backend, whose candidates need the units' signatures.
var ErrStagesBackend = errors.New("reprint: stages run with the band backend only")

// Config returns the stages' configuration: the same for every worker of
// one run, so that each sketches and verifies as Detect would.
func (s *Stages) Config() (*pipeline.Config, error) {
	if s.d.cfg.backend == BackendEkzhu {
		return nil, ErrStagesBackend
	}
	pc := s.d.pc
	return &pc, nil
}

// Add files a document sketched elsewhere (by a Sketcher of Config, with
// its whole text): Add without the sketching. Documents are numbered in
// the order they are filed, as by Add, so they must come in input order;
// they cannot be mixed with Detector.Add.
func (s *Stages) Add(doc Document, sk *pipeline.Sketch) error {
	d := s.d
	if doc.ID == "" {
		return ErrEmptyID
	}
	if _, dup := d.ids[doc.ID]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateID, doc.ID)
	}
	if len(d.pending) > 0 {
		return errors.New("reprint: Stages.Add after Detector.Add")
	}
	d.ids[doc.ID] = len(d.docs)
	if err := d.units.Append(int32(len(d.docs)), sk); err != nil {
		return fmt.Errorf("reprint: %w", err)
	}
	return d.file(doc, sk)
}

// Candidates runs the candidate stage over the documents filed, as Detect
// does (the same hot-bucket caps and boilerplate families, and the same
// spill budget). The caller closes the result's Pairs.
func (s *Stages) Candidates(ctx context.Context) (*pipeline.Candidates, error) {
	if s.d.cfg.backend == BackendEkzhu {
		return nil, ErrStagesBackend
	}
	return s.d.candidates(ctx)
}

// Text returns the text of document doc, filed by Add: from memory or
// from the Detector's temporary file, where texts past its memory budget
// go.
func (s *Stages) Text(doc int32) (string, error) {
	if doc < 0 || int(doc) >= len(s.d.docs) {
		return "", fmt.Errorf("reprint: no document %d", doc)
	}
	return s.d.texts.Get(int(doc))
}

// AddReported files a document for a Detector that only makes the
// report (Report): its metadata, the length of its text and its word
// count. Its Text may be empty where the report quotes none of it (it is
// in no match and no boilerplate). Documents come in input order.
func (s *Stages) AddReported(doc Document, length, words int) error {
	d := s.d
	if _, dup := d.ids[doc.ID]; dup || doc.ID == "" {
		return fmt.Errorf("%w: %q", ErrDuplicateID, doc.ID)
	}
	d.ids[doc.ID] = len(d.docs)
	if err := d.file(doc, &pipeline.Sketch{Words: words}); err != nil {
		return err
	}
	d.lens[len(d.lens)-1] = length
	return nil
}

// Seeds returns document doc's seed keys, masked by the boilerplate that
// Candidates found.
func (s *Stages) Seeds(doc int32, b *pipeline.SeedBuf) (pipeline.Seeds, error) {
	return s.d.seeds.Get(doc, b)
}

// Report assembles the report from the matches of verification (in any
// order: they are put in pair order), the boilerplate and the hot-bucket
// count of Candidates, exactly as Detect does: matches, document pairs,
// coverage, clusters, limits and provenance, all on this machine (as
// Assemble, InferProvenance and ApplyProvenance, with batches of linked
// clusters bounded by the memory budget). The documents were filed by
// Add or AddReported.
func (s *Stages) Report(ctx context.Context, matches []pipeline.Match, boiler []pipeline.Boilerplate, hot int) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pipeline.SortMatches(matches)
	return s.d.report(matches, boiler, hot)
}

// ProvenanceWork is the provenance of a report, split into batches that
// can be inferred anywhere, in any order: every batch is one connected
// component of clusters linked by shared documents, so that no two
// batches share a document and their verdicts are those of one run over
// all clusters. Batch gathers a batch when asked, so that a driver holds
// one at a time; it reads the texts of the Stages' Detector, which must
// stay open.
type ProvenanceWork struct {
	// Sources are the sources of all documents, in input order of first
	// appearance: every batch is inferred with them (attribution cues
	// name any outlet of the corpus). They are apart from the batches,
	// which would otherwise each carry them.
	Sources []string

	d        *Detector
	clusters [][]pipeline.Side
	groups   [][]int // the components' clusters
	now      time.Time
}

// Len returns the number of batches.
func (w *ProvenanceWork) Len() int { return len(w.groups) }

// Batch returns batch i, 0 <= i < Len(): the components in the order of
// their first cluster.
func (w *ProvenanceWork) Batch(i int) (*ProvenanceBatch, error) {
	if i < 0 || i >= len(w.groups) {
		return nil, fmt.Errorf("reprint: no provenance batch %d of %d", i, len(w.groups))
	}
	b, err := w.d.provenanceBatch(w.clusters, w.groups[i], w.now)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// Assemble is Report without provenance, for a driver that infers
// provenance elsewhere: the report with every cluster's Earliest, Origin,
// Quotation and Edges and every pair's Source still to fill in, and that
// work as independent batches. Run each batch with InferProvenance (on
// any machine, with a Detector of the same options) and give all the
// verdicts to ApplyProvenance: the report is then Report's, byte for
// byte.
func (s *Stages) Assemble(ctx context.Context, matches []pipeline.Match, boiler []pipeline.Boilerplate, hot int) (*Report, *ProvenanceWork, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	d := s.d
	pipeline.SortMatches(matches)
	r, clusters, err := d.assembleReport(matches, boiler, hot)
	if err != nil {
		return nil, nil, err
	}
	return r, &ProvenanceWork{Sources: d.sources(), d: d, clusters: clusters,
		groups: d.provenanceGroups(clusters, 0), now: d.cfg.clock()}, nil
}

// InferProvenance runs provenance over one batch of Assemble's work, the
// corpus's sources given (ProvenanceWork.Sources), with the Detector's
// provenance options (WithIgnoreDates, WithHardDates): a Detector of the
// same options gives the same verdict on any machine. It reads nothing
// but its arguments.
func (s *Stages) InferProvenance(sources []string, b *ProvenanceBatch) (*ProvenanceVerdict, error) {
	return s.d.inferProvenance(sources, b)
}

// ApplyProvenance fills in the provenance of a report made by Assemble
// (perhaps decoded on another machine) from the verdicts of all its
// batches, in any order. It fails unless every cluster has exactly one
// verdict and no document is in two batches.
func (s *Stages) ApplyProvenance(r *Report, verdicts []ProvenanceVerdict) error {
	return applyVerdicts(r, verdicts)
}
