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
	"go.yaml.in/yaml/v3"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/ghactions"
	"github.com/reprint-dev/reprint/internal/junit"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/internal/render"
	"github.com/reprint-dev/reprint/internal/sarif"
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

// The audit output formats.
var auditFormats = []string{"text", "json", "sarif", "junit", "github"}

type auditFlags struct {
	configPath      string
	against         []string
	minWords        int
	maxShare        float64
	allowAttributed bool
	wire            []string
	format          string
	output          string
	sarifOut        string
	junitOut        string
	exitZero        bool
	baseline        string
	updateBaseline  bool
	root            string
	timeout         time.Duration
	retry           int
	workers         int
	c               Config // input flags
}

func (e *env) auditCommand() *cobra.Command {
	var f auditFlags
	d := audit.DefaultPolicy()
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
	fl := cmd.Flags()
	fl.StringVar(&f.configPath, "config", "", "configuration file (default: "+ConfigFileName+" found by walking up from the working directory)")
	fl.StringSliceVar(&f.against, "against", nil, "the reference: one index file, or files and directories to index on the fly")
	fl.IntVar(&f.minWords, "min-words", d.MinWords, "shortest recycled passage that counts, in words")
	fl.Float64Var(&f.maxShare, "max-share", d.MaxShare, "largest share (0..1) of an article that may be uncredited wire copy")
	fl.BoolVar(&f.allowAttributed, "allow-attributed", d.AllowAttributed, "do not count copy credited to its agency in the same or an adjacent sentence")
	fl.StringSliceVar(&f.wire, "wire", nil, "sources that are wire agencies, matched against the reference's source field (default: every reference document)")
	fl.StringVar(&f.format, "format", "text", "output format: "+strings.Join(auditFormats, "|")+" (default github when GITHUB_ACTIONS=true)")
	fl.StringVarP(&f.output, "output", "o", "", "write the output to this file instead of stdout")
	fl.StringVar(&f.sarifOut, "sarif", "", "also write SARIF 2.1.0 to this file")
	fl.StringVar(&f.junitOut, "junit", "", "also write JUnit XML to this file")
	fl.BoolVar(&f.exitZero, "exit-zero", false, "exit 0 even when articles violate the policy (report only)")
	fl.StringVar(&f.baseline, "baseline", "", "baseline file of accepted findings")
	fl.BoolVar(&f.updateBaseline, "update-baseline", false, "write the current findings to the --baseline file and accept them")
	fl.StringVar(&f.root, "root", "", "directory that SARIF file URIs are relative to (default: the git work tree's top, else the working directory)")
	fl.DurationVar(&f.timeout, "lock-timeout", time.Minute, "how long to wait while another process writes the index file, or to connect to its database")
	fl.IntVar(&f.retry, "retry", 0, "times to retry reading a PostgreSQL index after its connection failed (0.5 s, 1 s, 2 s, … apart; at most "+fmt.Sprint(maxRetry)+")")
	fl.IntVar(&f.workers, "workers", 0, "goroutines to use (default: all cores)")
	registerInputFlags(fl, &f.c)
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
	cfg, keys, err := loadResolved(e, f.configPath)
	if err != nil {
		return nil, err
	}
	fl := cmd.Flags()
	applyInputFlags(fl, cfg, &f.c)
	if fl.Changed("workers") {
		cfg.Workers = f.workers
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &auditSetup{cfg: cfg, policy: audit.DefaultPolicy(), format: f.format}
	for _, k := range []string{"shingle", "num_hash", "seed", "threshold", "verify_shingle"} {
		s.explicit = s.explicit || keys[k]
	}
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
	if fl.Changed("min-words") {
		s.policy.MinWords = f.minWords
	}
	if fl.Changed("max-share") {
		s.policy.MaxShare = f.maxShare
	}
	if fl.Changed("allow-attributed") {
		s.policy.AllowAttributed = f.allowAttributed
	}
	if fl.Changed("wire") {
		s.policy.Wire = f.wire
	}
	if fl.Changed("against") {
		s.against = f.against
	}
	if fl.Changed("baseline") {
		s.baseline = f.baseline
	}
	if !fl.Changed("format") {
		if cfg.Format != "" && cfg.Format != "text" && keys["format"] {
			s.format = cfg.Format
		} else if e.getenv("GITHUB_ACTIONS") == "true" {
			s.format = "github"
		}
	}
	if err := s.policy.Validate(); err != nil {
		return nil, usageErr("%v (%s)", err, where)
	}
	if !slices.Contains(auditFormats, s.format) {
		return nil, usageErr("--format %q: want one of %s", s.format, strings.Join(auditFormats, ", "))
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

	sopts := sarif.Options{Root: root, Regions: hasLineRegions}
	render := func(format string) func(io.Writer) error {
		return func(w io.Writer) error {
			switch format {
			case "json":
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			case "sarif":
				return sarif.Write(w, rep, sopts)
			case "junit":
				return junit.Write(w, rep)
			case "github":
				return ghactions.WriteAnnotations(w, rep)
			}
			return writeAuditText(w, rep)
		}
	}
	if err := e.write(&Config{Output: f.output}, render(s.format)); err != nil {
		return err
	}
	for _, extra := range []struct{ file, format string }{{f.sarifOut, "sarif"}, {f.junitOut, "junit"}} {
		if extra.file != "" {
			if err := writeFileAtomic(extra.file, render(extra.format)); err != nil {
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
		fmt.Fprintln(e.stderr, "reprint: "+summaryLine(rep))
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

// inlineIgnores reads the reprint-ignore key from the front matter of the
// Markdown targets. An ignore without a reason is a usage error naming
// the file.
func inlineIgnores(docs []reprint.Document) (map[string]string, error) {
	out := map[string]string{}
	for _, d := range docs {
		if reader.FormatOf(d.Path) != reader.FormatMarkdown {
			continue
		}
		data, err := os.ReadFile(d.Path)
		if err != nil {
			continue // the reader reported it
		}
		fm, line, ok := frontMatterOf(data)
		if !ok {
			continue
		}
		var root yaml.Node
		if yaml.Unmarshal(fm, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
			continue // the reader warned about it
		}
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Value != IgnoreKey && k.Value != "reprint_ignore" {
				continue
			}
			reason := strings.TrimSpace(v.Value)
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || reason == "" {
				return nil, usageErr("%s:%d: %s needs a reason, for example %s: \"licensed from AP\"", d.Path, line+k.Line, IgnoreKey, IgnoreKey)
			}
			out[d.ID] = reason
		}
	}
	return out, nil
}

// frontMatterOf returns the YAML between a leading "---" line and the next
// "---" or "..." line, and the line number before it.
func frontMatterOf(data []byte) ([]byte, int, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return nil, 0, false
	}
	var fm []byte
	for len(rest) > 0 {
		var ln []byte
		ln, rest, _ = bytes.Cut(rest, []byte("\n"))
		if t := string(bytes.TrimRight(ln, " \t\r")); t == "---" || t == "..." {
			return fm, 1, true
		}
		fm = append(append(fm, ln...), '\n')
	}
	return nil, 0, false
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

func summaryLine(rep *audit.Report) string {
	s := rep.Summary
	line := fmt.Sprintf("audited %d articles against %d reference documents: %d violate the policy (%d passages); %d findings",
		s.Articles, rep.Reference.Documents, s.Violating, s.Violations, s.Findings)
	if s.Suppressed > 0 {
		line += fmt.Sprintf(", %d suppressed", s.Suppressed)
	}
	if n := len(rep.Stale); n > 0 {
		line += fmt.Sprintf("; %d stale baseline entries", n)
	}
	return line
}

// writeAuditText writes the human-readable audit.
func writeAuditText(w io.Writer, rep *audit.Report) error {
	w = render.VisibleWriter(w) // findings quote the articles
	p := rep.Policy
	wire := "every reference document"
	if len(p.Wire) > 0 {
		wire = strings.Join(p.Wire, ", ")
	}
	fmt.Fprintf(w, "reprint audit: passages of %d+ words; uncredited wire copy up to %.0f%% of an article; credited reuse %s; wire: %s\n\n",
		p.MinWords, 100*p.MaxShare, map[bool]string{true: "allowed", false: "counted"}[p.AllowAttributed], wire)
	for _, a := range rep.Articles {
		if len(a.Findings) == 0 {
			continue
		}
		verdict := "ok"
		switch {
		case a.Ignored != "":
			verdict = "ignored (" + a.Ignored + ")"
		case a.Violation:
			verdict = "VIOLATION"
		}
		name := a.Path
		if name == "" {
			name = a.ID
		}
		fmt.Fprintf(w, "%s  %s: %.1f%% uncredited wire copy, %.1f%% recycled in all\n", name, verdict, 100*a.CountedShare, 100*a.RecycledShare)
		for _, f := range a.Findings {
			mark := " "
			switch {
			case f.Violation:
				mark = "✗"
			case f.Suppressed != "":
				mark = "-"
			}
			ref := f.Reference.ID
			if f.Reference.Source != "" {
				ref += ", " + f.Reference.Source
			}
			if f.Reference.Date != "" {
				ref += ", " + f.Reference.Date
			}
			extra := ""
			if f.Attributed {
				extra = fmt.Sprintf("  credited %q", f.Attribution)
			}
			if f.Suppressed != "" {
				extra += "  suppressed: " + f.Suppressed
			}
			if len(f.AlsoIn) > 0 {
				extra += fmt.Sprintf("  (also in %d more)", len(f.AlsoIn))
			}
			fmt.Fprintf(w, "  %s %d:%d  %s  %d words from %s%s\n      %s\n", mark, f.Line, f.Column, f.Rule, f.Words, ref, extra, clip(f.Text, 200))
		}
		fmt.Fprintln(w)
	}
	for _, s := range rep.Stale {
		fmt.Fprintf(w, "stale baseline entry: %s %s %q\n", s.Article, s.Fingerprint, s.Excerpt)
	}
	_, err := fmt.Fprintln(w, summaryLine(rep))
	return err
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
