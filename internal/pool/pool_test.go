package pool

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunVisitsEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, workers int
		chunk      int
	}{
		{"empty", 0, 4, 0},
		{"fewer items than a chunk", 5, 4, 0},
		{"many chunks", 1000, 3, 7},
		{"one by one", 100, 8, 1},
		{"default workers", 300, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := make([]int32, tc.n)
			var makers, dones atomic.Int32
			err := RunDone(context.Background(), tc.n, Options{Workers: tc.workers, Chunk: tc.chunk}, func() (func(int), func()) {
				makers.Add(1)
				return func(i int) { atomic.AddInt32(&seen[i], 1) }, func() { dones.Add(1) }
			})
			require.NoError(t, err)
			for i, c := range seen {
				assert.EqualValues(t, 1, c, "index %d", i)
			}
			assert.Equal(t, makers.Load(), dones.Load(), "every worker's done is called")
		})
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int32
	err := Run(ctx, 1_000_000, Options{Workers: 2, Chunk: 1}, func() func(int) {
		return func(i int) {
			if done.Add(1) == 10 {
				cancel()
			}
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, done.Load(), int32(1000), "work stops soon after the cancel")
}

// TestJoinLendsTheCaller checks that Join makes the caller a worker: a
// loop whose one background worker is held up still ends, every index
// done once, with the rest done on the caller's goroutine.
func TestJoinLendsTheCaller(t *testing.T) {
	const n = 200
	seen := make([]int32, n)
	release := make(chan struct{})
	var makers atomic.Int32
	l := Start(context.Background(), n, Options{Workers: 1, Chunk: 1}, func() (func(int), func()) {
		first := makers.Add(1) == 1
		return func(i int) {
			if first {
				<-release // the background worker takes one index, then waits
				first = false
			}
			atomic.AddInt32(&seen[i], 1)
		}, func() {}
	})
	done := make(chan error)
	go func() {
		// Join returns only after the held-up worker too; release it
		// once the caller has done all the other indexes.
		for {
			left := 0
			for i := range seen {
				if atomic.LoadInt32(&seen[i]) == 0 {
					left++
				}
			}
			if left == 1 {
				close(release)
				return
			}
			runtime.Gosched()
		}
	}()
	go func() { done <- l.Join() }()
	require.NoError(t, <-done)
	for i, c := range seen {
		assert.EqualValues(t, 1, c, "index %d", i)
	}
	assert.EqualValues(t, 2, makers.Load(), "the background worker and the caller")
}
