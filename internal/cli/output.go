package cli

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// writeFileAtomic writes a file whole: into a new file beside it, renamed
// into place once complete, so that a failed or interrupted run never
// leaves half a report, and a reader never sees one.
//
// The file keeps the mode of the file it replaces; a new one is created
// with 0666 less the umask, as os.Create does (os.CreateTemp would leave
// it readable by its owner alone). A symbolic link is followed: the link
// stays and its target gets the new content. A path that exists and is no
// regular file (/dev/null, /dev/stdout, a named pipe) is written in place,
// since renaming over it would replace the device with a file.
func writeFileAtomic(path string, render func(io.Writer) error) error {
	target, perm, exists := path, fs.FileMode(0o666), false
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return writeInPlace(path, render)
		}
		perm, exists = fi.Mode().Perm(), true
		if real, err := filepath.EvalSymlinks(path); err == nil {
			target = real
		}
	}
	tmp, err := createBeside(target, perm)
	if err != nil {
		return runtimeErr(err)
	}
	defer os.Remove(tmp.Name())
	if err := renderTo(tmp, render); err != nil {
		tmp.Close()
		return runtimeErr(err)
	}
	if exists { // exactly the old mode, whatever the umask
		if err := tmp.Chmod(perm); err != nil {
			tmp.Close()
			return runtimeErr(err)
		}
	}
	if err := tmp.Close(); err != nil {
		return runtimeErr(err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return runtimeErr(err)
	}
	return nil
}

// createBeside creates a new, hidden file in path's directory with mode
// perm less the umask. Its errors name path.
func createBeside(path string, perm fs.FileMode) (*os.File, error) {
	dir := filepath.Dir(path)
	for range 100 {
		name := filepath.Join(dir, ".reprint-"+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			return nil, &fs.PathError{Op: "write", Path: path, Err: pe.Err} // name the user's file, not ours
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "create", Path: filepath.Join(dir, ".reprint-*.tmp"), Err: fs.ErrExist}
}

// writeInPlace writes to a path that is no regular file.
func writeInPlace(path string, render func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return runtimeErr(err)
	}
	if err := renderTo(f, render); err != nil {
		f.Close()
		return runtimeErr(err)
	}
	if err := f.Close(); err != nil {
		return runtimeErr(err)
	}
	return nil
}

// renderTo renders into w through a buffer.
func renderTo(w io.Writer, render func(io.Writer) error) error {
	bw := bufio.NewWriter(w)
	if err := render(bw); err != nil {
		return err
	}
	return bw.Flush()
}
