package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/minhash"
	"github.com/reprint-dev/reprint/provenance"
)

// ConfigFileName is the configuration file found by walking up from the
// working directory when --config is not given.
const ConfigFileName = ".reprint.yaml"

// Config is the resolved configuration: defaults, then the config file,
// then flags given on the command line. Its YAML keys are the long flag
// names with underscores.
type Config struct {
	Format        string           `yaml:"format"`
	Output        string           `yaml:"output"`
	MinWords      int              `yaml:"min_words"`
	Threshold     float64          `yaml:"threshold"`
	Shingle       int              `yaml:"shingle"`
	VerifyShingle int              `yaml:"verify_shingle"`
	NumHash       int              `yaml:"num_hash"`
	Seed          uint64           `yaml:"seed"`
	IgnoreDates   bool             `yaml:"ignore_dates"`
	HardDates     bool             `yaml:"hard_dates"`
	HardDateGap   time.Duration    `yaml:"hard_date_gap"`
	TrustFuture   bool             `yaml:"trust_future_dates"`
	Backend       string           `yaml:"backend"`
	Workers       int              `yaml:"workers"`
	MaxMemory     string           `yaml:"max_memory"`
	TmpDir        string           `yaml:"tmp_dir"`
	Stats         bool             `yaml:"stats"`
	StdinFormat   reader.Format    `yaml:"stdin_format"`
	JSONL         reader.Fields    `yaml:"jsonl"`
	Strict        bool             `yaml:"strict"` // any input warning fails the run (exit 3)
	Audit         AuditConfig      `yaml:"audit"`  // reprint audit's policy (audit.go)
	Index         string           `yaml:"index"`  // the index of reprint index and audit (index.go)
	path          string           // the file it came from, if any
	maxMemory     int64            // derived from MaxMemory
	params        minhash.Params   // derived
	extra         []reprint.Option // derived
}

func defaults() *Config {
	p := minhash.DefaultParams()
	return &Config{
		Format: "text", MinWords: reprint.DefaultMinWords, Threshold: minhash.DefaultThreshold,
		Shingle: p.Shingle, VerifyShingle: reprint.DefaultVerifyShingle, NumHash: p.NumHash,
		Seed: p.Seed, Backend: string(reprint.BackendReprint), HardDateGap: provenance.DefaultHardDateGap,
		MaxMemory: "2GiB",
	}
}

// commonFlags are the flags every detecting command shares.
type commonFlags struct {
	configPath string
	c          Config
}

