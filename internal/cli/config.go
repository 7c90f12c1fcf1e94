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
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
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
	given         map[string]bool  // the keys the file or a flag set (see setting.key)
	policy        audit.Policy     // where audit's policy flags write
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
		MaxMemory: "2GiB", given: map[string]bool{},
	}
}

// A setting ties one flag to the configuration: the file's key it
// overrides, how to define the flag, and how a flag given on the command
// line wins over the file. Every command's flags resolve through the one
// table below, so that a flag means the same wherever it appears.
type setting struct {
	flag   string // the flag's name
	key    string // its key in the file (dotted below a section)
	usage  string // its help, unless the command gives its own
	define func(fl *pflag.FlagSet, v *Config, usage string)
	apply  func(cfg, v *Config) // copy the flag's value v into cfg
}

// bind makes the setting of a flag whose value is field of a Config.
// flag is the flag's name, with its one-letter name after a comma
// ("output,o"); define is the pflag method for its type; the flag's
// default is field of flagDefaults.
func bind[T any](flag, key string, define func(*pflag.FlagSet, *T, string, string, T, string), field func(*Config) *T, usage string) setting {
	d := flagDefaults()
	name, short, _ := strings.Cut(flag, ",")
	return setting{flag: name, key: key, usage: usage,
		define: func(fl *pflag.FlagSet, v *Config, usage string) { define(fl, field(v), name, short, *field(d), usage) },
		apply:  func(cfg, v *Config) { *field(cfg) = *field(v) },
	}
}

// settings are every flag that sets the configuration, by an id: the
// flag's name, or section.name where two commands give one name two
// meanings (report's --min-words is the shortest passage reported,
// audit's the shortest that counts).
var settings = func() map[string]setting {
	str := (*pflag.FlagSet).StringVarP
	list := (*pflag.FlagSet).StringSliceVarP
	in := (*pflag.FlagSet).IntVarP
	fl64 := (*pflag.FlagSet).Float64VarP
	boolean := (*pflag.FlagSet).BoolVarP
	m := map[string]setting{}
	for _, s := range []setting{
		bind("format", "format", str, func(c *Config) *string { return &c.Format }, "output format"),
		bind("output,o", "output", str, func(c *Config) *string { return &c.Output }, "write the output to this file instead of stdout"),
		bind("min-words", "min_words", in, func(c *Config) *int { return &c.MinWords }, "shortest recycled passage reported, in words"),
		bind("threshold", "threshold", fl64, func(c *Config) *float64 { return &c.Threshold }, "Jaccard similarity of passages the LSH bands are tuned for (lower finds more, slower)"),
		bind("shingle", "shingle", in, func(c *Config) *int { return &c.Shingle }, "words per shingle in signatures"),
		bind("verify-shingle", "verify_shingle", in, func(c *Config) *int { return &c.VerifyShingle }, "words per shingle in exact verification and reported containment"),
		bind("num-hash", "num_hash", in, func(c *Config) *int { return &c.NumHash }, "hash values per signature"),
		bind("seed", "seed", (*pflag.FlagSet).Uint64VarP, func(c *Config) *uint64 { return &c.Seed }, "hash seed"),
		bind("ignore-dates", "ignore_dates", boolean, func(c *Config) *bool { return &c.IgnoreDates }, "infer provenance from the text alone, ignoring document dates"),
		bind("hard-dates", "hard_dates", boolean, func(c *Config) *bool { return &c.HardDates }, "trust timestamps: a copy timestamped --hard-date-gap or more after another cannot be its source"),
		bind("trust-future-dates", "trust_future_dates", boolean, func(c *Config) *bool { return &c.TrustFuture }, "use dates more than a day after the clock in provenance (by default they are warned about and left out of the earliest witness and the date evidence)"),
		bind("hard-date-gap", "hard_date_gap", (*pflag.FlagSet).DurationVarP, func(c *Config) *time.Duration { return &c.HardDateGap }, "smallest gap between minute or second timestamps that --hard-dates trusts"),
		bind("backend", "backend", str, func(c *Config) *string { return &c.Backend }, "LSH index implementation: reprint|ekzhu"),
		bind("workers", "workers", in, func(c *Config) *int { return &c.Workers }, "goroutines to use (default: all cores)"),
		bind("max-memory", "max_memory", str, func(c *Config) *string { return &c.MaxMemory }, "soft memory budget (e.g. 512MiB, 4GiB): past shares of it, texts, band fingerprints and candidate pairs go to --tmp-dir"),
		bind("tmp-dir", "tmp_dir", str, func(c *Config) *string { return &c.TmpDir }, "directory for temporary files (default: the system's; they are deleted as soon as made)"),
		bind("stats", "stats", boolean, func(c *Config) *bool { return &c.Stats }, "print statistics on stderr at the end: documents, units, candidates, matches, peak heap and RSS, spilled bytes, time per stage"),
		bind("stdin-format", "stdin_format", str, func(c *Config) *string { return (*string)(&c.StdinFormat) }, "format of '-' (standard input): txt|md|jsonl|json|html"),
		bind("strict", "strict", boolean, func(c *Config) *bool { return &c.Strict }, strictUsage),
		bind("jsonl-id", "jsonl.id", str, func(c *Config) *string { return &c.JSONL.ID }, "JSON Lines field holding the document id"),
		bind("jsonl-text", "jsonl.text", str, func(c *Config) *string { return &c.JSONL.Text }, "JSON Lines field holding the text"),
		bind("jsonl-date", "jsonl.date", str, func(c *Config) *string { return &c.JSONL.Date }, "JSON Lines field holding the date"),
		bind("jsonl-title", "jsonl.title", str, func(c *Config) *string { return &c.JSONL.Title }, "JSON Lines field holding the title"),
		bind("jsonl-source", "jsonl.source", str, func(c *Config) *string { return &c.JSONL.Source }, "JSON Lines field holding the source"),
		bind("jsonl-url", "jsonl.url", str, func(c *Config) *string { return &c.JSONL.URL }, "JSON Lines field holding the URL"),
		bind("against", "audit.against", list, func(c *Config) *[]string { return &c.Audit.Against }, "the reference: one index file, or files and directories to index on the fly"),
		bind("wire", "audit.wire", list, func(c *Config) *[]string { return &c.Audit.Wire }, "sources that are wire agencies, matched against the reference's source field (default: every reference document)"),
		bind("baseline", "audit.baseline", str, func(c *Config) *string { return &c.Audit.Baseline }, "baseline file of accepted findings"),
		policy("min-words", "audit.min_words", in, func(c *Config) *int { return &c.policy.MinWords }, func(c *Config, v *int) { c.Audit.MinWords = v },
			"shortest recycled passage that counts, in words"),
		policy("max-share", "audit.max_share", fl64, func(c *Config) *float64 { return &c.policy.MaxShare }, func(c *Config, v *float64) { c.Audit.MaxShare = v },
			"largest share (0..1) of an article that may be uncredited wire copy"),
		policy("allow-attributed", "audit.allow_attributed", boolean, func(c *Config) *bool { return &c.policy.AllowAttributed }, func(c *Config, v *bool) { c.Audit.AllowAttributed = v },
			"do not count copy credited to its agency in the same or an adjacent sentence"),
	} {
		id := s.flag
		if sec, _, ok := strings.Cut(s.key, "."); ok && sec == "audit" {
			id = "audit." + s.flag
		}
		m[id] = s
	}
	return m
}()

