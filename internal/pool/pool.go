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
	return Start(ctx, n, o, mk).Wait()
}

// Loop is a loop started by Start, its workers running in the
// background.
type Loop struct {
	ctx   context.Context
	n     int
	chunk int
	mk    func() (func(int), func())
	mu    sync.Mutex
	next  int
	wg    sync.WaitGroup
}

// Start starts the loop of RunDone and returns at once: Wait or Join
// ends it.
func Start(ctx context.Context, n int, o Options, mk func() (body func(i int), done func())) *Loop {
	if ctx == nil {
		ctx = context.Background()
	}
	l := &Loop{ctx: ctx, n: n, chunk: o.Chunk, mk: mk}
	if l.chunk <= 0 {
		l.chunk = 64
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range max(1, min(workers, (n+l.chunk-1)/l.chunk)) {
		l.wg.Go(l.work)
	}
	return l
}

// work takes chunks of indexes until none is left or ctx is cancelled.
func (l *Loop) work() {
	body, done := l.mk()
	defer done()
	for l.ctx.Err() == nil {
		l.mu.Lock()
		start := l.next
		l.next += l.chunk
		l.mu.Unlock()
		if start >= l.n {
			return
		}
		for i := start; i < min(start+l.chunk, l.n); i++ {
			body(i)
		}
	}
}

// Wait waits for the loop's workers and returns ctx.Err().
func (l *Loop) Wait() error {
	l.wg.Wait()
	return l.ctx.Err()
}

// Join makes the caller one more worker until no index is left, then
// waits for the others: a goroutine that would otherwise wait for the
// loop lends its core to it.
func (l *Loop) Join() error {
	l.work()
	return l.Wait()
}