func (f *commonFlags) register(cmd *cobra.Command, formats string) {
	d := defaults()
	fl := cmd.Flags()
	fl.StringVar(&f.configPath, "config", "", "configuration file (default: "+ConfigFileName+" found by walking up from the working directory)")
	fl.StringVar(&f.c.Format, "format", d.Format, "output format: "+formats)
	fl.StringVarP(&f.c.Output, "output", "o", "", "write the output to this file instead of stdout")
	fl.IntVar(&f.c.MinWords, "min-words", d.MinWords, "shortest recycled passage reported, in words")
	fl.Float64Var(&f.c.Threshold, "threshold", d.Threshold, "Jaccard similarity of passages the LSH bands are tuned for (lower finds more, slower)")
	fl.IntVar(&f.c.Shingle, "shingle", d.Shingle, "words per shingle in signatures")
	fl.IntVar(&f.c.VerifyShingle, "verify-shingle", d.VerifyShingle, "words per shingle in exact verification and reported containment")
	fl.IntVar(&f.c.NumHash, "num-hash", d.NumHash, "hash values per signature")
	fl.Uint64Var(&f.c.Seed, "seed", d.Seed, "hash seed")
	fl.BoolVar(&f.c.IgnoreDates, "ignore-dates", false, "infer provenance from the text alone, ignoring document dates")
	fl.BoolVar(&f.c.HardDates, "hard-dates", false, "trust timestamps: a copy timestamped --hard-date-gap or more after another cannot be its source")
	fl.BoolVar(&f.c.TrustFuture, "trust-future-dates", false, "use dates more than a day after the clock in provenance (by default they are warned about and left out of the earliest witness and the date evidence)")
	fl.DurationVar(&f.c.HardDateGap, "hard-date-gap", d.HardDateGap, "smallest gap between minute or second timestamps that --hard-dates trusts")
	fl.StringVar(&f.c.Backend, "backend", d.Backend, "LSH index implementation: reprint|ekzhu")
	fl.IntVar(&f.c.Workers, "workers", 0, "goroutines to use (default: all cores)")
	fl.StringVar(&f.c.MaxMemory, "max-memory", d.MaxMemory, "soft memory budget (e.g. 512MiB, 4GiB): past shares of it, texts, band fingerprints and candidate pairs go to --tmp-dir")
	fl.StringVar(&f.c.TmpDir, "tmp-dir", "", "directory for temporary files (default: the system's; they are deleted as soon as made)")
	fl.BoolVar(&f.c.Stats, "stats", false, "print statistics on stderr at the end: documents, units, candidates, matches, peak heap and RSS, spilled bytes, time per stage")
	fl.StringVar((*string)(&f.c.StdinFormat), "stdin-format", "txt", "format of '-' (standard input): txt|md|jsonl|json|html")
	fl.BoolVar(&f.c.Strict, "strict", false, strictUsage)
	fl.StringVar(&f.c.JSONL.ID, "jsonl-id", "id", "JSON Lines field holding the document id")
	fl.StringVar(&f.c.JSONL.Text, "jsonl-text", "text", "JSON Lines field holding the text")
	fl.StringVar(&f.c.JSONL.Date, "jsonl-date", "date", "JSON Lines field holding the date")
	fl.StringVar(&f.c.JSONL.Title, "jsonl-title", "title", "JSON Lines field holding the title")
	fl.StringVar(&f.c.JSONL.Source, "jsonl-source", "source", "JSON Lines field holding the source")
	fl.StringVar(&f.c.JSONL.URL, "jsonl-url", "url", "JSON Lines field holding the URL")
}

// resolve merges defaults, the config file and the flags set on the
// command line, and validates the result.
func (f *commonFlags) resolve(cmd *cobra.Command, e *env) (*Config, error) {
	cfg := defaults()
	path := f.configPath
	if path == "" {
		path = findConfig(e.wd)
	}
	if path != "" {
		if err := loadConfig(path, cfg); err != nil {
			return nil, err
		}
	}
	// Flags given explicitly win over the file.
	fl := cmd.Flags()
	set := func(name string, apply func()) {
		if fl.Changed(name) {
			apply()
		}
	}
	set("format", func() { cfg.Format = f.c.Format })
	set("output", func() { cfg.Output = f.c.Output })
	set("min-words", func() { cfg.MinWords = f.c.MinWords })
	set("threshold", func() { cfg.Threshold = f.c.Threshold })
	set("shingle", func() { cfg.Shingle = f.c.Shingle })
	set("verify-shingle", func() { cfg.VerifyShingle = f.c.VerifyShingle })
	set("num-hash", func() { cfg.NumHash = f.c.NumHash })
	set("seed", func() { cfg.Seed = f.c.Seed })
	set("ignore-dates", func() { cfg.IgnoreDates = f.c.IgnoreDates })
	set("hard-dates", func() { cfg.HardDates = f.c.HardDates })
	set("hard-date-gap", func() { cfg.HardDateGap = f.c.HardDateGap })
	set("trust-future-dates", func() { cfg.TrustFuture = f.c.TrustFuture })
	set("backend", func() { cfg.Backend = f.c.Backend })
	set("workers", func() { cfg.Workers = f.c.Workers })
	set("max-memory", func() { cfg.MaxMemory = f.c.MaxMemory })
	set("tmp-dir", func() { cfg.TmpDir = f.c.TmpDir })
	set("stats", func() { cfg.Stats = f.c.Stats })
	set("stdin-format", func() { cfg.StdinFormat = f.c.StdinFormat })
	set("strict", func() { cfg.Strict = f.c.Strict })
	set("jsonl-id", func() { cfg.JSONL.ID = f.c.JSONL.ID })
	set("jsonl-text", func() { cfg.JSONL.Text = f.c.JSONL.Text })
	set("jsonl-date", func() { cfg.JSONL.Date = f.c.JSONL.Date })
	set("jsonl-title", func() { cfg.JSONL.Title = f.c.JSONL.Title })
	set("jsonl-source", func() { cfg.JSONL.Source = f.c.JSONL.Source })
	set("jsonl-url", func() { cfg.JSONL.URL = f.c.JSONL.URL })
	return cfg, cfg.validate()
}

