package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reprint-dev/reprint/index"
)

// lockProbe is how long openIndex tries for an index's lock before it says
// that it waits: long enough that an index free in a moment is opened
// without a word.
const lockProbe = 250 * time.Millisecond

// openIndex opens an index as index.Open does, but when another process
// holds an index file, says once on standard error that it waits, for whom
// (the holder's pid, where the system tells) and for how long at most,
// rather than hanging silently for up to --lock-timeout.
func (e *env) openIndex(ctx context.Context, path string, o index.Options) (*index.Index, error) {
	if path == "" || index.IsDatabase(path) || o.Timeout > 0 && o.Timeout <= lockProbe {
		return index.Open(ctx, path, o)
	}
	total := o.Timeout
	o.Timeout = lockProbe
	start := time.Now()
	ix, err := index.Open(ctx, path, o)
	if !errors.Is(err, index.ErrLocked) {
		return ix, err
	}
	who := "another process"
	if pid := lockHolder(path); pid > 0 {
		who = fmt.Sprintf("another process (pid %d)", pid)
	}
	if total > 0 {
		fmt.Fprintf(e.stderr, "reprint: index %s is locked by %s: waiting for it up to %v (--lock-timeout)\n", path, who, total.Round(time.Second))
		o.Timeout = max(total-time.Since(start), time.Millisecond)
	} else {
		fmt.Fprintf(e.stderr, "reprint: index %s is locked by %s: waiting for it (no --lock-timeout)\n", path, who)
		o.Timeout = 0
	}
	return index.Open(ctx, path, o)
}