// policy makes the setting of an audit policy flag: the file's audit
// section holds pointers (unset keys keep the policy's defaults), the flag
// a value.
func policy[T any](flag, key string, define func(*pflag.FlagSet, *T, string, string, T, string), field func(*Config) *T, set func(*Config, *T), usage string) setting {
	s := bind(flag, key, define, field, usage)
	s.apply = func(cfg, v *Config) { x := *field(v); set(cfg, &x) }
	return s
}

// flagDefaults are the values flags show as their defaults: the
// configuration's defaults, the reader's field names and the audit
// policy's.
func flagDefaults() *Config {
	d := defaults()
	d.StdinFormat = "txt"
	d.JSONL = reader.Fields{ID: "id", Text: "text", Date: "date", Title: "title", Source: "source", URL: "url"}
	d.policy = audit.DefaultPolicy()
	return d
}

// The settings each kind of command registers.
var (
	inputSettings  = []string{"stdin-format", "strict", "jsonl-id", "jsonl-text", "jsonl-date", "jsonl-title", "jsonl-source", "jsonl-url"}
	paramSettings  = []string{"threshold", "shingle", "verify-shingle", "num-hash", "seed"}
	detectSettings = append(append([]string{"format", "output", "min-words", "ignore-dates", "hard-dates", "hard-date-gap", "trust-future-dates",
		"backend", "workers", "max-memory", "tmp-dir", "stats"}, paramSettings...), inputSettings...)
)

// configFlags are the flags of a command that set its configuration:
// --config and the settings it registered.
type configFlags struct {
	configPath string
	v          Config   // where the flags write
	ids        []string // the settings registered
}

// register adds --config and the settings named by ids; usage replaces
// the help of some, by id.
func (f *configFlags) register(cmd *cobra.Command, usage map[string]string, ids ...[]string) {
	fl := cmd.Flags()
	fl.StringVar(&f.configPath, "config", "", "configuration file (default: "+ConfigFileName+" found by walking up from the working directory)")
	for _, group := range ids {
		for _, id := range group {
			s, ok := settings[id]
			if !ok {
				panic("cli: no setting " + id) // a programming error, caught by every test
			}
			u := s.usage
			if o, ok := usage[id]; ok {
				u = o
			}
			s.define(fl, &f.v, u)
			f.ids = append(f.ids, id)
		}
	}
}

// resolve merges defaults, the config file (read once) and the flags set
// on the command line, and validates the result. The resolved Config
// knows which keys the file or a flag gave (Config.given).
func (f *configFlags) resolve(cmd *cobra.Command, e *env) (*Config, error) {
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
	for _, id := range f.ids {
		if s := settings[id]; fl.Changed(s.flag) {
			s.apply(cfg, &f.v)
			cfg.given[s.key] = true
		}
	}
	return cfg, cfg.validate()
}

// explicitParams reports whether the similarity params were given (by
// flag or file) rather than left to the defaults.
func (c *Config) explicitParams() bool {
	for _, id := range paramSettings {
		if c.given[settings[id].key] {
			return true
		}
	}
	return false
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

// readConfigFile reads the configuration file; a test counts its calls.
var readConfigFile = os.ReadFile

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

// loadConfig reads a YAML config file into cfg and notes the keys it
// sets in cfg.given. Unknown keys are an error naming the key and its
// line.
func loadConfig(path string, cfg *Config) error {
	data, err := readConfigFile(path)
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
	var keys map[string]any
	if yaml.Unmarshal(data, &keys) == nil { // the same bytes: the file is read once
		for k, v := range keys {
			cfg.given[k] = true
			if sub, ok := v.(map[string]any); ok {
				for sk := range sub {
					cfg.given[k+"."+sk] = true
				}
			}
		}
	}
	cfg.path = path
	return nil
}