func (c *Config) validate() error {
	where := "flag"
	if c.path != "" {
		where = "flag or " + c.path
	}
	if _, err := reader.ParseFormat(string(c.StdinFormat)); err != nil {
		return usageErr("--stdin-format (%s): %v", where, err)
	}
	c.params = minhash.Params{Shingle: c.Shingle, NumHash: c.NumHash, Seed: c.Seed, Bands: 1, Rows: 1}
	if err := c.params.Validate(); err != nil {
		return usageErr("%v (%s)", err, where)
	}
	c.extra = nil
	for _, o := range []reprint.Option{
		reprint.WithThreshold(c.Threshold), reprint.WithMinWords(c.MinWords),
		reprint.WithVerifyShingle(c.VerifyShingle), reprint.WithBackend(reprint.Backend(c.Backend)),
	} {
		if _, err := reprint.New(o); err != nil {
			return usageErr("%v (%s)", err, where)
		}
		c.extra = append(c.extra, o)
	}
	mm, err := parseSize(c.MaxMemory)
	if err == nil {
		_, err = reprint.New(reprint.WithMaxMemory(mm))
	}
	if err != nil {
		return usageErr("--max-memory %q: %v (%s)", c.MaxMemory, err, where)
	}
	c.maxMemory = mm
	if c.Workers < 0 {
		return usageErr("workers %d must not be negative (%s)", c.Workers, where)
	}
	if c.HardDates && c.IgnoreDates {
		return usageErr("--hard-dates and --ignore-dates contradict each other (%s)", where)
	}
	if c.HardDates && c.HardDateGap <= 0 {
		return usageErr("--hard-date-gap %v must be positive (%s)", c.HardDateGap, where)
	}
	return nil
}

// options returns the detector options the configuration asks for.
func (c *Config) options() []reprint.Option {
	opts := append([]reprint.Option{reprint.WithParams(c.params), reprint.WithIgnoreDates(c.IgnoreDates),
		reprint.WithTrustFutureDates(c.TrustFuture)}, c.extra...)
	if c.Workers > 0 {
		opts = append(opts, reprint.WithWorkers(c.Workers))
	}
	if c.HardDates {
		opts = append(opts, reprint.WithHardDates(c.HardDateGap))
	}
	return append(opts, reprint.WithMaxMemory(c.maxMemory), reprint.WithTmpDir(c.TmpDir))
}

// parseSize reads a size in bytes: a number with an optional unit, B, k,
// KB, KiB, M, MB, MiB, G, GB, GiB, T, TB or TiB (k, M, G and T are powers
// of 1024, as in sort -S).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.TrimSpace(t[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, errors.New("want a size such as 512MiB or 2GiB")
	}
	mult := map[string]float64{"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3, "m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9, "t": 1 << 40, "tib": 1 << 40, "tb": 1e12}[strings.ToLower(unit)]
	if mult == 0 {
		return 0, fmt.Errorf("unknown unit %q (want B, KiB, MiB, GiB or TiB)", unit)
	}
	if v*mult > 1<<62 {
		return 0, errors.New("too large")
	}
	return int64(v * mult), nil
}

// findConfig walks up from dir to the filesystem root looking for
// ConfigFileName.
func findConfig(dir string) string {
	for dir != "" {
		p := filepath.Join(dir, ConfigFileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	return ""
}

// loadConfig reads a YAML config file into cfg. Unknown keys are an error
// naming the key and its line.
func loadConfig(path string, cfg *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usageErr("config: %v", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
		msg = strings.Replace(msg, "not found in type cli.Config", "is not a known key", 1)
		msg = strings.Replace(msg, "not found in type reader.Fields", "is not a known key of jsonl", 1)
		return usageErr("config %s: %s", path, msg)
	}
	cfg.path = path
	return nil
}
