package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/bench/scale"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// defaultN is each shape's list of sizes when -n is not given.
var defaultN = map[scale.Shape]string{
	scale.ShapeArchive:    "10000,100000,300000",
	scale.ShapeNearBoiler: "5000",
	scale.ShapeBoiler:     "5000",
}

// options are the parsed flags.
type options struct {
	shape     scale.Shape
	sizes     []int // documents, or bytes for longline
	seed      int64
	binary    string
	maxMemory string
	tmp       string
	keep      bool
	timeout   time.Duration
	rssLimit  int64
	extra     []string
}

// run is the whole command, testable in-process; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opt, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}

	root, err := os.MkdirTemp(opt.tmp, "reprint-scale-")
	if err != nil {
		fmt.Fprintf(stderr, "scale: %v\n", err)
		return 3
	}
	if opt.keep {
		fmt.Fprintf(stderr, "scale: keeping corpora and reports in %s\n", root)
	} else {
		defer os.RemoveAll(root)
	}
	bin := opt.binary
	if bin == "" {
		if bin, err = build(ctx, root, stderr); err != nil {
			fmt.Fprintln(stderr, err)
			return 3
		}
	}
	caps, err := probe(ctx, bin)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 3
	}
	if opt.maxMemory != "" && !caps.maxMemory {
		fmt.Fprintf(stderr, "scale: %s does not know --max-memory: running without it\n", bin)
	}
	if !caps.stats {
		fmt.Fprintf(stderr, "scale: %s does not know --stats: spill bytes are not known (-)\n", bin)
	}

	t := newTable(opt.shape, stdout)
	var results []result
	failed := false
	for _, size := range opt.sizes {
		res, err := measure(ctx, opt, caps, bin, root, size, stderr)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 3
		}
		failed = failed || res.note != ""
		results = append(results, res)
		t.row(res)
	}
	t.summary(results)
	if failed {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/cmd/scale [flags] [-- extra reprint report flags]")
		fs.PrintDefaults()
	}
	shape := fs.String("shape", string(scale.ShapeArchive), fmt.Sprintf("corpus shape: %v", scale.Shapes))
	ns := fs.String("n", "", "comma-separated corpus sizes in documents, k and M allowed (default: archive "+
		defaultN[scale.ShapeArchive]+", nearboiler and boiler "+defaultN[scale.ShapeBoiler]+")")
	size := fs.String("size", "50MB", "longline: comma-separated sizes of the long document (kB, MB, GB, KiB, MiB, GiB)")
	seed := fs.Int64("seed", 1, "generator seed")
	binary := fs.String("binary", "", "reprint binary to measure (default: built from this checkout)")
	maxMemory := fs.String("max-memory", "", "passed as --max-memory when the binary knows it (default: the binary's own)")
	tmp := fs.String("tmp", "", "directory for the corpora, reports and spill (default: the system's)")
	keep := fs.Bool("keep", false, "keep the corpora and reports (the directory is printed on stderr)")
	timeout := fs.Duration("timeout", 10*time.Minute, "kill a run that takes longer")
	rssLimit := fs.String("rss-limit", "14GiB", "kill a run whose resident memory passes this (Linux), so that a run cannot take the machine down")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	opt := options{shape: scale.Shape(*shape), seed: *seed, binary: *binary, maxMemory: *maxMemory,
		tmp: *tmp, keep: *keep, timeout: *timeout, extra: fs.Args()}
	if err := scale.DefaultConfig(opt.shape).Validate(); err != nil {
		return opt, fmt.Errorf("scale: -shape: %w", err)
	}
	var err error
	if opt.shape == scale.ShapeLongLine {
		if *ns != "" {
			return opt, errors.New("scale: -n does not apply to longline: give -size")
		}
		opt.sizes, err = parseList(*size, parseBytes)
	} else {
		if *ns == "" {
			*ns = defaultN[opt.shape]
		}
		opt.sizes, err = parseList(*ns, parseCount)
	}
	if err != nil {
		return opt, err
	}
	limit, err := parseBytes(*rssLimit)
	if err != nil {
		return opt, fmt.Errorf("scale: -rss-limit: %w", err)
	}
	opt.rssLimit = int64(limit)
	if opt.timeout <= 0 {
		return opt, errors.New("scale: -timeout must be positive")
	}
	return opt, nil
}

// parseList parses a comma-separated list with parse.
func parseList(s string, parse func(string) (int, error)) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		v, err := parse(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("scale: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseCount reads a positive count: 30000, 30k, 1M.
func parseCount(s string) (int, error) {
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"):
		s, mult = strings.TrimSuffix(s, "k"), 1_000
	case strings.HasSuffix(s, "M"):
		s, mult = strings.TrimSuffix(s, "M"), 1_000_000
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad count %q: want a positive number, k or M allowed", s)
	}
	return v * mult, nil
}

// parseBytes reads a size: 50000000, 50MB, 2GiB.
func parseBytes(s string) (int, error) {
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult, num := 1.0, s
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			mult, num = u.mult, strings.TrimSuffix(s, u.suffix)
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q: want a positive number of bytes, kB, MB, GB, KiB, MiB or GiB", s)
	}
	return int(v * mult), nil
}

// build compiles ./cmd/reprint of the module the working directory is in.
func build(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", errors.New("scale: not inside the reprint module: run from the checkout or give -binary")
	}
	bin := filepath.Join(dir, "reprint")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/reprint")
	cmd.Dir = filepath.Dir(mod)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("scale: go build ./cmd/reprint: %w", err)
	}
	return bin, nil
}
