package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/internal/render"
)

func (e *env) reportCommand() *cobra.Command {
	var (
		f  configFlags
		vf viewFlags
	)
	cmd := &cobra.Command{
		Use:   "report [flags] PATH...",
		Short: "Report the recycled passages among files, directories, JSON Lines or stdin",
		Long: `report finds the passages recycled among the documents named (files,
directories read recursively, JSON Lines with one story a line, or - for
standard input) and reports them in one of four formats.

Formats read, by extension: .txt/.text (plain text), .md/.markdown (with
YAML front matter), .jsonl/.ndjson (one story a line), .json (an array of
stories, or JSON Lines), .html/.htm (the article's main text); each also
gzip-compressed (stories.jsonl.gz). In a directory, other files and hidden ones are skipped, and the skipped files
are counted on standard error. A file named directly is read as text
whatever its extension.

Report formats (--format):

  text   for people (the default): a summary, then each cluster of copies
         with a word diff of each copy against the longest; coloured on a
         terminal, marked [-deleted-] {+inserted+} when piped
  json   the stable machine format (schema reprint/report/v1)
  csv    one row per matched pair of spans, for spreadsheets
  html   one self-contained page (no network, no script): copies side by
         side, a reuse matrix, derivation trees, full texts with the
         recycled passages marked

` + exitStatusHelp + `.`,
		Example: `  reprint report testdata/seeds
  reprint report --format html -o report.html articles/
  reprint report --format json -o report.json stories.jsonl
  reprint report --format csv stories.jsonl > matches.csv
  cat stories.jsonl | reprint report --stdin-format jsonl -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.resolveView(cmd, e, vf)
			if err != nil {
				return err
			}
			prog := render.NewProgress(e.stderr, e.showProgress())
			defer prog.Stop()
			prog.Stage("reading %d input(s)", len(args))
			docs, rep, inputErrs, err := e.detectDocs(cmd, cfg, args, prog)
			if err != nil {
				return err
			}
			if cfg.Output == "" || cfg.Output == "-" {
				prog.Stop() // the report may go to the same terminal
			}
			prog.Stage("writing the %s report", cfg.Format)
			r := e.renderer(cfg, vf, docs)
			err = e.write(cfg, func(w io.Writer) error { return r.Write(w, cfg.Format, rep) })
			prog.Stop()
			if err != nil {
				return err
			}
			if err := inputsFailed(inputErrs, cfg.Strict); err != nil {
				return err
			}
			return nil
		},
	}
	f.register(cmd, map[string]string{"format": "output format: " + strings.Join(render.ReportFormats(), "|")}, detectSettings)
	vf.register(cmd)
	return cmd
}

// viewFlags are the flags of the text views.
type viewFlags struct {
	color string
	width int
}

func (vf *viewFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&vf.color, "color", "auto", "colour the text view: auto (on a terminal, unless NO_COLOR is set or TERM=dumb)|always|never")
	cmd.Flags().IntVar(&vf.width, "width", 0, "line width of the text view (default: the terminal's width, else 100)")
}

// resolveView resolves the configuration of a command that renders a view
// (report, compare) and checks its format and view flags.
func (f *configFlags) resolveView(cmd *cobra.Command, e *env, vf viewFlags) (*Config, error) {
	cfg, err := f.resolve(cmd, e)
	if err != nil {
		return nil, err
	}
	if err := checkFormat(cfg); err != nil {
		return nil, err
	}
	if err := vf.check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (vf *viewFlags) check() error {
	switch vf.color {
	case "auto", "always", "never":
	default:
		return usageErr("--color %q: want auto, always or never", vf.color)
	}
	if vf.width < 0 {
		return usageErr("--width %d must not be negative", vf.width)
	}
	return nil
}

// checkFormat refuses an unknown format before any work is done.
func checkFormat(cfg *Config) error {
	if err := render.CheckFormat(cfg.Format); err != nil {
		if cfg.path != "" {
			return usageErr("--format (flag or %s): %v", cfg.path, err)
		}
		return usageErr("--format: %v", err)
	}
	return nil
}

// renderer decides colour and width: colour only when the output is this
// process's terminal and the user has not asked for none (NO_COLOR,
// TERM=dumb, --color never); the width of that terminal, else 100 columns.
func (e *env) renderer(cfg *Config, vf viewFlags, docs []reprint.Document) render.Renderer {
	r := render.Renderer{Docs: docs, Width: vf.width}
	toStdout := cfg.Output == "" || cfg.Output == "-"
	fd, tty := terminal(e.stdout)
	tty = tty && toStdout
	r.Color = useColor(vf.color, tty, e.getenv)
	if r.Width == 0 && tty {
		if w, _, err := term.GetSize(fd); err == nil && w > 0 {
			r.Width = w
		}
	}
	return r
}

// useColor decides colour for a --color mode: always, never, or auto,
// which colours a terminal unless NO_COLOR is set to anything
// (https://no-color.org) or TERM is dumb.
func useColor(mode string, tty bool, getenv func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "auto":
		return tty && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	}
	return false
}

// showProgress reports whether a spinner may be drawn on stderr: only on a
// terminal, never on a dumb one, never under CI.
func (e *env) showProgress() bool {
	_, tty := terminal(e.stderr)
	return progressAllowed(tty, e.getenv)
}

func progressAllowed(tty bool, getenv func(string) string) bool {
	return tty && getenv("CI") == "" && getenv("TERM") != "dumb"
}

// terminal reports whether w is a terminal, and its file descriptor.
func terminal(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// detect reads the inputs and runs the detector. It returns the report,
// detectDocs reads the paths and runs the detector over their documents,
// naming its stages on prog (which may be nil). It returns the documents
// read only when the report's format draws them (all but json): otherwise
// they are streamed into the detector as they are read, a chunk of a JSON
// Lines file at a time, and never all held at once. It also returns the
// report, with the reading problems in its Errors, and how many of those
// fail the run (see countFailing).
func (e *env) detectDocs(cmd *cobra.Command, cfg *Config, paths []string, prog *render.Progress) ([]reprint.Document, *reprint.Report, int, error) {
	ctx := cmd.Context()
	var log io.Writer = e.stderr
	if prog != nil {
		log = prog
	}
	var st stager
	if prog != nil {
		st = prog
	}
	tuneGC(paths, e.getenv)
	det, err := e.newDetector(cfg, st)
	if err != nil {
		return nil, nil, 0, err
	}
	defer det.Close()
	var (
		docs     []reprint.Document
		problems []reprint.InputError
		read     int
	)
	if !render.DrawsTexts(cfg.Format) {
		problems, err = reader.Stream(ctx, paths, e.readerOptions(cfg), func(batch []reprint.Document) error {
			read += len(batch)
			return det.Add(batch...)
		})
	} else {
		docs, problems, err = reader.Read(ctx, paths, e.readerOptions(cfg))
		read = len(docs)
		if err == nil {
			err = det.Add(docs...)
		}
	}
	if err != nil {
		return nil, nil, 0, runtimeErr(err)
	}
	errorsN := logProblems(log, problems)
	if err := nothingRead(read, errorsN); err != nil {
		return nil, nil, 0, err
	}
	failing := countFailing(problems, errorsN, cfg.Strict)
	rep, err := e.runDetector(ctx, cfg, det)
	if err != nil {
		return nil, nil, 0, err
	}
	rep.Errors = append(rep.Errors, problems...)
	return docs, rep, failing, nil
}

// bigInput is the size of the files named on the command line past which
// the garbage collector runs at Go's default pace again: the half pace Run
// sets saves time on small corpora, but on a large one (a 50 MB one-line
// document) it lets the heap grow to three times what is live.
const bigInput = 32 << 20

// tuneGC sets Go's default collection pace when the files named (not the
// directories, which are not walked twice) pass bigInput, unless the user
// chose with GOGC.
func tuneGC(paths []string, getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	var total int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
	}
	if total > bigInput {
		debug.SetGCPercent(100)
	}
}

// stager is what shows a run's stage: a *render.Progress.
type stager interface {
	Stage(format string, a ...any)
}

// newDetector makes the detector of cfg, under its memory budget, its
// stages and counts shown on prog (which may be nil).
func (e *env) newDetector(cfg *Config, prog stager) (*reprint.Detector, error) {
	limitMemory(cfg.maxMemory, e.getenv)
	opts := cfg.options()
	if prog != nil {
		opts = append(opts, reprint.WithProgress(func(stage string, done, total int) {
			switch {
			case total > 0:
				prog.Stage("%s: %d of %d", stage, done, total)
			case done > 0:
				prog.Stage("%s: %d", stage, done)
			default:
				prog.Stage("%s", stage)
			}
		}))
	}
	det, err := reprint.New(opts...)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return det, nil
}

// runDetector runs det over the documents added to it, and prints its
// statistics when asked to.
func (e *env) runDetector(ctx context.Context, cfg *Config, det *reprint.Detector) (*reprint.Report, error) {
	rep, err := det.Detect(ctx)
	if err != nil {
		return nil, runtimeErr(err)
	}
	if cfg.Stats {
		writeDetectStats(e.stderr, det.Stats())
	}
	return rep, nil
}

// detectOn runs the detector over docs.
func (e *env) detectOn(ctx context.Context, cfg *Config, docs []reprint.Document) (*reprint.Report, error) {
	det, err := e.newDetector(cfg, nil)
	if err != nil {
		return nil, err
	}
	defer det.Close()
	if err := det.Add(docs...); err != nil {
		return nil, runtimeErr(err)
	}
	return e.runDetector(ctx, cfg, det)
}

func (e *env) readerOptions(cfg *Config) reader.Options {
	return reader.Options{Fields: cfg.JSONL, Stdin: e.stdin, StdinFormat: cfg.StdinFormat,
		TrustFutureDates: cfg.TrustFuture || cfg.IgnoreDates}
}

// limitMemory sets the Go runtime's soft memory limit to five eighths
// of the budget (the rest is for what the runtime does not count as heap:
// stacks, fragmentation, the spill files' buffers), unless the user set
// GOMEMLIMIT.
func limitMemory(budget int64, getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" && budget > 0 {
		debug.SetMemoryLimit(budget / 8 * 5)
	}
}

// writeDetectStats prints a Detector's statistics as logfmt lines: one for the
// totals, one a stage.
func writeDetectStats(w io.Writer, s reprint.Stats) {
	fmt.Fprintf(w, "reprint: stats: documents=%d units=%d candidates=%d verified=%d matches=%d peak_heap_bytes=%d peak_rss_bytes=%d spill_bytes=%d spill_files=%d\n",
		s.Documents, s.Units, s.Candidates, s.Verified, s.Matches, s.PeakHeap, peakRSS(), s.SpillBytes, s.SpillFiles)
	for _, st := range s.Stages {
		fmt.Fprintf(w, "reprint: stats: stage=%s seconds=%.3f cpu_seconds=%.3f\n", st.Name, st.Duration.Seconds(), st.CPU.Seconds())
	}
}

// logProblems writes the input problems to w (standard error), one a
// line, and returns how many are errors rather than warnings.
func logProblems(w io.Writer, problems []reprint.InputError) int {
	n := 0
	for _, p := range problems {
		kind := "error"
		if p.Warning {
			kind = "warning"
		} else {
			n++
		}
		loc := p.Path
		if p.Line > 0 {
			loc = fmt.Sprintf("%s:%d", p.Path, p.Line)
		}
		// A path or a message may quote the input: draw its control
		// characters rather than send them to the terminal.
		fmt.Fprintf(w, "reprint: %s: %s: %s\n", kind, render.Visible(loc, false), render.Visible(p.Error, false))
	}
	return n
}

// exitStatusHelp is the exit-status rule, as --help gives it (and the
// package documentation, the README and cmd/reprint's doc.go).
const exitStatusHelp = `Exit status:
  0  clean, warnings included (an input repaired or harmlessly skipped:
     an empty file, repaired UTF-8, stray control bytes, an unparsable or
     future date, files of unknown formats skipped)
  1  findings at or above the audit policy (audit only)
  2  usage or configuration error, or no document at all in the arguments
  3  an input lost (missing, unreadable, a malformed JSON line, a duplicate
     id) or a runtime error (the report is still written); with --strict,
     any warning too`

// strictUsage is the help of --strict.
const strictUsage = "exit 3 on any input warning too (an empty file, repaired UTF-8, stray control bytes, an unparsable or future date, skipped files), for CI"

// countFailing is how many input problems fail the run: the errors (an
// input, or part of one, lost), and with strict the warnings too.
func countFailing(problems []reprint.InputError, errs int, strict bool) int {
	if strict {
		return len(problems)
	}
	return errs
}

// inputsFailed is the error that ends a run whose inputs had n failing
// problems (nil for none): exit 3, the report still written.
func inputsFailed(n int, strict bool) error {
	switch {
	case n == 0:
		return nil
	case strict:
		return runtimeErr(fmt.Errorf("%d input problem(s), and --strict fails the run on warnings too; see the messages above", n))
	}
	return runtimeErr(fmt.Errorf("%d input(s) could not be read; see the messages above", n))
}

// nothingRead is the error of arguments that gave no document at all
// (nil when they gave some): exit 3 when inputs were lost, since their
// errors say why, else exit 2 — an empty directory, or only files of
// formats reprint does not read, is a mistake in the arguments, not a
// clean run.
func nothingRead(docs, lost int) error {
	switch {
	case docs > 0:
		return nil
	case lost > 0:
		return runtimeErr(fmt.Errorf("no document read: %d input(s) could not be read", lost))
	}
	return usageErr("no document to read in the arguments (see the warnings above; reprint report --help lists the formats)")
}

// write sends output to -o FILE (see writeFileAtomic) or to stdout.
func (e *env) write(cfg *Config, render func(io.Writer) error) error {
	if cfg.Output == "" || cfg.Output == "-" {
		if err := renderTo(e.stdout, render); err != nil {
			return runtimeErr(err)
		}
		return nil
	}
	return writeFileAtomic(cfg.Output, render)
}
