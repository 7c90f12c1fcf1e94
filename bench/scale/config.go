package scale

import (
	"errors"
	"fmt"
	"time"
)

// Shape names a kind of corpus.
type Shape string

// The shapes Generate makes.
const (
	// ShapeArchive is a year of articles of 6–14 paragraphs of 25–60
	// words, with a share of paragraphs copied from earlier articles.
	ShapeArchive Shape = "archive"
	// ShapeNearBoiler is archive articles that each end with the same
	// newsletter footer, one word or its date changed in each (no two
	// documents need hold the same footer), plus a few planted copies.
	ShapeNearBoiler Shape = "nearboiler"
	// ShapeBoiler is ShapeNearBoiler with the footer identical everywhere.
	ShapeBoiler Shape = "boiler"
	// ShapeLongLine is one document of Size bytes on one line (sentences
	// only, no newline) and a small article that copies two passages of it.
	ShapeLongLine Shape = "longline"
)

// Shapes lists every shape, in a fixed order.
var Shapes = []Shape{ShapeArchive, ShapeNearBoiler, ShapeBoiler, ShapeLongLine}

// ErrConfig is wrapped by the errors Validate returns.
var ErrConfig = errors.New("scale: invalid config")

// Config says what Generate makes. The same Config gives the same bytes.
type Config struct {
	Shape Shape
	// Seed chooses the vocabulary and every draw.
	Seed int64
	// N is the number of documents (all shapes but ShapeLongLine).
	N int
	// Size is the long document's length in bytes (ShapeLongLine), rounded
	// up to the end of a sentence.
	Size int
	// CopyRate is the share of paragraphs copied from an earlier document
	// (boilerplate not counted); the first paragraph of a document is
	// always its own.
	CopyRate float64
	// EditRate is the share of copies with two words changed; the others
	// are verbatim.
	EditRate float64
	// Start is the first document's date; the others follow it, spread
	// evenly over the year after it at one-second granularity, so that
	// every copy is dated after its source.
	Start time.Time
}

// DefaultConfig returns the configuration of the measurements for
// a shape: 10,000 archive articles with 1% of paragraphs copied, 5,000
// boilerplate documents with 0.2% (a few planted copies), a 50 MB line.
func DefaultConfig(s Shape) Config {
	c := Config{Shape: s, Seed: 1, N: 10_000, CopyRate: 0.01, EditRate: 0.5,
		Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	switch s {
	case ShapeNearBoiler, ShapeBoiler:
		c.N, c.CopyRate = 5_000, 0.002
	case ShapeLongLine:
		c.N, c.Size = 2, 50_000_000
	}
	return c
}

// year is the span the documents' dates cover, in seconds.
const year = 365 * 24 * 60 * 60

// Validate reports what is wrong with c, wrapping ErrConfig.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	switch c.Shape {
	case ShapeArchive, ShapeNearBoiler, ShapeBoiler:
		if c.N < 1 || c.N > year {
			return bad("n = %d, want 1 to %d documents", c.N, year)
		}
	case ShapeLongLine:
		if c.Size < 1000 {
			return bad("size = %d, want at least 1000 bytes", c.Size)
		}
	default:
		return bad("unknown shape %q (want one of %v)", c.Shape, Shapes)
	}
	if c.CopyRate < 0 || c.CopyRate > 0.5 {
		return bad("copy rate %v, want 0 to 0.5", c.CopyRate)
	}
	if c.EditRate < 0 || c.EditRate > 1 {
		return bad("edit rate %v, want 0 to 1", c.EditRate)
	}
	return nil
}
