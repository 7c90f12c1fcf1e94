package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/minhash"
)

// indexFlags are the flags of the index commands.
type indexFlags struct {
	configFlags
	index       string
	retry       int
	timeout     time.Duration
	batch       int
	listIDs     bool
	format      string
	paramsFlags bool // whether the params flags were registered
}

// register adds the flags every index command has; params adds the
// similarity params and input flags of commands that read documents.
func (f *indexFlags) register(cmd *cobra.Command, params bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.index, "index", "", "the index: a file, or a PostgreSQL database as postgres://user@host:port/db?… (default $"+EnvIndex+", or index in "+ConfigFileName+")")
	fl.DurationVar(&f.timeout, "lock-timeout", time.Minute, "how long to wait while another process writes the index file, or to connect to its database")
	fl.IntVar(&f.retry, "retry", 0, "times to retry an operation on a PostgreSQL index after its connection failed (0.5 s, 1 s, 2 s, … apart; at most "+fmt.Sprint(maxRetry)+")")
	if !params {
		f.configFlags.register(cmd, nil)
		return
	}
	f.paramsFlags = true
	f.configFlags.register(cmd, map[string]string{
		"threshold":      "Jaccard similarity the LSH bands are tuned for (a new index stores it)",
		"shingle":        "words per shingle in signatures and alignment",
		"verify-shingle": "words per shingle in anchors and exact verification",
	}, paramSettings, []string{"workers"}, inputSettings)
}

// resolve reads the configuration file and applies the flags set on the
// command line. explicit reports whether the similarity params were given
// (by flag or file) rather than left to the defaults.
func (f *indexFlags) resolve(cmd *cobra.Command, e *env) (cfg *Config, explicit bool, err error) {
	cfg, err = f.configFlags.resolve(cmd, e)
	if err != nil {
		return nil, false, err
	}
	f.index = indexLocation(f.index, e, cfg)
	if f.index == "" {
		return nil, false, usageErr("--index FILE|URL is required (or $%s, or index in %s)", EnvIndex, ConfigFileName)
	}
	if f.retry < 0 || f.retry > maxRetry {
		return nil, false, usageErr("--retry %d: want 0..%d", f.retry, maxRetry)
	}
	return cfg, f.paramsFlags && cfg.explicitParams(), nil
}

// EnvIndex is the environment variable naming the index when --index (or
// audit's --against) is not given; the configuration file's index key
// comes after it.
const EnvIndex = "REPRINT_INDEX"

// maxRetry bounds --retry: about two minutes of waiting in all.
const maxRetry = 20

// indexLocation resolves the index: the flag, else $REPRINT_INDEX, else
// the configuration file's index key (a relative file path there is
// relative to the file).
func indexLocation(flag string, e *env, cfg *Config) string {
	switch {
	case flag != "":
		return flag
	case e.getenv(EnvIndex) != "":
		return e.getenv(EnvIndex)
	case cfg.Index != "" && !index.IsDatabase(cfg.Index) && !filepath.IsAbs(cfg.Index) && cfg.path != "":
		return filepath.Join(filepath.Dir(cfg.path), cfg.Index)
	}
	return cfg.Index
}

// indexOptions returns the options to open an index with: the resolved
// params when they were given explicitly (so that another index's params
// are refused), else none (the stored ones, or the defaults).
func indexOptions(cfg *Config, explicit bool) (index.Options, error) {
	o := index.Options{Workers: cfg.Workers}
	if !explicit {
		return o, nil
	}
	b, r, err := minhash.ChooseBands(cfg.NumHash, cfg.Threshold)
	if err != nil {
		return o, usageErr("%v", err)
	}
	o.Params = minhash.Params{Shingle: cfg.Shingle, NumHash: cfg.NumHash, Seed: cfg.Seed, Bands: b, Rows: r}
	o.VerifyShingle = cfg.VerifyShingle
	return o, nil
}

// openErr classifies an index.Open error: wrong params or a file that is
// not an index are the user's to fix (2); the rest is I/O (3).
func openErr(err error) error {
	if index.IsUnavailable(err) {
		return runtimeErr(err)
	}
	if errors.Is(err, minhash.ErrParamsMismatch) || errors.Is(err, index.ErrNotIndex) ||
		errors.Is(err, index.ErrFormat) || errors.Is(err, os.ErrNotExist) {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return runtimeErr(err)
}

func (e *env) indexCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Build and inspect a persistent reference index (add, stats, remove, migrate)",
		Long: `index keeps a reference corpus (for example everything the wire agencies
sent) so that reprint audit can check articles against it without reading
the corpus each time. It lives in one file (a go.etcd.io/bbolt database:
no server; one process may write it while others wait, or any number may
read it at once) or in a PostgreSQL database, given as
--index postgres://user@host:port/db?sslmode=… (many writers and readers
on many machines: an ingest job adds the wire while CI jobs audit).`,
	}
	cmd.AddCommand(e.indexAddCommand(), e.indexStatsCommand(), e.indexRemoveCommand(), e.indexCompactCommand(), e.indexMigrateCommand())
	return cmd
}

