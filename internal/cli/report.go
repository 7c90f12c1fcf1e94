package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/internal/render"
)

func (e *env) reportCommand() *cobra.Command {
	var f commonFlags
	cmd := &cobra.Command{
		Use:   "report [flags] PATH...",
		Short: "Report the recycled passages among files, directories, JSON Lines or stdin",
		Example: `  reprint report testdata/seeds
  reprint report --format json -o report.json articles/
  cat stories.jsonl | reprint report --stdin-format jsonl -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.resolve(cmd, e)
			if err != nil {
				return err
			}
			rep, inputErrs, err := e.detect(cmd, cfg, args)
			if err != nil {
				return err
			}
			if err := e.write(cfg, func(w io.Writer) error { return render.Write(w, cfg.Format, rep) }); err != nil {
				return err
			}
			if inputErrs > 0 {
				return &ExitError{Code: ExitRuntime, Err: fmt.Errorf("%d input(s) could not be read; see the report's errors", inputErrs)}
			}
			return nil
		},
	}
	f.register(cmd, "text|json")
	return cmd
}

// detect reads the inputs and runs the detector. It returns the report,
// with the reading problems in its Errors, and how many of those were
// errors rather than warnings.
func (e *env) detect(cmd *cobra.Command, cfg *Config, paths []string) (*reprint.Report, int, error) {
	ctx := cmd.Context()
	docs, problems, err := reader.Read(ctx, paths, reader.Options{Fields: cfg.JSONL, Stdin: e.stdin, StdinFormat: cfg.StdinFormat})
	if err != nil {
		return nil, 0, runtimeErr(err)
	}
	errorsN := 0
	for _, p := range problems {
		kind := "error"
		if p.Warning {
			kind = "warning"
		} else {
			errorsN++
		}
		loc := p.Path
		if p.Line > 0 {
			loc = fmt.Sprintf("%s:%d", p.Path, p.Line)
		}
		fmt.Fprintf(e.stderr, "reprint: %s: %s: %s\n", kind, loc, p.Error)
	}
	det, err := reprint.New(cfg.options()...)
	if err != nil {
		return nil, 0, usageErr("%v", err)
	}
	if err := det.Add(docs...); err != nil {
		return nil, 0, runtimeErr(err)
	}
	rep, err := det.Detect(ctx)
	if err != nil {
		return nil, 0, runtimeErr(err)
	}
	rep.Errors = append(rep.Errors, problems...)
	return rep, errorsN, nil
}

// write sends output to -o FILE (written whole, then renamed into place, so
// that a failed run never leaves half a report) or to stdout.
func (e *env) write(cfg *Config, render func(io.Writer) error) error {
	if cfg.Output == "" || cfg.Output == "-" {
		w := bufio.NewWriter(e.stdout)
		if err := render(w); err != nil {
			return runtimeErr(err)
		}
		if err := w.Flush(); err != nil {
			return runtimeErr(err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(cfg.Output), ".reprint-*.tmp")
	if err != nil {
		return runtimeErr(err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := render(w); err != nil {
		tmp.Close()
		return runtimeErr(err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return runtimeErr(err)
	}
	if err := tmp.Close(); err != nil {
		return runtimeErr(err)
	}
	if err := os.Rename(tmp.Name(), cfg.Output); err != nil {
		return runtimeErr(err)
	}
	return nil
}
