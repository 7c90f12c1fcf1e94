package reprintbeam

import (
	"errors"
	"fmt"
	"time"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/minhash"
	"github.com/reprint-dev/reprint/provenance"
)

// Options configure a run: the inputs, the output directory, and the
// report flags of `reprint report`, which mean the same here.
type Options struct {
	// Inputs are file names or glob patterns, on any file system Beam
	// reads (local, gs://, s3:// where the runner has it). Each pattern's
	// matches are read in lexical order, the patterns in the order given.
	// A name ending in .gz is gunzipped; the format is told by the
	// extension before it (.jsonl, .ndjson, .txt, .md, .html), as by
	// `reprint report` for a file named directly.
	Inputs []string
	// Output is the directory of report.json, the Parquet tables and
	// dedup.jsonl.
	Output string
	// TempDir is where the sketch workers leave the band entries for the
	// bucket workers (in a directory of the run's own, removed once they
	// are read), on a file system every worker reaches, as Output is; ""
	// is Output.
	TempDir string
	// BandParts is the number of shards a band's buckets are shuffled
	// in (by fingerprint range): 42 bands × BandParts shards in all,
	// each one worker's element. More parts, smaller elements.
	BandParts int

	MinWords      int
	Threshold     float64
	Shingle       int
	VerifyShingle int
	NumHash       int
	Seed          uint64
	IgnoreDates   bool
	HardDates     bool
	HardDateGap   time.Duration
	// Fields names the JSON Lines members (the --jsonl-* flags).
	Fields reader.Fields
	// MaxMemory is the memory budget of the report worker, which holds
	// the matched documents' texts within it (bytes).
	MaxMemory int64

	// Dedup writes dedup.jsonl: the documents to keep, one per group of
	// near-duplicate documents.
	Dedup bool
	// DedupContainment is the containment (of either document of a pair
	// in the other) at or above which two documents are near-duplicates.
	DedupContainment float64
	// ShardRows is the most rows one Parquet file holds.
	ShardRows int
}

// DefaultOptions returns the defaults of `reprint report`.
func DefaultOptions() Options {
	p := minhash.DefaultParams()
	return Options{
		MinWords: reprint.DefaultMinWords, Threshold: minhash.DefaultThreshold,
		Shingle: p.Shingle, VerifyShingle: reprint.DefaultVerifyShingle, NumHash: p.NumHash, Seed: p.Seed,
		HardDateGap: provenance.DefaultHardDateGap, MaxMemory: reprint.DefaultMaxMemory,
		DedupContainment: 0.8, ShardRows: 100_000, BandParts: 4,
	}
}

// detectorOptions are the Detector options of o, as `reprint report`
// makes them from the same flags.
func (o *Options) detectorOptions() []reprint.Option {
	opts := []reprint.Option{
		reprint.WithParams(minhash.Params{Shingle: o.Shingle, NumHash: o.NumHash, Seed: o.Seed, Bands: 1, Rows: 1}),
		reprint.WithIgnoreDates(o.IgnoreDates),
		reprint.WithThreshold(o.Threshold), reprint.WithMinWords(o.MinWords),
		reprint.WithVerifyShingle(o.VerifyShingle),
		reprint.WithMaxMemory(o.MaxMemory),
	}
	if o.HardDates {
		opts = append(opts, reprint.WithHardDates(o.HardDateGap))
	}
	return opts
}

// Validate reports whether o can run.
func (o *Options) Validate() error {
	if len(o.Inputs) == 0 {
		return errors.New("reprintbeam: no --input")
	}
	if o.Output == "" {
		return errors.New("reprintbeam: no --output")
	}
	if o.HardDates && o.IgnoreDates {
		return errors.New("reprintbeam: --hard-dates and --ignore-dates contradict each other")
	}
	if o.DedupContainment <= 0 || o.DedupContainment > 1 {
		return fmt.Errorf("reprintbeam: --dedup-containment %v out of range (0, 1]", o.DedupContainment)
	}
	if o.BandParts < 1 || o.BandParts > 1<<16 {
		return fmt.Errorf("reprintbeam: --band-parts %d out of range 1..65536", o.BandParts)
	}
	if o.ShardRows < 1 {
		return fmt.Errorf("reprintbeam: --shard-rows %d must be positive", o.ShardRows)
	}
	d, err := reprint.New(o.detectorOptions()...)
	if err != nil {
		return err
	}
	return d.Close()
}
