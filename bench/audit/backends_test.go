package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	benchaudit "github.com/reprint-dev/reprint/bench/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/pgtest"
)

// benchBackends are the persistent backends, side by side on the same
// inputs; fresh returns the location of a new, empty index.
var benchBackends = []struct {
	name  string
	fresh func(b *testing.B) string
}{
	{"bolt", func(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") }},
	{"postgres", func(b *testing.B) string { return pgtest.URL(b) }},
}

// BenchmarkBackendAdd adds the dev corpus (10,051 stories, 8.3 MB) to a
// new index on each backend, one op each; MB/s is text added per second.
func BenchmarkBackendAdd(b *testing.B) {
	docs := devCorpus(b)
	text := 0
	for _, d := range docs {
		text += len(d.Text)
	}
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			b.SetBytes(int64(text))
			for b.Loop() {
				ix, err := index.Open(context.Background(), be.fresh(b), index.Options{})
				require.NoError(b, err)
				require.NoError(b, ix.Add(context.Background(), docs...))
				require.NoError(b, ix.Close())
			}
		})
	}
}

// BenchmarkBackendAudit audits 100 articles (half with copied
// paragraphs) against 100,000 indexed stories (REPRINT_BENCH_STORIES to
// change) on each backend; one op opens the index, audits and closes it.
// The indexes are built once and kept (a file in the temporary directory,
// a schema on the test server).
func BenchmarkBackendAudit(b *testing.B) {
	n := 100000
	if s := os.Getenv("REPRINT_BENCH_STORIES"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	c := benchaudit.NewCorpus(devCorpus(b))
	refs := c.Docs(n)
	targets := c.Targets(100, refs, 1000, 1)
	locations := map[string]string{
		"bolt":     cachedIndex(b, c, n),
		"postgres": cachedPostgres(b, c, n),
	}
	var findings []int
	for _, be := range benchBackends {
		b.Run(fmt.Sprintf("%s/stories=%d", be.name, n), func(b *testing.B) {
			var rep *audit.Report
			for b.Loop() {
				ix, err := index.Open(context.Background(), locations[be.name], index.Options{ReadOnly: true})
				require.NoError(b, err)
				rep, err = audit.Run(context.Background(), ix, targets, audit.DefaultPolicy())
				require.NoError(b, err)
				require.NoError(b, ix.Close())
			}
			b.ReportMetric(float64(rep.Summary.Findings), "findings")
			findings = append(findings, rep.Summary.Findings)
		})
	}
	if len(findings) == 2 {
		assert.Equal(b, findings[0], findings[1], "both backends find the same")
	}
}

// cachedPostgres builds (or reuses) an index of the first n documents of
// the replicated dev corpus in a schema of the test server that outlives
// the benchmark.
func cachedPostgres(b *testing.B, c *benchaudit.Corpus, n int) string {
	b.Helper()
	base := pgtest.Server(b)
	schema := fmt.Sprintf("bench_audit_v2_%d", n)
	loc := pgtest.WithSchema(base, schema)
	if ix, err := index.Open(context.Background(), loc, index.Options{ReadOnly: true}); err == nil {
		st, err := ix.Stats(context.Background())
		ix.Close()
		if err == nil && st.Documents == n {
			return loc
		}
	}
	pgtest.Exec(b, base, "DROP SCHEMA IF EXISTS "+schema+" CASCADE", "CREATE SCHEMA "+schema)
	start := time.Now()
	ix, err := index.Open(context.Background(), loc, index.Options{BatchSize: 5000})
	require.NoError(b, err)
	require.NoError(b, ix.Add(context.Background(), c.Docs(n)...))
	require.NoError(b, ix.Compact("")) // VACUUM ANALYZE: fresh planner statistics
	require.NoError(b, ix.Close())
	b.Logf("built %s (%d stories) in %v", schema, n, time.Since(start).Round(time.Millisecond))
	return loc
}

// BenchmarkLoad runs 16 audit clients (100 articles each, one after the
// other) against a PostgreSQL index of the dev corpus while one writer
// adds 10,000 more stories (REPRINT_BENCH_LOAD_STORIES) in batches of 500.
// No audit may fail, and each must find exactly what a serial audit finds
// against the snapshot it read (a snapshot holds the base and whole
// batches: its size names it). Reports audit latency p50 and p99.
func BenchmarkLoad(b *testing.B) {
	adds := 10000
	if s := os.Getenv("REPRINT_BENCH_LOAD_STORIES"); s != "" {
		var err error
		adds, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	const clients, batch = 16, 500
	c := benchaudit.NewCorpus(devCorpus(b))
	baseDocs := c.Docs(c.Len())
	added := c.Docs(c.Len() + adds)[c.Len():]
	all := append(slices.Clone(baseDocs), added...)
	// Two sets of targets, copying from the base and from the stories
	// being added, so that what an audit finds depends on its snapshot.
	targetSets := [][]reprint.Document{c.Targets(100, all, 1000, 1), c.Targets(100, all, 1001, 2)}

	for b.Loop() {
		loc := pgtest.URL(b)
		w, err := index.Open(context.Background(), loc, index.Options{BatchSize: 2000})
		require.NoError(b, err)
		require.NoError(b, w.Add(context.Background(), baseDocs...))
		require.NoError(b, w.Close())

		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		type result struct {
			set     int
			rep     *audit.Report
			latency time.Duration
		}
		var mu sync.Mutex
		var results []result
		var errs []error
		writing := make(chan struct{})
		var wg sync.WaitGroup
		for cl := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ix, err := index.Open(ctx, loc, index.Options{ReadOnly: true, Workers: 1})
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				defer ix.Close()
				for first := true; ; first = false {
					select {
					case <-writing:
						if !first {
							return
						}
					default:
					}
					set := cl % len(targetSets)
					start := time.Now()
					rep, err := audit.Run(ctx, ix, targetSets[set], audit.DefaultPolicy())
					mu.Lock()
					if err != nil {
						errs = append(errs, err)
					} else {
						results = append(results, result{set, rep, time.Since(start)})
					}
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
		}
		writeStart := time.Now()
		wx, err := index.Open(ctx, loc, index.Options{BatchSize: batch})
		require.NoError(b, err)
		require.NoError(b, wx.Add(ctx, added...))
		require.NoError(b, wx.Close())
		writeTime := time.Since(writeStart)
		close(writing)
		wg.Wait()
		cancel()
		require.Empty(b, errs)

		// A serial audit per snapshot seen, on an index grown batch by
		// batch in the same order.
		want := map[[2]int][]audit.Article{}
		seen := map[int]bool{}
		for _, r := range results {
			seen[r.rep.Reference.Documents] = true
		}
		mem, err := index.Open(context.Background(), "", index.Options{})
		require.NoError(b, err)
		require.NoError(b, mem.Add(context.Background(), baseDocs...))
		for k := len(baseDocs); ; k += batch {
			if seen[k] {
				for s, ts := range targetSets {
					rep, err := audit.Run(context.Background(), mem, ts, audit.DefaultPolicy())
					require.NoError(b, err)
					want[[2]int{s, k}] = rep.Articles
				}
			}
			if k >= len(all) {
				break
			}
			require.NoError(b, mem.Add(context.Background(), all[k:min(k+batch, len(all))]...))
		}
		mem.Close()
		lat := make([]time.Duration, 0, len(results))
		for _, r := range results {
			k := r.rep.Reference.Documents
			exp, ok := want[[2]int{r.set, k}]
			require.True(b, ok, "a snapshot of %d documents is not the base plus whole batches", k)
			require.Equal(b, exp, r.rep.Articles, "an audit of a %d-document snapshot differs from the serial one", k)
			lat = append(lat, r.latency)
		}
		slices.Sort(lat)
		require.NotEmpty(b, lat)
		b.ReportMetric(float64(len(lat)), "audits")
		b.ReportMetric(float64(len(seen)), "snapshots")
		b.ReportMetric(lat[len(lat)/2].Seconds(), "p50-s")
		b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)].Seconds(), "p99-s")
		b.ReportMetric(writeTime.Seconds(), "write-s")
	}
}

// The bbolt and PostgreSQL backends find exactly the same things on the
// dev corpus: every article, finding for finding.
func TestBackendsFindTheSameOnTheDevCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the dev corpus twice")
	}
	docs := devCorpus(t)
	c := benchaudit.NewCorpus(docs)
	targets := c.Targets(100, docs, 1, 7)
	var reports []*audit.Report
	for _, loc := range []string{filepath.Join(t.TempDir(), "dev.db"), pgtest.URL(t)} {
		ix, err := index.Open(context.Background(), loc, index.Options{})
		require.NoError(t, err)
		require.NoError(t, ix.Add(context.Background(), docs...))
		rep, err := audit.Run(context.Background(), ix, targets, audit.DefaultPolicy())
		require.NoError(t, err)
		require.NoError(t, ix.Close())
		reports = append(reports, rep)
	}
	require.Positive(t, reports[0].Summary.Findings)
	assert.Equal(t, reports[0].Articles, reports[1].Articles)
	assert.Equal(t, reports[0].Summary, reports[1].Summary)
	assert.Equal(t, reports[0].Reference.Documents, reports[1].Reference.Documents)
	t.Logf("%d findings in %d articles, the same on both backends", reports[0].Summary.Findings, len(targets))
}
