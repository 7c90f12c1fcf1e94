package pipeline

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// clusterMatches makes n matches shaped like the dev corpus's (1.4
// segments a match): each document b copies a passage of its
// predecessor a, and every fifth match has two more segments, so that
// clusters chain a few documents each.
func clusterMatches(n int) []Match {
	ms := make([]Match, n)
	for i := range ms {
		a, b := int32(i), int32(i+1)
		segs := []Segment{{A: Range{100, 160}, B: Range{10, 70}, ABytes: Span{600, 960}, BBytes: Span{60, 420}, Similarity: 1, Words: 60}}
		if i%5 == 0 {
			segs = append(segs,
				Segment{A: Range{200, 230}, B: Range{300, 330}, ABytes: Span{1200, 1380}, BBytes: Span{1800, 1980}, Similarity: 0.9, Words: 30},
				Segment{A: Range{400, 420}, B: Range{500, 520}, ABytes: Span{2400, 2520}, BBytes: Span{3000, 3120}, Similarity: 1, Words: 20})
		}
		ms[i] = Match{A: a, B: b, Segments: segs, Covered: [2][]Range{{segs[0].A}, {segs[0].B}}}
	}
	return ms
}

// TestClusterChains: the sides that overlap in a document join their
// matches' clusters, the others stay apart.
func TestClusterChains(t *testing.T) {
	ms := clusterMatches(3)
	cs := Cluster(Sides(ms))
	// Document 1's copy of 0 (tokens 10..70) and its passage that 2
	// copies (100..160) do not overlap: every segment is its own
	// cluster, and the two extra segments of match 0 two more.
	assert.Len(t, cs, 5)
	for _, c := range cs {
		assert.Len(t, c, 2, "each cluster holds one passage of each of two documents")
	}
}

// BenchmarkCluster measures what connected components of the matches
// cost the report worker: bytes allocated a side (two a matched segment)
// by Sides and Cluster together, and the bytes a Match holds with its
// segments and covered ranges, for the README's figure of the match
// graph at 10M stories.
func BenchmarkCluster(b *testing.B) {
	const n = 100_000
	ms := clusterMatches(n)
	sides := len(Sides(ms))
	held := 0
	for _, m := range ms {
		held += int(unsafe.Sizeof(m)) + len(m.Segments)*int(unsafe.Sizeof(Segment{}))
		held += (len(m.Covered[0]) + len(m.Covered[1])) * int(unsafe.Sizeof(Range{}))
	}
	// B/side: what one Cluster(Sides(…)) allocates, by side.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Cluster(Sides(ms))
	runtime.ReadMemStats(&after)
	b.ReportAllocs()
	for b.Loop() {
		Cluster(Sides(ms))
	}
	b.ReportMetric(float64(sides)/float64(n), "sides/match")
	b.ReportMetric(float64(held)/float64(n), "match-B")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(sides), "B/side")
}
