// Command eval measures reprint's detection against ground truth.
//
//	eval synth [flags]   plant recycled passages into real text (bench/synth)
//	                     and print recall, precision and span F1 by edit
//	                     type, passage length and edit rate
//	eval pairs [flags]   compare the document pairs reprint reports on a
//	                     corpus with exact word-shingle containment
//	                     (bench/bruteforce): pair recall and precision,
//	                     and both times
//
// Run it from the repository root; the dev corpus is read from
// ../shared/corpora when present.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/bruteforce"
	"github.com/reprint-dev/reprint/bench/synth"
	"github.com/reprint-dev/reprint/internal/reader"
	"github.com/reprint-dev/reprint/minhash"
)

const devCorpus = "../shared/corpora/reuters21578-dev.jsonl"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: eval synth|pairs [flags]")
		return 2
	}
	var err error
	switch args[0] {
	case "synth":
		err = evalSynth(ctx, args[1:], stdout, stderr)
	case "pairs":
		err = evalPairs(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "eval: unknown command %q (want synth or pairs)\n", args[0])
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return 3
	}
	return 0
}

// detectorFlags are the detection settings both evaluations take.
type detectorFlags struct {
	minWords  int
	threshold float64
	verifyK   int
	shingle   int
}

func (d *detectorFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&d.minWords, "min-words", reprint.DefaultMinWords, "shortest reported passage")
	fs.Float64Var(&d.threshold, "threshold", 0.3, "LSH threshold")
	fs.IntVar(&d.verifyK, "verify-shingle", reprint.DefaultVerifyShingle, "verification shingle size")
	fs.IntVar(&d.shingle, "shingle", 3, "signature shingle size")
}

func (d *detectorFlags) detect(ctx context.Context, docs []reprint.Document) (*reprint.Report, time.Duration, error) {
	p := minhash.DefaultParams()
	p.Shingle = d.shingle
	det, err := reprint.New(reprint.WithParams(p), reprint.WithMinWords(d.minWords),
		reprint.WithThreshold(d.threshold), reprint.WithVerifyShingle(d.verifyK))
	if err != nil {
		return nil, 0, err
	}
	if err := det.Add(docs...); err != nil {
		return nil, 0, err
	}
	start := time.Now()
	rep, err := det.Detect(ctx)
	return rep, time.Since(start), err
}

func evalSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("src", devCorpus, "real text to plant into: JSON Lines or a directory of .txt (testdata/seeds, cut into pieces, when the dev corpus is absent)")
	seed := fs.Int64("seed", 1, "generator seed")
	hosts := fs.Int("hosts", 0, "host documents (0: the generator's default)")
	passages := fs.Int("passages", 0, "planted copies (0: the generator's default)")
	var df detectorFlags
	df.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	docs, cfg, err := synthSource(*src)
	if err != nil {
		return err
	}
	cfg.Seed = *seed
	if *hosts > 0 {
		cfg.Hosts = *hosts
	}
	if *passages > 0 {
		cfg.Passages = *passages
	}
	corpus, err := synth.Generate(docs, cfg)
	if err != nil {
		return err
	}
	in := make([]reprint.Document, len(corpus.Documents))
	for i, d := range corpus.Documents {
		in[i] = reprint.Document{ID: d.ID, Text: d.Text}
		if d.Date != "" {
			in[i].Date, _ = reader.ParseDate(d.Date)
		}
	}
	rep, took, err := df.detect(ctx, in)
	if err != nil {
		return err
	}
	preds := make([]synth.Match, len(rep.Matches))
	for i, m := range rep.Matches {
		preds[i] = synth.Match{ADoc: m.A.Doc, AStart: m.A.Start, AEnd: m.A.End, BDoc: m.B.Doc, BStart: m.B.Start, BEnd: m.B.End}
	}
	scores := synth.ScoreMatches(corpus.Truth, preds)
	fmt.Fprintf(stdout, "synthetic corpus (seed %d): %d documents, %d planted copies; detect %v\n\n",
		cfg.Seed, len(in), len(corpus.Truth.Copies), took.Round(time.Millisecond))
	return scores.WriteTable(stdout)
}

// synthSource loads the real text to plant into, with a generator config
// that fits its size.
func synthSource(src string) ([]synth.Doc, synth.Config, error) {
	cfg := synth.DefaultConfig()
	if _, err := os.Stat(src); err != nil && src == devCorpus {
		src = "testdata/seeds"
	}
	docs, err := synth.Load(src)
	if err != nil {
		return nil, cfg, err
	}
	if src == "testdata/seeds" {
		docs = synth.Chunk(docs, 60)
		cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 8, 5, 6, 12
	}
	return docs, cfg, nil
}

func evalPairs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval pairs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", devCorpus, "JSON Lines corpus")
	minC := fs.Float64("containment", 0.5, "reference: pairs whose exact containment (larger direction) is at least this")
	k := fs.Int("k", 5, "reference shingle size in words")
	var df detectorFlags
	df.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	docs, problems, err := reader.Read(ctx, []string{*corpus}, reader.Options{})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", problems[0].Path, problems[0].Error)
	}
	bf := make([]bruteforce.Doc, len(docs))
	for i, d := range docs {
		bf[i] = bruteforce.Doc{ID: d.ID, Text: d.Text}
	}
	start := time.Now()
	ref, err := bruteforce.Pairs(ctx, bf, *k, *minC)
	if err != nil {
		return err
	}
	refTime := time.Since(start)
	rep, took, err := df.detect(ctx, docs)
	if err != nil {
		return err
	}
	index := make(map[string]int, len(docs))
	for i, d := range docs {
		index[d.ID] = i
	}
	reported := make(map[[2]int]reprint.DocPair, len(rep.DocPairs))
	for _, p := range rep.DocPairs {
		a, b := index[p.A], index[p.B]
		reported[[2]int{min(a, b), max(a, b)}] = p
	}
	inRef := make(map[[2]int]bool, len(ref))
	found := 0
	for _, p := range ref {
		inRef[[2]int{p.A, p.B}] = true
		if _, ok := reported[[2]int{p.A, p.B}]; ok {
			found++
		}
	}
	predicted, correct := 0, 0
	for key, p := range reported {
		if max(p.ContainmentA, p.ContainmentB) >= *minC {
			predicted++
			if inRef[key] {
				correct++
			}
		}
	}
	fmt.Fprintf(stdout, "corpus %s: %d documents, GOMAXPROCS %d\n", *corpus, len(docs), runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "reference (exact %d-shingle containment >= %.2f): %d pairs in %v\n", *k, *minC, len(ref), refTime.Round(time.Millisecond))
	fmt.Fprintf(stdout, "reprint: %d document pairs with a recycled passage, %d clusters, in %v\n", len(rep.DocPairs), len(rep.Clusters), took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "pair recall    %.4f  (%d of %d reference pairs reported)\n", ratio(found, len(ref)), found, len(ref))
	fmt.Fprintf(stdout, "pair precision %.4f  (%d of %d pairs reported with containment >= %.2f are in the reference)\n", ratio(correct, predicted), correct, predicted, *minC)
	return nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
