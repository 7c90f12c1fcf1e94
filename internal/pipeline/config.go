package pipeline

import (
	"fmt"

	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/segment"
	"github.com/reprint-dev/reprint/minhash"
)

// Config is what the stages need to agree on. Two runs with equal
// Configs (Workers aside) give equal results.
type Config struct {
	// Params are the similarity params, with Bands and Rows chosen.
	Params minhash.Params
	// VerifyShingle is the shingle size of exact containment.
	VerifyShingle int
	// MinWords is the shortest reported passage, in words.
	MinWords int
	// BucketCap is the number of documents one identical unit, or one
	// band bucket, may span before it is boilerplate (≤ 0: no cap).
	BucketCap int
	// Workers is the number of goroutines a stage uses (≤ 0: GOMAXPROCS).
	Workers int
}

// Validate reports whether the stages can run with c.
func (c *Config) Validate() error {
	if err := c.Params.Validate(); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	if c.VerifyShingle < 1 || c.VerifyShingle > minhash.MaxShingle {
		return fmt.Errorf("pipeline: verify shingle %d out of range 1..%d", c.VerifyShingle, minhash.MaxShingle)
	}
	if c.MinWords < 1 {
		return fmt.Errorf("pipeline: min words %d must be at least 1", c.MinWords)
	}
	return nil
}

// MinSimilarity is the share of a segment's tokens that must lie in
// exactly matching runs: below it, the "copy" is a shared template with
// other names and numbers filled in. Measured on the dev corpus (README).
const MinSimilarity = 0.6

// alignGap is the most tokens an edit may leave between two runs.
const alignGap = 4

// AlignOptions are the alignment options of verification.
func (c *Config) AlignOptions() align.Options {
	k := c.Params.Shingle
	return align.Options{K: k, Gap: alignGap, MinRun: max(k, 5), MinWords: max(c.MinWords, k), MaxRepeat: 16, MinSimilarity: MinSimilarity}
}

// segmentOptions are the unit options of every stage (the defaults).
var segmentOptions = segment.Options{}
