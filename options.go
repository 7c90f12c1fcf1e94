package reprint

import (
	"fmt"
	"runtime"
	"time"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/minhash"
)

// Version is reprint's version, reported in Report.Tool.
const Version = model.Version

// Backend names an LSH index implementation.
type Backend string

// The index backends: reprint's own LSH, and the reference implementation
// github.com/ekzhu/minhash-lsh behind the same interface (slower; for
// cross-checking).
const (
	BackendReprint Backend = "reprint"
	BackendEkzhu   Backend = "ekzhu"
)

// DefaultMinWords is the default shortest reported passage, in words. The
// seed articles' shortest recycled quotation has 10 words; chance phrases
// such as "no reason to be alarmed he" have 6.
const DefaultMinWords = model.DefaultMinWords

// DefaultMaxMemory is the default memory budget of a Detector (2 GiB).
const DefaultMaxMemory = 2 << 30

// DefaultVerifyShingle is the default shingle size, in words, of exact
// verification and alignment, and of the containment reported for document
// pairs: five-word shingles are the usual measure of containment, and they
// do not mistake a template filled in with other names and numbers for a
// copy, while LSH signatures keep shorter shingles for recall on short
// edited passages.
const DefaultVerifyShingle = model.DefaultVerifyShingle

// Option configures a Detector.
type Option func(*config) error

type config struct {
	params    minhash.Params
	threshold float64
	minWords  int
	workers   int
	backend   Backend
	bucketCap int
	noDates   bool
	// trustFuture keeps dates more than a day after now in provenance;
	// now is the run's clock (nil: time.Now).
	trustFuture bool
	now         func() time.Time
	hardDates   time.Duration // 0: dates are soft evidence
	verifyK     int
	maxMemory   int64
	fixed       *shares // set by tests; nil: shares of maxMemory
	tmpDir      string
	progress    func(stage string, done, total int)
}

// shares are the parts of the memory budget that the Detector's large
// tables may hold in memory before they spill to disk.
type shares struct {
	texts   int64 // documents' texts
	columns int64 // band fingerprints (read back band by band: little is enough: at 168 bytes a unit they outweigh a wall of text of short sentences twice over)
	pairs   int64 // candidate pairs being sorted, in values
	cache   int64 // documents kept prepared from sketching for verification
	scratch int64 // the band join's sort buffers (0: no bound)
	seeds   int64 // documents' seed keys (< 0: no limit)
	park    int64 // past this, the unit table and the seeds wait on disk for the stages that read them (< 0: never)
}

func (c *config) shares() shares {
	if c.fixed != nil {
		return *c.fixed
	}
	m := c.maxMemory
	return shares{texts: m / 16, columns: min(m/32, 16<<20), pairs: m / 32 / 8, cache: m / 32, scratch: m / 8, seeds: m / 8, park: m / 16}
}

// pipeline is the configuration of the detection stages.
func (c *config) pipeline() pipeline.Config {
	return pipeline.Config{Params: c.params, VerifyShingle: c.verifyK, MinWords: c.minWords, BucketCap: c.bucketCap, Workers: c.workers}
}

func defaultConfig() config {
	return config{
		params:    minhash.DefaultParams(),
		threshold: minhash.DefaultThreshold,
		minWords:  DefaultMinWords,
		workers:   runtime.GOMAXPROCS(0),
		backend:   BackendReprint,
		bucketCap: minhash.DefaultBucketCap,
		verifyK:   DefaultVerifyShingle,
		maxMemory: DefaultMaxMemory,
	}
}

// WithParams sets the similarity params (shingle size, hashes, seed, bands
// and rows). It is validated by New.
func WithParams(p minhash.Params) Option {
	return func(c *config) error { c.params = p; return nil }
}

// WithThreshold sets the Jaccard similarity of units that the LSH bands and
// rows are chosen for (see minhash.ChooseBands); it overrides the bands and
// rows of WithParams. Lower finds more edited copies and costs more time.
func WithThreshold(t float64) Option {
	return func(c *config) error {
		if !(t > 0 && t < 1) {
			return fmt.Errorf("reprint: threshold %v must be inside (0, 1)", t)
		}
		c.threshold = t
		return nil
	}
}

