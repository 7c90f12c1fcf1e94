package reprintbeam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// The band entries reach the bucket workers through files, not through
// the runner: a sketch worker writes a bundle's entries of one shard to
// a file under the run's temporary directory and sends the file's name,
// keyed by the shard. Sent through the runner, they are 42 records a unit
// (about 300 MB for 10,000 archive articles), which an in-process runner
// such as prism holds in memory several times over; a name is a few dozen
// bytes. The base worker, which runs once every bucket worker is done,
// removes the files.

// spool gathers a bundle's records by shard and writes them out, a file
// a shard, each time it holds spoolBytes, sending each file's name keyed
// by its shard.
type spool struct {
	dir    string
	prefix string // the bundle's random part of the names
	n      int    // files written
	bufs   [][]byte
	held   int
}

// spoolBytes is the most bytes a spool holds before it writes them out
// (a variable for a test).
var spoolBytes = 32 << 20

// newSpool starts a bundle's spool of shards files under dir.
func newSpool(dir string, shards int) *spool {
	var r [8]byte
	rand.Read(r[:]) // never fails
	return &spool{dir: dir, prefix: hex.EncodeToString(r[:]), bufs: make([][]byte, shards)}
}

// add appends rec to shard's records.
func (s *spool) add(shard int, rec ...[]byte) {
	for _, r := range rec {
		s.bufs[shard] = append(s.bufs[shard], r...)
		s.held += len(r)
	}
}

// full reports whether the spool should be flushed.
func (s *spool) full() bool { return s.held >= spoolBytes }

// flush writes the records held and sends the files' names.
func (s *spool) flush(ctx context.Context, emit func(int, string)) error {
	for sh, recs := range s.bufs {
		if len(recs) == 0 {
			continue
		}
		name := join(s.dir, fmt.Sprintf("%s-%05d.bin", s.prefix, s.n))
		s.n++
		if err := writeFile(ctx, name, recs); err != nil {
			return fmt.Errorf("reprintbeam: writing %s: %w", name, err)
		}
		emit(sh, name)
		s.bufs[sh] = recs[:0]
	}
	s.held = 0
	return nil
}

// shardDir is a directory of this run's own under o's temporary
// directory, for the files of band entries.
func shardDir(o *Options) string {
	temp := o.TempDir
	if temp == "" {
		temp = o.Output
	}
	var r [8]byte
	rand.Read(r[:]) // never fails
	return join(temp, ".reprint-shards-"+hex.EncodeToString(r[:]))
}

// readShardFiles reads every file of band entries that names gives.
func readShardFiles(ctx context.Context, names func(*string) bool) ([][]byte, error) {
	var out [][]byte
	var name string
	for names(&name) {
		data, err := readFile(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("reprintbeam: reading band entries: %w", err)
		}
		out = append(out, data)
	}
	return out, nil
}

// removeDir deletes the files under dir, then dir itself where the file
// system has directories.
func removeDir(ctx context.Context, dir string) error {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	names, err := fs.List(ctx, join(dir, "*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		errs = append(errs, removeFile(ctx, name))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	removeFile(ctx, dir) // a local directory; other file systems have none
	return nil
}

func removeFile(ctx context.Context, name string) error {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("reprintbeam: the file system of %s cannot remove files", name)
	}
	return rm.Remove(ctx, name)
}
