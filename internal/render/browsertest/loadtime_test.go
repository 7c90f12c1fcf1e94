package browsertest

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	loadFiles = flag.String("loadtime", "", "TestLoadTime: comma-separated HTML files to time (relative to the module root)")
	loadRuns  = flag.Int("loadtime.runs", 3, "TestLoadTime: loads per file; the median is reported")
)

// TestLoadTime measures how long headless Chromium takes to open HTML
// files, such as reprint's reports: the size of each file, then the time
// from navigation to the load event (the median of -loadtime.runs loads
// in a warm browser), with DOMContentLoaded and first contentful paint as
// the page saw them. It runs only when given files:
//
//	go test ./internal/render/browsertest -run TestLoadTime -v -loadtime report.html
func TestLoadTime(t *testing.T) {
	if *loadFiles == "" {
		t.Skip("no -loadtime files given")
	}
	require.Positive(t, *loadRuns, "-loadtime.runs")
	b := newBrowser(t)
	blank := filepath.Join(t.TempDir(), "blank.html")
	require.NoError(t, os.WriteFile(blank, []byte("<!DOCTYPE html><title>blank</title>"), 0o644))
	b.open(t, blank) // start the browser: the figures are the pages' loads
	for _, f := range strings.Split(*loadFiles, ",") {
		path := f
		if !filepath.IsAbs(path) {
			path = filepath.Join(root(t), path)
		}
		st, err := os.Stat(path)
		require.NoError(t, err)
		var loads []time.Duration
		var nav map[string]float64
		for range *loadRuns {
			b.open(t, blank)
			loads = append(loads, b.open(t, path))
			nav = timings(t, b)
		}
		slices.Sort(loads)
		t.Logf("%s: %.1f MB, load %.2f s (median of %d; DOMContentLoaded %.0f ms, load event %.0f ms, first paint %.0f ms, %.0f elements)",
			f, float64(st.Size())/(1<<20), loads[len(loads)/2].Seconds(), *loadRuns, nav["dcl"], nav["load"], nav["fcp"], nav["nodes"])
	}
}
