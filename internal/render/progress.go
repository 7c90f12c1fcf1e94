package render

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress shows, on a terminal's standard error, what a long run is doing:
// a spinner, the stage and the time spent. It draws nothing when disabled,
// so callers need not check. Other messages for the same terminal should
// go through its Write. The stages are the command's (reading, writing)
// and the Detector's (sketching documents, finding candidates, verifying
// candidate pairs, inferring provenance), with the counts done. Its methods
// are safe for concurrent use.
type Progress struct {
	w     io.Writer
	mu    sync.Mutex
	once  sync.Once
	stage string
	start time.Time
	frame int
	stop  chan struct{}
	done  chan struct{}
}

// spinFrames are the spinner's frames (Braille dots: one column each).
var spinFrames = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

// NewProgress starts a spinner on w, redrawn ten times a second, when
// enabled; otherwise it returns a Progress that draws nothing. Call Stop.
func NewProgress(w io.Writer, enabled bool) *Progress {
	p := &Progress{w: w, start: time.Now()}
	if !enabled {
		return p
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

// Stage names what the run is doing now.
func (p *Progress) Stage(format string, a ...any) {
	p.mu.Lock()
	p.stage = fmt.Sprintf(format, a...)
	p.mu.Unlock()
}

func (p *Progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frame++
	fmt.Fprintf(p.w, "\r\x1b[K%c %s… %.1fs", spinFrames[p.frame%len(spinFrames)], p.stage, time.Since(p.start).Seconds())
}

// Write writes b to the Progress's writer on a line of its own, clearing
// the spinner first, so that messages (warnings, errors) are not garbled by
// it; the spinner is redrawn on the next tick.
func (p *Progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done != nil && p.frame > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	return p.w.Write(b)
}

// Stop ends the spinner and clears its line. It may be called more than
// once.
func (p *Progress) Stop() {
	if p.done == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		<-p.done
		fmt.Fprint(p.w, "\r\x1b[K")
	})
}
