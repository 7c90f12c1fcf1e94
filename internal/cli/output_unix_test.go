//go:build unix

package cli

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A path that is no regular file is written in place: renaming over
// /dev/null would replace the device with a file for every process on
// the machine. A named pipe stands in for it here.
func TestWriteFileAtomicWritesDevicesInPlace(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	require.NoError(t, writeFileAtomic(fifo, writeString("through the pipe")))
	assert.Equal(t, "through the pipe", <-got)
	fi, err := os.Lstat(fifo)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeNamedPipe, "still a pipe, not a file renamed over it")
}
