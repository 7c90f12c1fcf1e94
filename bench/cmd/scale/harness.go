package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
)

// capabilities are the flags of `reprint report` that differ between the
// engine measured and today's: a binary that does not know a flag is run
// without it.
type capabilities struct {
	stats, maxMemory, tmpDir bool
}

// probe reads `reprint report --help` for the flags it knows.
func probe(ctx context.Context, bin string) (capabilities, error) {
	out, err := exec.CommandContext(ctx, bin, "report", "--help").CombinedOutput()
	if err != nil && len(out) == 0 {
		return capabilities{}, fmt.Errorf("scale: %s report --help: %w", bin, err)
	}
	help := string(out)
	return capabilities{
		stats:     strings.Contains(help, "--stats"),
		maxMemory: strings.Contains(help, "--max-memory"),
		tmpDir:    strings.Contains(help, "--tmp-dir"),
	}, nil
}

// result is one run's measures.
type result struct {
	shape scale.Shape
	size  int // documents; bytes of the long document for longline
	gen   scale.Stats
	// wall, user and sys are the child's times; maxRSS its peak resident
	// memory (rusage), in bytes.
	wall, user, sys time.Duration
	maxRSS          int64
	// spill is the largest spill_bytes of the child's stats lines, -1
	// when it printed none.
	spill    int64
	recall   scale.Recall
	matches  int
	clusters int
	boiler   []reprint.Boilerplate
	// note says why the run has no report ("" when it has one).
	note string
}

// measure generates one corpus, runs reprint on it and reads the report.
// Only the harness's own failures are errors; a run that fails, times out
// or is killed is a result with a note.
func measure(ctx context.Context, opt options, caps capabilities, bin, root string, size int, stderr io.Writer) (result, error) {
	res := result{shape: opt.shape, size: size, spill: -1}
	dir := filepath.Join(root, fmt.Sprintf("%s-%d", opt.shape, size))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("scale: %w", err)
	}
	if !opt.keep {
		defer os.RemoveAll(dir)
	}
	corpus, truthPath := filepath.Join(dir, "corpus.jsonl"), filepath.Join(dir, "truth.jsonl")
	out, errPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "stderr.txt")

	cfg := scale.DefaultConfig(opt.shape)
	cfg.Seed = opt.seed
	if opt.shape == scale.ShapeLongLine {
		cfg.Size = size
	} else {
		cfg.N = size
	}
	fmt.Fprintf(stderr, "scale: generating %s %d…\n", opt.shape, size)
	var err error
	if res.gen, err = generate(cfg, corpus, truthPath); err != nil {
		return res, err
	}

	args := []string{"report", "--format", "json", "-o", out}
	if caps.stats {
		args = append(args, "--stats")
	}
	if opt.maxMemory != "" && caps.maxMemory {
		args = append(args, "--max-memory", opt.maxMemory)
	}
	if caps.tmpDir {
		args = append(args, "--tmp-dir", dir)
	}
	args = append(append(args, opt.extra...), corpus)
	fmt.Fprintf(stderr, "scale: %s %s\n", bin, strings.Join(args, " "))
	errFile, err := os.Create(errPath)
	if err != nil {
		return res, fmt.Errorf("scale: %w", err)
	}
	ps, wall, note := runChild(ctx, opt, bin, args, errFile)
	if err := errFile.Close(); err != nil {
		return res, fmt.Errorf("scale: %w", err)
	}
	res.wall, res.note = wall, note
	if ps != nil {
		res.user, res.sys, res.maxRSS = ps.UserTime(), ps.SystemTime(), maxRSS(ps)
	}
	if res.spill, err = spillBytes(errPath); err != nil {
		return res, err
	}
	if res.note != "" {
		if tail := lastLine(errPath); tail != "" {
			fmt.Fprintf(stderr, "scale: %s %d: %s (stderr: %s)\n", opt.shape, size, res.note, tail)
		}
		return res, nil
	}
	return res, readReport(&res, out, truthPath)
}

