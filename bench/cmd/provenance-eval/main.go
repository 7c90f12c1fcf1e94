// Command provenance-eval fits and measures reprint's provenance model.
//
//	provenance-eval fit  [-dev FILE] [-write provenance/weights.go]
//	                     fit the weights on the train split (synthetic
//	                     derivation forests and the dev corpus's re-issued
//	                     stories), calibrate them on the calibration split,
//	                     print the calibration split's scores and write the
//	                     Go file the library embeds
//	provenance-eval eval [-dev FILE] [-split test]
//	                     score the embedded weights and the baselines on a
//	                     split: synthetic forests (dates hidden and shown)
//	                     and the dev corpus's silver pairs
//
// Run it from the repository root; the dev corpus is read from
// ../shared/corpora by default. Detection runs on blinded copies (random
// ids, shuffled order, only id and text kept).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	bp "github.com/reprint-dev/reprint/bench/provenance"
	"github.com/reprint-dev/reprint/internal/fitting"
	prov "github.com/reprint-dev/reprint/provenance"
)

const devCorpus = "../shared/corpora/reuters21578-dev.jsonl"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: provenance-eval fit|eval [flags]")
		return 2
	}
	fs := flag.NewFlagSet("provenance-eval "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dev := fs.String("dev", devCorpus, "Reuters dev corpus (JSON Lines)")
	write := fs.String("write", "", "fit: write the weights to this Go file")
	split := fs.String("split", "test", "eval: the split to score (train, calib or test)")
	trees := fs.Int("trees", 0, "trees per synthetic forest (0: the generator's default)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	logf := func(s string) { fmt.Fprintf(stderr, "%s %s\n", time.Now().Format("15:04:05"), s) }
	opt := bp.DefaultDataOptions(*dev)
	opt.Trees, opt.Log = *trees, logf
	var err error
	switch args[0] {
	case "fit":
		err = fit(ctx, opt, *write, stdout, logf)
	case "eval":
		err = eval(ctx, opt, *split, stdout)
	default:
		fmt.Fprintf(stderr, "provenance-eval: unknown command %q (want fit or eval)\n", args[0])
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "provenance-eval:", err)
		return 3
	}
	return 0
}

func fit(ctx context.Context, opt bp.DataOptions, write string, stdout io.Writer, logf func(string)) error {
	data, err := bp.Prepare(ctx, opt)
	if err != nil {
		return err
	}
	set := bp.DefaultFitSetup()
	set.Log = logf
	w, err := data.Fit(set)
	if err != nil {
		return err
	}
	if write != "" {
		cmd := "go run ./bench/cmd/provenance-eval fit -write " + write
		if err := fitting.WriteWeights(write, w, cmd); err != nil {
			return err
		}
		logf("wrote " + write)
	}
	fmt.Fprintln(stdout, "calibration split (used for tuning; the test split is for eval):")
	return report(data, bp.Calibration, w, stdout)
}

func eval(ctx context.Context, opt bp.DataOptions, split string, stdout io.Writer) error {
	s := map[string]bp.Split{"train": bp.Train, "calib": bp.Calibration, "test": bp.Test}
	sp, ok := s[split]
	if !ok {
		return fmt.Errorf("unknown split %q", split)
	}
	if sp == bp.Train {
		opt.TrainSeeds = opt.TrainSeeds[:1]
	}
	data, err := bp.Prepare(ctx, opt)
	if err != nil {
		return err
	}
	w, err := prov.Fitted()
	if err != nil {
		return err
	}
	return report(data, sp, w, stdout)
}

func report(data *bp.Data, sp bp.Split, w prov.Weights, stdout io.Writer) error {
	sy := data.SynthTest
	switch sp {
	case bp.Calibration:
		sy = data.SynthCalib
	case bp.Train:
		sy = data.SynthTrain[0]
	}
	synthBase, devBase := data.Baselines()
	ss, err := bp.EvalSynth(sy, w, synthBase)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "== synthetic derivation forests, %s split (%d documents)\n", sp, len(sy.Items))
	fmt.Fprintf(stdout, "containment baseline: less contained is origin = %v (chosen on train)\n", synthBase.LessContainedIsOrigin)
	ss.Write(stdout)
	ds, err := bp.EvalDev(data.Dev, sp, w, devBase)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n== Reuters dev corpus, %s split, blinded\n", sp)
	fmt.Fprintf(stdout, "containment baseline: less contained is origin = %v (chosen on train)\n", devBase.LessContainedIsOrigin)
	ds.Write(stdout)
	return nil
}
