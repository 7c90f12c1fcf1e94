package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/internal/render"
	"github.com/reprint-dev/reprint/internal/render/auditview"
	"github.com/reprint-dev/reprint/internal/render/ghactions"
)

// AuditConfig is the audit: section of the configuration file. Unset keys
// keep the defaults; flags given on the command line win.
type AuditConfig struct {
	// Against is the reference: an index file, or files and directories.
	Against []string `yaml:"against"`
	// MinWords, MaxShare, AllowAttributed and Wire are the policy (see
	// audit.Policy).
	MinWords        *int     `yaml:"min_words"`
	MaxShare        *float64 `yaml:"max_share"`
	AllowAttributed *bool    `yaml:"allow_attributed"`
	Wire            []string `yaml:"wire"`
	// Baseline is the baseline file.
	Baseline string `yaml:"baseline"`
}

// IgnoreKey is the front matter key with which a Markdown article asks
// not to be counted; its value must be the reason.
const IgnoreKey = "reprint-ignore"

type auditFlags struct {
	configFlags
	output         string
	sarifOut       string
	junitOut       string
	exitZero       bool
	updateBaseline bool
	root           string
	timeout        time.Duration
	retry          int
}

// auditSettings are the settings audit registers: its policy, its
// reference and baseline, the output format, workers and the input flags.
var auditSettings = []string{"audit.against", "audit.min-words", "audit.max-share", "audit.allow-attributed", "audit.wire", "audit.baseline", "format", "workers"}

func (e *env) auditCommand() *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit --against INDEX|PATH... [flags] PATH...",
		Short: "Check articles for recycled wire copy against a reference, for CI",
		Long: `audit checks each article against a reference corpus (an index made with
reprint index add, or files and directories indexed on the fly) and applies
a policy: the shortest passage that counts (--min-words), the largest share
of an article that may be uncredited wire copy (--max-share), whether copy
credited to its agency nearby is allowed (--allow-attributed), and which
reference sources are wire agencies (--wire; default: all of them).

Exit codes: 0 no article violates the policy; 1 some do; 2 usage or
configuration error; 3 runtime or I/O error. --exit-zero reports without
failing.

Known findings can be accepted with --baseline FILE (keyed by article and
the passage's normalised text, not by line; --update-baseline writes it),
and a Markdown article can opt out with a reason in its front matter:

  ---
  reprint-ignore: "syndicated under our licence with AP"
  ---

The policy may also come from the audit: section of .reprint.yaml.`,
		Example: `  reprint audit --against wire.db articles/
  reprint audit --against wire.db --max-share 0.2 --wire Reuters,AP --format sarif -o audit.sarif content/
  reprint audit --against wire/ --baseline .reprint-baseline.json $(git diff --name-only main -- '*.md')`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return e.audit(cmd, &f, args) },
	}
	f.configFlags.register(cmd, map[string]string{
		"format": "output format: " + strings.Join(render.AuditFormats(), "|") + " (default github when GITHUB_ACTIONS=true)",
	}, auditSettings, inputSettings)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "write the output to this file instead of stdout")
	fl.StringVar(&f.sarifOut, "sarif", "", "also write SARIF 2.1.0 to this file")
	fl.StringVar(&f.junitOut, "junit", "", "also write JUnit XML to this file")
	fl.BoolVar(&f.exitZero, "exit-zero", false, "exit 0 even when articles violate the policy (report only)")
	fl.BoolVar(&f.updateBaseline, "update-baseline", false, "write the current findings to the --baseline file and accept them")
	fl.StringVar(&f.root, "root", "", "directory that SARIF file URIs are relative to (default: the git work tree's top, else the working directory)")
	fl.DurationVar(&f.timeout, "lock-timeout", time.Minute, "how long to wait while another process writes the index file, or to connect to its database")
	fl.IntVar(&f.retry, "retry", 0, "times to retry reading a PostgreSQL index after its connection failed (0.5 s, 1 s, 2 s, … apart; at most "+fmt.Sprint(maxRetry)+")")
	return cmd
}

// auditSetup is the resolved configuration of one audit run.
type auditSetup struct {
	cfg      *Config
	explicit bool
	policy   audit.Policy
	against  []string
	format   string
	baseline string
}

