package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/reprint-dev/reprint/bench/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// devCorpus is the dev corpus as seen from the repository root; seedsDir
// the fallback when the shared tree is absent.
const (
	devCorpus = "../shared/corpora/reuters21578-dev.jsonl"
	seedsDir  = "testdata/seeds"
)

// seedPreset fits the five seed articles cut into pieces of 60 words
// (about 22 usable pieces): used when -src is not given and the dev corpus
// is absent, for every size flag not given either.
var seedPreset = map[string]string{
	"src": seedsDir, "chunk": "60", "hosts": "8", "sources": "5", "distractors": "6", "passages": "12",
}

// run is the whole command, testable in-process; it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	def := synth.DefaultConfig()
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("src", devCorpus, "input: a JSON Lines file or a directory of .txt files; when not given and absent, testdata/seeds with a small preset")
	chunk := fs.Int("chunk", 0, "cut input documents into pieces of at least this many words (0: keep whole)")
	seed := fs.Int64("seed", def.Seed, "random seed")
	hosts := fs.Int("hosts", def.Hosts, "documents that receive planted passages")
	sources := fs.Int("sources", def.Sources, "documents that only give passages")
	distractors := fs.Int("distractors", def.Distractors, "untouched documents added (fewer if the input runs out)")
	passages := fs.Int("passages", def.Passages, "planted copies")
	outCorpus := fs.String("out-corpus", "synth.jsonl", "corpus output (JSON Lines); - for stdout")
	outTruth := fs.String("out-truth", "synth-truth.json", "truth output (JSON); - for stdout")
	missing := fs.Float64("date-missing", def.Dates.MissingRate, "share of documents without a date")
	tied := fs.Float64("date-tied", def.Dates.TieRate, "share of hosts dated on their source's day (day granularity)")
	wrong := fs.Float64("date-wrong", def.Dates.WrongRate, "share of hosts dated before their source")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "synth: unexpected arguments: %v\n", fs.Args())
		return 2
	}
	if err := applySeedPreset(fs); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *outCorpus == "-" && *outTruth == "-" {
		fmt.Fprintln(stderr, "synth: -out-corpus and -out-truth cannot both be stdout")
		return 2
	}
	cfg := def
	cfg.Seed, cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = *seed, *hosts, *sources, *distractors, *passages
	cfg.Dates.MissingRate, cfg.Dates.TieRate, cfg.Dates.WrongRate = *missing, *tied, *wrong
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}

	docs, err := synth.Load(*src)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 3
	}
	if *chunk > 0 {
		docs = synth.Chunk(docs, *chunk)
	}
	c, err := synth.Generate(docs, cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 3
	}
	if err := write(*outCorpus, stdout, c.WriteJSONL); err != nil {
		fmt.Fprintln(stderr, err)
		return 3
	}
	if err := write(*outTruth, stdout, c.Truth.WriteJSON); err != nil {
		fmt.Fprintln(stderr, err)
		return 3
	}
	fmt.Fprintln(stderr, summary(c, *src, *outCorpus, *outTruth))
	return 0
}

// applySeedPreset switches to the seeds when -src was not given and the
// dev corpus is absent.
func applySeedPreset(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["src"] {
		return nil
	}
	if _, err := os.Stat(devCorpus); err == nil {
		return nil
	}
	if _, err := os.Stat(seedsDir); err != nil {
		return fmt.Errorf("synth: no -src given, and neither %s nor %s exists here (run from the repository root)", devCorpus, seedsDir)
	}
	for _, name := range []string{"src", "chunk", "hosts", "sources", "distractors", "passages"} {
		if !set[name] {
			if err := fs.Set(name, seedPreset[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// write sends one output to a file or, for "-", to stdout.
func write(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

func summary(c *synth.Corpus, src, outCorpus, outTruth string) string {
	t := c.Truth
	hosts, sources, clusters := 0, 0, 0
	for _, d := range t.Documents {
		if d.Host {
			hosts++
		}
		if d.Source {
			sources++
		}
	}
	for _, p := range t.Passages {
		if len(p.Copies) > 1 {
			clusters++
		}
	}
	return fmt.Sprintf("synth: seed %d: %d documents (%d hosts, %d sources) from %s; %d copies of %d passages (%d planted more than once) -> %s, %s",
		t.Config.Seed, len(c.Documents), hosts, sources, src, len(t.Copies), len(t.Passages), clusters, outCorpus, outTruth)
}
