package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/internal/render"
)

func (e *env) compareCommand() *cobra.Command {
	var (
		f      configFlags
		vf     viewFlags
		layout string
	)
	cmd := &cobra.Command{
		Use:   "compare [flags] A B",
		Short: "Show the passages two documents share, side by side",
		Long: `compare finds the passages two documents share and shows them side by
side: for each, both sides' lines and byte spans, the similarity and a word
diff, after the share of each document found in the other.

A and B are files (or - for standard input). To pick one story out of a
JSON Lines file, name it FILE#ID. With --format json, csv or html, compare
writes the report of the two documents in that format instead.`,
		Example: `  reprint compare testdata/seeds/003_61f9044a3c0b7f52.txt testdata/seeds/004_37f5628a7ba2c475.txt
  reprint compare stories.jsonl#reuters-12 stories.jsonl#reuters-40
  reprint compare --layout stacked release.md article.html | less -R
  reprint compare --format html -o pair.html release.md article.md`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.resolveView(cmd, e, vf)
			if err != nil {
				return err
			}
			if layout != "auto" && layout != "columns" && layout != "stacked" {
				return usageErr("--layout %q: want auto, columns or stacked", layout)
			}
			a, err := e.readOne(cmd, cfg, args[0])
			if err != nil {
				return err
			}
			b, err := e.readOne(cmd, cfg, args[1])
			if err != nil {
				return err
			}
			if a.ID == b.ID {
				a.ID, b.ID = a.ID+" (A)", b.ID+" (B)"
			}
			docs := []reprint.Document{a, b}
			rep, err := e.detectOn(cmd.Context(), cfg, docs)
			if err != nil {
				return err
			}
			r := e.renderer(cfg, vf, docs)
			columns := layout == "columns"
			if layout == "auto" {
				_, tty := terminal(e.stdout)
				columns = tty && (cfg.Output == "" || cfg.Output == "-") && (r.Width == 0 || r.Width >= 80)
			}
			return e.write(cfg, func(w io.Writer) error {
				if cfg.Format == "text" || cfg.Format == "" {
					return r.Compare(w, rep, a.ID, b.ID, columns)
				}
				return r.Write(w, cfg.Format, rep)
			})
		},
	}
	f.register(cmd, map[string]string{"format": "output format: " + strings.Join(render.ReportFormats(), "|")}, detectSettings)
	vf.register(cmd)
	cmd.Flags().StringVar(&layout, "layout", "auto", "text layout: auto (columns on a terminal)|columns|stacked")
	return cmd
}

// readOne reads the single document that arg names: a file, "-", or
// FILE#ID for one record of a JSON Lines file. Problems reading it are
// logged; one that loses the document is a runtime error naming the file.
func (e *env) readOne(cmd *cobra.Command, cfg *Config, arg string) (reprint.Document, error) {
	path, id := arg, ""
	if _, err := os.Stat(arg); errors.Is(err, os.ErrNotExist) {
		if i := strings.LastIndexByte(arg, '#'); i > 0 {
			path, id = arg[:i], arg[i+1:]
		}
	}
	docs, problems, err := reader.Read(cmd.Context(), []string{path}, e.readerOptions(cfg))
	if err != nil {
		return reprint.Document{}, runtimeErr(err)
	}
	if n := countFailing(problems, logProblems(e.stderr, problems), cfg.Strict); n > 0 && cfg.Strict {
		return reprint.Document{}, inputsFailed(n, true)
	}
	if id != "" {
		for _, d := range docs {
			if d.ID == id {
				return d, nil
			}
		}
		return reprint.Document{}, runtimeErr(fmt.Errorf("%s: no document with id %q", path, id))
	}
	switch len(docs) {
	case 1:
		return docs[0], nil
	case 0:
		for _, p := range problems {
			if !p.Warning {
				return reprint.Document{}, runtimeErr(fmt.Errorf("%s: %s", p.Path, p.Error))
			}
		}
		return reprint.Document{}, runtimeErr(fmt.Errorf("%s: no document to compare", path))
	}
	return reprint.Document{}, usageErr("%s holds %d documents; compare takes one on each side (name one as %s#ID)", path, len(docs), path)
}