func (f *auditFlags) resolve(cmd *cobra.Command, e *env) (*auditSetup, error) {
	cfg, err := f.configFlags.resolve(cmd, e)
	if err != nil {
		return nil, err
	}
	// Flags are in cfg.Audit already: its unset keys keep the defaults.
	s := &auditSetup{cfg: cfg, explicit: cfg.explicitParams(), policy: audit.DefaultPolicy(), format: cfg.Format}
	a := cfg.Audit
	where := "flag"
	if cfg.path != "" {
		where = "flag or " + cfg.path
	}
	if a.MinWords != nil {
		s.policy.MinWords = *a.MinWords
	}
	if a.MaxShare != nil {
		s.policy.MaxShare = *a.MaxShare
	}
	if a.AllowAttributed != nil {
		s.policy.AllowAttributed = *a.AllowAttributed
	}
	if a.Wire != nil {
		s.policy.Wire = a.Wire
	}
	s.against, s.baseline = a.Against, a.Baseline
	if !cmd.Flags().Changed("format") && (s.format == "" || s.format == "text") {
		// Unless asked for by flag or file, GitHub Actions gets its annotations.
		s.format = "text"
		if e.getenv("GITHUB_ACTIONS") == "true" {
			s.format = "github"
		}
	}
	if err := s.policy.Validate(); err != nil {
		return nil, usageErr("%v (%s)", err, where)
	}
	if err := render.CheckAuditFormat(s.format); err != nil {
		return nil, usageErr("--format %v", err)
	}
	if len(s.against) == 0 {
		if loc := indexLocation("", e, cfg); loc != "" {
			s.against = []string{loc}
		}
	}
	if len(s.against) == 0 {
		return nil, usageErr("--against INDEX|PATH... is required (or $%s, or audit.against or index in %s)", EnvIndex, ConfigFileName)
	}
	if f.retry < 0 || f.retry > maxRetry {
		return nil, usageErr("--retry %d: want 0..%d", f.retry, maxRetry)
	}
	if f.updateBaseline && s.baseline == "" {
		return nil, usageErr("--update-baseline needs --baseline FILE")
	}
	return s, nil
}

func (e *env) audit(cmd *cobra.Command, f *auditFlags, args []string) error {
	s, err := f.resolve(cmd, e)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var base *audit.Baseline
	if s.baseline != "" {
		b, err := readBaseline(s.baseline)
		switch {
		case err == nil:
			base = &b
		case errors.Is(err, os.ErrNotExist) && f.updateBaseline:
		default:
			return usageErr("baseline %s: %v", s.baseline, err)
		}
	}

	targets, problems, err := reader.Read(ctx, args, reader.Options{Fields: s.cfg.JSONL, Stdin: e.stdin, StdinFormat: s.cfg.StdinFormat})
	if err != nil {
		return runtimeErr(err)
	}
	inputErrs := logProblems(e.stderr, problems)
	failing := countFailing(problems, inputErrs, s.cfg.Strict)
	if err := nothingRead(len(targets), inputErrs); err != nil {
		return err
	}
	root := f.root
	if root == "" {
		root = gitRoot(e.wd)
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	stableIDs(targets, root)
	ignores, err := inlineIgnores(targets)
	if err != nil {
		return err
	}

	ix, refProblems, err := e.openReference(cmd, s, f.timeout, f.retry)
	if err != nil {
		return err
	}
	defer ix.Close()
	refErrs := logProblems(e.stderr, refProblems)
	failing += countFailing(refProblems, refErrs, s.cfg.Strict)

	rep, err := audit.Run(ctx, ix, targets, s.policy)
	if err != nil {
		return runtimeErr(err)
	}
	rep.Errors = append(rep.Errors, problems...)
	rep.Errors = append(rep.Errors, refProblems...)
	for _, d := range targets {
		if reason, ok := ignores[d.ID]; ok {
			rep.Suppress(d.ID, reason)
		}
	}
	if base != nil {
		rep.ApplyBaseline(*base)
	}
	if f.updateBaseline {
		nb := rep.Baseline()
		if base != nil { // keep the entries of articles not audited this time
			audited := map[string]bool{}
			for _, a := range rep.Articles {
				audited[a.ID] = true
			}
			for _, en := range base.Entries {
				if !audited[en.Article] {
					nb.Entries = append(nb.Entries, en)
				}
			}
			slices.SortFunc(nb.Entries, func(x, y audit.BaselineEntry) int {
				return strings.Compare(x.Article+"\x00"+x.Fingerprint, y.Article+"\x00"+y.Fingerprint)
			})
		}
		if err := writeFileAtomic(s.baseline, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(nb)
		}); err != nil {
			return err
		}
		rep.ApplyBaseline(nb)
		fmt.Fprintf(e.stderr, "reprint: wrote %d baseline entries to %s\n", len(nb.Entries), s.baseline)
	}

	opts := render.AuditOptions{Root: root, Regions: hasLineRegions}
	write := func(format string) func(io.Writer) error {
		return func(w io.Writer) error { return render.WriteAudit(w, format, rep, opts) }
	}
	if err := e.write(&Config{Output: f.output}, write(s.format)); err != nil {
		return err
	}
	for _, extra := range []struct{ file, format string }{{f.sarifOut, "sarif"}, {f.junitOut, "junit"}} {
		if extra.file != "" {
			if err := writeFileAtomic(extra.file, write(extra.format)); err != nil {
				return err
			}
		}
	}
	if e.getenv("GITHUB_ACTIONS") == "true" {
		if path := e.getenv("GITHUB_STEP_SUMMARY"); path != "" {
			if err := appendFile(path, func(w io.Writer) error { return ghactions.WriteSummary(w, rep) }); err != nil {
				return err
			}
		}
	}
	if s.format != "text" { // text output ends with the summary already
		fmt.Fprintln(e.stderr, "reprint: "+auditview.Summary(rep))
	}
	if err := inputsFailed(failing, s.cfg.Strict); err != nil {
		return err
	}
	if rep.Summary.Violating > 0 && !f.exitZero {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d article(s) violate the audit policy", rep.Summary.Violating)}
	}
	return nil
}