func (e *env) indexAddCommand() *cobra.Command {
	var f indexFlags
	cmd := &cobra.Command{
		Use:   "add --index FILE [flags] PATH...",
		Short: "Create the index or add documents to it (re-adding an id replaces it)",
		Long: `add reads files, directories, JSON Lines or - (standard input) and adds
their documents to the index, creating it with the configured params when
it does not exist. A document whose id is already stored replaces it.

Documents are committed in batches of --batch-size, each one transaction:
if add is interrupted or killed, the index holds every batch committed
before, whole, and nothing of the batch in flight. --list-committed prints
each id to standard output once its batch is durable.

An existing index keeps its params: params given by flag or configuration
file that differ from the stored ones are refused.`,
		Example: `  reprint index add --index wire.db wire/
  reprint index add --index wire.db --stdin-format jsonl - < today.jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, explicit, err := f.resolve(cmd, e)
			if err != nil {
				return err
			}
			o, err := indexOptions(cfg, explicit)
			if err != nil {
				return err
			}
			o.Timeout, o.BatchSize, o.Retry = f.timeout, f.batch, f.retry
			done := 0
			o.OnCommit = func(ids []string) {
				done += len(ids)
				if f.listIDs {
					for _, id := range ids {
						fmt.Fprintln(e.stdout, id)
					}
				}
			}
			start := time.Now()
			ctx := cmd.Context()
			docs, problems, err := reader.Read(ctx, args, reader.Options{Fields: cfg.JSONL, Stdin: e.stdin, StdinFormat: cfg.StdinFormat})
			if err != nil {
				return runtimeErr(err)
			}
			inputErrs := logProblems(e.stderr, problems)
			failing := countFailing(problems, inputErrs, cfg.Strict)
			if err := nothingRead(len(docs), inputErrs); err != nil {
				return err
			}
			ix, err := e.openIndex(cmd.Context(), f.index, o)
			if err != nil {
				return openErr(err)
			}
			defer ix.Close()
			if err := ix.Add(ctx, docs...); err != nil {
				return runtimeErr(fmt.Errorf("%w (%d documents committed before)", err, done))
			}
			st, err := ix.Stats(cmd.Context())
			if err != nil {
				return runtimeErr(err)
			}
			fmt.Fprintf(e.stderr, "reprint: added %d documents to %s in %.1fs; it holds %d documents, %d passages, %s\n",
				done, ix.Location(), time.Since(start).Seconds(), st.Documents, st.Passages, humanBytes(st.FileBytes))
			if err := inputsFailed(failing, cfg.Strict); err != nil {
				return err
			}
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().IntVar(&f.batch, "batch-size", index.DefaultBatchSize, "documents committed per transaction")
	cmd.Flags().BoolVar(&f.listIDs, "list-committed", false, "print each document id to standard output once its batch is committed")
	return cmd
}

func (e *env) indexStatsCommand() *cobra.Command {
	var f indexFlags
	cmd := &cobra.Command{
		Use:   "stats --index FILE",
		Short: "Print the index's documents, passages, size, params and date range",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := f.resolve(cmd, e); err != nil {
				return err
			}
			if f.format != "text" && f.format != "json" {
				return usageErr("--format %q: want text or json", f.format)
			}
			ix, err := e.openIndex(cmd.Context(), f.index, index.Options{ReadOnly: true, Timeout: f.timeout, Retry: f.retry})
			if err != nil {
				return openErr(err)
			}
			defer ix.Close()
			st, err := ix.Stats(cmd.Context())
			if err != nil {
				return runtimeErr(err)
			}
			if f.format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			writeStats(e.stdout, st)
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text|json")
	return cmd
}

func writeStats(w io.Writer, st index.Stats) {
	p := st.Params.Params
	fmt.Fprintf(w, "index       %s\n", st.Path)
	fmt.Fprintf(w, "documents   %d\n", st.Documents)
	fmt.Fprintf(w, "passages    %d\n", st.Passages)
	fmt.Fprintf(w, "words       %d\n", st.Words)
	fmt.Fprintf(w, "text        %s\n", humanBytes(int64(st.TextBytes)))
	ratio := ""
	if st.TextBytes > 0 {
		ratio = fmt.Sprintf(" (%.2f× the text)", float64(st.FileBytes)/float64(st.TextBytes))
	}
	fmt.Fprintf(w, "file        %s%s\n", humanBytes(st.FileBytes), ratio)
	fmt.Fprintf(w, "anchors     %d live, %d dead, in %d runs\n", st.Anchors, st.DeadAnchors, st.Runs)
	fmt.Fprintf(w, "params      shingle %d, num_hash %d, seed %d, bands %d, rows %d, verify_shingle %d, anchor_window %d\n",
		p.Shingle, p.NumHash, p.Seed, p.Bands, p.Rows, st.Params.VerifyShingle, st.Params.AnchorWindow)
	if st.Dated > 0 {
		fmt.Fprintf(w, "dates       %s to %s (%d of %d documents dated)\n",
			st.First.Format(time.DateOnly), st.Last.Format(time.DateOnly), st.Dated, st.Documents)
	} else {
		fmt.Fprintf(w, "dates       none\n")
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func (e *env) indexRemoveCommand() *cobra.Command {
	var f indexFlags
	cmd := &cobra.Command{
		Use:   "remove --index FILE ID...",
		Short: "Remove documents from the index by id (in one transaction)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, ids []string) error {
			if _, _, err := f.resolve(cmd, e); err != nil {
				return err
			}
			ix, err := f.openExisting(cmd, e)
			if err != nil {
				return err
			}
			defer ix.Close()
			var absent []string
			for _, id := range ids {
				if _, ok, err := ix.Document(cmd.Context(), id); err == nil && !ok {
					absent = append(absent, id)
				}
			}
			n, err := ix.Remove(cmd.Context(), ids...)
			if err != nil {
				return runtimeErr(err)
			}
			fmt.Fprintf(e.stderr, "reprint: removed %d of %d ids from %s\n", n, len(ids), ix.Location())
			if len(absent) > 0 {
				if len(absent) > 10 {
					absent = append(absent[:10], "…")
				}
				fmt.Fprintf(e.stderr, "reprint: not in the index: %s\n", strings.Join(absent, ", "))
			}
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}

func (e *env) indexCompactCommand() *cobra.Command {
	var (
		f   indexFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "compact --index FILE [-o NEW]",
		Short: "Rewrite the index without free pages or dead postings (smallest file, e.g. before caching it)",
		Long: `compact writes a compacted copy of the index: its postings merged into one
run without those of removed or replaced documents, its pages full. With -o
the copy goes to NEW; without, it replaces FILE (written beside it, then
renamed into place). Run it when no other process uses the index: one that
is waiting for it would go on with the old file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := f.resolve(cmd, e); err != nil {
				return err
			}
			if index.IsDatabase(f.index) {
				if out != "" {
					return usageErr("compact -o is for index files; a PostgreSQL index is compacted in place")
				}
				ix, err := f.openExisting(cmd, e)
				if err != nil {
					return err
				}
				defer ix.Close()
				if err := ix.Compact(""); err != nil {
					return runtimeErr(err)
				}
				fmt.Fprintf(e.stderr, "reprint: vacuumed and analysed %s\n", ix.Location())
				return nil
			}
			ix, err := f.openExisting(cmd, e)
			if err != nil {
				return err
			}
			defer ix.Close()
			before, err := ix.Stats(cmd.Context())
			if err != nil {
				return runtimeErr(err)
			}
			dst := out
			if dst == "" {
				dst = filepath.Join(filepath.Dir(f.index), "."+filepath.Base(f.index)+".compact")
				os.Remove(dst)
			}
			if err := ix.Compact(dst); err != nil {
				return runtimeErr(err)
			}
			if out == "" {
				if err := os.Rename(dst, f.index); err != nil {
					os.Remove(dst)
					return runtimeErr(err)
				}
				dst = f.index
			}
			fi, err := os.Stat(dst)
			if err != nil {
				return runtimeErr(err)
			}
			fmt.Fprintf(e.stderr, "reprint: compacted %s (%s) into %s (%s)\n", f.index, humanBytes(before.FileBytes), dst, humanBytes(fi.Size()))
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the compacted index here instead of replacing FILE")
	return cmd
}

// openExisting opens the index named by --index, which must exist: remove
// and compact never create one.
func (f *indexFlags) openExisting(cmd *cobra.Command, e *env) (*index.Index, error) {
	if !index.IsDatabase(f.index) {
		if _, err := os.Stat(f.index); err != nil {
			return nil, usageErr("index %s: %v", f.index, err)
		}
	}
	ix, err := e.openIndex(cmd.Context(), f.index, index.Options{Timeout: f.timeout, Retry: f.retry})
	if err != nil {
		return nil, openErr(err)
	}
	return ix, nil
}

func (e *env) indexMigrateCommand() *cobra.Command {
	var f indexFlags
	cmd := &cobra.Command{
		Use:   "migrate --index postgres://…",
		Short: "Create or upgrade the index's schema in a PostgreSQL database",
		Long: `migrate creates the tables of a PostgreSQL index, or upgrades them to this
version's schema; index add does the same on first use. Run it with a role
that may create tables (see the README's least-privilege roles), then let
ingest and audit jobs use roles that may only write or read rows. A
database whose schema is newer than this reprint is refused: upgrade
reprint instead.`,
		Example: `  reprint index migrate --index postgres://reprint_owner@db.internal/news`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := f.resolve(cmd, e); err != nil {
				return err
			}
			if !index.IsDatabase(f.index) {
				return usageErr("migrate is for PostgreSQL indexes (--index postgres://…); an index file needs none")
			}
			from, to, err := index.Migrate(cmd.Context(), f.index, index.Options{Timeout: f.timeout, Retry: f.retry})
			if err != nil {
				return openErr(err)
			}
			if from == to {
				fmt.Fprintf(e.stderr, "reprint: schema is at version %d, nothing to do\n", to)
			} else {
				fmt.Fprintf(e.stderr, "reprint: schema migrated from version %d to %d\n", from, to)
			}
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}
