package bench

import (
	"bytes"
	"context"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
	"github.com/reprint-dev/reprint/internal/reader"
)

// BenchmarkScaleArchive10k runs the library's Detector in-process on a
// generated archive of 10,000 articles (bench/scale: about 25 MB of text,
// 1% of paragraphs copied), read as `reprint report` reads JSON Lines. It
// reports the peak heap during detection (the corpus itself, about 50 MB
// as read, included), the recall of the planted copies and the time per
// article. `go run ./bench/cmd/scale` measures the same corpus, and larger
// ones, through the CLI.
func BenchmarkScaleArchive10k(b *testing.B) {
	const n = 10_000
	var corpus, truthBuf bytes.Buffer
	cfg := scale.DefaultConfig(scale.ShapeArchive)
	cfg.N = n
	st, err := scale.Generate(cfg, &corpus, &truthBuf)
	if err != nil {
		b.Fatal(err)
	}
	truth, err := scale.ReadTruth(&truthBuf)
	if err != nil {
		b.Fatal(err)
	}
	docs, problems, err := reader.Read(context.Background(), []string{"-"},
		reader.Options{Stdin: &corpus, StdinFormat: reader.FormatJSONL})
	if err != nil || len(problems) > 0 || len(docs) != n {
		b.Fatalf("reading the corpus: %d documents, %v, %v", len(docs), problems, err)
	}
	corpus = bytes.Buffer{}
	b.SetBytes(st.TextBytes)

	var peak int64
	var recall scale.Recall
	for b.Loop() {
		runtime.GC()
		stop := sampleHeap(&peak)
		det, err := reprint.New()
		if err != nil {
			b.Fatal(err)
		}
		if err := det.Add(docs...); err != nil {
			b.Fatal(err)
		}
		rep, err := det.Detect(context.Background())
		stop()
		if err != nil {
			b.Fatal(err)
		}
		recall = scale.Score(truth, scale.KindCopy, rep.Matches)
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(recall.Rate(), "recall")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/article")
}

// sampleHeap records into peak the largest heap (bytes of live and
// not-yet-swept objects, runtime/metrics) seen every few milliseconds
// until stop is called, and once more then.
func sampleHeap(peak *int64) (stop func()) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var most atomic.Int64
	read := func() {
		metrics.Read(s)
		if v := int64(s[0].Value.Uint64()); v > most.Load() {
			most.Store(v)
		}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		read()
		*peak = max(*peak, most.Load())
	}
}