// openReference opens the index named by --against, or indexes the
// reference paths into a temporary one.
func (e *env) openReference(cmd *cobra.Command, s *auditSetup, timeout time.Duration, retry int) (*index.Index, []reprint.InputError, error) {
	o, err := indexOptions(s.cfg, s.explicit)
	if err != nil {
		return nil, nil, err
	}
	o.Timeout, o.Retry = timeout, retry
	if len(s.against) == 1 && looksLikeIndex(s.against[0]) {
		o.ReadOnly = true
		ix, err := e.openIndex(cmd.Context(), s.against[0], o)
		if err != nil {
			return nil, nil, openErr(err)
		}
		return ix, nil, nil
	}
	for _, p := range s.against {
		if looksLikeIndex(p) {
			return nil, nil, usageErr("--against: %s is an index; give one index, or files and directories, not both", p)
		}
	}
	docs, problems, err := reader.Read(cmd.Context(), s.against, reader.Options{Fields: s.cfg.JSONL, StdinFormat: s.cfg.StdinFormat})
	if err != nil {
		return nil, nil, runtimeErr(err)
	}
	ix, err := index.Open(cmd.Context(), "", o) // in memory
	if err != nil {
		return nil, nil, openErr(err)
	}
	if err := ix.Add(cmd.Context(), docs...); err != nil {
		ix.Close()
		return nil, nil, runtimeErr(err)
	}
	return ix, problems, nil
}

// stableIDs names file articles by their path relative to root, so that
// baseline entries and reports name an article the same way whether CI
// audits its directory or the file itself. JSON Lines records keep their
// ids.
func stableIDs(docs []reprint.Document, root string) {
	for i, d := range docs {
		if d.Path == "" || d.Path == "-" || reader.FormatOf(d.Path) == reader.FormatJSONL {
			continue
		}
		abs, err := filepath.Abs(d.Path)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			docs[i].ID = filepath.ToSlash(rel)
		}
	}
}

// looksLikeIndex says whether a path names an index: a PostgreSQL URL, a
// bbolt file (by its meta page's magic number) or a file with an index
// extension, so that a damaged index is reported as such rather than read
// as text.
func looksLikeIndex(path string) bool {
	if index.IsDatabase(path) {
		return true
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".db", ".bolt", ".bbolt", ".idx", ".index":
		return true
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [20]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return false
	}
	const bboltMagic = 0xED0CDAED // after a 16-byte page header
	return binary.LittleEndian.Uint32(head[16:]) == bboltMagic || binary.BigEndian.Uint32(head[16:]) == bboltMagic
}

// hasLineRegions says whether offsets into a document from path are
// offsets into the file itself (text and Markdown), so that lines and
// columns locate it.
func hasLineRegions(path string) bool {
	switch reader.FormatOf(path) {
	case reader.FormatJSONL, reader.FormatHTML:
		return false
	}
	return path != "" && path != "-"
}

// inlineIgnores finds the reprint-ignore key among the front-matter keys
// the reader kept with each target. An ignore without a reason is a usage
// error naming the file and line.
func inlineIgnores(docs []reprint.Document) (map[string]string, error) {
	out := map[string]string{}
	for _, d := range docs {
		for _, k := range d.FrontMatter {
			if k.Key != IgnoreKey && k.Key != "reprint_ignore" {
				continue
			}
			reason := strings.TrimSpace(k.Value)
			if !k.Text || reason == "" {
				return nil, usageErr("%s:%d: %s needs a reason, for example %s: \"licensed from AP\"", d.Path, k.Line, IgnoreKey, IgnoreKey)
			}
			out[d.ID] = reason
		}
	}
	return out, nil
}

func readBaseline(path string) (audit.Baseline, error) {
	var b audit.Baseline
	data, err := os.ReadFile(path)
	if err != nil {
		return b, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, fmt.Errorf("not a reprint baseline: %v", err)
	}
	if b.Schema != audit.BaselineSchemaV1 {
		return b, fmt.Errorf("schema %q, want %q", b.Schema, audit.BaselineSchemaV1)
	}
	return b, nil
}

func appendFile(path string, render func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return runtimeErr(err)
	}
	if err := render(f); err != nil {
		f.Close()
		return runtimeErr(err)
	}
	if err := f.Close(); err != nil {
		return runtimeErr(err)
	}
	return nil
}

// gitRoot returns the top of the git work tree holding dir, or dir.
func gitRoot(dir string) string {
	for d := dir; d != ""; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return dir
}
