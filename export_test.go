package reprint

// WithSpillLimits sets the in-memory limits of the Detector's spilling
// tables directly (bytes of texts, bytes of band columns, candidate pairs,
// bytes of prepared documents, bytes of seeds, also the size past which
// the unit table and the seeds wait on disk between stages and the band
// join's scratch bound), so that a test can force every table to disk,
// and the band join into parts, on a small corpus.
func WithSpillLimits(texts, columns, pairs, cache, seeds int64) Option {
	return func(c *config) error {
		c.fixed = &shares{texts: texts, columns: columns, pairs: pairs, cache: cache, seeds: seeds, park: seeds, scratch: max(seeds, 0)}
		return nil
	}
}
