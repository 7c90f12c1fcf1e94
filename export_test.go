package reprint

// WithSpillLimits sets the in-memory limits of the Detector's spilling
// tables directly (bytes of texts, bytes of band columns, candidate pairs,
// bytes of prepared documents, bytes of seeds), so that a test can force
// every table to disk on a small corpus.
func WithSpillLimits(texts, columns, pairs, cache, seeds int64) Option {
	return func(c *config) error {
		c.fixed = &shares{texts: texts, columns: columns, pairs: pairs, cache: cache, seeds: seeds}
		return nil
	}
}
