// Package pool runs a loop body over an index range on several goroutines:
// the one worker pool of the module (detection stages, the index, the
// audit and provenance share it).
//
// Each worker gets its own body from a maker, so that scratch space (a
// hasher, an aligner) is made once per worker and never shared. Results
// go to distinct slots chosen by index, so they never depend on the
// number of workers or on scheduling.
package pool

import (
	"context"
	"runtime"
	"sync"
)

// Options say how many workers a loop uses and how many consecutive
// indexes a worker takes at a time.
type Options struct {
	// Workers is the number of goroutines (≤ 0: GOMAXPROCS).
	Workers int
	// Chunk is the number of consecutive indexes a worker takes at once
	// (≤ 0: 64). Use 1 when items are few and their costs uneven, larger
	// when items are many and cheap.
	Chunk int
}

// Run calls body(i) for every i in [0, n), each worker with its own body
// made by mk, and stops handing out indexes once ctx is cancelled; it
// returns ctx.Err().
func Run(ctx context.Context, n int, o Options, mk func() func(i int)) error {
	return RunDone(ctx, n, o, func() (func(int), func()) { return mk(), func() {} })
}

// RunDone is Run with a done function per worker, called after the
// worker's last item (to merge per-worker results, for example).
func RunDone(ctx context.Context, n int, o Options, mk func() (body func(i int), done func())) error {
	if ctx == nil {
		ctx = context.Background()
	}
	chunk := o.Chunk
	if chunk <= 0 {
		chunk = 64
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			body, done := mk()
			defer done()
			for ctx.Err() == nil {
				mu.Lock()
				start := next
				next += chunk
				mu.Unlock()
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					body(i)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
