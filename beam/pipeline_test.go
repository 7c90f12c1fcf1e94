package reprintbeam

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
	"github.com/reprint-dev/reprint/internal/cli"
)

// TestMain points TMPDIR at a directory of its own: every Beam run leaves
// a beamloopbackworker-* file there.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "reprintbeam-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("TMPDIR", dir)
	flag.Parse()
	beam.Init()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// devCorpus is the development corpus (../shared/corpora beside the
// repository), or "" when it is not there.
func devCorpus(t *testing.T) string {
	p := filepath.Join("..", "..", "shared", "corpora", "reuters21578-dev.jsonl")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the dev corpus is missing in CI: %v", err)
		}
		t.Skip("no dev corpus at", p)
	}
	return p
}

// singleMachine is `reprint report --format json` over inputs.
func singleMachine(t *testing.T, inputs []string, flags ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "single.json")
	args := append([]string{"report", "--format", "json", "-o", out}, flags...)
	var stderr bytes.Buffer
	code := cli.Run(context.Background(), append(args, inputs...), strings.NewReader(""), io.Discard, &stderr)
	require.Contains(t, []int{0, 3}, code, stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	return b
}

// runBeam runs the pipeline on runner and returns the output directory.
func runBeam(t *testing.T, runner string, o Options) string {
	t.Helper()
	dir, _ := runPipeline(t, runner, o)
	return dir
}

// runPipeline is runBeam that also returns the pipeline's result.
func runPipeline(t *testing.T, runner string, o Options) (string, beam.PipelineResult) {
	t.Helper()
	if o.Output == "" {
		o.Output = t.TempDir()
	}
	require.NoError(t, o.Validate())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	files, missing, err := Expand(ctx, o.Inputs)
	require.NoError(t, err)
	p, s := beam.NewPipelineWithRoot()
	Build(s, o, files, missing)
	res, err := beam.Run(ctx, runner, p)
	require.NoError(t, err)
	temp := cmp.Or(o.TempDir, o.Output)
	left, err := filepath.Glob(filepath.Join(temp, ".reprint-shards-*"))
	require.NoError(t, err)
	require.Empty(t, left, "the files of band entries and seeds are removed")
	return o.Output, res
}

func options(inputs ...string) Options {
	o := DefaultOptions()
	o.Inputs = inputs
	return o
}

func requireSameReport(t *testing.T, want []byte, dir string) *reprint.Report {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	if !bytes.Equal(want, got) {
		t.Fatalf("report.json differs from the single-machine report (%d vs %d bytes)", len(got), len(want))
	}
	var rep reprint.Report
	require.NoError(t, json.Unmarshal(got, &rep))
	return &rep
}

func TestSeedsIdentical(t *testing.T) {
	seeds, err := filepath.Glob("../testdata/seeds/*.txt")
	require.NoError(t, err)
	require.Len(t, seeds, 5)
	for _, tc := range []struct {
		name  string
		flags []string
		opt   func(*Options)
	}{
		{"defaults", nil, func(*Options) {}},
		{"ignore dates, min words 12", []string{"--ignore-dates", "--min-words", "12"}, func(o *Options) { o.IgnoreDates, o.MinWords = true, 12 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := singleMachine(t, seeds, tc.flags...)
			o := options("../testdata/seeds/*.txt")
			tc.opt(&o)
			rep := requireSameReport(t, want, runBeam(t, "prism", o))
			require.NotEmpty(t, rep.Clusters, "the seeds share passages")
		})
	}
}

func TestDevCorpusIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("the dev corpus takes half a minute")
	}
	dev := devCorpus(t)
	want := singleMachine(t, []string{dev})
	o := options(dev)
	o.Dedup = true
	o.ShardRows = 4000 // several shards a table
	dir := runBeam(t, "prism", o)
	rep := requireSameReport(t, want, dir)
	checkTables(t, dir, rep)
	parts, err := filepath.Glob(filepath.Join(dir, "matches", "*.parquet"))
	require.NoError(t, err)
	require.Greater(t, len(parts), 1, "matches are sharded")
}

// writeArchive writes a small archive corpus of n articles, with some
// reuse, to path and returns it.
func writeArchive(t *testing.T, path string, seed int64, n int) []byte {
	t.Helper()
	var corpus bytes.Buffer
	_, err := scale.Generate(scale.Config{Shape: scale.ShapeArchive, Seed: seed, N: n, CopyRate: 0.05, EditRate: 0.5,
		Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, &corpus, io.Discard)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, corpus.Bytes(), 0o644))
	return corpus.Bytes()
}

// TestGzipInput reads the same corpus gzipped, the records split over
// two files: the same report as the plain file.
func TestGzipInput(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "all.jsonl")
	all := writeArchive(t, plain, 3, 300)
	lines := bytes.SplitAfter(all, []byte("\n"))
	half := len(lines) / 2
	for i, part := range [][][]byte{lines[:half], lines[half:]} {
		writeGzip(t, filepath.Join(dir, "gz", fmt.Sprintf("part-%d.jsonl.gz", i)), bytes.Join(part, nil))
	}
	want := requireSameReport(t, singleMachine(t, []string{plain}), runBeam(t, "prism", options(plain)))
	require.NotEmpty(t, want.Matches)
	got, err := os.ReadFile(filepath.Join(runBeam(t, "prism", options(filepath.Join(dir, "gz", "*.jsonl.gz"))), "report.json"))
	require.NoError(t, err)
	var rep reprint.Report
	require.NoError(t, json.Unmarshal(got, &rep))
	for i := range rep.Documents {
		rep.Documents[i].Path = want.Documents[i].Path // the files differ, nothing else may
	}
	require.Equal(t, want, &rep)
}