// generate writes one corpus and its truth to files.
func generate(cfg scale.Config, corpus, truth string) (scale.Stats, error) {
	cf, err := os.Create(corpus)
	if err != nil {
		return scale.Stats{}, fmt.Errorf("scale: %w", err)
	}
	defer cf.Close()
	tf, err := os.Create(truth)
	if err != nil {
		return scale.Stats{}, fmt.Errorf("scale: %w", err)
	}
	defer tf.Close()
	st, err := scale.Generate(cfg, cf, tf)
	if err != nil {
		return st, err
	}
	if err := errors.Join(cf.Close(), tf.Close()); err != nil {
		return st, fmt.Errorf("scale: %w", err)
	}
	return st, nil
}

// runChild runs the binary with a timeout and a resident-memory guard; it
// returns the child's state (nil when it could not start), its wall time
// and a note when it did not finish cleanly.
func runChild(ctx context.Context, opt options, bin string, args []string, stderr io.Writer) (*os.ProcessState, time.Duration, string) {
	ctx, cancel := context.WithTimeout(ctx, opt.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Sprintf("did not start: %v", err)
	}
	overLimit := make(chan struct{})
	done := make(chan struct{})
	go guardRSS(cmd.Process, opt.rssLimit, overLimit, done)
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	select {
	case <-overLimit:
		return cmd.ProcessState, wall, fmt.Sprintf("killed: resident memory over %s GB", gb(opt.rssLimit))
	default:
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return cmd.ProcessState, wall, fmt.Sprintf("timeout: killed after %v", opt.timeout)
	case err != nil:
		return cmd.ProcessState, wall, fmt.Sprintf("failed: %v", err)
	}
	return cmd.ProcessState, wall, ""
}

// guardRSS kills p when its resident memory passes limit, closing over; it
// returns when done is closed. Where /proc is missing it does nothing.
func guardRSS(p *os.Process, limit int64, over, done chan struct{}) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		rss, ok := residentBytes(p.Pid)
		if !ok {
			continue
		}
		if rss > limit {
			close(over)
			p.Kill()
			return
		}
	}
}

// residentBytes reads a process's VmRSS from /proc.
func residentBytes(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// statsPrefix starts the engine's --stats lines on stderr (logfmt).
const statsPrefix = "reprint: stats:"

// spillBytes returns the largest spill_bytes=N of the stats lines in a
// child's stderr (the run's total when the engine prints a running or a
// final total), -1 when there is none.
func spillBytes(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return -1, fmt.Errorf("scale: %w", err)
	}
	defer f.Close()
	spill := int64(-1)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), statsPrefix)
		if !ok {
			continue
		}
		for field := range strings.FieldsSeq(rest) {
			if v, ok := strings.CutPrefix(field, "spill_bytes="); ok {
				if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil {
					spill = max(spill, n)
				}
			}
		}
	}
	return spill, nil
}

// lastLine returns the last non-empty line of a file, for a failure's note.
func lastLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// readReport reads what the table needs from the JSON report and scores
// the planted copies.
func readReport(res *result, reportPath, truthPath string) error {
	f, err := os.Open(reportPath)
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	defer f.Close()
	var rep struct {
		Matches  []reprint.Match `json:"matches"`
		Clusters []struct{}      `json:"clusters"`
		Limits   *reprint.Limits `json:"limits"`
	}
	if err := json.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&rep); err != nil {
		return fmt.Errorf("scale: reading %s: %w", reportPath, err)
	}
	tf, err := os.Open(truthPath)
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	defer tf.Close()
	truth, err := scale.ReadTruth(tf)
	if err != nil {
		return err
	}
	res.recall = scale.Score(truth, scale.KindCopy, rep.Matches)
	res.matches, res.clusters = len(rep.Matches), len(rep.Clusters)
	if rep.Limits != nil {
		res.boiler = rep.Limits.Boilerplate
	}
	return nil
}
