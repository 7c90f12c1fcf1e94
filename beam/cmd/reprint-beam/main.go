// Command reprint-beam runs reprint's detection as an Apache Beam
// pipeline:
//
//	reprint-beam --input GLOB [--input GLOB…] --output DIR [--temp-dir DIR] [--band-parts N]
//	    [--runner=prism|flink|spark|dataflow|universal --endpoint HOST:PORT …]
//	    [--min-words N --threshold T --shingle K --num-hash N --seed S
//	     --ignore-dates --jsonl-id F …] [--dedup]
//
// It writes DIR/report.json (as `reprint report --format json`), the
// Parquet tables DIR/{documents,doc_pairs,matches,clusters}/*.parquet
// and, with --dedup, DIR/dedup.jsonl. The band entries reach the bucket
// workers as files in a directory of the job's own under --temp-dir
// (default: the output directory), removed once they are read;
// --band-parts sets the shards per band. The runner flags are Beam's own.
//
// Exit codes: 0 done; 2 usage error; 3 the pipeline failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	reprintbeam "github.com/reprint-dev/reprint/beam"
)

func main() {
	os.Exit(run(context.Background(), flag.CommandLine, os.Args[1:], os.Stderr))
}

// inputs is the repeatable --input flag.
type inputs []string

func (in *inputs) String() string     { return fmt.Sprint(*in) }
func (in *inputs) Set(v string) error { *in = append(*in, v); return nil }

// run parses args on fs (which holds Beam's flags too) and runs the
// pipeline.
func run(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer) int {
	o := reprintbeam.DefaultOptions()
	fs.Var((*inputs)(&o.Inputs), "input", "input file or glob (JSON Lines, gzipped or not; repeatable)")
	fs.StringVar(&o.Output, "output", "", "output directory")
	fs.StringVar(&o.TempDir, "temp-dir", "", "directory for the band entries on their way to the bucket workers, reached by every worker (default: the output directory)")
	fs.IntVar(&o.BandParts, "band-parts", o.BandParts, "shards per LSH band in the band-bucket shuffle (more for a larger corpus: each shard is one worker's element)")
	fs.IntVar(&o.MinWords, "min-words", o.MinWords, "shortest recycled passage reported, in words")
	fs.Float64Var(&o.Threshold, "threshold", o.Threshold, "Jaccard similarity the LSH bands are tuned for")
	fs.IntVar(&o.Shingle, "shingle", o.Shingle, "words per shingle in signatures")
	fs.IntVar(&o.VerifyShingle, "verify-shingle", o.VerifyShingle, "words per shingle in exact verification")
	fs.IntVar(&o.NumHash, "num-hash", o.NumHash, "hash values per signature")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "hash seed")
	fs.BoolVar(&o.IgnoreDates, "ignore-dates", false, "infer provenance from the text alone")
	fs.BoolVar(&o.HardDates, "hard-dates", false, "trust timestamps (see reprint report --help)")
	fs.DurationVar(&o.HardDateGap, "hard-date-gap", o.HardDateGap, "smallest timestamp gap --hard-dates trusts")
	fs.StringVar(&o.Fields.ID, "jsonl-id", "id", "JSON Lines field holding the document id")
	fs.StringVar(&o.Fields.Text, "jsonl-text", "text", "JSON Lines field holding the text")
	fs.StringVar(&o.Fields.Date, "jsonl-date", "date", "JSON Lines field holding the date")
	fs.StringVar(&o.Fields.Title, "jsonl-title", "title", "JSON Lines field holding the title")
	fs.StringVar(&o.Fields.Source, "jsonl-source", "source", "JSON Lines field holding the source")
	fs.StringVar(&o.Fields.URL, "jsonl-url", "url", "JSON Lines field holding the URL")
	fs.Int64Var(&o.MaxMemory, "max-memory", o.MaxMemory, "memory budget of the report worker, in bytes")
	fs.BoolVar(&o.Dedup, "dedup", false, "also write dedup.jsonl: the documents to keep, one per group of near-duplicates")
	fs.Float64Var(&o.DedupContainment, "dedup-containment", o.DedupContainment, "containment at or above which two documents are near-duplicates")
	fs.IntVar(&o.ShardRows, "shard-rows", o.ShardRows, "most rows in one Parquet file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintln(stderr, "reprint-beam:", err)
		return 2
	}
	beam.Init()
	files, missing, err := reprintbeam.Expand(ctx, o.Inputs)
	if err != nil {
		fmt.Fprintln(stderr, "reprint-beam:", err)
		return 3
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "reprint-beam: no input file: nothing matches", strings.Join(missing, ", "))
		return 2
	}
	p, s := beam.NewPipelineWithRoot()
	reprintbeam.Build(s, o, files, missing)
	if err := beamx.Run(ctx, p); err != nil {
		fmt.Fprintln(stderr, "reprint-beam:", err)
		return 3
	}
	return 0
}
