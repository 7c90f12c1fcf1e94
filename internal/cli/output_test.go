package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func TestWriteFileAtomicModes(t *testing.T) {
	dir := t.TempDir()
	// A new file gets the mode os.Create gives: 0666 less the umask.
	ref := filepath.Join(dir, "ref")
	f, err := os.Create(ref)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	want, err := os.Stat(ref)
	require.NoError(t, err)
	out := filepath.Join(dir, "report.html")
	require.NoError(t, writeFileAtomic(out, writeString("one")))
	got, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, want.Mode().Perm(), got.Mode().Perm(), "a new report is as readable as any new file")

	// A file that is replaced keeps its mode.
	require.NoError(t, os.Chmod(out, 0o640))
	require.NoError(t, writeFileAtomic(out, writeString("two")))
	got, err = os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), got.Mode().Perm())
	b, _ := os.ReadFile(out)
	assert.Equal(t, "two", string(b))

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file is left behind")
}

func TestWriteFileAtomicFailureKeepsTheOldFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.json")
	require.NoError(t, os.WriteFile(out, []byte("old"), 0o644))
	err := writeFileAtomic(out, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half")
		return errors.New("render failed")
	})
	require.Error(t, err)
	b, _ := os.ReadFile(out)
	assert.Equal(t, "old", string(b))
	entries, _ := os.ReadDir(filepath.Dir(out))
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

func TestWriteFileAtomicFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.txt")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	require.NoError(t, writeFileAtomic(link, writeString("new")))
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link stays a link")
	b, _ := os.ReadFile(target)
	assert.Equal(t, "new", string(b), "its target gets the content")
}

func TestWriteFileAtomicNamesTheUsersFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "no-such-dir", "report.html")
	err := writeFileAtomic(out, writeString("x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), out)
	assert.NotContains(t, err.Error(), ".reprint-")
}