// WithMinWords sets the shortest reported passage in words (at least 1;
// values below the shingle size act as the shingle size).
func WithMinWords(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("reprint: min words %d must be at least 1", n)
		}
		c.minWords = n
		return nil
	}
}

// WithWorkers sets how many goroutines Detect uses (default GOMAXPROCS).
// The report does not depend on it.
func WithWorkers(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("reprint: workers %d must be at least 1", n)
		}
		c.workers = n
		return nil
	}
}

// WithBackend selects the LSH index implementation.
func WithBackend(b Backend) Option {
	return func(c *config) error {
		if b != BackendReprint && b != BackendEkzhu {
			return fmt.Errorf("reprint: unknown index backend %q (want %q or %q)", b, BackendReprint, BackendEkzhu)
		}
		c.backend = b
		return nil
	}
}

// WithBucketCap sets how many documents may share one identical passage,
// or one LSH bucket, before it is treated as boilerplate: left out of the
// pairs and listed in Report.Limits (default minhash.DefaultBucketCap;
// n ≤ 0 means no cap, at the risk of quadratic work).
func WithBucketCap(n int) Option {
	return func(c *config) error { c.bucketCap = n; return nil }
}

// WithIgnoreDates makes provenance use the text alone, as if no document
// were dated.
func WithIgnoreDates(ignore bool) Option {
	return func(c *config) error { c.noDates = ignore; return nil }
}

// WithTrustFutureDates keeps in provenance the dates that lie more than a
// day after the run's clock (see WithClock). By default such a date (a
// wrong year, a placeholder such as 2099-01-01) is taken as a mistake: the
// document stays dated in the report, but provenance treats it as
// undated, so it is never the earliest witness and its date weighs in no
// derivation.
func WithTrustFutureDates(trust bool) Option {
	return func(c *config) error { c.trustFuture = trust; return nil }
}

// WithClock sets the run's clock, which tells a future date (see
// WithTrustFutureDates); the default is time.Now. For tests and for
// reproducing a past run.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("reprint: nil clock")
		}
		c.now = now
		return nil
	}
}

// clock returns the run's time.
func (c *config) clock() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

// WithHardDates makes reliable, well-separated timestamps a constraint of
// provenance: when two copies both carry a minute or second timestamp at
// least gap apart, the later cannot be the source of the earlier. A gap of
// zero turns the constraint off (the default: dates are strong evidence,
// not a rule). Day-level dates never constrain, and WithIgnoreDates wins.
func WithHardDates(gap time.Duration) Option {
	return func(c *config) error {
		if gap < 0 {
			return fmt.Errorf("reprint: hard date gap %v must not be negative", gap)
		}
		c.hardDates = gap
		return nil
	}
}

// WithVerifyShingle sets the shingle size, in words, of exact verification,
// alignment and reported containment (default DefaultVerifyShingle).
func WithVerifyShingle(k int) Option {
	return func(c *config) error {
		if k < 1 || k > minhash.MaxShingle {
			return fmt.Errorf("reprint: verify shingle %d out of range 1..%d", k, minhash.MaxShingle)
		}
		c.verifyK = k
		return nil
	}
}

// WithMaxMemory sets the Detector's soft memory budget in bytes (default
// DefaultMaxMemory). Past shares of it, texts, band fingerprints and
// candidate pairs go to temporary files (see WithTmpDir), so that memory
// stays near the budget whatever the corpus size; the report does not
// depend on it. The Go runtime's own limit is the caller's to set
// (runtime/debug.SetMemoryLimit); the command line sets it to the budget.
func WithMaxMemory(bytes int64) Option {
	return func(c *config) error {
		if bytes < 64<<20 {
			return fmt.Errorf("reprint: max memory %d bytes is below the least useful budget of 64 MiB", bytes)
		}
		c.maxMemory = bytes
		return nil
	}
}

// WithTmpDir sets the directory of the Detector's temporary files (default
// the system's). The files are unlinked as soon as they are made.
func WithTmpDir(dir string) Option {
	return func(c *config) error { c.tmpDir = dir; return nil }
}

// WithProgress sets a function the Detector calls, from the goroutine
// that called Add or Detect, as it works: the stage's name and how much of
// it is done (total 0 when unknown).
func WithProgress(f func(stage string, done, total int)) Option {
	return func(c *config) error { c.progress = f; return nil }
}