// TestShards: the band buckets shuffled in more shards, sent in files of
// a few documents' entries each, give the same report.
func TestShards(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "corpus.jsonl")
	writeArchive(t, path, 5, 400)
	old := spoolBytes
	spoolBytes = 16 << 10 // a few documents' entries a file
	t.Cleanup(func() { spoolBytes = old })
	o := options(path)
	o.BandParts = 7
	o.TempDir = filepath.Join(dir, "tmp")
	rep := requireSameReport(t, singleMachine(t, []string{path}), runBeam(t, "prism", o))
	require.NotEmpty(t, rep.Matches)
}

// TestScaleCorpora: a 10k-article archive corpus gives the single
// machine's report, and the 5,000-document near-boilerplate corpus stays
// within its bounds (boilerplate reported once, done within a minute).
func TestScaleCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("scale corpora take a minute")
	}
	for _, shape := range []scale.Shape{scale.ShapeArchive, scale.ShapeNearBoiler} {
		t.Run(string(shape), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), string(shape)+".jsonl")
			f, err := os.Create(path)
			require.NoError(t, err)
			_, err = scale.Generate(scale.DefaultConfig(shape), f, io.Discard)
			require.NoError(t, err)
			require.NoError(t, f.Close())
			want := singleMachine(t, []string{path})
			start := time.Now()
			rep := requireSameReport(t, want, runBeam(t, "prism", options(path)))
			took := time.Since(start)
			t.Logf("%s: %d documents on prism in %v", shape, len(rep.Documents), took.Round(time.Millisecond))
			if shape == scale.ShapeNearBoiler {
				require.NotNil(t, rep.Limits)
				require.NotEmpty(t, rep.Limits.Boilerplate)
				require.Less(t, took, 60*time.Second)
			}
		})
	}
}

// TestJobServer submits the job to a separately started prism job server,
// the path a Flink or Spark job server takes: the seeds, then the dev
// corpus.
func TestJobServer(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "prism")
	build := exec.Command("go", "build", "-o", bin, "github.com/apache/beam/sdks/v2/go/cmd/prism")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	port := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "--job_port", fmt.Sprint(port), "--serve_http=false")
	srv.Stdout, srv.Stderr = io.Discard, io.Discard
	require.NoError(t, srv.Start())
	defer func() { cancel(); srv.Wait() }()
	waitListening(t, port)

	endpoint := fmt.Sprintf("localhost:%d", port)
	for name, v := range map[string]string{"endpoint": endpoint, "environment_type": "LOOPBACK"} {
		old := flag.Lookup(name).Value.String()
		require.NoError(t, flag.Set(name, v))
		t.Cleanup(func() { flag.Set(name, old) })
	}
	seeds, err := filepath.Glob("../testdata/seeds/*.txt")
	require.NoError(t, err)
	want := singleMachine(t, seeds)
	requireSameReport(t, want, runBeam(t, "universal", options("../testdata/seeds/*.txt")))
	t.Run("dev corpus", func(t *testing.T) {
		dev := devCorpus(t)
		requireSameReport(t, singleMachine(t, []string{dev}), runBeam(t, "universal", options(dev)))
	})
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the job server did not listen on %d", port)
}

func TestExpand(t *testing.T) {
	files, missing, err := Expand(context.Background(), []string{"../testdata/seeds/00[1-2]*.txt", "../testdata/seeds/*.txt", "../nothing/*.jsonl"})
	require.NoError(t, err)
	require.Equal(t, []string{"../nothing/*.jsonl"}, missing)
	require.Len(t, files, 5, "a file reached twice is read once")
	require.Contains(t, files[0].Path, "001_")
	require.Contains(t, files[1].Path, "002_")
	require.Contains(t, files[2].Path, "000_")
}

// TestBadInputIdentical: a malformed line, a record without text and an
// id repeated across files are reported as `reprint report` reports them.
func TestBadInputIdentical(t *testing.T) {
	dir := t.TempDir()
	seeds, err := filepath.Glob("../testdata/seeds/*.txt")
	require.NoError(t, err)
	var a, b bytes.Buffer
	for i, p := range seeds {
		text, err := os.ReadFile(p)
		require.NoError(t, err)
		line, err := json.Marshal(map[string]string{"id": fmt.Sprintf("s%d", i), "text": string(text)})
		require.NoError(t, err)
		w := &a
		if i%2 == 1 {
			w = &b
		}
		fmt.Fprintf(w, "%s\n", line)
	}
	a.WriteString("{not json\n{\"id\": \"empty\"}\n")
	dup, err := json.Marshal(map[string]string{"id": "s0", "text": "a second story with the first one's id"})
	require.NoError(t, err)
	fmt.Fprintf(&b, "%s\n", dup)
	pa, pb := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	require.NoError(t, os.WriteFile(pa, a.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(pb, b.Bytes(), 0o644))
	rep := requireSameReport(t, singleMachine(t, []string{pa, pb}), runBeam(t, "prism", options(filepath.Join(dir, "*.jsonl"))))
	require.Len(t, rep.Errors, 3)
	require.NotEmpty(t, rep.Clusters)
}
