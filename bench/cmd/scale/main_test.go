package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
)

// The test binary doubles as a fake reprint when fakeEnv is set: "new" is
// the engine with --stats, "old" today's main without it, "slow" one that
// never finishes.
const fakeEnv = "SCALE_FAKE_REPRINT"

func TestMain(m *testing.M) {
	if kind := os.Getenv(fakeEnv); kind != "" {
		os.Exit(fakeReprint(kind, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeReprint(kind string, args []string) int {
	if slices.Contains(args, "--help") {
		fmt.Println("Flags:\n      --format string")
		if kind != "old" {
			fmt.Println("      --max-memory string\n      --stats\n      --tmp-dir string")
		}
		return 0
	}
	if kind == "slow" {
		time.Sleep(time.Minute)
		return 0
	}
	if kind == "old" && (slices.Contains(args, "--stats") || slices.Contains(args, "--max-memory")) {
		fmt.Fprintln(os.Stderr, "reprint: unknown flag")
		return 2
	}
	if kind == "new" && !(slices.Contains(args, "--stats") && slices.Contains(args, "--tmp-dir")) {
		fmt.Fprintln(os.Stderr, "fake: want --stats and --tmp-dir")
		return 2
	}
	out := args[slices.Index(args, "-o")+1]
	corpus := args[len(args)-1]
	f, err := os.Open(filepath.Join(filepath.Dir(corpus), "truth.jsonl"))
	if err != nil {
		return 3
	}
	defer f.Close()
	truth, err := scale.ReadTruth(f)
	if err != nil {
		return 3
	}
	// The new engine finds every copy, the old every other one; both
	// list the footer as boilerplate.
	var rep reprint.Report
	footers := 0
	for i, p := range truth {
		if p.Kind == scale.KindBoilerplate {
			footers++
			continue
		}
		if kind == "old" && i%2 == 1 {
			continue
		}
		rep.Matches = append(rep.Matches, reprint.Match{
			A: reprint.Span{Doc: p.Source, Start: p.SourceStart, End: p.SourceEnd},
			B: reprint.Span{Doc: p.Copy, Start: p.CopyStart, End: p.CopyEnd}})
		rep.Clusters = append(rep.Clusters, reprint.Cluster{ID: fmt.Sprint(i)})
	}
	if footers > 0 {
		rep.Limits = &reprint.Limits{Boilerplate: []reprint.Boilerplate{{Text: "footer", Documents: footers + 1}}}
	}
	b, _ := json.Marshal(rep)
	if os.WriteFile(out, b, 0o644) != nil {
		return 3
	}
	if kind == "new" {
		fmt.Fprintln(os.Stderr, "reprint: stats: stage=candidates spill_bytes=100 peak_heap=5")
		fmt.Fprintln(os.Stderr, "reprint: stats: stage=total spill_bytes=4096")
	}
	return 0
}

// runScale runs the command against a fake reprint, with its temporary
// files in tmp.
func runScale(t *testing.T, fake string, args ...string) (code int, stdout, stderr, tmp string) {
	t.Helper()
	t.Setenv(fakeEnv, fake)
	exe, err := os.Executable()
	require.NoError(t, err)
	tmp = t.TempDir()
	var o, e bytes.Buffer
	code = run(context.Background(), append([]string{"-binary", exe, "-tmp", tmp}, args...), &o, &e)
	return code, o.String(), e.String(), tmp
}

// cells returns the cells of the table's data rows.
func cells(stdout string) [][]string {
	var rows [][]string
	for i, line := range strings.Split(stdout, "\n") {
		if i < 2 || !strings.HasPrefix(line, "|") {
			continue
		}
		var row []string
		for c := range strings.SplitSeq(strings.Trim(line, "|"), "|") {
			row = append(row, strings.TrimSpace(c))
		}
		rows = append(rows, row)
	}
	return rows
}

func TestArchiveRows(t *testing.T) {
	code, stdout, stderr, tmp := runScale(t, "new", "-n", "200,400", "-max-memory", "1GiB")
	require.Equal(t, 0, code, stderr)
	rows := cells(stdout)
	require.Len(t, rows, 2, stdout)
	// articles, text MB, wall, CPU, sys, RSS, spill, found, recall, matches, µs, run
	assert.Equal(t, "200", rows[0][0])
	assert.Equal(t, "0.5", rows[0][1], "200 articles ≈ 0.5 MB")
	assert.Equal(t, "4,096", rows[0][6], "the largest spill_bytes of the stats lines")
	assert.Regexp(t, `^\d+ / \d+$`, rows[0][7])
	assert.Equal(t, "1.000", rows[0][8])
	assert.Equal(t, "ok", rows[1][11])
	assert.Contains(t, stdout, "time per article at 400 articles / at 200:")
	assert.Contains(t, stderr, "--max-memory 1GiB")
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "corpora and reports are deleted")
}

func TestOldBinaryRunsWithoutStats(t *testing.T) {
	code, stdout, stderr, tmp := runScale(t, "old", "-n", "300", "-max-memory", "1GiB", "-keep")
	require.Equal(t, 0, code, stderr)
	kept, err := filepath.Glob(filepath.Join(tmp, "reprint-scale-*", "archive-300", "*"))
	require.NoError(t, err)
	assert.Len(t, kept, 4, "-keep keeps corpus, truth, report and stderr: %v", kept)
	rows := cells(stdout)
	require.Len(t, rows, 1)
	assert.Equal(t, "-", rows[0][6], "spill unknown")
	assert.NotEqual(t, "1.000", rows[0][8], "the old fake misses copies")
	assert.Contains(t, stderr, "does not know --stats")
	assert.Contains(t, stderr, "does not know --max-memory")
	assert.NotContains(t, stdout, "time per article", "one size: no ratio")
}

func TestTimeoutKillsTheRun(t *testing.T) {
	start := time.Now()
	code, stdout, _, _ := runScale(t, "slow", "-n", "100", "-timeout", "300ms")
	assert.Equal(t, 1, code, "a run that did not finish fails the command")
	assert.Less(t, time.Since(start), 20*time.Second)
	rows := cells(stdout)
	require.Len(t, rows, 1)
	assert.Equal(t, "timeout: killed after 300ms", rows[0][len(rows[0])-1])
	assert.Equal(t, "-", rows[0][8], "no recall without a report")
}

// TestShapeRows checks the columns of the other shapes' rows.
func TestShapeRows(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want map[int]string // cell index → value
	}{
		// documents, MB, wall, CPU, sys, RSS, spill, clusters, boilerplate, found, recall, matches, run
		{"boiler", []string{"-shape", "boiler", "-n", "300"},
			map[int]string{0: "300", 8: "1: 300", 10: "1.000", 12: "ok"}},
		// bytes, MB, wall, CPU, sys, RSS, RSS/text, spill, found, recall, run
		{"longline", []string{"-shape", "longline", "-size", "100kB"},
			map[int]string{0: "100,000", 1: "0.1", 8: "2 / 2", 9: "1.000", 10: "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr, _ := runScale(t, "new", tt.args...)
			require.Equal(t, 0, code, stderr)
			rows := cells(stdout)
			require.Len(t, rows, 1)
			for i, want := range tt.want {
				assert.Equal(t, want, rows[0][i], "cell %d of %v", i, rows[0])
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown shape", []string{"-shape", "wiki"}},
		{"zero articles", []string{"-n", "0"}},
		{"not a count", []string{"-n", "10000,lots"}},
		{"n for longline", []string{"-shape", "longline", "-n", "10"}},
		{"bad size", []string{"-shape", "longline", "-size", "big"}},
		{"bad rss limit", []string{"-rss-limit", "-1GB"}},
		{"unknown flag", []string{"-nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o, e bytes.Buffer
			assert.Equal(t, 2, run(context.Background(), tt.args, &o, &e))
			assert.Empty(t, o.String())
			assert.NotEmpty(t, e.String())
		})
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]int{"30000": 30_000, "30k": 30_000, "1M": 1_000_000} {
		got, err := parseCount(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
	}
	for in, want := range map[string]int{"50MB": 50_000_000, "2GiB": 2 << 30, "100kB": 100_000, "512": 512, "1.5GB": 1_500_000_000} {
		got, err := parseBytes(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
	}
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4096: "-4,096"} {
		assert.Equal(t, want, commas(in))
	}
}
